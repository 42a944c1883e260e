"""Which loop runs plain float gradient descent: the Python loop or the same loop in numba.

Both run the same generated source and record the same floats (see
:func:`gradwise.descent.compiled.descent_loop`), so the choice is only about time. numba's loop
takes a few hundredths of a µs a step where Python takes about a third of a µs, but it costs
time before its first step. ``"auto"`` takes numba when that cost, estimated from what this
process and the disk cache already hold, is less than what ``max_steps`` steps would save.

The costs below were measured with ``benchmarks/bench_descent.py`` on a shared, noisy
2-core machine (a quiet one is faster, which moves the crossovers but not the order):

==========================================  =====================
numba not yet imported                      about 0.5 s
first numba loop in this process            about 0.5 s (LLVM starts up, even from the cache)
a loop numba compiled before, from disk     about 0.02 s
a loop numba has never compiled             about 1 s
a loop already loaded in this process       nothing
==========================================  =====================

So ``"auto"`` picks numba for a loaded loop from about 150 steps, for a cached one (in a
process where numba already runs) from about 100,000, and never when numba would have to
start or compile: a run is at most 1,000,000 steps, which saves about 0.2 s. Ask for
``backend="numba"`` to pay once for many long runs; the machine code stays on disk.

Example:
    >>> from gradwise.language.expressions import parse
    >>> choose("auto", parse("(1 - w)^2"), max_steps=10)
    'python'
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Literal

from gradwise.descent.compiled import numba_loop_source
from gradwise.errors import InputError
from gradwise.language.expressions import Expression

__all__ = ["Backend", "BACKENDS", "choose", "check", "one_time_cost", "SAVING_PER_STEP"]

Backend = Literal["auto", "python", "numba"]
BACKENDS: tuple[str, ...] = ("auto", "python", "numba")

SAVING_PER_STEP = 0.2e-6
"""Seconds a step of a whole run takes in Python less what it takes in numba (trace and
diagnosis included): about 0.25e-6 in 1-D, 0.5e-6 on 2-D Rosenbrock; rounded down."""

IMPORT_SECONDS = 0.5  # import numba
WARMUP_SECONDS = 0.5  # the first numba loop of a process: LLVM and numba's code generator
LOAD_SECONDS = 0.02  # a compiled loop from numba's disk cache, numba warm
COMPILE_SECONDS = 1.0  # a loop numba has never compiled
CALL_SECONDS = 30e-6  # a loaded loop: allocating its arrays and calling it


def check(backend: object) -> Backend:
    """``backend`` if it is one of :data:`BACKENDS`.

    Raises:
        InputError: another value, or ``"numba"`` without numba installed.
    """
    if backend not in BACKENDS:
        raise InputError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, "
                         f"received {backend!r}")
    if backend == "numba" and not numba_installed():
        raise InputError("backend='numba' needs numba: pip install 'gradwise[fast]' "
                         "(or use backend='auto', which runs Python without it)")
    return backend  # type: ignore[return-value]


def choose(backend: Backend, f: Expression, max_steps: int) -> Literal["python", "numba"]:
    """The loop to run for a plain float descent of f with at most ``max_steps`` steps.

    Raises:
        InputError: ``backend="numba"`` and f needs something the numba loop cannot
            compute as CPython does (see :func:`gradwise.descent.compiled.numba_loop_source`).
    """
    if backend == "numba":
        numba_loop_source(f)  # fails here, at the edge, rather than inside numba
        return "numba"
    if backend == "python" or not numba_installed():
        return "python"
    budget = max_steps * SAVING_PER_STEP
    if "numba" not in sys.modules and budget <= IMPORT_SECONDS + WARMUP_SECONDS:
        return "python"  # decided without printing the numba source
    try:
        source = numba_loop_source(f)
    except InputError:
        return "python"
    return "numba" if one_time_cost(source) < budget else "python"


def one_time_cost(source: str) -> float:
    """Estimated seconds before the numba loop for ``source`` takes its first step."""
    from gradwise.descent import _numba_loop

    if _numba_loop.is_loaded(source):
        return CALL_SECONDS
    cost = 0.0 if "numba" in sys.modules else IMPORT_SECONDS
    cost += 0.0 if _numba_loop.is_warm() else WARMUP_SECONDS
    return cost + (LOAD_SECONDS if _numba_loop.is_cached(source) else COMPILE_SECONDS)


def numba_installed() -> bool:
    """Whether numba can be imported (looked up, not imported)."""
    return importlib.util.find_spec("numba") is not None
