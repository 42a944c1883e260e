"""Reading boxes and writing critical points in the notes' notation.

Also turns SymPy's periodic answers (families ``offset + k·step``) into points in
a box and into words: ``z = kπ, k ∈ ℤ``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import product
from typing import Any

import numpy as np
import sympy

from gradwise.errors import InputError, ParseError, problem
from gradwise.language.expressions import _NAME, _split_top_level, exact_number, parse_value
from gradwise.language.notation import show
from gradwise.language.numbers import count_text, float_text, minus

__all__ = ["read_box", "check_range", "MAX_COORDINATE", "point_text", "critical_text",
           "grid_members", "describe_curves", "leftovers_text", "hull_text"]

MAX_POINTS = 2000  # a box's critical points are listed up to this many; beyond, counted

MAX_COORDINATE = 1e300
"""The largest |bound| of a box or window: past it a grid's step or a Newton step overflows."""


def read_box(within: Mapping[str, Any] | str) -> dict[str, tuple[sympy.Expr, sympy.Expr]]:
    """``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5)}`` as ``{name: (low, high)}``, exact.

    Example:
        >>> read_box("x=-5:5, y=-pi:pi")
        {'x': (-5, 5), 'y': (-pi, pi)}
    """
    if isinstance(within, str):
        pairs = [_read_range(part, within) for part in _split_top_level(within)]
        if not pairs:
            raise InputError("the box is empty. Fix: write for example within='x=-5:5, y=-5:5'")
        box = dict(pairs)
        if len(box) != len(pairs):
            raise InputError(f"a variable is given twice in the box {within!r}")
    elif isinstance(within, Mapping):
        box = {str(n): _pair(n, r) for n, r in within.items()}
    else:
        raise InputError(f"within must be text such as 'x=-5:5, y=-5:5' or a mapping such as "
                         f"{{'x': (-5, 5)}}; received {type(within).__name__}")
    for name, (low, high) in box.items():
        check_range(name, low, high)
    return box


def check_range(name: str, low: Any, high: Any) -> None:
    """One variable's range of a box or window: low < high, both within ±MAX_COORDINATE.

    Example:
        >>> try:
        ...     check_range("x", -1e308, 1e308)
        ... except InputError as error:
        ...     print(str(error).split(",")[0])
        the range of x reaches past ±1e300
    """
    text = f"{show(exact_number(low))}:{show(exact_number(high))}"
    if not low < high:
        raise InputError(f"the range of {name} is empty: {text}. Fix: write low:high with "
                         "low < high, e.g. x=-5:5")
    if abs(low) > MAX_COORDINATE or abs(high) > MAX_COORDINATE:  # exactly: 10^400 is no float
        raise InputError(problem(
            f"the range of {name} reaches past ±1e300, where a search's steps and a picture's "
            "grid overflow floats", received=text, fix=f"{name}=-1e300:1e300 at most"))


def _read_range(part: str, text: str) -> tuple[str, tuple[sympy.Expr, sympy.Expr]]:
    name, eq, rest = part.partition("=")
    name = name.strip()
    low, colon, high = rest.partition(":")
    if not eq or not colon or not _is_name(name):
        raise InputError(f"expected name=low:high in the box; received {part.strip()!r}. Fix: "
                         f"write for example x=-5:5,y=-pi:pi (whole box: {text!r})")
    try:
        return name, (parse_value(low.strip()), parse_value(high.strip()))
    except ParseError as error:
        raise InputError(f"in the box's range for {name}: {error.reason}") from None


def _is_name(name: str) -> bool:
    import re

    return re.fullmatch(_NAME, name) is not None


def _pair(name: Any, bounds: Any) -> tuple[sympy.Expr, sympy.Expr]:
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise InputError(f"the range of {name} must be a pair (low, high); received {bounds!r}") \
            from None
    return (exact_number(low, f"the low end of {name}"),
            exact_number(high, f"the high end of {name}"))


# -- periodic answers and curves ---------------------------------------------------------

def grid_members(grid, f, box) -> tuple[list[tuple[sympy.Expr, ...]] | None, int | None, str]:
    """The points of a product of coordinate sets in ``box``: (points, exact count, formula).

    ``points`` is None when there are more than ``MAX_POINTS``; the count is exact (SymPy
    compares the bounds with k·step exactly), and None without a box (infinitely many).

    Example:
        >>> from gradwise import parse
        >>> from gradwise.critical.symbolic import CoordinateSet
        >>> grid = (CoordinateSet(families=((sympy.S(0), sympy.pi),)),)
        >>> points, count, formula = grid_members(grid, parse("cos(z)"), {"z": (-7000, 7000)})
        >>> points is None, count, formula
        (True, 4457, 'infinitely many: z = kπ, k ∈ ℤ')
    """
    pairs = list(zip(grid, f.names, strict=True))
    formula = "infinitely many: " + "; ".join(_describe(s, n) for s, n in pairs)
    if box is None:
        return None, None, formula
    counts = [_count(s, box[name]) for s, name in pairs]
    count = math.prod(counts)
    if count > MAX_POINTS:
        return None, count, formula
    columns = [_members(s, box[name]) for s, name in pairs]
    return list(product(*columns)), count, formula


def _count(coordinates, bounds) -> int:
    low, high = bounds
    count = sum(1 for v in coordinates.values if bool(low <= v) and bool(v <= high))
    for offset, step in coordinates.families:
        first, last = _range(offset, step, low, high)
        count += max(0, last - first + 1)
    return count


def _range(offset, step, low, high) -> tuple[int, int]:
    """The k with low ≤ offset + k·step ≤ high, exactly."""
    return _whole(sympy.ceiling, (low - offset) / step), _whole(sympy.floor, (high - offset) / step)


def _whole(rounding, value: sympy.Expr) -> int:
    """⌈value⌉ or ⌊value⌋, with digits enough for a box as wide as 10³⁰⁰ (z ∈ ±1e300 over π:
    SymPy's default precision is exhausted there)."""
    from sympy.core.evalf import PrecisionExhausted

    try:
        return int(rounding(value))
    except PrecisionExhausted:
        digits = len(str(int(abs(value).evalf(15)))) + 30
        return int(rounding(value.evalf(digits)))


def _members(coordinates, bounds) -> list[sympy.Expr]:
    low, high = bounds
    members = [v for v in coordinates.values if bool(low <= v) and bool(v <= high)]
    for offset, step in coordinates.families:
        first, last = _range(offset, step, low, high)
        members += [offset + k * step for k in range(first, last + 1)]
    unique = {float(m): m for m in members}
    return [unique[k] for k in sorted(unique)]


def _describe(coordinates, name: str) -> str:
    families = _merged(list(coordinates.families))
    parts = [f"{name} = {show(v)}" for v in coordinates.values]
    parts += [f"{name} = {_family_text(o, s)}, k ∈ ℤ" for o, s in families]
    return " or ".join(parts)


def _merged(families):
    """2kπ and π + 2kπ are kπ: offsets evenly spread over one step merge into one family."""
    by_step: dict[sympy.Expr, list[sympy.Expr]] = {}
    for offset, step in families:
        by_step.setdefault(step, []).append(offset)
    merged = []
    for step, offsets in by_step.items():
        offsets = sorted(offsets, key=float)
        m = len(offsets)
        gaps = [float(b - a) for a, b in zip(offsets, offsets[1:], strict=False)]
        if m > 1 and all(abs(g - float(step) / m) < 1e-12 for g in gaps):
            merged.append((offsets[0], step / m))
        else:
            merged.extend((o, step) for o in offsets)
    return merged


def _family_text(offset: sympy.Expr, step: sympy.Expr) -> str:
    ratio = step / sympy.pi
    if ratio.is_Rational:
        top = "" if ratio.p == 1 else str(ratio.p)
        term = f"{top}kπ" + ("" if ratio.q == 1 else f"/{ratio.q}")
    else:
        term = f"k·{show(step)}"
    return term if offset == 0 else f"{show(offset)} + {term}"


def describe_curves(curves, f) -> str:
    sets = [", ".join(f"{s.name} = {show(e)}" for s, e in c.items()) for c in curves]
    return ("infinitely many, not isolated: " + " or ".join(sets) +
            " (the other variables free); no points are listed")


# -- writing results ----------------------------------------------------------------------

def point_text(p) -> str:
    """``(−1/18, −1/108)  f = 1/3888  maximum  (D = 1 > 0, f_xx = −1/3 < 0)``."""
    text = f"{p.coordinates}  f = {_value(p)}  {p.kind}  ({p.reason})"
    return text + (f"\n    settled: {p.settled_by}" if p.settled_by else "")


def _value(p) -> str:
    if p.exact_value is not None and len(str(p.exact_value)) <= 30:
        return show(p.exact_value)
    return float_text(p.value)


def critical_text(result) -> str:
    f = result.function
    lines = [str(f)]
    if result.discriminant is not None:
        x, y = f.names
        d = show(result.discriminant)
        if len(d) <= 160:  # Easom's D runs to pages: the points' own tests say enough
            lines.append(f"D = f_{x}{x}·f_{y}{y} − f_{x}{y}² = {d}")
    count = len(result.points)
    if count or not (result.kinds or result.count):
        status = " (proven complete)" if result.complete else \
            " (proven complete in the searched box only)" if result.certified else \
            " (may be incomplete)"
        lines.append(f"{count} critical point{'s' if count != 1 else ''}{status}: "
                     f"{result.note}")
    else:
        tally = result.kinds or {}
        kinds = ", ".join(f"{n:,} {_plural(k, n)}" for k, n in tally.items())
        total = count_text(result.count) if result.count is not None else \
            f"at least {sum(tally.values()):,}"
        kinds = f" ({kinds})" if kinds else ""
        lines.append(f"{total} critical points{kinds}, not listed: {result.note}")
    lines += ["  " + str(p).replace("\n", "\n  ") for p in result.points]
    if result.nondifferentiable:
        lines.append("where f is not differentiable (not covered by the certificate):")
        lines += ["  " + str(p).replace("\n", "\n  ") for p in result.nondifferentiable]
    return "\n".join(lines)


def _plural(kind: str, n: int) -> str:
    return kind if n == 1 else {"minimum": "minima", "maximum": "maxima"}.get(kind, kind + "s")


def leftovers_text(rest, finished: bool, names, proven: bool = False,
                   crowded: bool = False) -> str:
    """What the certified search left open, in words (empty when nothing is).

    ``proven``: the list is already proven complete another way (SymPy solved ∇f = 0
    exactly), so what the interval search left open is an unfinished cross-check, not a
    gap in the answer. ``crowded``: the search stopped with more pieces than it keeps, not
    for lack of time."""
    parts = []
    if rest.flat is not None:
        largest = float_text(rest.flat.largest, 2)
        parts.append(f"f is flat to working precision (|f| ≤ {largest}, varying by less than "
                     f"2⁻⁵² of its size) on {_boxes(rest.flat, names)}: critical points there "
                     "cannot be told apart and are not listed")
    parts += rest.notes
    if rest.kinks:
        n = len(rest.kinks)
        parts.append(f"f is not differentiable at {n} point{'s' if n != 1 else ''} (listed "
                     "apart, kind by sampling); the certificate does not cover "
                     f"{'them' if n != 1 else 'it'}")
    for c in rest.degenerate:
        where = "(" + ", ".join(float_text(v) for v in c.point) + ")"
        near = float_text(float(np.max(c.radius)) if c.radius is not None else 0.0, 2)
        parts.append(f"uniqueness not proven within {near} of the degenerate critical point "
                     f"{where} (H is singular there)")
    if rest.found and not proven:
        parts.append(f"{len(rest.found)} point{'s' if len(rest.found) != 1 else ''} found by "
                     "Newton's method where the search ran out (each proven the only critical "
                     "point in a tiny box, but there may be more)")
    from gradwise.critical.certify import MAX_BOXES

    many = f"the search stopped at {MAX_BOXES:,} pieces set aside"
    if rest.undecided is not None and proven:
        why = f" ({many})" if crowded else "" if finished else \
            " (its share of the budget ran out)"
        parts.append(f"the interval cross-check is unfinished{why}: "
                     f"{_boxes(rest.undecided, names)} undecided by it")
    elif rest.undecided is not None:
        why = f"{many}; " if crowded else "" if finished else \
            "the budget ran out; "
        parts.append(f"not proven: {why}{_boxes(rest.undecided, names)} undecided")
    return "; ".join(parts)


def hull_text(points, names) -> str:
    """Where a set of points lies: the smallest box holding them."""
    array = np.array(points, dtype=float)
    ranges = ", ".join(f"{lo:.4g} ≤ {n} ≤ {hi:.4g}" for n, lo, hi in
                       zip(names, array.min(axis=0), array.max(axis=0)))
    return f"the points listed all lie within {minus(ranges)}"


def _boxes(region, names) -> str:
    within = ", ".join(f"{lo:.4g} ≤ {n} ≤ {hi:.4g}" for n, (lo, hi) in
                       zip(names, region.bounds))
    share = f"{100 * region.share:.3g}%" if region.share >= 1e-3 else f"{region.share:.2g}"
    return (f"{region.count:,} piece{'s' if region.count != 1 else ''} of the box "
            f"({minus(share)} of it, within {minus(within)})")
