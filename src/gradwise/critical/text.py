"""Reading boxes and writing critical points in the notes' notation.

Also turns SymPy's periodic answers (families ``offset + k·step``) into points in
a box and into words: ``z = kπ, k ∈ ℤ``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import product
from typing import Any

import sympy

from gradwise.errors import InputError, ParseError, problem
from gradwise.language.expressions import _NAME, _split_top_level, exact_number, parse_value
from gradwise.language.notation import show
from gradwise.language.numbers import float_text

__all__ = ["read_box", "check_range", "MAX_COORDINATE", "point_text", "critical_text",
           "enumerate_grid", "describe_curves"]

MAX_POINTS = 2000  # a periodic family is listed in a box only up to this many points

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

def enumerate_grid(grid, f, box) -> tuple[list[tuple[list[sympy.Expr], bool]], bool, str]:
    """The points of a product of coordinate sets: in the box, or one per family without one."""
    pairs = list(zip(grid, f.names, strict=True))
    columns = [_members(s, box[name] if box else None) for s, name in pairs]
    count = math.prod(len(c) for c in columns)
    described = "infinitely many: " + "; ".join(_describe(s, n) for s, n in pairs)
    if count > MAX_POINTS:
        return [], False, f"{described}; {count:,} of them in the box, too many to list"
    points = [(list(p), True) for p in product(*columns)]
    if box is None:
        return points, False, (f"{described}; listed: one of each family (k = 0); give "
                               "within= to list them all in a box")
    return points, True, f"{described}; all {count} in the box listed"


def _members(coordinates, bounds) -> list[sympy.Expr]:
    if bounds is None:
        return list(coordinates.values) + [offset for offset, _ in coordinates.families]
    low, high = (float(b) for b in bounds)
    members = [v for v in coordinates.values if low <= float(v) <= high]
    for offset, step in coordinates.families:
        first = math.ceil((low - float(offset)) / float(step) - 1e-12)
        last = math.floor((high - float(offset)) / float(step) + 1e-12)
        members += [offset + k * step for k in range(first, min(last, first + MAX_POINTS) + 1)]
    return sorted(members, key=float)


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
        lines.append(f"D = f_{x}{x}·f_{y}{y} − f_{x}{y}² = {show(result.discriminant)}")
    count = len(result.points)
    lines.append(f"{count} critical point{'s' if count != 1 else ''}"
                 f"{' (complete)' if result.complete else ' (may be incomplete)'}: {result.note}")
    lines += ["  " + str(p).replace("\n", "\n  ") for p in result.points]
    return "\n".join(lines)
