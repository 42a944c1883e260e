"""``gradwise serve``: the banner comes once the port accepts connections (issue 18, item 18)."""

import re
import signal
import socket
import subprocess
import sys

from _web_support import ROOT


def test_the_banner_is_printed_once_the_port_accepts_connections():
    command = [sys.executable, "-m", "gradwise", "serve", "--port", "0", "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()  # blocks until the banner (the workers start first)
        found = re.fullmatch(r"gradwise playground on http://127\.0\.0\.1:(\d+)/  \(API: /api, "
                             r"Ctrl\+C stops\)\n", line)
        assert found, line
        with socket.create_connection(("127.0.0.1", int(found.group(1))), timeout=1):
            pass  # accepted at once: the port was open when the banner said so
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        server.stdout.close()
