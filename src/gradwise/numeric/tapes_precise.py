"""Tapes evaluated at 50 digits with mpmath: the check that nothing is invented.

A point found in floats is a critical point only if ∇f vanishes there in a scale-aware
sense at higher precision (``regions.Verifier``): an exponential that underflows to 0 in
floats (e^(−9000)) is not 0 at 50 digits. Evaluating the same tape as the interval search
(``tapes.Tape``) keeps the two in step and costs no compilation, unlike printing a long
Hessian as source, which takes seconds.

Example:
    >>> import sympy
    >>> from gradwise.numeric.tapes import Tape
    >>> x = sympy.Symbol("x", real=True)
    >>> value, = evaluate(Tape([sympy.exp(-x**2)], [x]), [95])
    >>> float(mpmath.log10(value))  # e^(−9025) = 10^(−3919.5...): 0 in floats
    -3919.5...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy

from gradwise.numeric.tapes import Tape

__all__ = ["evaluate", "exact", "EXACT_KINDS", "enclose_at"]


def evaluate(tape: Tape, point: Sequence[Any], digits: int = 50) -> list[Any]:
    """The tape's expressions at ``point`` (floats or mpf), at ``digits`` significant digits.

    Raises:
        ValueError, ZeroDivisionError: f is not defined at the point.
    """
    with mpmath.workdps(digits):
        values: list[Any] = []
        for kind, args, param in tape.ops:
            if kind == "var":
                values.append(mpmath.mpf(point[param]))
            elif kind == "const":
                values.append(mpmath.mpf(sympy.N(param[3], digits + 10)))
            else:
                values.append(_OPS[kind](*[values[a] for a in args], param))
        return [+values[s] for s in tape.outputs]  # unary + rounds to the working precision


def _power(a, n):
    if a == 0 and n < 0:
        raise ZeroDivisionError("0 to a negative power")
    return a**n


def _real_power(a, r):
    if a < 0 or (a == 0 and r < 0):
        raise ValueError("a non-integer power of a negative number")
    return mpmath.power(a, mpmath.mpf(r.p) / r.q)


def _real(function: Callable) -> Callable:
    """mpmath's function, refusing complex results (SymPy's reals)."""
    def real(a, param):
        value = function(a)
        if isinstance(value, mpmath.mpc):
            raise ValueError("not real here")
        return value
    return real


_OPS: dict[str, Callable] = {
    "add": lambda a, b, param: a + b,
    "mul": lambda a, b, param: a * b,
    "max": lambda a, b, param: max(a, b),
    "min": lambda a, b, param: min(a, b),
    "pow": lambda a, param: _power(a, param),
    "rpow": lambda a, param: _real_power(a, param),
    "heaviside": lambda a, param: mpmath.mpf(1 if a > 0 else (param if a == 0 else 0)),
    "dirac": lambda a, param: mpmath.inf if a == 0 else mpmath.mpf(0),
    "relu": lambda a, param: max(a, mpmath.mpf(0)),
    "sigmoid": lambda a, param: 1 / (1 + mpmath.exp(-a)),
    "softplus": lambda a, param: mpmath.log(1 + mpmath.exp(a)),
    "abs": lambda a, param: abs(a),
    "sign": lambda a, param: mpmath.mpf(mpmath.sign(a)),
    **{name: _real(getattr(mpmath, name)) for name in (
        "sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
        "tanh")},
}


# -- exact: SymPy's own numbers ---------------------------------------------------------------

EXACT_KINDS = frozenset({"var", "const", "add", "mul", "pow", "rpow", "sqrt", "exp", "log",
                         "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"})
_SYMPY: dict[str, Callable] = {
    "add": lambda a, b, param: a + b,
    "mul": lambda a, b, param: a * b,
    "pow": lambda a, param: a ** param,
    "rpow": lambda a, param: a ** param,
    "sqrt": lambda a, param: sympy.sqrt(a),
    **{name: (lambda function: lambda a, param: function(a))(getattr(sympy, name))
       for name in ("exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
                    "tanh")},
}


def exact(tape: Tape, point: Sequence[sympy.Expr]) -> list[sympy.Expr] | None:
    """The tape's expressions at an exact point, in SymPy's exact numbers, each distinct
    subexpression evaluated once: what ``expr.xreplace(point)`` gives (the same value; the
    same number wherever it is rational), in a fraction of the time for a long Hessian.
    None when the tape holds an operation SymPy evaluates differently at a kink or a jump
    (|·|, sign, H, δ, relu, ...), or where it wrote u^v as e^(v·ln u) (0^(π/4) is 0, while
    e^(π/4·ln 0) is not a number): then ``xreplace`` it is."""
    if tape.rewritten or not tape.kinds <= EXACT_KINDS:
        return None
    values: list[Any] = []
    for kind, args, param in tape.ops:
        if kind == "var":
            values.append(point[param])
        elif kind == "const":
            values.append(param[3])
        else:
            values.append(_SYMPY[kind](*[values[a] for a in args], param))
    return [values[s] for s in tape.outputs]


# -- a rigorous enclosure at one point, at 50 digits (mpmath's intervals) ---------------------

ENCLOSE_KINDS = frozenset({"var", "const", "add", "mul", "pow", "sqrt", "exp", "log", "sin",
                           "cos", "tan"})


def enclose_at(tape: Tape, point: Sequence[float], digits: int = 50
               ) -> tuple[float, float] | None:
    """Floats below and above the tape's first expression at ``point``, from mpmath's interval
    arithmetic at ``digits`` digits: where the float intervals' outward rounding, through a √,
    leaves a bound ~10⁻⁷ wide (√(1 − x² − y²) at (1, 0)), this one is ~10⁻²⁵. None where an
    operation has no interval here, or the point is outside f's domain (a log of ≤ 0)."""
    import math

    from mpmath import iv

    if not tape.outputs or not tape.kinds <= ENCLOSE_KINDS:
        return None
    before = iv.prec
    iv.dps = digits  # mpmath's interval context has no workdps: set, and restore below
    try:
        values: list[Any] = []
        for kind, args, param in tape.ops:
            values.append(_enclosed(iv, kind, [values[a] for a in args], param, point))
        result = values[tape.outputs[0]]
        low, high = float(result.a), float(result.b)
    except (ValueError, ZeroDivisionError, ArithmeticError):
        return None
    finally:
        iv.prec = before
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return math.nextafter(low, -math.inf), math.nextafter(high, math.inf)  # floats outward


def _enclosed(iv, kind: str, args: list, param: Any, point: Sequence[float]):
    if kind == "var":
        return iv.mpf(float(point[param]))
    if kind == "const":
        return iv.mpf([float(param[0]), float(param[1])])
    if kind == "add":
        return args[0] + args[1]
    if kind == "mul":
        return args[0] * args[1]
    if kind == "pow":
        return args[0] ** int(param)
    a = args[0]
    if kind == "sqrt":  # the point is in f's domain (its float value is finite): √ of ≥ 0
        if a.b < 0:
            raise ValueError("√ of a negative number")
        return iv.sqrt(iv.mpf([max(a.a, 0), a.b]))
    if kind == "log" and a.a <= 0:
        raise ValueError("log of a number ≤ 0")
    return getattr(iv, kind)(a)
