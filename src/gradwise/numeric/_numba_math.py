"""CPython's float arithmetic for numba: the ``math`` of the generated numba descent loop.

The numba loop runs the very lines the Python loop runs (see :mod:`gradwise.descent.compiled`),
with this module's functions bound to the names the printed lines call (``exp``, ``log``, ...)
and the activations' source pasted after them. Where CPython raises, these raise too, so a run
stops as ``non_finite`` at the same step:

* a one-argument function raises when it turns a number into NaN, or a finite number into
  ±infinity (CPython's ``math_1``): ``exp(1000)``, ``log(0)``, ``sqrt(-1)``, ``sin(inf)``;
  numba's own ``math`` would return inf or NaN, which a later ``1/(1 + inf)`` could hide;
* :func:`_pow` is CPython's ``float.__pow__`` case by case (``0.0 ** -1`` and overflow
  raise; a negative number to a fractional power, complex in CPython and an error at the
  next comparison or ``math`` call, raises here at once), and it calls the C library's
  ``pow`` with an exponent LLVM cannot see, because LLVM rewrites ``pow(x, 2.0)`` as
  ``x * x``, which differs from ``pow`` in the last bit for some x.

Float division by zero raises ``ZeroDivisionError`` under numba's default ``error_model``,
as in CPython. Imported only by generated kernels, so only with numba installed.
"""

from __future__ import annotations

import math as _math

from numba import njit

__all__ = ["pi", "e", "inf", "tau"]  # and gradwise.descent._numba_loop.FUNCTIONS

pi = _math.pi
e = _math.e
inf = _math.inf
tau = _math.tau


@njit(cache=True)
def _checked(x, r):  # pragma: no cover - compiled
    if r != r and x == x:
        raise ValueError("math domain error")
    if _math.isinf(r) and _math.isfinite(x):
        raise OverflowError("math range error")
    return r


@njit(cache=True)
def exp(x):  # pragma: no cover - compiled
    return _checked(x, _math.exp(x))


@njit(cache=True)
def expm1(x):  # pragma: no cover - compiled
    return _checked(x, _math.expm1(x))


@njit(cache=True)
def log(x):  # pragma: no cover - compiled
    return _checked(x, _math.log(x))


@njit(cache=True)
def log1p(x):  # pragma: no cover - compiled
    return _checked(x, _math.log1p(x))


@njit(cache=True)
def log2(x):  # pragma: no cover - compiled
    return _checked(x, _math.log2(x))


@njit(cache=True)
def log10(x):  # pragma: no cover - compiled
    return _checked(x, _math.log10(x))


@njit(cache=True)
def sqrt(x):  # pragma: no cover - compiled
    return _checked(x, _math.sqrt(x))


@njit(cache=True)
def sin(x):  # pragma: no cover - compiled
    return _checked(x, _math.sin(x))


@njit(cache=True)
def cos(x):  # pragma: no cover - compiled
    return _checked(x, _math.cos(x))


@njit(cache=True)
def tan(x):  # pragma: no cover - compiled
    return _checked(x, _math.tan(x))


@njit(cache=True)
def asin(x):  # pragma: no cover - compiled
    return _checked(x, _math.asin(x))


@njit(cache=True)
def acos(x):  # pragma: no cover - compiled
    return _checked(x, _math.acos(x))


@njit(cache=True)
def atan(x):  # pragma: no cover - compiled
    return _checked(x, _math.atan(x))


@njit(cache=True)
def sinh(x):  # pragma: no cover - compiled
    return _checked(x, _math.sinh(x))


@njit(cache=True)
def cosh(x):  # pragma: no cover - compiled
    return _checked(x, _math.cosh(x))


@njit(cache=True)
def tanh(x):  # pragma: no cover - compiled
    return _checked(x, _math.tanh(x))


@njit(cache=True)
def asinh(x):  # pragma: no cover - compiled
    return _checked(x, _math.asinh(x))


@njit(cache=True)
def acosh(x):  # pragma: no cover - compiled
    return _checked(x, _math.acosh(x))


@njit(cache=True)
def atanh(x):  # pragma: no cover - compiled
    return _checked(x, _math.atanh(x))


@njit(cache=True)
def atan2(y, x):  # pragma: no cover - compiled
    return _math.atan2(y, x)  # never NaN from numbers, never infinite: CPython never raises


@njit(cache=True)
def copysign(x, y):  # pragma: no cover - compiled
    return _math.copysign(x, y)


@njit(cache=True)
def _odd(w):  # pragma: no cover - compiled
    return abs(w) % 2.0 == 1.0  # C's fmod(|w|, 2) == 1: an odd integer


@njit(cache=True)
def _pow(base, exponent, one):  # pragma: no cover - compiled
    """``base ** exponent`` as CPython's float_pow computes it; ``one`` is 1.0 at run time."""
    v = float(base)
    w = exponent * one  # unknown to LLVM, so pow(v, 2.0) stays a call to the C library's pow
    if w == 0.0:
        return 1.0
    if v != v:
        return v
    if w != w:
        return 1.0 if v == 1.0 else w
    if _math.isinf(w):
        v = abs(v)
        if v == 1.0:
            return 1.0
        return abs(w) if (w > 0.0) == (v > 1.0) else 0.0
    if _math.isinf(v):
        if w > 0.0:
            return v if _odd(w) else abs(v)
        return _math.copysign(0.0, v) if _odd(w) else 0.0
    if v == 0.0:
        if w < 0.0:
            raise ZeroDivisionError("0.0 cannot be raised to a negative power")
        return v if _odd(w) else 0.0
    negate = False
    if v < 0.0:
        if w != _math.floor(w):
            raise ValueError("a negative number to a fractional power is complex")
        v = -v
        negate = _odd(w)
    if v == 1.0:
        return -1.0 if negate else 1.0
    r = _math.pow(v, w)
    if _math.isinf(r):
        raise OverflowError("Numerical result out of range")
    return -r if negate else r


@njit(cache=True)
def select(condition, if_true, if_false):  # pragma: no cover - compiled
    """The activations' primitive (gradwise.numeric.activations): a select, not a branch."""
    return if_true if condition else if_false
