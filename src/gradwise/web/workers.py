"""A pool of sandboxed worker processes: every computation the web server does runs in one.

Each worker is a pre-started ``python -m gradwise.web._child`` (starting Python with SymPy costs
about half a second, too slow per request) in a session and process group of its own. It caps
its own address space (``RLIMIT_AS``) and, per request, its CPU time (``RLIMIT_CPU``); the pool
enforces a wall-clock timeout and, when it passes, kills the worker's whole process group and
starts a replacement. Each worker has a private scratch folder (mode 0700, the home of its
temporary files) that goes with it: removed when the pool kills it, or by its guardian when the
server dies. Workers die with the server, with whatever they started (see ``_child``:
``PR_SET_PDEATHSIG`` and a guardian on a lifeline pipe), and are spawned from one long-lived
thread because ``PR_SET_PDEATHSIG`` fires when the *thread* that forked them ends.

Example:
    >>> with WorkerPool(size=1) as pool:  # doctest: +SKIP
    ...     pool.run("gradient", {"expr": "x^2 + y^2"})["display"]
    '∇f(x, y) = 2x î + 2y ĵ'
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkerLimits", "WorkerPool", "TaskError", "PoolBusy", "OverLimit"]

_MAX_REPLY = 32 * 1024 * 1024  # bytes; a bigger answer is a runaway, not a result
_THREADS_ONE = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                       "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}


@dataclass(frozen=True)
class WorkerLimits:
    """What one request may use.

    Attributes:
        timeout: wall-clock seconds, enforced by the pool (kill and replace).
        cpu_seconds: CPU seconds, enforced by the kernel (``RLIMIT_CPU``, whole seconds).
        memory_bytes: the worker's address space (``RLIMIT_AS``), imports included.
        demote_after: wall-clock seconds after which a request's worker runs at the lowest
            CPU priority (nice 19), so slow requests cannot starve quick ones on a busy
            machine; the worker is restored (or, without the right to, replaced) afterwards.
    """

    timeout: float = 5.0
    cpu_seconds: int = 5
    memory_bytes: int = 2 * 1024**3
    demote_after: float = 0.25


class TaskError(Exception):
    """A request the pool answers with an HTTP error: ``status`` and a JSON ``document``."""

    def __init__(self, status: int, document: dict[str, Any]) -> None:
        self.status = status
        self.document = document
        super().__init__(document.get("error", ""))


class PoolBusy(TaskError):
    """Every worker is busy and the waiting line is full (HTTP 503)."""

    def __init__(self, message: str) -> None:
        super().__init__(503, {"error": message})


class OverLimit(TaskError):
    """The computation passed its time, CPU or memory limit and was stopped (HTTP 422)."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(422, {"error": message, "limit": limit})


class _Worker:
    """One child process, its pipes and its scratch folder; used by one thread at a time."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.pid = process.pid
        self.scratch = tempfile.mkdtemp(prefix=f"gradwise-worker-{self.pid}-")
        self.demoted = False
        self.keys: dict[str, None] = {}  # the functions it has served, oldest first

    def demote(self) -> None:
        """Run the worker's whole process group at nice 19: quick requests go first."""
        self.demoted = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PGRP, self.pid, 19)

    def restore(self) -> bool:
        """Back to normal priority; False where that needs a right we lack (not root)."""
        try:
            os.setpriority(os.PRIO_PGRP, self.pid, 0)
        except PermissionError:
            return False
        except OSError:  # the group is gone: the worker died meanwhile
            return False
        self.demoted = False
        return True

    def send(self, document: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(document).encode() + b"\n")
        self.process.stdin.flush()

    def receive(self, deadline: float,
                slow_at: float = math.inf) -> tuple[dict[str, Any], bytes | None] | None:
        """The next reply as (header, the document's JSON or None), or None at end of file
        (the worker died); TimeoutError past deadline.

        Past ``slow_at`` the worker is demoted to the lowest CPU priority (see ``demote``).
        """
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP)
        data = bytearray()
        while not data.endswith(b"\n"):
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError
            if not self.demoted and now >= slow_at:
                self.demote()
            wake = deadline if self.demoted else min(deadline, slow_at)
            if not poller.poll(max(wake - now, 0.0) * 1000):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            data += chunk
            if len(data) > _MAX_REPLY:
                raise OverLimit("memory", f"the answer passed {_MAX_REPLY // 2**20} MiB; "
                                "ask for fewer steps or points")
        head, tab, body = bytes(data[:-1]).partition(b"\t")
        return json.loads(head), (body if tab else None)

    def kill(self, grace: float = 0.0) -> int:
        """SIGKILL the worker's whole process group, reap it, close its pipes; its exit code.

        Args:
            grace: seconds to wait first for a worker that is already ending, so its own exit
                code (a signal from the kernel, say) is not hidden by ours.
        """
        if grace:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        code = self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()
        shutil.rmtree(self.scratch, ignore_errors=True)  # what a killed task left behind
        return code


class _IdleWorkers:
    """The free workers, each with the keys it has served (most recent last), so a request
    about one function goes back to a worker that has it in memory."""

    MEMORY = 64  # keys remembered per worker (its caches hold about this many functions)

    def __init__(self) -> None:
        self._free: list[_Worker] = []
        self._ready = threading.Condition()

    def count(self) -> int:
        with self._ready:
            return len(self._free)

    def put(self, worker: _Worker) -> None:
        with self._ready:
            self._free.append(worker)
            self._ready.notify()

    def take(self, key: str | None, timeout: float) -> _Worker | None:
        """A free worker that knows ``key``, else the free one knowing the fewest keys; None
        when none became free within ``timeout`` seconds."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._free, timeout):
                return None
            warm = [w for w in self._free if key is not None and key in w.keys]
            worker = warm[-1] if warm else min(self._free, key=lambda w: len(w.keys))
            self._free.remove(worker)
        if key is not None:
            worker.keys.pop(key, None)
            worker.keys[key] = None
            while len(worker.keys) > self.MEMORY:
                worker.keys.pop(next(iter(worker.keys)))
        return worker


class WorkerPool:
    """Pre-started sandboxed workers that run named tasks, with admission control.

    Args:
        tasks: the module whose ``TASKS`` dict (name -> function of a dict) the workers serve.
        size: the number of workers (default: 4 per CPU, at least 8 and at most 16: a slow
            request runs demoted and holds its worker, so quick ones need spare workers).
        limits: per-request limits.
        max_waiting: requests that may wait for a worker; past it ``run`` raises PoolBusy (503).
        queue_timeout: seconds a request may wait for a worker before PoolBusy.
        env: extra environment variables for the workers.
    """

    def __init__(self, tasks: str = "gradwise.web.tasks", size: int | None = None,
                 limits: WorkerLimits | None = None, max_waiting: int = 64,
                 queue_timeout: float = 10.0, env: dict[str, str] | None = None) -> None:
        self.tasks = tasks
        # more workers than cores on small machines: a long request then holds one worker
        # while short ones go on in the others
        self.size = size or min(16, max(8, 4 * (os.cpu_count() or 1)))
        self.limits = limits or WorkerLimits()
        self.queue_timeout = queue_timeout
        self._env = {**os.environ, **_THREADS_ONE, **(env or {})}
        self._admission = threading.BoundedSemaphore(self.size + max_waiting)
        self._idle = _IdleWorkers()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._orders: queue.Queue[int | None] = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="worker-spawner",
                                         daemon=True)
        self._closed = False
        self._lifeline: tuple[int, ...] = ()

    # -- life cycle ---------------------------------------------------------------------

    def start(self, wait: float = 60.0) -> WorkerPool:
        """Start the workers and wait until all are ready; RuntimeError if they are not in time."""
        # the lifeline: workers' guardians read it; end of file means this process has died
        self._lifeline = os.pipe()
        self._spawner.start()
        self._orders.put(self.size)
        deadline = time.monotonic() + wait
        while self._idle.count() < self.size:
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"the workers did not start within {wait} s")
            time.sleep(0.02)
        return self

    def close(self) -> None:
        """Kill every worker (with its process group) and stop the spawner."""
        self._closed = True
        self._orders.put(None)
        if self._spawner.is_alive():
            self._spawner.join(timeout=30)
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()
        if self._lifeline:
            for fd in self._lifeline:
                os.close(fd)
            self._lifeline = ()

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._live)

    # -- running tasks ------------------------------------------------------------------

    def run(self, task: str, args: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run ``task(args)`` in a worker and return its document (see ``call``)."""
        return json.loads(self.call(task, args, timeout)[0])

    def call(self, task: str, args: dict[str, Any], timeout: float | None = None,
             key: str | None = None) -> tuple[bytes, dict[str, Any]]:
        """Run ``task(args)`` in a worker; its document as JSON bytes (as the worker wrote it,
        ready to send on) and what it cost (``meta``).

        Requests with the same ``key`` (the function they are about) go to a free worker that
        has served that key before, whose memory holds what the function derives; with none
        free, to the free worker that knows the fewest keys.

        Args:
            task: a name in the task module's ``TASKS``.
            args: JSON-able arguments.
            timeout: wall-clock seconds for this request (default ``limits.timeout``).

        Returns:
            (JSON, meta): meta holds ``cpu_ms`` (the worker's CPU time) and ``derived``
            (answers it had to compute rather than recall; 0: all from its memory), plus
            ``wall_ms``, the time from sending the request to reading the answer.

        Raises:
            PoolBusy: too many requests at once, or no worker free within ``queue_timeout``.
            OverLimit: the computation passed a limit; its worker was killed and replaced.
            TaskError: the task refused its input (400) or failed (422, 500).
        """
        if self._closed:
            raise PoolBusy("the server is shutting down. Fix: try again shortly")
        if not self._admission.acquire(blocking=False):
            raise PoolBusy("the server is busy (every worker is taken and the waiting line is "
                           "full); retry in a moment")
        try:
            worker = self._take_worker(key)
            return self._run_on(worker, task, args, timeout or self.limits.timeout)
        finally:
            self._admission.release()

    def _take_worker(self, key: str | None) -> _Worker:
        worker = self._idle.take(key, self.queue_timeout)
        if worker is None:
            raise PoolBusy(f"no worker became free within {self.queue_timeout:g} s; "
                           "retry in a moment")
        return worker

    def _run_on(self, worker: _Worker, task: str, args: dict[str, Any],
                timeout: float) -> tuple[bytes, dict[str, Any]]:
        started = time.monotonic()
        try:
            worker.send({"task": task, "args": args})
            reply = worker.receive(started + timeout, started + self.limits.demote_after)
        except TimeoutError:
            self._replace(worker)
            raise OverLimit("time", f"the computation took longer than {timeout:g} s and was "
                            "stopped. Fix: try a simpler function, fewer steps or a smaller "
                            "range") from None
        except OverLimit:
            self._replace(worker)
            raise
        except BrokenPipeError:
            self._replace(worker)
            raise PoolBusy("a worker was being replaced; retry in a moment") from None
        except ValueError:
            self._replace(worker)
            raise TaskError(500, {"error": "the worker sent a malformed answer; please report "
                                  "the request"}) from None
        if reply is None:
            raise self._died(worker)
        header, body = reply
        meta = {**header.get("meta", {}), "wall_ms": (time.monotonic() - started) * 1000}
        if body is not None:
            self._release(worker)
            return body, meta
        error = header["error"]
        if "limit" in error:  # the worker ends itself after a MemoryError
            self._replace(worker, grace=1.0)
            raise OverLimit(error["limit"], error["error"])
        self._release(worker)
        raise TaskError(int(error.pop("status")), error)

    def _release(self, worker: _Worker) -> None:
        """Back to the idle queue at normal priority, or replaced where that cannot be had."""
        if worker.demoted and not worker.restore():
            self._replace(worker)
            return
        self._idle.put(worker)

    def _died(self, worker: _Worker) -> TaskError:
        code = self._replace(worker, grace=1.0)
        if code == -signal.SIGXCPU:
            return OverLimit("cpu", f"the computation used more than "
                             f"{self.limits.cpu_seconds} s of CPU time and was stopped. Fix: try a "
                             "simpler function")
        if code == -signal.SIGKILL:
            return OverLimit("memory", "the computation was stopped (most likely it needed "
                             "more memory than a request may use). Fix: try a smaller problem")
        return TaskError(500, {"error": f"the worker stopped unexpectedly (exit code {code}); "
                               "please report the request"})

    def _replace(self, worker: _Worker, grace: float = 0.0) -> int:
        with self._lock:
            self._live.discard(worker)
        code = worker.kill(grace)
        if not self._closed:
            self._orders.put(1)
        return code

    # -- spawning (one long-lived thread: PR_SET_PDEATHSIG follows the forking thread) ---

    def _spawn_loop(self) -> None:
        while True:
            count = self._orders.get()
            if count is None or self._closed:
                return
            started = [self._spawn() for _ in range(count)]
            for worker in started:
                self._await_ready(worker)

    def _spawn(self) -> _Worker:
        process = subprocess.Popen(
            [sys.executable, "-m", "gradwise.web._child"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=self._env, start_new_session=True, close_fds=True,
            pass_fds=self._lifeline[:1])
        worker = _Worker(process)
        if os.geteuid() == 0:  # start-up (~1 CPU-second of imports) must not starve requests;
            worker.demote()    # only root may raise the priority back once it is ready
        with self._lock:
            self._live.add(worker)
        worker.send({"parent": os.getpid(), "lifeline": self._lifeline[0], "tasks": self.tasks,
                     "scratch": worker.scratch, "cpu_seconds": self.limits.cpu_seconds,
                     "memory_bytes": self.limits.memory_bytes})
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            reply = worker.receive(time.monotonic() + 60)
        except (TimeoutError, OverLimit, ValueError):
            reply = None
        ready = reply is not None and "ready" in reply[0] and not self._closed
        if ready and (not worker.demoted or worker.restore()):
            self._idle.put(worker)
            return
        with self._lock:
            self._live.discard(worker)
        code = worker.kill()
        if not self._closed:
            print(f"gradwise: a worker failed to start (exit code {code}); retrying",
                  file=sys.stderr)
            time.sleep(1)
            self._orders.put(1)
