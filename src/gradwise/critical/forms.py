"""∇f and H in forms that interval arithmetic encloses tightly: the same functions, narrower
enclosures, fewer boxes in the certified search.

Interval arithmetic overestimates where a variable occurs more than once (the dependency
problem): over x ∈ [0.1, 0.2], 6π sin(3πx) cos(3πx) is enclosed as the product of two
ranges, about twice as wide as the range of its equal 3π sin(6πx). SymPy's derivatives are
full of such products (the chain rule on sin(3πx)², on (x − 1)² sin(3πy)²), and a box whose
enclosures are twice too wide must be cut about four times smaller (in two variables)
before Krawczyk's test can decide it. So, for the search only, each entry of ∇f and H is
offered in other forms:

* its common factors taken out of its sums (SymPy's ``factor_terms``), always: interval
  arithmetic is subdistributive, X(Y + Z) ⊆ XY + XZ, so this is never wider. Easom's ∂f/∂x,
  sin x cos y e^(…) + 2(x − π) cos x cos y e^(…), becomes (sin x + 2(x − π) cos x) cos y e^(…),
  where cos y and e^(…) each count once (a seventh of the boxes);
* products of sines and cosines as sums (product to sum, SymPy's ``fu.TR8``):
  2 sin a cos a = sin 2a, cos² a − sin² a = cos 2a; its terms collected by the sines and
  cosines they multiply, each coefficient factored (``(x − 1)² sin 6πy`` once, not
  ``x² sin 6πy − 2x sin 6πy + sin 6πy``), a quadratic in one variable written around its
  vertex, a(v − p)² + q, whose range is exact (Lévi N.13: half the boxes). Not always
  narrower (cos x cos y as a sum is wider), so measured: this form is kept where its
  enclosures are narrower over sample sub-boxes of the box searched.

Every form encloses the same function, so the proofs are as before.

Example:
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> rewritten(6*sympy.pi*sympy.sin(3*sympy.pi*x)*sympy.cos(3*sympy.pi*x), (x,))
    3*pi*sin(6*pi*x)
"""

from __future__ import annotations

import functools
import math
import threading
import time

import numpy as np
import sympy

from gradwise.numeric.tapes import System, Unsupported

__all__ = ["factored", "offers", "rewritten", "search_system"]

MAX_OPS = 400      # entries larger than this are kept as they are: rewriting costs seconds
MAX_WAVES = 8      # distinct sines and cosines in an entry
MAX_TERMS = 32     # terms of an entry multiplied out (``_terms``): beyond, not rewritten
MAX_TOTAL = 96     # ... and of all the entries rewritten for one system (~1 ms a term)
MAX_ENTRIES = 12   # entries of ∇f and H rewritten at most (4 variables: 14; ~10 ms each)
SIZES = (2.0**-4, 2.0**-7, 2.0**-10)  # sample sub-boxes, as shares of the box's sides
SAMPLES = 24       # sub-boxes per size


@functools.lru_cache(maxsize=256)
def factored(entry: sympy.Expr) -> sympy.Expr:
    """``entry`` with its common factors out of its sums (never wider; see above)."""
    return entry if sympy.count_ops(entry) > MAX_OPS else sympy.factor_terms(entry)


@functools.lru_cache(maxsize=256)
def offers(entry: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """The forms of ``entry`` worth measuring against :func:`factored`: its trigonometric
    products as sums, and that factored (none where there are none)."""
    trig = rewritten(entry, variables)
    if trig is None:
        return ()
    return tuple(dict.fromkeys(f for f in (trig, factored(trig)) if f != factored(entry)))


@functools.lru_cache(maxsize=256)
def rewritten(entry: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> sympy.Expr | None:
    """``entry`` with its trigonometric products as sums, collected and factored; None where
    there is nothing to rewrite, or the entry is too large to try."""
    waves = entry.atoms(sympy.sin, sympy.cos)
    if (not waves or len(waves) > MAX_WAVES or not _tangled(entry)
            or sympy.count_ops(entry) > MAX_OPS or _terms(entry) > MAX_TERMS):
        return None
    from sympy.simplify.fu import TR8

    try:
        summed = _expanded(TR8(entry))
        waves = sorted(summed.atoms(sympy.sin, sympy.cos), key=sympy.default_sort_key)
        parts = sympy.collect(summed, waves, evaluate=False)
        form = sympy.Add(*(_compact(c, variables) * w for w, c in parts.items()))
    except (sympy.PolynomialError, sympy.CoercionFailed, ValueError, TypeError):
        return None
    return None if form == entry or sympy.count_ops(form) > 2 * MAX_OPS else form


def _tangled(e: sympy.Expr) -> bool:
    """Whether a product holds two sines or cosines of one variable (sin 3πx cos 3πx,
    sin² 2πy): what product to sum can untangle. cos x cos y has nothing to gain (as a sum,
    both terms depend on both variables)."""
    for product in e.atoms(sympy.Mul, sympy.Pow):
        factors = [product] if product.is_Pow else product.args
        seen: set = set()
        for factor in factors:
            base, power = factor.as_base_exp()
            if not isinstance(base, (sympy.sin, sympy.cos)):
                continue
            if power.is_Integer and power > 1 or base.free_symbols & seen:
                return True
            seen |= base.free_symbols
    return False


def _terms(e: sympy.Expr) -> int:
    """At least as many terms as ``e`` multiplied out has, sines and cosines of a power as
    their multiple angles (sin⁴ a: 3 terms, cos 2a, cos 4a and 1): the work it would cost,
    known before doing it ((x + y + 1)³⁰ sin x would be 496 terms)."""
    if e.is_Add:
        return sum(_terms(a) for a in e.args)
    if e.is_Mul:
        return math.prod(_terms(a) for a in e.args)
    if e.is_Pow and e.exp.is_Integer and e.exp > 1:
        n = int(e.exp)
        if isinstance(e.base, (sympy.sin, sympy.cos)):
            return n // 2 + 1
        k = _terms(e.base)
        return math.comb(n + k - 1, k - 1)
    return 1


def _expanded(e: sympy.Expr) -> sympy.Expr:
    """``e`` multiplied out, except inside functions other than sin and cos:
    e^(−(x − π)²) keeps its exponent whole (expanded, it is enclosed far wider)."""
    shields = {a: sympy.Dummy() for a in e.atoms(sympy.Function)
               if not isinstance(a, (sympy.sin, sympy.cos))}
    out = sympy.expand(e.xreplace(shields), power_exp=False, log=False)
    return out.xreplace({d: a for a, d in shields.items()})


def _compact(coefficient: sympy.Expr, variables) -> sympy.Expr:
    """A coefficient with each variable as few times as may be: a quadratic in one variable
    around its vertex, another polynomial factored; anything else as it is."""
    used = [v for v in variables if coefficient.has(v)]
    if not used or not coefficient.is_polynomial(*used):
        return coefficient
    if len(used) == 1:
        poly = sympy.Poly(coefficient, used[0])
        if poly.degree() == 2:
            a, b, c = poly.all_coeffs()
            return a * (used[0] + b / (2 * a)) ** 2 + (c - b**2 / (4 * a))
    return sympy.factor(coefficient)


def search_system(system: System, box: tuple[tuple[float, float], ...],
                  deadline: float = math.inf) -> System:
    """``system`` with each entry of ∇f and H :func:`factored`, or in one of its
    :func:`offers` where that is enclosed more narrowly over sample sub-boxes of ``box``;
    the same ``system`` where no entry changes.

    SymPy's rewriting costs milliseconds an entry (tens for a long one), so only the first
    ``MAX_ENTRIES`` are rewritten, and past ``deadline`` (``time.monotonic()``: a safety
    valve) the entries left stay as they are; a choice finished in time is kept for the
    next call with the same function and box.
    """
    key = (system, box)
    with _LOCK:
        if key in _KEPT:
            return _KEPT[key]
    entries = list(system.components) + [system.matrix[i, j] for i, j in system.upper]
    chosen, total, finished = [], 0, True
    for k, e in enumerate(entries):
        late = k < MAX_ENTRIES and time.monotonic() > deadline
        finished &= not late
        if k >= MAX_ENTRIES or late:
            chosen.append(e)
            continue
        total += _terms(e) if e.has(sympy.sin, sympy.cos) else 0
        forms = offers(e, system.variables) if total <= MAX_TOTAL else ()
        chosen.append(_narrowest(factored(e), forms, system.variables, _samples(box))
                      if forms else factored(e))
    result = system if chosen == entries else _system(system, chosen)
    if finished:
        with _LOCK:
            _KEPT[key] = result
            while len(_KEPT) > 64:
                _KEPT.pop(next(iter(_KEPT)))
    return result


_KEPT: dict[tuple, System] = {}  # the finished choices, newest last
_LOCK = threading.Lock()


def _system(system: System, chosen: list[sympy.Expr]) -> System:
    n = system.n
    cells = dict(zip(system.upper, chosen[n:]))
    matrix = sympy.ImmutableMatrix(n, n, lambda i, j: cells[min(i, j), max(i, j)])
    try:
        return System(None, chosen[:n], matrix, system.variables)
    except Unsupported:
        return system


@functools.lru_cache(maxsize=16)
def _samples(bounds: tuple[tuple[float, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Sub-boxes of the box at each of ``SIZES``, their centres spread by Halton's sequence."""
    from gradwise.critical.boxes import halton

    box = np.array(bounds, dtype=float)
    width = box[:, 1] - box[:, 0]
    centres = box[:, 0] + halton(SAMPLES, len(box)) * width
    half = np.concatenate([np.tile(s * width / 2, (SAMPLES, 1)) for s in SIZES])
    centres = np.tile(centres, (len(SIZES), 1))
    return (np.clip(centres - half, box[:, 0], box[:, 1]),
            np.clip(centres + half, box[:, 0], box[:, 1]))


def _narrowest(entry: sympy.Expr, forms: tuple[sympy.Expr, ...], variables,
               samples: tuple[np.ndarray, np.ndarray]) -> sympy.Expr:
    """Of ``entry`` and ``forms``, the one enclosed most narrowly over the sample boxes:
    by the mean of the logs of the ratios of its widths to ``entry``'s, and wider at no size
    on average (a form infinite where the entry is finite is out)."""
    from gradwise.numeric.tapes import Tape

    try:
        low, high, _ = Tape([entry, *forms], variables).intervals(*samples)
    except Unsupported:
        return entry
    with np.errstate(all="ignore"):
        widths = np.maximum(high - low, 1e-300)
        ratios = np.nan_to_num(np.log(widths[1:] / widths[0]), nan=0.0, posinf=50.0,
                               neginf=-50.0).reshape(len(forms), len(SIZES), -1).mean(axis=2)
    finite = np.all(np.isfinite(widths[1:]) | ~np.isfinite(widths[0]), axis=1)
    fit = finite & (ratios.max(axis=1) <= 0.01) & (ratios.mean(axis=1) < -0.01)
    if not fit.any():
        return entry
    return forms[int(np.argmin(np.where(fit, ratios.mean(axis=1), np.inf)))]
