"""Turning expressions into fast numeric kernels: the one place for speed.

Every kernel is Python source printed by SymPy's own code printer from an
:class:`~gradwise.expressions.Expression` (so no user text ever reaches ``exec``: the
variables are renamed ``_x0, _x1, ...`` and the functions come from a fixed set), then
executed once. Three kinds:

* :func:`scalar_kernel` - ``(x0, x1, ...) -> (f, (∂f/∂x0, ...))`` on floats, ``math`` module;
* :func:`descent_loop` - the whole plain gradient-descent loop with the trace kept, the
  same arithmetic inlined, for the common case (about 0.3 µs a step in 1-D);
* :func:`array_kernel` - the same as :func:`scalar_kernel` on NumPy arrays, for sweeps.

The loop and the scalar kernel share their printed lines, so they give bitwise the same
numbers; ``descent.run`` relies on that.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy
from sympy.printing.pycode import PythonCodePrinter

from gradwise.errors import InputError
from gradwise.expressions import Expression

__all__ = ["Kernel", "scalar_kernel", "descent_loop", "array_kernel", "hessian_kernel",
           "RUNTIME_ERRORS"]

RUNTIME_ERRORS = (OverflowError, ZeroDivisionError, ValueError, TypeError)
"""What float arithmetic raises where a value stops being a finite real number
(``math.exp(1000)``, ``1/0``, ``math.log(-1)``, a complex power compared with ``<``)."""


def _sigmoid(z: float) -> float:
    # the two forms avoid overflow of exp on either side
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softplus(z: float) -> float:
    return z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))


_NAMESPACE: dict[str, Any] = {"math": math, "_sigmoid": _sigmoid, "_softplus": _softplus}


class _Printer(PythonCodePrinter):
    """SymPy's Python printer, plus σ, relu and softplus as stable helpers."""

    def __init__(self, module: str = "math") -> None:
        super().__init__({"fully_qualified_modules": True})
        self.module = module

    def _print_sigmoid(self, expr: sympy.Expr) -> str:
        return f"_sigmoid({self._print(expr.args[0])})"

    def _print_softplus(self, expr: sympy.Expr) -> str:
        return f"_softplus({self._print(expr.args[0])})"

    def _print_relu(self, expr: sympy.Expr) -> str:
        return f"max(0.0, {self._print(expr.args[0])})"

    def _print_DiracDelta(self, expr: sympy.Expr) -> str:
        return "0.0"  # relu'' is 0 everywhere but at 0, where it is undefined


@dataclass(frozen=True)
class Kernel:
    """Printed code for f and ∇f: the lines that compute ``_v`` and ``_g0, _g1, ...``.

    Attributes:
        dimension: the number of variables.
        lines: Python statements reading ``_x0 ... _x{n-1}`` and setting ``_v``, ``_g{i}``.
        evaluate: ``evaluate(x0, ...) -> (f, (g0, ...))``, compiled from ``lines``.
    """

    dimension: int
    lines: tuple[str, ...]
    evaluate: Callable[..., tuple[float, tuple[float, ...]]]


def scalar_kernel(f: Expression) -> Kernel:
    """f and ∇f as one float function of the coordinates.

    Example:
        >>> from gradwise.expressions import parse
        >>> scalar_kernel(parse("(1 - w)^2")).evaluate(3.0)
        (4.0, (4.0,))
    """
    return _scalar_kernel(*_key(f))


def descent_loop(f: Expression) -> Callable[..., tuple[Any, ...]]:
    """The plain gradient-descent loop for f, with the trace kept (see ``descent.run``).

    ``loop(start, learning_rate, sign, tol, max_steps, limit, patience)`` returns
    ``(status, coordinate columns, values, gradient columns)``; the rules for stopping are
    those of ``gradwise.descent.run``, written out once more for speed.
    """
    return _descent_loop(*_key(f))


def array_kernel(f: Expression) -> Callable[..., tuple[Any, list[Any]]]:
    """f and ∇f on NumPy arrays of coordinates (one array per variable), for sweeps."""
    return _array_kernel(*_key(f))


def hessian_kernel(f: Expression) -> Callable[..., list[list[float]]]:
    """The Hessian matrix at a point as nested lists of floats."""
    return _hessian_kernel(*_key(f))


def _key(f: Expression) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    extra = f.expr.free_symbols - set(f.variables)
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise InputError(f"{f.text!r} still has the parameters {names}; give them values "
                         "(for example in the start point) before compiling")
    return f.expr, f.variables


def _renamed(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    inner = [sympy.Symbol(f"_x{i}", real=True) for i in range(len(variables))]
    return expr.xreplace(dict(zip(variables, inner))), inner


def _body(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[str, ...]:
    renamed, inner = _renamed(expr, variables)
    outputs = [renamed, *(sympy.diff(renamed, x) for x in inner)]
    temporaries, reduced = sympy.cse(outputs, symbols=sympy.numbered_symbols("_t"))
    printer = _Printer()
    lines = [f"{t} = {printer.doprint(e)}" for t, e in temporaries]
    lines.append(f"_v = {printer.doprint(reduced[0])}")
    lines += [f"_g{i} = {printer.doprint(e)}" for i, e in enumerate(reduced[1:])]
    return tuple(lines)


def _compile(source: str, name: str) -> Callable[..., Any]:
    namespace = dict(_NAMESPACE)
    exec(compile(source, f"<gradwise.compile {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


@lru_cache(maxsize=64)
def _scalar_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> Kernel:
    n = len(variables)
    lines = _body(expr, variables)
    xs = ", ".join(f"_x{i}" for i in range(n))
    gs = "".join(f"_g{i}, " for i in range(n))
    source = "\n".join([f"def evaluate({xs}):", *(f"    {s}" for s in lines),
                        f"    return _v, ({gs})"])
    return Kernel(n, lines, _compile(source, "evaluate"))


# The generated loop: the rules of ``gradwise.descent.run._Monitor``, arranged so that the
# common step runs few bytecodes. Per point: evaluate; one comparison catches NaN, infinity
# and |f| or |∇f|² past the limit (the rare branch sorts out which); record; converged if
# |∇f|² <= tol²; diverged if the objective and |∇f| rose `patience` steps running, above
# the start; after max_steps updates, max_steps; else step.
_LOOP = """
def loop(start, learning_rate, sign, tol, max_steps, limit, patience):
    {unpack} = start
    {columns}
    values = []
    record_value = values.append
    tol2 = tol * tol
    limit2 = limit * limit
    rate = learning_rate * sign  # Δ = −η·(sign·∇f): sign = −1 is gradient ascent
    rises = 0
    last = last_g2 = math.inf
    status = "max_steps"
    try:
        for k in range(max_steps + 1):
{body}
            g2 = {g2}
            if not (g2 <= limit2 and -limit < _v < limit):
                check = _v + {gsum}
                if check - check != 0.0:
                    status = "non_finite"
                    break
{record_inner}
                record_value(_v)
                status = "converged" if g2 <= tol2 else "diverged"
                break
{record}
            record_value(_v)
            if g2 <= tol2:
                status = "converged"
                break
            objective = sign * _v
            if objective > last and g2 > last_g2:
                rises += 1
                if rises >= patience and objective > sign * values[0]:
                    status = "diverged"
                    break
            else:
                rises = 0
            last = objective
            last_g2 = g2
{update}
    except RUNTIME_ERRORS:
        status = "non_finite"
    return status, ({xcols}), values, ({gcols})
"""


@lru_cache(maxsize=64)
def _descent_loop(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    n = len(variables)
    pad = " " * 12
    idx = range(n)
    source = _LOOP.format(
        unpack="".join(f"_x{i}, " for i in idx),
        columns="\n    ".join(f"xs{i} = []; gs{i} = []; record_x{i} = xs{i}.append; "
                                 f"record_g{i} = gs{i}.append" for i in idx),
        body="\n".join(pad + s for s in _body(expr, variables)),
        gsum=" + ".join(f"_g{i}" for i in idx),
        record="\n".join(f"{pad}record_x{i}(_x{i}); record_g{i}(_g{i})" for i in idx),
        record_inner="\n".join(f"{pad}    record_x{i}(_x{i}); record_g{i}(_g{i})" for i in idx),
        g2=" + ".join(f"_g{i} * _g{i}" for i in idx),
        update="\n".join(f"{pad}_x{i} = _x{i} - rate * _g{i}" for i in idx),
        xcols="".join(f"xs{i}, " for i in idx),
        gcols="".join(f"gs{i}, " for i in idx),
    )
    namespace = dict(_NAMESPACE, RUNTIME_ERRORS=RUNTIME_ERRORS)
    exec(compile(source, "<gradwise.compile loop>", "exec"), namespace)  # noqa: S102
    return namespace["loop"]


@lru_cache(maxsize=64)
def _array_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    renamed, inner = _renamed(expr, variables)
    outputs = [renamed, [sympy.diff(renamed, x) for x in inner]]
    modules = [{"sigmoid": _array_sigmoid, "relu": _array_relu, "softplus": _array_softplus,
                "DiracDelta": _array_zero}, "numpy"]
    return sympy.lambdify(inner, outputs, modules=modules, cse=True)


@lru_cache(maxsize=64)
def _hessian_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    renamed, inner = _renamed(expr, variables)
    rows = [[sympy.diff(renamed, a, b) for b in inner] for a in inner]
    printer = _Printer()
    matrix = ", ".join("[" + ", ".join(printer.doprint(c) for c in row) + "]" for row in rows)
    source = f"def hessian({', '.join(str(x) for x in inner)}):\n    return [{matrix}]"
    return _compile(source, "hessian")


def _array_sigmoid(z):
    import numpy as np

    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z) = (1 + tanh(z/2))/2, free of overflow


def _array_relu(z):
    import numpy as np

    return np.maximum(0.0, z)


def _array_softplus(z):
    import numpy as np

    return np.logaddexp(0.0, z)


def _array_zero(z):
    return 0.0 * z
