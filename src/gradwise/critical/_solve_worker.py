"""A worker process for SymPy's solvers, so that a time budget can be enforced.

SymPy's solvers can run for hours and cannot be interrupted from inside, so the
solve runs in a child process (``python -m gradwise.critical._solve_worker``) that is
terminated, then killed, when its time is up. A plain subprocess rather than
``multiprocessing``: it never re-imports the caller's ``__main__`` (scripts without
an ``if __name__ == "__main__"`` guard keep working) and never forks a threaded
process. Starting one costs an interpreter and a SymPy import (about half a
second), so a worker that answered in time is kept warm for the next call.

Jobs and answers travel over the child's stdin/stdout as pickles of SymPy objects
that gradwise built itself; no text is evaluated on either side.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["Job", "start_job"]

_idle: list[_Worker] = []  # warm workers waiting for a job
_lock = threading.Lock()


class _Worker:
    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # src/, holding gradwise
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gradwise.critical._solve_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.replies: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._read, daemon=True, name="gradwise-solve-reader").start()

    def _read(self) -> None:
        try:
            while True:
                self.replies.put(pickle.load(self.process.stdout))  # type: ignore[arg-type]
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            self.replies.put("the solver process stopped unexpectedly")

    def send(self, job: Any) -> None:
        stream = self.process.stdin
        assert stream is not None  # opened with stdin=PIPE
        pickle.dump(job, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Terminate (SIGTERM), then kill (SIGKILL) if it is still alive a moment later.

        The waiting happens in a thread, so the caller's budget does not pay for it.
        """
        if self.alive():
            self.process.terminate()
            threading.Thread(target=self._reap, daemon=True,
                             name="gradwise-solve-reaper").start()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


    def _reap(self) -> None:
        try:
            self.process.wait(0.2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Job:
    """One solve in flight: ``result(deadline)`` waits at most until ``deadline``."""

    def __init__(self, components: Sequence[Any], variables: Sequence[Any],
                 general: bool = True) -> None:
        self._worker: _Worker | None = _take_idle() or _Worker()
        try:
            self._worker.send((list(components), list(variables), general))
        except OSError:
            self._worker.replies.put("the solver process could not be started")

    def result(self, deadline: float) -> Any:
        """The answer (an ``Answer`` or an error text), or None when ``deadline`` passed.

        ``deadline`` is on the ``time.monotonic()`` clock; a late worker is killed.
        """
        worker, self._worker = self._worker, None
        if worker is None:
            raise RuntimeError("the result of this job was already taken")
        try:
            answer = worker.replies.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            worker.stop()
            return None
        if isinstance(answer, str) or not worker.alive():
            worker.stop()
        else:
            with _lock:
                _idle.append(worker)
        return answer


def _take_idle() -> _Worker | None:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return None


@atexit.register
def _stop_idle() -> None:
    with _lock:
        while _idle:
            _idle.pop().stop()


def start_job(components: Sequence[Any], variables: Sequence[Any], general: bool = True) -> Job:
    """Send ∇f's components to a worker; returns at once (``general``: see ``solve_gradient``).

    Example:
        >>> import sympy, time
        >>> x = sympy.Symbol("x", real=True)
        >>> start_job([2*x - 2], [x]).result(time.monotonic() + 30).points
        ((1,),)
    """
    return Job(components, variables, general)


def _serve() -> None:  # the child's main loop
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt replies
    jobs = sys.stdin.buffer
    from gradwise.critical.symbolic import solve_gradient

    while True:
        try:
            components, variables, general = pickle.load(jobs)
        except (EOFError, KeyboardInterrupt):
            return
        try:
            answer: Any = solve_gradient(components, variables, general)
        except Exception as error:  # a failure of SymPy's is an answer, not a crash
            answer = f"{type(error).__name__}: {error}"
        pickle.dump(answer, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        _serve()
