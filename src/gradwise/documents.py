"""Every JSON document that ``--json`` prints and ``/api/`` answers: one builder each.

The command line and the web playground both call these, so ``POST /api/gradient`` answers
exactly what ``gradwise grad --json`` prints. Each builder takes library results (a
``Gradient``, a descent ``Result``, ...) and returns plain JSON-ready data: exact values as
text that SymPy parses back, floats as floats, and never NaN or infinity (``null`` instead).

Example:
    >>> import gradwise
    >>> g = gradwise.gradient("x^2 + y^2")
    >>> gradient_document(g, g.at("x=2, y=2"))["exact"]
    ['4', '4']
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from gradwise.calculus.graph_layout import lay_out
from gradwise.calculus.graph_text import expression_text, value_text
from gradwise.language.expressions import Expression
from gradwise.language.functions import standard_form

__all__ = ["machine_text", "gradient_document", "gradient_part", "point_part",
           "hessian_document", "descent_document", "lr_document", "critical_document",
           "train_document", "graph_document", "finite_or_null", "steps_document",
           "check_document"]


def machine_text(expr: sympy.Expr) -> str:
    """Text plain SymPy parses back (σ, relu and softplus rewritten into exp, Max and log).

    Example:
        >>> from gradwise.language.functions import sigmoid
        >>> machine_text(sigmoid(sympy.Symbol("z")))
        '1/(1 + exp(-z))'
    """
    return str(standard_form(expr))


def finite_or_null(value: Any) -> Any:
    """The same JSON-ready structure with nan and ±inf replaced by None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_null(v) for v in value]
    return value


def _function(f: Expression) -> dict[str, Any]:
    return {"function": f.text, "variables": list(f.names),
            "mode": "degrees" if f.degrees else "radians"}


def gradient_document(g: Any, value: Any = None, slope: Any = None) -> dict[str, Any]:
    """``grad --json``: the function, ∇f as text, and with a point its exact and float values.

    Args:
        g: a :class:`~gradwise.calculus.gradients.Gradient`.
        value: ``g.at(point)``, or None.
        slope: the directional derivative at the point, or None.
    """
    document = gradient_part(g)
    if value is not None:
        document.update(point_part(value))
    if slope is not None:
        document["directional_derivative"] = float(slope.evalf(17))
    return finite_or_null(document)


def gradient_part(g: Any) -> dict[str, Any]:
    """The part of ``grad --json`` that holds everywhere: the function and ∇f as text (a
    server keeps it per function: it is the same for every point)."""
    document = _function(g.function)
    document["gradient"] = [machine_text(c) for c in g.components]
    document["display"] = str(g)
    return document


def point_part(value: Any) -> dict[str, Any]:
    """The part of ``grad --json`` at a point: the point, ∇f's floats and exact values, |∇f|
    (as a float, from the floats: within one unit in the last place), and the partial
    derivatives that do not exist there (``kinks``: variable, one-sided derivatives, the
    convention behind the value given)."""
    values = list(value.values)
    return {"at": {s.name: str(v) for s, v in value.point.items()}, "value": values,
            "exact": [machine_text(c) for c in value.exact],
            "approximate": list(value.approximate),  # given to 50 digits, not exactly
            "magnitude": math.hypot(*values),
            "kinks": [{"variable": k.variable.name, "left": _side(k.left),
                       "right": _side(k.right), "convention": k.convention}
                      for k in value.kinks]}


def _side(derivative: Any) -> float | None:
    """A one-sided derivative as a float, None where SymPy could not take the limit."""
    return None if derivative is None else finite_or_null(float(derivative))


def hessian_document(h: Any, value: Any = None) -> dict[str, Any]:
    """``hessian --json``: the matrix as text, and at a point its float and exact values, its
    eigenvalues (ascending) and its definiteness."""
    document = _function(h.function)
    document["hessian"] = [[machine_text(c) for c in row] for row in h.rows]
    if value is not None:
        document["at"] = {s.name: str(v) for s, v in value.point.items()}
        document["value"] = value.values
        document["exact"] = [[machine_text(c) for c in row] for row in value.exact.tolist()]
        document["eigenvalues"] = list(value.eigenvalues)
        document["definiteness"] = value.definiteness
        document["approximate"] = list(value.approximate)
    return finite_or_null(document)


def descent_document(result: Any, rows: range | None = None) -> dict[str, Any]:
    """``descend --json``: every point from the start (or the ``rows`` asked for: the page's
    rows on demand), the status, the findings and their messages (aligned, as in
    ``train --json``), the method's hyper-parameters, and the critical point a converged run
    reached.
    """
    trace = result.trace
    names = trace.names
    return finite_or_null({
        "function": result.function.text if result.function is not None else None,
        "variables": list(names),
        "method": result.method,
        "learning_rate": float(result.learning_rate),
        "schedule": result.schedule,
        "ascent": trace.ascent,
        "exact": result.exact,
        "status": result.status,
        "message": result.message,
        "findings": result.codes,
        "messages": [f.message for f in result.findings],
        "hyper": {name: float(value) for name, value in result.hyper.items()},
        "n_steps": trace.n_steps,
        "steps": [_step(trace, k, result.exact) for k in (range(len(trace)) if rows is None
                                                          else rows)],
        "final": {n: float(x) for n, x in result.point.items()},
        "final_value": float(result.value),
        "reached": _reached(result),
    })


def _step(trace: Any, k: int, exact: bool) -> dict[str, Any]:
    names = trace.names
    step: dict[str, Any] = {
        "step": k,
        "point": {n: float(x) for n, x in zip(names, trace.point(k), strict=True)},
        "value": float(trace.values[k]),
        "gradient": {n: float(g) for n, g in zip(names, trace.gradient(k), strict=True)},
    }
    if exact:
        step["exact_point"] = {n: str(x) for n, x in zip(names, trace.point(k), strict=True)}
    return step


def _reached(result: Any) -> dict[str, Any] | None:
    """The critical point a converged run reached: point, exact, value and kind."""
    point = result.reached()
    if point is None:
        return None
    document = point.as_dict()
    return {key: document[key] for key in ("point", "exact", "value", "kind")}


def lr_document(advice: Any, rows: Any = None) -> dict[str, Any]:
    """``lr --json``: the curvature, the spectrum at the start, the stable range for plain
    descent and for the chosen method, the advice as lines of text, and a sweep's rows."""
    document: dict[str, Any] = {
        "curvature": advice.curvature, "max_stable": advice.max_stable,
        "optimal": advice.optimal, "exact": advice.exact, "at": dict(advice.start),
        "eigenvalues": list(advice.eigenvalues),
        "negative_curvature": [{"eigenvalue": lam, "direction": list(direction)}
                               for lam, direction in advice.negative],
        "method": advice.method, "hyper": dict(advice.hyper),
        "method_max_stable": advice.method_max_stable, "advised": advice.advised,
        "ranges": advice.ranges, "messages": advice.lines()}
    if rows is not None:
        document["sweep"] = [{"learning_rate": r.learning_rate, "status": r.status,
                              "findings": list(r.findings), "final_value": r.final_value,
                              "steps": r.n_steps} for r in rows]
    return finite_or_null(document)


def critical_document(points: Any, extremes: Any = None) -> dict[str, Any]:
    """``critical --json``: the points, whether the list is complete, and over a box the
    global minimum and maximum."""
    document = points.as_dict()
    if extremes is not None:
        document["global_minimum"] = extremes.minimum.as_dict()
        document["global_maximum"] = extremes.maximum.as_dict()
        document["undefined_at"] = None if extremes.undefined is None else dict(
            zip(extremes.minimum.names, extremes.undefined, strict=True))
    return finite_or_null(document)


def train_document(trained: Any) -> dict[str, Any]:
    """``train --json``: the weights by feature, the run, and metrics on the training data.

    Args:
        trained: a :class:`~gradwise.neuron.api.Trained` (the fit, its model and scores).
    """
    fit, model = trained.fit, trained.model
    return finite_or_null({
        "weights": dict(zip(model.features, model.weights, strict=True)),
        "bias": model.bias, "history": list(fit.history), "status": fit.status,
        "findings": [f.code for f in fit.findings],
        "metrics": {"cost": fit.history[-1], **trained.scores},
        "gradient_norms": list(fit.gradient_norms), "epochs": fit.n_epochs,
        "steps": fit.n_steps, "messages": [f.message for f in fit.findings],
        "target": model.target,
    })


def graph_document(g: Any, highlight: str | None = None) -> dict[str, Any]:
    """``graph --json``: every node with its value, adjoint and inputs' local derivatives.

    Each node also carries its definition (``v₃ = σ(v₂)``), its chain-rule line and where
    the picture draws it (``layer``, ``row``; ``null`` when a picture of more than 60 nodes
    leaves it out, as ``layout.note`` says), so a page can draw the same picture.

    Args:
        g: a :class:`~gradwise.calculus.graph.Graph`.
        highlight: a variable whose gradient's path is listed (``highlight.path``).
    """
    layout = lay_out(g, highlight)
    document = _function(g.function)
    document["at"] = {s.name: str(v) for s, v in g.point.items()}
    document["nodes"] = [_graph_node(g, node, layout) for node in g.nodes]
    document["output"] = g.output.id
    document["gradient"] = list(g.gradient_values)
    document["gradient_exact"] = [machine_text(c) for c in g.gradient]
    document["layout"] = {"layers": layout.layers, "note": layout.note}
    if highlight:
        document["highlight"] = {"variable": highlight, "path": sorted(g.path(highlight))}
    return finite_or_null(document)


def _graph_node(g: Any, node: Any, layout: Any) -> dict[str, Any]:
    inputs = [{"node": j, "local": None if local is None else float(local.evalf(17)),
               "local_exact": None if local is None else _unordered(local),
               "route": layout.routes.get((j, node.id, k))}
              for k, (j, local) in enumerate(zip(node.inputs, node.local_derivatives))]
    return {"id": node.id, "op": node.op, "label": node.name, "definition": g.definition(node),
            "expression": expression_text(node.expr, g.function.degrees),
            "value": node.float_value, "exact": _unordered(node.value),
            "value_text": value_text(node.value, node.float_value),
            "adjoint": node.float_adjoint,
            "adjoint_exact": None if node.adjoint is None else _unordered(node.adjoint),
            "adjoint_text": value_text(node.adjoint, node.float_adjoint), "inputs": inputs,
            "chain_rule": g.chain_rule(node),
            "layer": layout.layer.get(node.id), "row": layout.row.get(node.id)}


def _unordered(expr: sympy.Expr) -> str:
    """:func:`machine_text` with the terms as SymPy holds them: sorting the terms of a large
    exact value (as ``str`` does) costs far more than the graph's passes."""
    return sympy.sstr(standard_form(expr), order="none")


def steps_document(s: Any, value: Any = None, slope: Any = None) -> dict[str, Any]:
    """``grad --steps --json``: each variable's tree of steps, and with a point its values
    (``value`` is ``s.at(point)``; ``slope`` a directional derivative there, or None).

    A step is ``{"rule", "expression", "result", "why", "substeps"}`` (expressions as text
    SymPy parses back), plus ``"variable"`` (a chain rule's outer step differentiates by its
    own ``u``, so every step can be checked on its own) and ``"display"`` (the step's line in
    the notes' notation).

    Example:
        >>> import gradwise
        >>> step = steps_document(gradwise.steps("x^2 + y^2"))["steps"]["x"]
        >>> step["rule"], step["result"], [sub["rule"] for sub in step["substeps"]]
        ('sum', '2*x', ['power', 'treat as constant'])
    """
    from gradwise.calculus.steps_text import Notation, evaluation_line, steps_text

    f = s.function
    notation = Notation(f)
    document = _function(f)
    texts: dict[Any, str] = {}
    document["steps"] = {v.name: _step_document(root, notation, texts)
                         for v, root in zip(f.variables, s.derivations, strict=True)}
    document["gradient"] = [machine_text(c) for c in s.gradient.components]
    document["display"] = steps_text(s, value)
    if value is not None:
        document["at"] = {p.name: str(v) for p, v in value.point.items()}
        document["exact"] = [machine_text(c) for c in value.exact]
        document["value"] = finite_or_null([float(c.evalf(17)) for c in value.exact])
        document["evaluation"] = {
            v.name: evaluation_line(f, v, root.result, value.point, exact)
            for v, root, exact in zip(f.variables, s.derivations, value.exact, strict=True)}
    if slope is not None:
        document["directional_derivative"] = float(slope.evalf(17))
    return document


def _step_document(step: Any, notation: Any, texts: dict[Any, str]) -> dict[str, Any]:
    for e in (step.expression, step.result):
        if e not in texts:  # the function heads every variable's tree: written once
            texts[e] = _unordered(e)
    return {"rule": step.rule, "expression": texts[step.expression],
            "result": texts[step.result], "why": step.why,
            "substeps": [_step_document(sub, notation, texts) for sub in step.substeps],
            "variable": step.variable.name, "display": notation.line(step)}


def check_document(result: Any) -> dict[str, Any]:
    """``gradwise check --json``: the verdict, and per component where it differs and why.

    ``{"correct", "components": [{"variable", "correct", "expected", "answer",
    "counterexample": {"point", "expected", "answer"} | null, "hint"}]}``, plus the function,
    its variables and mode, each component's ``"method"`` (``exact``, ``numerical`` or
    ``undecided``) and the verdict as text (``"display"``).

    Example:
        >>> import gradwise
        >>> check_document(gradwise.check("x^2 + y^2", "2x, 2y"))["correct"]
        True
    """
    from gradwise.calculus.steps_text import check_text

    document = _function(result.function)
    document["correct"] = result.correct
    document["components"] = [_component_document(c) for c in result.components]
    document["display"] = check_text(result)
    return document


def _component_document(c: Any) -> dict[str, Any]:
    example = None
    if c.counterexample is not None:
        x = c.counterexample
        example = {"point": {s.name: str(v) for s, v in x.point.items()},
                   "expected": machine_text(x.expected), "answer": machine_text(x.answer)}
    return {"variable": c.variable.name, "correct": c.correct,
            "expected": machine_text(c.expected), "answer": machine_text(c.answer),
            "counterexample": example, "hint": c.hint, "method": c.method}
