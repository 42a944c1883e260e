"""A worker process for SymPy's solvers, so that a time budget can be enforced.

SymPy's solvers can run for hours and cannot be interrupted from inside, so the
solve runs in a separate process (the "spawn" start method: safe in threaded
programs and on every platform) that is terminated, then killed, when its time is
up. Starting one costs an interpreter and a SymPy import (about half a second),
so a worker that finished in time is kept warm and reused by the next call.

Jobs and answers travel as pickles of SymPy objects that gradwise built itself;
no text is evaluated on either side.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Sequence
from typing import Any

__all__ = ["Job", "start_job"]

_idle: list[Any] = []  # warm workers waiting for a job
_lock = threading.Lock()


def _serve(connection) -> None:  # runs in the worker process
    from gradwise._symbolic import solve_gradient

    try:
        while True:
            try:
                components, variables = connection.recv()
            except EOFError:
                return
            try:
                answer: Any = solve_gradient(components, variables)
            except Exception as error:  # any failure of SymPy's is an answer, not a crash
                answer = f"{type(error).__name__}: {error}"
            connection.send(answer)
    except KeyboardInterrupt:
        return


class _Worker:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True,
                                       name="gradwise-solve")
        self.process.start()
        child.close()

    def stop(self) -> None:
        """Terminate (SIGTERM), then kill (SIGKILL) if it is still alive a moment later."""
        self.process.terminate()
        self.process.join(0.2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()
        self.process.close()


class Job:
    """One solve in flight: ``result(deadline)`` waits at most until ``deadline``."""

    def __init__(self, components: Sequence[Any], variables: Sequence[Any]) -> None:
        self._worker = _take_idle() or _Worker()
        self._worker.connection.send((list(components), list(variables)))

    def result(self, deadline: float) -> Any:
        """The answer, or None when the deadline passed (the worker is then killed).

        ``deadline`` is on the ``time.monotonic()`` clock.
        """
        worker, self._worker = self._worker, None
        if worker is None:
            raise RuntimeError("the result of this job was already taken")
        try:
            ready = worker.connection.poll(max(0.0, deadline - time.monotonic()))
            answer = worker.connection.recv() if ready else None
        except (EOFError, OSError):
            ready, answer = False, None
        if not ready:
            worker.stop()
            return None
        with _lock:
            _idle.append(worker)
        return answer

    def cancel(self) -> None:
        """Stop the solve now (the worker is killed, not reused)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


def _take_idle() -> _Worker | None:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.process.is_alive():
                return worker
            worker.stop()
    return None


def start_job(components: Sequence[Any], variables: Sequence[Any]) -> Job:
    """Send ∇f's components to a worker; returns at once.

    Example:
        >>> import sympy, time
        >>> x = sympy.Symbol("x", real=True)
        >>> start_job([2*x - 2], [x]).result(time.monotonic() + 30).points
        ((1,),)
    """
    return Job(components, variables)
