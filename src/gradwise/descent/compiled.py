"""The plain gradient-descent loop, generated for one function, in Python or numba.

For the common case (plain float gd on an expression: no schedule, no line search, not exact)
``minimize`` runs a loop printed for the function: the lines of
:func:`gradwise.numeric.kernels.scalar_kernel` inlined into :data:`LOOP`, whose stopping rules
are :data:`gradwise.descent.stopping.LOOP_CHECKS`, the same rules as every other loop. Both
back ends run the same source and record the same floats, bit for bit: Python appends to
arrays, numba writes into preallocated ones (:mod:`gradwise.descent._numba_loop`), with every
power printed as CPython's ``pow`` and CPython's ``math`` (:mod:`gradwise.numeric._numba_math`).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import sympy

from gradwise.descent.stopping import LOOP_CHECKS
from gradwise.errors import InputError
from gradwise.language.expressions import Expression
from gradwise.numeric.kernels import body, key, renamed
from gradwise.numeric.printers import EXACT_INTEGERS, RUNTIME_ERRORS, compile_function

__all__ = ["LOOP", "descent_loop", "numba_loop_source"]

# Per point: evaluate; the stopping rules (LOOP_CHECKS, which also record the point); after
# max_steps updates, max_steps; else step. An error raised while evaluating ends the run as
# non_finite (the caller catches it), with the points so far.
LOOP = """
def loop(start, learning_rate, sign, tol, max_steps, limit, patience, _one, xs, values, gs,
         count):
    {unpack} = start
{prologue}
    tol2 = tol * tol
    limit2 = limit * limit
    rate = learning_rate * sign  # Δ = −η·(sign·∇f): sign = −1 is gradient ascent
    rises = 0
    last = last_g2 = inf
    for k in range(max_steps + 1):
{body}
        g2 = {g2}
{checks}
{update}
    return "max_steps"
"""


def descent_loop(f: Expression, backend: Literal["python", "numba"] = "python"
                 ) -> Callable[..., tuple[Any, ...]]:
    """The plain gradient-descent loop for f, with the trace kept (see ``descent.run``).

    ``loop(start, learning_rate, sign, tol, max_steps, limit, patience)`` returns
    ``(status, coordinate columns, values, gradient columns)``, each column a float64
    array of one number per point recorded.

    Args:
        f: the function, with no parameters left.
        backend: ``"python"``, or ``"numba"`` (needs numba; compiles on first use, or loads
            the machine code from the disk cache, see :mod:`gradwise.descent._numba_loop`).

    Example:
        >>> from gradwise.language.expressions import parse
        >>> status, xs, values, gs = descent_loop(parse("(1 - w)^2"))((3.0,), 0.1, 1.0, 0.0,
        ...                                                          1, 1e100, 10)
        >>> status, xs[0].tolist(), values.tolist(), gs[0].tolist()
        ('max_steps', [3.0, 2.6], [4.0, 2.5600000000000005], [4.0, 3.2])
    """
    if backend == "numba":
        from gradwise.descent import _numba_loop

        return _numba_loop.loop(numba_loop_source(f))
    return _descent_loop(*key(f))


def numba_loop_source(f: Expression) -> str:
    """The numba loop's source for f (printed, not compiled: numba is not imported).

    Raises:
        InputError: f uses a function the numba loop does not provide, or an integer past
            ``EXACT_INTEGERS`` (numba would round it where CPython does not).
    """
    return _numba_source(*key(f))


def _loop_source(lines: tuple[str, ...], n: int, record: list[str], prologue: str) -> str:
    pad, idx = " " * 8, range(n)
    checks = LOOP_CHECKS.format(gsum=" + ".join(f"_g{i}" for i in idx),
                                record="\n".join(pad + s for s in record),
                                record_inner="\n".join(pad + "    " + s for s in record))
    return LOOP.format(
        unpack="".join(f"_x{i}, " for i in idx),
        prologue=prologue,
        body="\n".join(pad + s for s in lines),
        g2=" + ".join(f"_g{i} * _g{i}" for i in idx),
        checks=checks.rstrip("\n"),
        update="\n".join(f"{pad}_x{i} = _x{i} - rate * _g{i}" for i in idx),
    )


@lru_cache(maxsize=64)
def _descent_loop(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    n = len(variables)
    prologue = "\n".join(f"    record_x{i} = xs[{i}].append; record_g{i} = gs[{i}].append"
                         for i in range(n)) + "\n    record_value = values.append"
    record = [f"record_x{i}(_x{i}); record_g{i}(_g{i})" for i in range(n)]
    source = _loop_source(body(expr, variables), n, [*record, "record_value(_v)"], prologue)
    kernel = compile_function(source, "loop", "math")

    def loop(start, learning_rate, sign, tol, max_steps, limit, patience):
        # array("d") appends as fast as a list, and NumPy reads it without a copy
        xs, gs = tuple(array("d") for _ in range(n)), tuple(array("d") for _ in range(n))
        values = array("d")
        try:
            status = kernel(start, learning_rate, sign, tol, max_steps, limit, patience, 1.0,
                            xs, values, gs, None)
        except RUNTIME_ERRORS:
            status = "non_finite"
        return status, tuple(map(_floats, xs)), _floats(values), tuple(map(_floats, gs))

    return loop


def _floats(column: array) -> Any:
    import numpy as np

    return np.frombuffer(column, dtype=np.float64)


@lru_cache(maxsize=64)
def _numba_source(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> str:
    from gradwise.descent._numba_loop import CALLABLE, header

    lines = body(expr, variables, "numba")
    unknown = {name for line in lines for name in re.findall(r"([A-Za-z_]\w*)\(", line)}
    unknown -= CALLABLE
    renamed_expr, inner = renamed(expr, variables)
    numbers = set().union(*(sympy.diff(renamed_expr, x).atoms(sympy.Rational) for x in inner))
    big = [a for a in numbers | renamed_expr.atoms(sympy.Rational)
           if max(abs(a.p), a.q) > EXACT_INTEGERS]
    if unknown or big:
        why = f"{min(unknown)}(...)" if unknown else f"the number {big[0]}"
        raise InputError(f"the numba loop cannot run {why} as CPython does. Fix: use "
                         "backend='python'")
    n = len(variables)
    record = [f"xs[{i}, k] = _x{i}; gs[{i}, k] = _g{i}" for i in range(n)]
    record += ["values[k] = _v", "count[0] = k + 1"]
    return header() + _loop_source(lines, n, record, "")
