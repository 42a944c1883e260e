"""Turning expressions into fast numeric kernels: the one place for speed.

Every kernel is Python source printed by SymPy's own code printer from an
:class:`~gradwise.language.expressions.Expression` (so no user text ever reaches ``exec``: the
variables are renamed ``_x0, _x1, ...`` and the functions come from a fixed set), then
executed once. Three kinds:

* :func:`scalar_kernel` - ``(x0, x1, ...) -> (f, (∂f/∂x0, ...))`` on floats, ``math`` module;
* :func:`descent_loop` - the whole plain gradient-descent loop with the trace kept, the
  same arithmetic inlined, for the common case (about 0.3 µs a step in 1-D), in Python or,
  with ``backend="numba"``, the same source compiled by numba (:mod:`gradwise.descent._numba_loop`);
* :func:`array_kernel` - the same as :func:`scalar_kernel` on NumPy arrays, for sweeps.

The loop and the scalar kernel share their printed lines, so they give bitwise the same
numbers; ``descent.run`` relies on that. The numba loop runs those lines too, with one
change of printing (``a**b`` becomes ``_pow(a, b, _one)``) and CPython's float semantics
supplied by :mod:`gradwise.numeric._numba_math`, so it records the same numbers bit for bit.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import sympy
from sympy.printing.pycode import PythonCodePrinter

from gradwise.errors import InputError
from gradwise.language.expressions import Expression

__all__ = ["Kernel", "scalar_kernel", "descent_loop", "numba_loop_source", "array_kernel",
           "hessian_kernel", "RUNTIME_ERRORS", "EXACT_INTEGERS"]

RUNTIME_ERRORS = (OverflowError, ZeroDivisionError, ValueError, TypeError)
"""What float arithmetic raises where a value stops being a finite real number
(``math.exp(1000)``, ``1/0``, ``math.log(-1)``, a complex power compared with ``<``)."""

EXACT_INTEGERS = 2**53
"""Integers up to this size are printed as floats, exactly: every kernel computes in floats."""


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

    def _print_Integer(self, expr: sympy.Integer) -> str:
        # 1.0, not 1: a constant partial derivative, or relu's 0/1 slope, is recorded as a
        # float like every other number (int·float gives the same bits as float·float)
        return repr(float(expr)) if abs(expr.p) <= EXACT_INTEGERS else str(expr.p)

    _print_Zero = _print_One = _print_NegativeOne = _print_Integer


class _NumbaPrinter(_Printer):
    """The same printer for the numba loop: powers go through CPython's float_pow.

    numba's ``**`` multiplies out integer powers and LLVM turns ``pow(x, 2.0)`` into
    ``x * x``; both differ from CPython's ``pow`` in the last bit for some x, so every
    power (but the square roots and reciprocals, printed as ``math.sqrt`` and ``1/x``)
    becomes ``_pow(base, exponent, _one)``, with ``_one = 1.0`` known only at run time.
    """

    def _print_Pow(self, expr: sympy.Expr, rational: bool = False) -> str:
        if expr.exp in (sympy.S.Half, -sympy.S.Half, sympy.S.NegativeOne):
            return super()._print_Pow(expr, rational)
        return f"_pow({self._print(expr.base)}, {self._print(expr.exp)}, _one)"


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
        >>> from gradwise.language.expressions import parse
        >>> scalar_kernel(parse("(1 - w)^2")).evaluate(3.0)
        (4.0, (4.0,))
    """
    return _scalar_kernel(*_key(f))


def descent_loop(f: Expression, backend: Literal["python", "numba"] = "python"
                 ) -> Callable[..., tuple[Any, ...]]:
    """The plain gradient-descent loop for f, with the trace kept (see ``descent.run``).

    ``loop(start, learning_rate, sign, tol, max_steps, limit, patience)`` returns
    ``(status, coordinate columns, values, gradient columns)``, each column a float64
    array of one number per point recorded; the rules for stopping are
    those of ``gradwise.descent.run``, written out once more for speed. Both back ends run
    the same generated source and record the same floats, bit for bit.

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
    return _descent_loop(*_key(f))


def numba_loop_source(f: Expression) -> str:
    """The numba loop's source for f (printed, not compiled: numba is not imported).

    Raises:
        InputError: f uses a function the numba loop does not provide, or an integer past
            ``EXACT_INTEGERS`` (numba would round it where CPython does not).
    """
    return _numba_source(*_key(f))


def array_kernel(f: Expression) -> Callable[..., tuple[Any, list[Any]]]:
    """f and ∇f on NumPy arrays of coordinates (one array per variable), for sweeps."""
    return _array_kernel(*_key(f))


def hessian_kernel(f: Expression) -> Callable[..., list[list[float]]]:
    """The Hessian matrix at a point as nested lists of floats."""
    return _hessian_kernel(*_key(f))


@lru_cache(maxsize=256)  # finding the free symbols walks the expression: once per function
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


def _body(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...],
          printer: _Printer | None = None) -> tuple[str, ...]:
    renamed, inner = _renamed(expr, variables)
    outputs = [renamed, *(sympy.diff(renamed, x) for x in inner)]
    temporaries, reduced = sympy.cse(outputs, symbols=sympy.numbered_symbols("_t"))
    printer = printer or _Printer()
    lines = [f"{t} = {printer.doprint(e)}" for t, e in temporaries]
    lines.append(f"_v = {printer.doprint(reduced[0])}")
    lines += [f"_g{i} = {printer.doprint(e)}" for i, e in enumerate(reduced[1:])]
    return tuple(lines)


def _compile(source: str, name: str) -> Callable[..., Any]:
    namespace = dict(_NAMESPACE)
    exec(compile(source, f"<gradwise.numeric.compile {name}>", "exec"), namespace)  # noqa: S102
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
# the start; after max_steps updates, max_steps; else step. An error raised while
# evaluating ends the run as non_finite (the caller catches it), with the points so far.
# Both back ends fill this in: Python appends to lists, numba writes into arrays.
LOOP = """
def loop(start, learning_rate, sign, tol, max_steps, limit, patience, _one, xs, values, gs,
         count):
    {unpack} = start
{prologue}
    tol2 = tol * tol
    limit2 = limit * limit
    rate = learning_rate * sign  # Δ = −η·(sign·∇f): sign = −1 is gradient ascent
    rises = 0
    last = last_g2 = math.inf
    for k in range(max_steps + 1):
{body}
        g2 = {g2}
        if not (g2 <= limit2 and -limit < _v < limit):
            check = _v + {gsum}
            if check - check != 0.0:
                return "non_finite"
{record_inner}
            return "converged" if g2 <= tol2 else "diverged"
{record}
        if g2 <= tol2:
            return "converged"
        objective = sign * _v
        if objective > last and g2 > last_g2:
            rises += 1
            if rises >= patience and objective > sign * values[0]:
                return "diverged"
        else:
            rises = 0
        last = objective
        last_g2 = g2
{update}
    return "max_steps"
"""


def _loop_source(lines: tuple[str, ...], n: int, record: list[str], prologue: str) -> str:
    pad, idx = " " * 8, range(n)
    return LOOP.format(
        unpack="".join(f"_x{i}, " for i in idx),
        prologue=prologue,
        body="\n".join(pad + s for s in lines),
        gsum=" + ".join(f"_g{i}" for i in idx),
        record="\n".join(pad + s for s in record),
        record_inner="\n".join(pad + "    " + s for s in record),
        g2=" + ".join(f"_g{i} * _g{i}" for i in idx),
        update="\n".join(f"{pad}_x{i} = _x{i} - rate * _g{i}" for i in idx),
    )


@lru_cache(maxsize=64)
def _descent_loop(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    n = len(variables)
    prologue = "\n".join(f"    record_x{i} = xs[{i}].append; record_g{i} = gs[{i}].append"
                         for i in range(n)) + "\n    record_value = values.append"
    record = [f"record_x{i}(_x{i}); record_g{i}(_g{i})" for i in range(n)]
    source = _loop_source(_body(expr, variables), n, [*record, "record_value(_v)"], prologue)
    kernel = _compile(source, "loop")

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
    from gradwise.descent._numba_loop import FUNCTIONS, HEADER

    lines = _body(expr, variables, _NumbaPrinter())
    unknown = {name for line in lines for name in re.findall(r"math\.(\w+)\(", line)}
    unknown -= FUNCTIONS
    renamed, inner = _renamed(expr, variables)
    numbers = set().union(*(sympy.diff(renamed, x).atoms(sympy.Rational) for x in inner))
    big = [a for a in numbers | renamed.atoms(sympy.Rational)
           if max(abs(a.p), a.q) > EXACT_INTEGERS]
    if unknown or big:
        why = f"math.{min(unknown)}" if unknown else f"the number {big[0]}"
        raise InputError(f"the numba loop cannot run {why} as CPython does; use "
                         "backend='python'")
    n = len(variables)
    record = [f"xs[{i}, k] = _x{i}; gs[{i}, k] = _g{i}" for i in range(n)]
    record += ["values[k] = _v", "count[0] = k + 1"]
    return HEADER + _loop_source(lines, n, record, "")


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
