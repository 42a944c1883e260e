"""The worker process: limits itself, loads the task table, then answers one request at a time.

Started by :class:`gradwise.web.workers.WorkerPool` as ``python -m gradwise.web._child`` in a
session of its own. The protocol is one JSON object per line: the first line from the server is
the configuration, each later line a request ``{"task": name, "args": {...}}``; every reply is
one line: ``{"meta": {"cpu_ms", "derived"}}`` (what the request cost this worker), a tab and
the document; or ``{"error": {"status": code, "error": message, ...}, "meta": ...}``.

The worker never outlives the server: the kernel sends it SIGKILL when the server's spawning
thread dies (``PR_SET_PDEATHSIG``), a guardian process kills its process group when the server
has gone, and the request loop ends at end of file on its standard input. Its temporary files
go to the private scratch folder the server made for it (``tempfile`` and ``TMPDIR`` point
there), which the server removes with the worker, or the guardian when the server has died.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import math
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from typing import Any, BinaryIO

_PR_SET_PDEATHSIG = 1


def main() -> None:
    """Run the worker until its standard input closes or its parent dies."""
    protocol_in = sys.stdin.buffer
    config = json.loads(protocol_in.readline() or b"{}")
    _die_with_parent(int(config["parent"]))
    scratch = str(config["scratch"])
    tempfile.tempdir = os.environ["TMPDIR"] = scratch
    _start_guardian(int(config["lifeline"]), scratch)
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr instead of corrupting the protocol
    _limit_memory(int(config["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a CPU-limit kill leaves no core file
    module = importlib.import_module(config["tasks"])
    tasks = module.TASKS
    if hasattr(module, "warm_up"):
        module.warm_up()
    _send(protocol_out, {"ready": os.getpid()})
    cpu_seconds = int(config["cpu_seconds"])
    for line in protocol_in:
        request = json.loads(line)
        _limit_cpu(cpu_seconds)
        reply = _answer(tasks, request)
        _send(protocol_out, reply)
        if reply.get("error", {}).get("limit") == "memory":
            return  # after a MemoryError the heap may be in any state: start afresh


def _answer(tasks: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Run one task, with what it cost (``meta``: CPU milliseconds, and whether anything had
    to be derived anew or all came from the worker's memory)."""
    from gradwise.web import memo

    cpu, derived = time.process_time(), memo.misses()
    reply = _outcome(tasks, request)
    reply["meta"] = {"cpu_ms": round((time.process_time() - cpu) * 1000, 3),
                     "derived": memo.misses() - derived}
    return reply


def _outcome(tasks: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Run one task and turn what it raised into an HTTP-shaped error document."""
    from gradwise.errors import DomainError, GradwiseError, ParseError, without_limits

    task = tasks.get(str(request.get("task")))
    if task is None:
        return _error(500, f"unknown task {request.get('task')!r}; known: {sorted(tasks)}")
    try:
        return {"ok": task(request.get("args", {}))}
    except ParseError as error:
        return {"error": {"status": 400, "error": without_limits(error.reason),
                          "column": error.column,
                          "text": error.text}}
    except DomainError as error:
        answer = _error(422, str(error))
        if getattr(error, "partial", None) is not None:  # e.g. a solve stopped at its budget
            answer["error"]["partial"] = error.partial  # type: ignore[attr-defined]
        return answer
    except GradwiseError as error:
        return _error(400, str(error))
    except RecursionError:
        return _error(400, "the expression is too deeply nested to handle; simplify it")
    except MemoryError:
        return {"error": {"status": 422, "limit": "memory", "error": "the computation needed "
                          "more memory than a request may use. Fix: try a smaller problem"}}
    except (Exception, SystemExit) as error:  # a bug must answer 500, not end the worker
        return _error(500, f"internal error ({type(error).__name__}: {error}); please report it")


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "error": message}}


def _send(stream: BinaryIO, reply: dict[str, Any]) -> None:
    """One line: a document's reply is its header, a tab, then the document itself, so the
    server hands the document's bytes on without parsing them again (compact JSON escapes
    every control character inside strings: no tab or line break can occur in it)."""
    if "ok" in reply:
        line = _json({"meta": reply.get("meta", {})}) + b"\t" + _json(reply["ok"])
    else:
        line = _json(reply)
    stream.write(line + b"\n")
    stream.flush()


def _json(value: Any) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_jsonable).encode()
    except ValueError:  # NaN or infinity somewhere: JSON has neither, so null (never a crash)
        from gradwise.documents import finite_or_null

        plain = json.loads(json.dumps(value, default=_jsonable))  # NaN survives the trip
        return json.dumps(finite_or_null(plain), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode()


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _limit_cpu(seconds: int) -> None:
    """Allow this request ``seconds`` more CPU time; past it the kernel sends SIGXCPU (fatal)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _limit_memory(limit: int) -> None:
    """Cap the address space: past it allocations fail and Python raises MemoryError."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the server dies, whatever the worker is doing."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _start_guardian(lifeline: int, scratch: str) -> None:
    """Fork a small guardian that kills this worker's whole process group when the server dies,
    and removes the worker's scratch folder.

    PR_SET_PDEATHSIG reaches only this process; a computation may have started others (the
    critical-point solver does). The guardian blocks on a pipe whose only writer is the server,
    so end of file means the server is gone, however it died; it holds no protocol pipe, so a
    dead worker still shows as end of file to the server.
    """
    worker = os.getpid()
    if os.fork() != 0:
        os.close(lifeline)
        return
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1):
            os.dup2(null, fd)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the server, not us
        while os.read(lifeline, 1):
            pass
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)  # first, so nothing writes to the folder meanwhile
        shutil.rmtree(scratch, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)
        os._exit(0)


if __name__ == "__main__":
    main()
