"""Interval arithmetic on NumPy arrays, rounded outward: enclosures for many boxes at once.

An interval array is a pair ``(lo, hi)`` of float64 arrays of one shape, one interval per
box; every function here returns bounds that contain every value the exact operation takes
on its arguments' intervals. The bounds are computed in NumPy's round-to-nearest and then
moved outward, which is as rigorous as switching the rounding mode and much simpler:

* ``+ − × ÷`` and ``√`` are correctly rounded by IEEE 754 (error ≤ ½ ulp); each bound moves
  out by 2⁻⁵⁰ of its size (4 to 8 ulp);
* ``exp``, ``log``, ``sin``, ``pow``, ... come from the C library or NumPy's SIMD loops,
  accurate to a few ulp but not correctly rounded; their bounds move out by 2⁻⁴² (about
  1,000 ulp), far beyond any documented error (``tests/test_intervals.py`` checks every
  function against mpmath at 50 digits);
* every bound also moves by 2⁻¹⁰⁷⁰, for results that underflow to subnormals; a bound that
  comes out NaN (∞ − ∞, 0 × ∞) becomes ∓∞, and an overflow to [∞, ∞] keeps the largest float
  as its lower bound.

Why not ``mpmath.iv``: certifying the 441 critical points of Rastrigin's function takes
some 10⁴ box evaluations of a tape of ~40 operations; mpmath's intervals cost ~10 µs an
operation per box (seconds in all), NumPy's ~10 µs an operation for thousands of boxes at
once. The tapes run a compiled twin of these functions, box by box
(``gradwise.numeric._numba_intervals``, a few ns an operation per box, whatever the batch);
this module is the reference it is tested against, and the arithmetic of the searches'
own steps.

Where an operation is undefined on part of an interval (log of [−1, 1], 1/[−1, 1]) or not
smooth there (|x|'s derivative sign(x) at 0), it marks the boxes in ``Flags``: such boxes
are never *proven* to hold a zero, only excluded when the defined part allows it.

Example:
    >>> lo, hi = sin((np.array([0.0]), np.array([2.0])))
    >>> float(lo[0]) < 0 < 0.9092 < 1 <= float(hi[0])
    True
"""

from __future__ import annotations

import numpy as np

__all__ = ["Flags", "outward", "constant", "add", "sub", "neg", "mul", "reciprocal", "div",
           "power", "real_power", "sqrt", "exp", "log", "sin", "cos", "tan", "asin",
           "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "softplus", "absolute",
           "sign", "heaviside", "dirac", "maximum", "contains", "logistic"]

EXACT = 2.0**-50
LIBM = 2.0**-42
TINY = 2.0**-1070
BIG = float(np.finfo(float).max)
PI = np.pi
SPLIT = 0.4814814814814815  # where the searches cut a box: 13/27, which nice numbers rarely hit


class Flags:
    """What one evaluation learned about each box: where the expression is irregular.

    Attributes:
        irregular: (N,) bool: undefined somewhere in the box, or not smooth there.
        undefined: (N,) bool: undefined everywhere in the box.
    """

    def __init__(self, count: int) -> None:
        self.irregular = np.zeros(count, dtype=bool)
        self.undefined = np.zeros(count, dtype=bool)

    def mark(self, where: np.ndarray, *, nowhere: np.ndarray | None = None) -> None:
        self.irregular |= np.broadcast_to(where, self.irregular.shape)
        if nowhere is not None:
            self.undefined |= np.broadcast_to(nowhere, self.undefined.shape)


def outward(lo, hi, rel: float = EXACT):
    """Move bounds computed in round-to-nearest outward (see the module's docstring)."""
    with np.errstate(all="ignore"):
        lo = np.minimum(lo, BIG)   # [∞, ∞] is an overflow: the value is above the largest float
        hi = np.maximum(hi, -BIG)
        lo = lo - np.abs(lo) * rel - TINY
        hi = hi + np.abs(hi) * rel + TINY
    return np.where(np.isnan(lo), -np.inf, lo), np.where(np.isnan(hi), np.inf, hi)


def constant(value: float, error: float):
    """The interval [value − error, value + error], moved outward."""
    return outward(np.float64(value - error), np.float64(value + error))


def contains(lo, hi, offset: float, period: float):
    """Whether [lo, hi] may hold a point offset + k·period (never a false 'no')."""
    with np.errstate(all="ignore"):
        slack = 1e-12 * (1 + np.maximum(np.abs(lo), np.abs(hi)))
        k = np.ceil((lo - slack - offset) / period)
        near = offset + k * period <= hi + slack
    # beyond 2⁴⁰ the float spacing is too coarse for k; and a NaN bound holds anything
    return near | ~(np.abs(lo) < 2.0**40) | ~(np.abs(hi) < 2.0**40)


# -- arithmetic ---------------------------------------------------------------------------

def add(a, b, flags=None):
    return outward(a[0] + b[0], a[1] + b[1])


def sub(a, b, flags=None):
    return outward(a[0] - b[1], a[1] - b[0])


def neg(a, flags=None):
    return -a[1], -a[0]


def mul(a, b, flags=None):
    with np.errstate(all="ignore"):
        products = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    products = [np.where(np.isnan(p), 0.0, p) for p in products]  # 0 × ∞ is 0 here
    return outward(np.minimum.reduce(products), np.maximum.reduce(products))


def reciprocal(a, flags):
    lo, hi = np.broadcast_arrays(*a)
    spans = (lo <= 0) & (hi >= 0)
    flags.mark(spans, nowhere=(lo == 0) & (hi == 0))
    with np.errstate(all="ignore"):
        low, high = outward(1 / hi, 1 / lo)
    low = np.where(spans, np.where(hi == 0, -np.inf, np.where(lo == 0, low, -np.inf)), low)
    high = np.where(spans, np.where(lo == 0, np.inf, np.where(hi == 0, high, np.inf)), high)
    return low, high


def div(a, b, flags):
    return mul(a, reciprocal(b, flags))


def power(a, n: int, flags):
    """a^n for a whole number n."""
    if n < 0:
        return reciprocal(power(a, -n, flags), flags)
    if n == 0:
        return np.float64(1.0), np.float64(1.0)
    if n == 1:
        return a
    lo, hi = a
    with np.errstate(all="ignore"):
        p, q = np.power(lo, n), np.power(hi, n)
    if n % 2:
        return outward(p, q, LIBM)
    low = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(p, q))
    return outward(low, np.maximum(p, q), LIBM)


def real_power(a, r: float, flags):
    """a^r for a non-integer r, defined for a ≥ 0 (a > 0 when r < 0), as SymPy's reals are."""
    lo, hi = np.broadcast_arrays(*a)
    flags.mark(lo < 0 if r > 0 else lo <= 0, nowhere=hi < 0 if r > 0 else hi <= 0)
    lo = np.maximum(lo, 0.0)
    with np.errstate(all="ignore"):
        p, q = np.power(lo, r), np.power(np.maximum(hi, 0.0), r)
    return outward(np.minimum(p, q), np.maximum(p, q), LIBM)


def sqrt(a, flags):
    lo, hi = np.broadcast_arrays(*a)
    flags.mark(lo < 0, nowhere=hi < 0)
    with np.errstate(all="ignore"):
        low, high = outward(np.sqrt(np.maximum(lo, 0.0)), np.sqrt(np.maximum(hi, 0.0)))
    return np.maximum(low, 0.0), high


# -- monotone functions ---------------------------------------------------------------------

def _increasing(function, a, rel=LIBM):
    with np.errstate(all="ignore"):
        return outward(function(a[0]), function(a[1]), rel)


def exp(a, flags=None):
    low, high = _increasing(np.exp, a)
    return np.maximum(low, 0.0), high


def log(a, flags):
    lo, hi = np.broadcast_arrays(*a)
    flags.mark(lo <= 0, nowhere=hi <= 0)
    with np.errstate(all="ignore"):
        return outward(np.log(np.maximum(lo, 0.0)), np.log(np.maximum(hi, 0.0)), LIBM)


def atan(a, flags=None):
    return _increasing(np.arctan, a)


def sinh(a, flags=None):
    return _increasing(np.sinh, a)


def tanh(a, flags=None):
    low, high = _increasing(np.tanh, a)
    return np.maximum(low, -1.0), np.minimum(high, 1.0)


def logistic(x):
    """σ(x) in floats, without overflow for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid(a, flags=None):
    low, high = _increasing(logistic, a)
    return np.maximum(low, 0.0), np.minimum(high, 1.0)


def softplus(a, flags=None):
    low, high = _increasing(lambda x: np.logaddexp(0.0, x), a)
    return np.maximum(low, 0.0), high


def asin(a, flags):
    return _arc(np.arcsin, a, flags)


def acos(a, flags):
    low, high = _arc(np.arcsin, (-a[1], -a[0]), flags)  # acos(x) = π/2 + asin(−x)
    return outward(PI / 2 + low, PI / 2 + high)


def _arc(function, a, flags):
    lo, hi = np.broadcast_arrays(*a)
    flags.mark((lo < -1) | (hi > 1), nowhere=(hi < -1) | (lo > 1))
    return _increasing(function, (np.clip(lo, -1, 1), np.clip(hi, -1, 1)))


def cosh(a, flags=None):
    lo, hi = a
    with np.errstate(all="ignore"):
        p, q = np.cosh(lo), np.cosh(hi)
    low = np.where((lo <= 0) & (hi >= 0), 1.0, np.minimum(p, q))
    low, high = outward(low, np.maximum(p, q), LIBM)
    return np.maximum(low, 1.0), high


# -- periodic functions ---------------------------------------------------------------------

def sin(a, flags=None):
    return _wave(np.sin, a, PI / 2, -PI / 2)


def cos(a, flags=None):
    return _wave(np.cos, a, 0.0, PI)


def _wave(function, a, top: float, bottom: float):
    """sin or cos: the ends' values, and ±1 where a peak (top + 2kπ) or trough may lie inside."""
    lo, hi = np.broadcast_arrays(*a)
    with np.errstate(all="ignore"):
        p, q = function(lo), function(hi)
    low, high = outward(np.minimum(p, q), np.maximum(p, q), LIBM)
    high = np.where(contains(lo, hi, top, 2 * PI), 1.0, high)
    low = np.where(contains(lo, hi, bottom, 2 * PI), -1.0, low)
    return np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)


def tan(a, flags):
    lo, hi = np.broadcast_arrays(*a)
    pole = contains(lo, hi, PI / 2, PI)
    flags.mark(pole)
    low, high = _increasing(np.tan, (lo, hi))
    return np.where(pole, -np.inf, low), np.where(pole, np.inf, high)


# -- not smooth everywhere ------------------------------------------------------------------

def absolute(a, flags=None):
    lo, hi = np.broadcast_arrays(*a)
    low = np.where(lo >= 0, lo, np.where(hi <= 0, -hi, 0.0))
    return low, np.maximum(np.abs(lo), np.abs(hi))


def sign(a, flags):
    lo, hi = np.broadcast_arrays(*a)
    flags.mark((lo <= 0) & (hi >= 0))
    return np.sign(lo).astype(float), np.sign(hi).astype(float)


def heaviside(a, flags):
    """H(x): 0 left of 0, 1 right of it; its value at 0 (0, ½ or 1) lies in [0, 1] anyway."""
    lo, hi = np.broadcast_arrays(*a)
    flags.mark((lo <= 0) & (hi >= 0))
    return np.where(lo > 0, 1.0, 0.0), np.where(hi >= 0, 1.0, 0.0)


def dirac(a, flags):
    """δ(x) as SymPy differentiates sign and H: 0 away from 0, unbounded at 0."""
    lo, hi = np.broadcast_arrays(*a)
    spans = (lo <= 0) & (hi >= 0)
    flags.mark(spans)
    return np.zeros_like(lo), np.where(spans, np.inf, 0.0)


def maximum(a, b, flags=None):
    return np.maximum(a[0], b[0]), np.maximum(a[1], b[1])
