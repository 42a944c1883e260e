"""What the workers compute: one function per API endpoint, each a dict of arguments -> document.

The neuron's ``train`` lives in ``web.neuron`` (an upload, a temporary file, the estimator).

These run inside the sandboxed workers (``_child``), never in the server. Each builds its answer
with the builder the CLI uses (:mod:`gradwise.documents`), so ``POST /api/gradient`` answers
exactly what ``gradwise grad --json`` prints. Arguments arrive checked for type and size by
``schema``; everything about their meaning (the expression, the point) is checked here by the
library, through ``parse``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from gradwise import calculus
from gradwise.calculus.check import check as check_answer
from gradwise.critical.text import check_range
from gradwise.documents import (
    check_document,
    critical_document,
    gradient_document,
    gradient_part,
    graph_document,
    hessian_document,
    point_part,
    steps_document,
)
from gradwise.errors import DomainError, InputError, whole_number
from gradwise.language.expressions import Expression, exact_number, parse
from gradwise.numeric.kernels import grid_function
from gradwise.web.memo import memoized
from gradwise.web.neuron import train
from gradwise.web.runs import descend, lr
from gradwise.web.schema import MAX_BUDGET

MAX_RESOLUTION = 150
MAX_ARROWS = 25


def gradient(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/gradient``: the ``grad --json`` document.

    ∇f and its text are remembered per function; only the values at the point are new work.
    """
    key = _key(args)
    if args.get("along"):
        g, value, slope = calculus.evaluate_gradient(_prepared(key), args.get("at"),
                                                     args["along"])
        return gradient_document(g, value, slope)
    g, part = _gradient(key)
    document = dict(part)
    if args.get("at"):
        document.update(_point(key, args["at"]))
    return document


def hessian(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/hessian``: the ``hessian --json`` document."""
    h = _hessian(_key(args))
    return hessian_document(h, h.at(args["at"]) if args.get("at") else None)


def graph(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/graph``: the ``graph --json`` document."""
    from gradwise.calculus.graph import graph as build

    g = build(_prepared(_key(args)), args["at"], names=args.get("names"))
    return graph_document(g, args.get("highlight") or None)


def derivation(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/steps``: the ``grad --steps --json`` document."""
    g, _, slope = calculus.evaluate_gradient(_prepared(_key(args)), args.get("at"),
                                             args.get("along"))
    s = g.steps()
    return steps_document(s, s.at(args["at"]) if args.get("at") else None, slope)


def check(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/check``: the ``check --json`` document (200 whether right or wrong)."""
    result = check_answer(args["expr"], args["answer"], wrt=args.get("wrt") or None,
                          constants=args.get("const") or None,
                          degrees=bool(args.get("degrees")))
    return check_document(result)


def surface(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/surface``: f on a grid and gradient arrows, for the page's plot.

    Args:
        args: ``expr`` (+ ``wrt``, ``const``, ``degrees``); ``box`` = [x_min, x_max] for one
            variable or [x_min, x_max, y_min, y_max] for two; ``resolution`` points per axis;
            ``arrows`` arrows per axis.

    Returns:
        ``{"variables", "x", "z"}`` (one variable, z of shape (n,)) or ``{"variables", "x",
        "y", "z"}`` (two, z of shape (n_y, n_x)), plus ``"arrows"``: a list of
        ``{"at": [...], "gradient": [...]}``. Values that are undefined (log of a negative
        number) are null.
    """
    key = _key(args)
    f = _prepared(key)
    n = len(f.variables)
    if n not in (1, 2):
        raise InputError(f"the plot needs one or two variables; {f.text!r} has {n} "
                         f"({', '.join(f.names)}). Fix: fix the others with 'const', e.g. "
                         f"{f.names[-1]}=1")
    if f.parameters:
        names = ", ".join(s.name for s in f.parameters)
        raise InputError(f"the plot needs values for {names}. Fix: give them in 'const', e.g. "
                         f"{f.parameters[0].name}=1")
    box = _box(args.get("box"), n)
    resolution = whole_number(args.get("resolution", 60), "resolution", 2, MAX_RESOLUTION)
    arrows = whole_number(args.get("arrows", 9), "arrows", 0, MAX_ARROWS)
    return _surface(key, tuple(box), resolution, arrows)


@memoized(32)
def _surface(key: Key, box: tuple[float, ...], resolution: int, arrows: int) -> dict[str, Any]:
    f = _prepared(key)
    n = len(f.variables)
    value, slopes = _kernels(key)
    axes = [np.linspace(box[2 * i], box[2 * i + 1], resolution) for i in range(n)]
    grid = np.meshgrid(*axes) if n == 2 else axes
    document: dict[str, Any] = {"variables": list(f.names), "x": axes[0].tolist()}
    if n == 2:
        document["y"] = axes[1].tolist()
    document["z"] = _finite(value(*grid))
    document["arrows"] = _arrows(list(box), n, arrows, slopes)
    return document


def critical(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/critical``: the ``critical --json`` document."""
    budget = args.get("budget", MAX_BUDGET)
    if not 0 < budget <= MAX_BUDGET:
        raise InputError(f"budget must be more than 0 and at most {MAX_BUDGET:g} seconds; "
                         f"received {budget!r}")
    document = _critical_document(args["expr"], args.get("within"), float(budget))
    # With a box, the box's numeric search is an answer (200, complete: false); without one,
    # nothing bounded the search, so a solve stopped at its budget is a 422 (issue 7).
    if document["out_of_time"] and not args.get("within"):
        raise OutOfTime(f"the exact solve of ∇f = 0 did not finish within the {budget:g} s "
                        "budget; 'partial' holds what was found. Fix: give a box (within) to "
                        "search, or a simpler function", document)
    return document


class OutOfTime(DomainError):
    """A computation stopped at its budget: HTTP 422, with the partial answer attached."""

    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


@memoized(256)
def _critical_document(expr: str, within: str | None, budget: float) -> dict[str, Any]:
    """Remembered per worker: the page asks again for the same function and box."""
    from gradwise.critical.extrema import points_and_extrema

    return critical_document(*points_and_extrema(parse(expr), within, budget))


Key = tuple[str, bool, str | None, str | None]
"""A function as a request names it: expr, degrees, wrt, const (the canonical request)."""


def _key(args: dict[str, Any]) -> Key:
    return (args["expr"], bool(args.get("degrees")), args.get("wrt") or None,
            args.get("const") or None)


@memoized(256)
def _prepared(key: Key) -> Expression:
    """The expression with its constants fixed and its variables chosen, as the CLI does it."""
    expr, degrees, wrt, const = key
    return parse(expr, degrees=degrees, wrt=wrt, constants=const)


@memoized(256)
def _gradient(key: Key) -> tuple[calculus.Gradient, dict[str, Any]]:
    g = calculus.gradient(_prepared(key))
    return g, gradient_part(g)


@memoized(1024)
def _point(key: Key, at: str) -> dict[str, Any]:
    return point_part(_gradient(key)[0].at(at))


@memoized(64)
def _hessian(key: Key) -> calculus.Hessian:
    return calculus.hessian(_prepared(key))


@memoized(128)
def _kernels(key: Key) -> tuple[Any, list[Any]]:
    """f and ∂f/∂v as NumPy functions of the variables (compiled once per function)."""
    f = _prepared(key)
    return grid_function(f.expr, f.variables), [grid_function(c, f.variables)
                                                 for c in _gradient(key)[0].components]


def _arrows(box: list[float], n: int, per_axis: int, slopes) -> list[dict[str, Any]]:
    if per_axis == 0:
        return []
    # arrows sit inside the box, away from its edges, on a regular grid
    axes = [np.linspace(box[2 * i], box[2 * i + 1], per_axis + 2)[1:-1] for i in range(n)]
    points = np.stack([a.ravel() for a in np.meshgrid(*axes)], axis=1) if n == 2 \
        else axes[0][:, None]
    values = np.stack([s(*points.T) for s in slopes], axis=1)
    return [{"at": p.tolist(), "gradient": v.tolist()}
            for p, v in zip(points, values, strict=True) if np.all(np.isfinite(v))]


def _box(box: Any, n: int) -> list[float]:
    expected = "[x_min, x_max]" if n == 1 else "[x_min, x_max, y_min, y_max]"
    if box is None:
        return [-3.0, 3.0] * n
    if not isinstance(box, list) or len(box) != 2 * n:
        raise InputError(f"box must be {expected} for {n} variable(s); received {box!r}")
    try:  # the rule of every box and window (a 400-digit integer included)
        for i in range(n):
            check_range("xy"[i], exact_number(box[2 * i]), exact_number(box[2 * i + 1]))
    except InputError as error:
        raise InputError(f"box {_clipped(box)}: {error}") from None
    return [float(v) for v in box]


def _clipped(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _finite(values: np.ndarray) -> list[Any]:
    """Non-finite values become None, which JSON writes as null."""
    cells = values.astype(object)
    cells[~np.isfinite(values)] = None
    return cells.tolist()


TASKS = {
    "gradient": gradient,
    "hessian": hessian,
    "steps": derivation,
    "check": check,
    "surface": surface,
    "descend": descend,
    "lr": lr,
    "critical": critical,
    "graph": graph,
    "train": train,
}


def warm_up() -> None:
    """Run each kind of task once, so a fresh worker's first request is as fast as the rest."""
    with contextlib.suppress(Exception):
        gradient({"expr": "x^2 + y^2", "at": "x=2,y=2"})
        derivation({"expr": "x^2 + y^2", "at": "x=2,y=2"})
        check({"expr": "x^2 + y^2", "answer": "2x, 2y^2"})
        surface({"expr": "x^2 + y^2", "resolution": 5, "arrows": 2})
        descend({"expr": "x^2 + y^2", "start": "x=1,y=1", "steps": 5, "explain_step": 0})
        lr({"expr": "x^2 + y^2", "start": "x=1,y=1"})

