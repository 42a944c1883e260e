"""Helpers the web tests share: a real server in a subprocess, and process checks."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
CHILD_MARK = "gradwise.web._child"


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie has exited: it only waits for its parent to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def live_workers() -> list[int]:
    """Every live worker process on this machine (their command line names ``_child``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if CHILD_MARK.encode() in command and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(workers: int = 2, timeout: float = 5.0):
    """``gradwise serve`` in a subprocess on a free loopback port; yields (base URL, process)."""
    port = free_port()
    command = [sys.executable, "-m", "gradwise", "serve", "--port", str(port),
               "--workers", str(workers), "--timeout", str(timeout)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _answers(base) or process.poll() is not None, 60, 0.2) \
                or process.poll() is not None:
            raise RuntimeError(f"the server did not start: {process.stderr.read().decode()}")
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stderr.close()


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/api/openapi.json", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def tasks_env() -> dict[str, str]:
    """Environment that lets a worker import ``_web_tasks`` from the tests folder."""
    path = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path}


@contextlib.contextmanager
def served(app):
    """Serve ``app`` with uvicorn on a loopback port in a thread; yields an httpx.Client."""
    import threading

    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        if not wait_until(lambda: server.started or not thread.is_alive(), 60):
            raise RuntimeError("uvicorn did not start")
        with httpx.Client(base_url=f"http://127.0.0.1:{config.port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)

