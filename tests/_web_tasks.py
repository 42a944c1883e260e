"""Deliberately hostile tasks for the worker-pool tests (loaded only by those tests' pools).

``gradient`` is replaced by a slow one here, so the HTTP layer's 503 and timeouts can be
driven through ``/api/gradient`` without depending on how fast real maths is.
"""

import os
import subprocess
import sys
import time


def spin(args):
    """Burn CPU until killed."""
    while True:
        pass


def sleep(args):
    """Sleep ``seconds`` (no CPU), then answer."""
    time.sleep(args.get("seconds", 60))
    return {"slept": args.get("seconds", 60)}


def hog(args):
    """Allocate more memory than any limit allows, touching it."""
    blocks = []
    while True:
        blocks.append(bytearray(64 * 1024 * 1024))


def spawn_and_spin(args):
    """Start a grandchild (in this worker's process group), record its pid, then spin."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with open(args["pid_file"] + ".tmp", "w") as stream:
        stream.write(str(child.pid))
    os.replace(args["pid_file"] + ".tmp", args["pid_file"])  # readers never see it half-written
    spin(args)


def echo(args):
    return {"args": args, "pid": os.getpid()}


def crash(args):
    os._exit(3)


TASKS = {
    "spin": spin,
    "sleep": sleep,
    "hog": hog,
    "spawn_and_spin": spawn_and_spin,
    "echo": echo,
    "crash": crash,
    "gradient": sleep,
}
