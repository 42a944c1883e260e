"""What a run needs from a function: its variables, a checked start, f and ∇f at a point.

A :class:`Problem` is built from a parsed expression (floats through a compiled kernel, or
exact rationals through SymPy) or from Python callables. Validation happens here, at the
edge: a start missing a variable or naming an unknown one, or where f is undefined, is an
error before any step is taken.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from gradwise import calculus
from gradwise.errors import DomainError, InputError
from gradwise.language.expressions import Expression, exact_number
from gradwise.numeric.kernels import hessian_kernel, scalar_kernel
from gradwise.numeric.printers import RUNTIME_ERRORS

Evaluate = Callable[[tuple[Any, ...]], tuple[Any, tuple[Any, ...]]]

EXACT_DIGITS = 2_000
"""Exact mode stops with an error when a number needs more digits than this."""


@dataclass(frozen=True)
class Problem:
    """A function ready to be stepped on.

    Attributes:
        names: the variables' names.
        start: the start point (floats, or rationals in exact mode).
        evaluate: ``evaluate(point) -> (f, ∇f)``; may raise one of ``RUNTIME_ERRORS``.
        expression: the parsed function, when there is one (parameters substituted).
        hessian: ``hessian(point) -> rows of floats``, when it can be had.
    """

    names: tuple[str, ...]
    start: tuple[Any, ...]
    evaluate: Evaluate
    expression: Expression | None = None
    hessian: Callable[[tuple[float, ...]], list[list[float]]] | None = None


def from_expression(f: Expression | str | sympy.Expr, start: Any, exact: bool) -> Problem:
    """A problem from a parsed (or parseable) function; ``start`` may also fix parameters."""
    f = _parsed(f) if isinstance(f, str) else calculus.as_expression(f)
    if not f.variables:
        raise InputError(f"{f.text!r} has no variables to optimize over")
    point = calculus.resolve_point(f, start, what="start")
    fixed = {s.name: v for s, v in point.items() if s not in f.variables}
    if fixed:
        f = f.substitute(fixed)
    begin = tuple(point[v] for v in f.variables)
    _check_defined(f, begin)
    names = f.names
    if exact:
        _check_exact(f, begin)
        return Problem(names, begin, _exact_evaluator(f), f, _float_hessian(f))
    kernel = scalar_kernel(f)
    floats = tuple(float(x) for x in begin)
    return Problem(names, floats, lambda p: kernel.evaluate(*p), f, _float_hessian(f))


def from_callables(f: Callable[..., Any], gradient: Callable[..., Any] | None,
                   start: Any) -> Problem:
    """A problem from ``f(*coordinates) -> float`` and ``gradient(*coordinates) -> floats``."""
    if gradient is None or not callable(gradient):
        raise InputError("a Python function needs its gradient too: pass gradient=callable "
                         "returning ∂f/∂x for each coordinate (or give f as text)")
    names, begin = _callable_start(start)

    def evaluate(point: tuple[float, ...]) -> tuple[float, tuple[float, ...]]:
        g = gradient(*point)
        return float(f(*point)), tuple(float(c) for c in (g if _is_sequence(g) else (g,)))

    try:
        value, grad = evaluate(begin)
    except RUNTIME_ERRORS as error:
        raise DomainError(f"f or its gradient fails at the start {begin}: {error}") from None
    if len(grad) != len(begin):
        raise InputError(f"the gradient has {len(grad)} components but the start has "
                         f"{len(begin)} coordinates")
    if not all(math.isfinite(x) for x in (value, *grad)):
        raise DomainError(f"f or its gradient is not finite at the start {begin}: "
                          f"f = {value}, ∇f = {grad}")
    return Problem(names, begin, evaluate, None, _difference_hessian(evaluate))


def too_long(point: tuple[Any, ...]) -> bool:
    """Whether an exact point has grown past ``EXACT_DIGITS`` digits."""
    limit = 10**EXACT_DIGITS
    return any(abs(x.p) > limit or x.q > limit for x in point)


# Expressions are immutable, so work done once per function (and per start) is kept: a
# training loop calling minimize again and again pays for parsing and SymPy only once.

@lru_cache(maxsize=256)
def _parsed(text: str) -> Expression:
    return calculus.as_expression(text)


@lru_cache(maxsize=256)
def _gradient(f: Expression) -> calculus.Gradient:
    return calculus.gradient(f)


@lru_cache(maxsize=1024)
def _check_defined(f: Expression, begin: tuple[Any, ...]) -> None:
    """Raise DomainError where f or ∇f is undefined at the start (exactly, in SymPy)."""
    where = dict(zip(f.names, begin))
    try:
        calculus.value_at(f, where)
        _gradient(f).at(where)
    except DomainError as error:
        from gradwise.language.notation import show

        listed = ", ".join(f"{n}={show(v)}" for n, v in where.items())
        raise DomainError(f"cannot start at ({listed}): {error}. Fix: choose another "
                          "start") from None


def _check_exact(f: Expression, begin: tuple[Any, ...]) -> None:
    for name, x in zip(f.names, begin):
        if not x.is_Rational:
            raise InputError(f"exact mode needs a rational start, but {name} = {x}. Fix: give a "
                             "fraction or a decimal, or drop exact")
    if not f.expr.is_rational_function(*f.variables) or any(
            not c.is_Rational for c in f.expr.atoms(sympy.Number)):
        raise InputError(f"exact mode works on rational functions (polynomials and their "
                         f"quotients with rational coefficients); {f.text!r} is not one, so "
                         "its steps would not stay rational. Fix: drop exact")


def _exact_evaluator(f: Expression) -> Evaluate:
    components = _gradient(f).components
    variables = f.variables

    def evaluate(point: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        values = dict(zip(variables, point))
        grad = tuple(c.xreplace(values) for c in components)
        value = f.expr.xreplace(values)
        if value.has(sympy.zoo, sympy.nan) or any(g.has(sympy.zoo, sympy.nan) for g in grad):
            raise ZeroDivisionError("division by zero")
        return value, grad

    return evaluate


def _float_hessian(f: Expression) -> Callable[[tuple[float, ...]], list[list[float]]]:
    kernel = hessian_kernel(f)
    return lambda point: kernel(*(float(x) for x in point))


def _difference_hessian(evaluate: Evaluate) -> Callable[[tuple[float, ...]], list[list[float]]]:
    def hessian(point: tuple[float, ...]) -> list[list[float]]:
        n = len(point)
        rows = []
        for j in range(n):
            h = 1e-5 * max(1.0, abs(point[j]))
            up = evaluate(tuple(x + h * (i == j) for i, x in enumerate(point)))[1]
            down = evaluate(tuple(x - h * (i == j) for i, x in enumerate(point)))[1]
            rows.append([(a - b) / (2 * h) for a, b in zip(up, down)])  # central difference
        return [[(rows[i][j] + rows[j][i]) / 2 for j in range(n)] for i in range(n)]

    return hessian


def _callable_start(start: Any) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if isinstance(start, Mapping):
        names = tuple(str(k) for k in start)
        values = list(start.values())
    elif _is_sequence(start):
        values = list(start)
        names = ("x",) if len(values) == 1 else tuple(f"x{i + 1}" for i in range(len(values)))
    else:
        names, values = ("x",), [start]
    if not values:
        raise InputError("the start is empty. Fix: give one number per coordinate")
    return names, tuple(float(exact_number(v, f"start {n}")) for n, v in zip(names, values))


def _is_sequence(value: Any) -> bool:
    return not isinstance(value, str | bytes) and hasattr(value, "__len__") and \
        hasattr(value, "__getitem__")
