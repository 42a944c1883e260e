"""Expressions → float functions: f and ∇f on floats and arrays, the Hessian, batches, digits.

Each function is source printed by :mod:`gradwise.numeric.printers` from an
:class:`~gradwise.language.expressions.Expression` (variables renamed ``_x0, _x1, ...``, so no
user text ever reaches ``exec``) and run in its target's namespace:

* :func:`scalar_kernel`: ``(x0, x1, ...) -> (f, (∂f/∂x0, ...))`` on CPython floats; the
  generated descent loop (:mod:`gradwise.descent.compiled`) runs the same printed lines;
* :func:`array_kernel`: the same on NumPy arrays of coordinates, for the learning-rate sweep;
* :func:`hessian_kernel`: the Hessian at a point, as nested lists of floats;
* :func:`batch_function`: several expressions at once on a batch of points (N, n), NumPy;
* :func:`grid_function`: one expression on grids, NaN where it is undefined (pictures);
* :func:`precise_function`: one expression in mpmath, at the working precision.

Example:
    >>> from gradwise.language.expressions import parse
    >>> scalar_kernel(parse("(1 - w)^2")).evaluate(3.0)
    (4.0, (4.0,))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import sympy

from gradwise.errors import InputError
from gradwise.language.expressions import Expression
from gradwise.numeric.printers import compile_function, printer

__all__ = ["Kernel", "key", "body", "scalar_kernel", "array_kernel", "hessian_kernel",
           "batch_function", "grid_function", "precise_function"]


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
    """f and ∇f as one float function of the coordinates (CPython's ``math``)."""
    return _scalar_kernel(*key(f))


def array_kernel(f: Expression) -> Callable[..., tuple[Any, list[Any]]]:
    """f and ∇f on NumPy arrays of coordinates (one array per variable), for sweeps.

    Example:
        >>> import numpy as np
        >>> from gradwise.language.expressions import parse
        >>> value, (slope,) = array_kernel(parse("x^2"))(np.array([1.0, 3.0]))
        >>> value.tolist(), slope.tolist()
        ([1.0, 9.0], [2.0, 6.0])
    """
    return _array_kernel(*key(f))


def hessian_kernel(f: Expression) -> Callable[..., list[list[float]]]:
    """The Hessian matrix at a point as nested lists of floats."""
    return _hessian_kernel(*key(f))


@lru_cache(maxsize=256)  # finding the free symbols walks the expression: once per function
def key(f: Expression) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """``(expr, variables)``, refusing a function whose parameters have no values yet."""
    extra = f.expr.free_symbols - set(f.variables)
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise InputError(f"{f.text!r} still has the parameters {names}. Fix: give them values "
                         "(for example in the start point) before compiling")
    return f.expr, f.variables


def renamed(expr: sympy.Expr, variables: Sequence[sympy.Symbol]
            ) -> tuple[sympy.Expr, list[sympy.Symbol]]:
    """``expr`` with its variables renamed ``_x0, _x1, ...`` (names no user can type)."""
    inner = [sympy.Symbol(f"_x{i}", real=True) for i in range(len(variables))]
    return expr.xreplace(dict(zip(variables, inner, strict=True))), inner


def body(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...],
         target: Literal["math", "numba", "numpy"] = "math") -> tuple[str, ...]:
    """The statements computing ``_v`` = f and ``_g{i}`` = ∂f/∂x_i, common parts once (CSE)."""
    expr, inner = renamed(expr, variables)
    outputs = [expr, *(sympy.diff(expr, x) for x in inner)]
    temporaries, reduced = sympy.cse(outputs, symbols=sympy.numbered_symbols("_t"))
    print_ = printer(target).doprint
    lines = [f"{t} = {print_(e)}" for t, e in temporaries]
    lines.append(f"_v = {print_(reduced[0])}")
    lines += [f"_g{i} = {print_(e)}" for i, e in enumerate(reduced[1:])]
    return tuple(lines)


def _function(name: str, arguments: str, lines: Sequence[str], result: str,
              target: Literal["math", "numpy", "mpmath"]) -> Callable[..., Any]:
    source = "\n".join([f"def {name}({arguments}):", *(f"    {s}" for s in lines),
                        f"    return {result}"])
    return compile_function(source, name, target)


@lru_cache(maxsize=64)
def _scalar_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> Kernel:
    n = len(variables)
    lines = body(expr, variables)
    gs = "".join(f"_g{i}, " for i in range(n))
    evaluate = _function("evaluate", ", ".join(f"_x{i}" for i in range(n)), lines,
                         f"_v, ({gs})", "math")
    return Kernel(n, lines, evaluate)


@lru_cache(maxsize=64)
def _array_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    n = len(variables)
    lines = body(expr, variables, "numpy")
    return _function("evaluate", ", ".join(f"_x{i}" for i in range(n)), lines,
                     f"_v, [{', '.join(f'_g{i}' for i in range(n))}]", "numpy")


@lru_cache(maxsize=64)
def _hessian_kernel(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    expr, inner = renamed(expr, variables)
    print_ = printer("math").doprint
    rows = [[print_(sympy.diff(expr, a, b)) for b in inner] for a in inner]
    matrix = ", ".join("[" + ", ".join(row) + "]" for row in rows)
    return _function("hessian", ", ".join(str(x) for x in inner), [], f"[{matrix}]", "math")


def batch_function(exprs: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol]
                   ) -> Callable[[Any], Any]:
    """``F(X) -> (N, k)`` floats: k expressions at each row of X (N, n), NumPy, no warnings.

    A value that is undefined there (a division by zero, a log of a negative number) is NaN.

    Example:
        >>> import numpy as np
        >>> x, y = sympy.symbols("x y", real=True)
        >>> batch_function([x * y, x + 1], (x, y))(np.array([[2.0, 3.0]])).tolist()
        [[6.0, 3.0]]
    """
    import numpy as np

    names = renamed(sympy.S.Zero, variables)[1]
    print_ = printer("numpy").doprint
    parts = [print_(renamed(e, variables)[0]) for e in exprs]
    function = _function("batch", ", ".join(map(str, names)), [], f"[{', '.join(parts)}]",
                         "numpy")

    def evaluate(X: Any) -> Any:
        with np.errstate(all="ignore"):
            values = function(*np.asarray(X, dtype=float).T)
        return np.stack([np.broadcast_to(np.asarray(v, dtype=float), X.shape[:1])
                         for v in values], axis=-1)

    return evaluate


def grid_function(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """``F(*arrays)``: one expression on arrays of the variables (a grid), NaN where undefined.

    Example:
        >>> import numpy as np
        >>> x = sympy.Symbol("x", real=True)
        >>> grid_function(sympy.log(x), (x,))(np.array([1.0, -1.0])).tolist()
        [0.0, nan]
    """
    import numpy as np

    renamed_expr, inner = renamed(expr, variables)
    function = _function("grid", ", ".join(map(str, inner)), [],
                         printer("numpy").doprint(renamed_expr), "numpy")

    def evaluate(*arrays: Any) -> Any:
        with np.errstate(all="ignore"):
            values = np.asarray(function(*arrays), dtype=float)
        return np.broadcast_to(values, np.shape(arrays[0])).astype(float)

    return evaluate


def precise_function(expr: sympy.Expr, variables: Sequence[sympy.Symbol]
                     ) -> Callable[..., Any]:
    """``F(*mpf)``: one expression in mpmath, at mpmath's working precision (``mp.dps``).

    Example:
        >>> import mpmath
        >>> x = sympy.Symbol("x", real=True)
        >>> with mpmath.workdps(30):
        ...     str(precise_function(x / 3, (x,))(mpmath.mpf(1)))
        '0.333333333333333333333333333333'
    """
    renamed_expr, inner = renamed(expr, variables)
    return _function("precise", ", ".join(map(str, inner)), [],
                     printer("mpmath").doprint(renamed_expr), "mpmath")
