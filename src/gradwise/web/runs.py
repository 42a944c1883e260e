"""``POST /api/descend`` and ``POST /api/lr``: runs and advice, remembered per worker.

A page shows one run in pieces: its thinned path first, then the rows of its table and the
explanation of a step on demand. Each piece is a request for the same run, so the run is kept
(``memo``) under the canonical request: the fields that define it, nothing that only selects
what to send back.
"""

from __future__ import annotations

from typing import Any

from gradwise.documents import descent_document, lr_document
from gradwise.errors import InputError, problem, whole_number
from gradwise.web.memo import memoized
from gradwise.web.paths import thin
from gradwise.web.schema import MAX_PATH_POINTS, MAX_ROWS, MAX_STEPS

HYPER = ("beta", "beta1", "beta2")
RUN = ("expr", "wrt", "const", "start", "learning_rate", "steps", "tol", "method", *HYPER,
       "schedule", "line_search", "ascent", "exact")
"""The fields that define a run (the others choose what to send back)."""

ADVICE = ("expr", "wrt", "const", "start", "ascent", "method", *HYPER)


def descend(args: dict[str, Any]) -> dict[str, Any]:
    """The ``descend --json`` document, with ``rows``, ``path`` and explanations if asked.

    Example:
        >>> doc = descend({"expr": "(1 - w)^2", "start": "w=3", "steps": 2, "rows": [1, 1],
        ...                "path_points": 2})
        >>> [s["point"] for s in doc["steps"]], doc["path"]["step"], doc["n_steps"]
        ([{'w': 2.6}], [0, 2], 2)
    """
    from gradwise.descent.explain import explain_step

    result = _run(canonical(args, RUN))
    n = result.trace.n_steps
    document = descent_document(result, _rows(args.get("rows"), n))
    if "path_points" in args:
        most = whole_number(args["path_points"], "path_points", 2, MAX_PATH_POINTS)
        document["path"] = thin(result.trace, most)
    if args.get("explain"):
        document["explanations"] = [explain_step(result, k) for k in range(n)]
    if "explain_step" in args:
        k = whole_number(args["explain_step"], "explain_step", 0, max(0, n - 1))
        document["explanation"] = {"step": k, "text": explain_step(result, k)} if n else None
    return document


def lr(args: dict[str, Any]) -> dict[str, Any]:
    """The ``lr --json`` document: the advice at the start, and a sweep if asked."""
    from gradwise.descent.advice import parse_range, sweep

    advice = _advice(canonical(args, ADVICE))
    rows = None
    if args.get("sweep"):
        steps = whole_number(args.get("steps", 1000), "steps", 1, MAX_STEPS)
        rows = sweep(function(args), args["start"], parse_range(args["sweep"]), max_steps=steps,
                     tol=args.get("tol", 1e-8), ascent=bool(args.get("ascent")))
    return lr_document(advice, rows)


def function(args: dict[str, Any]) -> Any:
    """The request's function: ``expr`` with ``const`` fixed and ``wrt`` as its variables, as
    the command line's --const and --wrt make it."""
    from gradwise.language.expressions import parse

    return parse(args["expr"], wrt=args.get("wrt") or None, constants=args.get("const") or None)


def canonical(args: dict[str, Any], fields: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """The request's defining fields as a hashable key (absent and null are the same)."""
    return tuple((name, args[name]) for name in fields if args.get(name) is not None)


@memoized(32)
def _run(key: tuple[tuple[str, Any], ...]) -> Any:
    from gradwise.descent.run import maximize, minimize

    args = dict(key)
    run = maximize if args.get("ascent") else minimize
    steps = whole_number(args.get("steps", 1000), "steps", 1, MAX_STEPS)
    return run(function(args), args["start"], args.get("learning_rate", "0.1"),
               args.get("method", "gd"), max_steps=steps, tol=args.get("tol", 1e-8),
               exact=bool(args.get("exact")), schedule=args.get("schedule"),
               line_search=bool(args.get("line_search")),
               **{name: args[name] for name in HYPER if name in args})


@memoized(64)
def _advice(key: tuple[tuple[str, Any], ...]) -> Any:
    from gradwise.descent.advice import advise_learning_rate

    args = dict(key)
    return advise_learning_rate(function(args), args["start"], ascent=bool(args.get("ascent")),
                                method=args.get("method", "gd"),
                                **{name: args[name] for name in HYPER if name in args})


def _rows(rows: list[int] | None, n_steps: int) -> range | None:
    """``[first, count]`` as the points to list; None for all of them."""
    if rows is None:
        return None
    if len(rows) != 2:
        raise InputError(problem("rows must be [first, count]", received=rows,
                                 fix="e.g. [0, 50] for the first 50 points"))
    first = whole_number(rows[0], "rows[0] (the first point)", 0, n_steps)
    many = whole_number(rows[1], "rows[1] (how many points)", 0, MAX_ROWS)
    return range(first, min(first + many, n_steps + 1))
