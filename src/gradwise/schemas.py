"""The JSON Schema of every document that ``--json`` prints and ``/api/`` answers.

One schema per builder of :mod:`gradwise.documents` (plus the saved model and the web's error
and surface documents), in JSON Schema 2020-12. The tests validate real output of the command
line and of the web API against them, the docs site renders them, and ``/api/openapi.json``
describes each endpoint's answer with them: one description, three uses. Every key a document
may hold is listed (``additionalProperties`` is false), so a new key cannot appear undocumented.

Example:
    >>> schema("gradient")["required"]
    ['function', 'variables', 'mode', 'gradient', 'display']
    >>> sorted(SCHEMAS)[:3]
    ['check', 'critical', 'descend']
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMAS", "schema"]

Schema = dict[str, Any]


def schema(name: str) -> Schema:
    """The schema of one document, by its name (``"gradient"``, ``"train"``, ...).

    Args:
        name: a key of :data:`SCHEMAS`: the API endpoint's name, or ``model``, ``error``.

    Returns:
        The JSON Schema, with ``$schema``, ``title`` and ``description``.

    Raises:
        KeyError: for an unknown name (the message lists the known ones).

    Example:
        >>> schema("error")["properties"]["error"]["type"]
        'string'
    """
    if name not in SCHEMAS:
        raise KeyError(f"no document named {name!r}; expected one of {', '.join(SCHEMAS)}")
    title, text, body = SCHEMAS[name]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:gradwise:schema:{name}", "title": title, "description": text, **body}


# -- building blocks -------------------------------------------------------------------------

def _obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None,
         text: str = "") -> Schema:
    """An object with exactly these keys: ``required`` always, ``optional`` sometimes."""
    body: Schema = {"type": "object", "required": list(required),
                    "properties": {**required, **(optional or {})},
                    "additionalProperties": False}
    return {"description": text, **body} if text else body


def _of(kind: str | list[str], text: str, **more: Any) -> Schema:
    return {"type": kind, "description": text, **more}


def _str(text: str) -> Schema:
    return _of("string", text)


def _num(text: str, null: bool = False) -> Schema:
    return _of(["number", "null"] if null else "number", text)


def _int(text: str) -> Schema:
    return _of("integer", text)


def _bool(text: str) -> Schema:
    return _of("boolean", text)


def _list(items: Schema, text: str) -> Schema:
    return _of("array", text, items=items)


def _map(values: Schema, text: str) -> Schema:
    """An object keyed by names (variables, features), each value of one schema."""
    return _of("object", text, additionalProperties=values)


def _maybe(inner: Schema) -> Schema:
    """``inner`` or null."""
    return {"description": inner.get("description", ""), "anyOf": [inner, {"type": "null"}]}


EXACT = _str("exact value as text that SymPy parses back (`sympy.sympify`)")
FLOAT = {"type": ["number", "null"]}  # null where a float is NaN or infinite
FUNCTION = {
    "function": _str("the function as it was typed"),
    "variables": _list({"type": "string"}, "the variables, in order"),
    "mode": _of("string", "how angles are read", enum=["radians", "degrees"]),
}
AT = _map({"type": "string"}, "the point: each name's exact value as text")
STATUS = _of("string", "why the run stopped",
             enum=["converged", "max_steps", "diverged", "non_finite"])
CODES = _list({"type": "string"}, "the findings' codes, e.g. `overshoot`, `cycle`")
MESSAGES = _list({"type": "string"}, "one message per finding, in the same order")


# -- the calculus documents ------------------------------------------------------------------

GRADIENT_AT = {
    "at": AT,
    "value": _list(FLOAT, "∇f at the point, as floats"),
    "exact": _list(EXACT, "∇f at the point, exactly"),
    "approximate": _list({"type": "string"}, "the components whose exact form passed the "
                         "exact-work budget, e.g. `∂f/∂x`: their `exact` is given to 50 "
                         "significant digits instead"),
    "magnitude": _num("|∇f| at the point"),
    "kinks": _list(_obj({
        "variable": _str("the variable whose partial derivative does not exist at the point"),
        "left": _num("the one-sided derivative from the left; null where SymPy could not "
                     "take the limit", null=True),
        "right": _num("the one-sided derivative from the right; null where SymPy could not "
                      "take the limit", null=True),
        "convention": _str("the convention behind the value `value` gives, e.g. "
                           "`sign(0) = 0`, `H(0) = 0` (relu'(0) = 0, as PyTorch takes it)"),
    }), "the partial derivatives that do not exist at the point (|x| or relu at 0): the two "
        "one-sided derivatives differ; empty where every one exists"),
}
GRADIENT = _obj({
    **FUNCTION,
    "gradient": _list(EXACT, "∂f/∂v for each variable v, as text"),
    "display": _str("∇f in the notes' notation, e.g. `∇f(x, y) = 2x î + 2y ĵ`"),
}, {**GRADIENT_AT,
    "directional_derivative": _num("with `--along`: the slope along the vector, at the point")})

STEP: Schema = _obj({
    "rule": _str("the rule applied, e.g. `sum`, `power`, `chain`, `treat as constant`"),
    "expression": _str("what is differentiated, as text SymPy parses back"),
    "result": _str("its derivative, as text SymPy parses back"),
    "why": _str("the rule in symbols, e.g. `power rule: ∂/∂x xⁿ = n·xⁿ⁻¹ with n = 2`"),
    "substeps": _list({"$ref": "#/$defs/step"}, "the steps the rule needs, in order"),
    "variable": _str("what this step differentiates by (a chain rule's own u for its "
                     "outer step)"),
    "display": _str("the step's line in the notes' notation"),
}, text="one step of a derivation")
STEPS = _obj({
    **FUNCTION,
    "steps": _map({"$ref": "#/$defs/step"}, "each variable's derivation, a tree of steps"),
    "gradient": GRADIENT["properties"]["gradient"],
    "display": _str("the whole derivation as text, as `grad --steps` prints it"),
}, {"at": AT, "exact": GRADIENT_AT["exact"], "value": GRADIENT_AT["value"],
    "evaluation": _map({"type": "string"}, "each variable's last line at the point, e.g. "
                       "`∂f/∂x(2, 2) = 2·2 = 4`"),
    "directional_derivative": GRADIENT["properties"]["directional_derivative"]})
STEPS["$defs"] = {"step": STEP}

CHECK = _obj({
    **FUNCTION,
    "correct": _bool("whether every component of the answer is right"),
    "components": _list(_obj({
        "variable": _str("the variable of this component"),
        "correct": _bool("whether this component is right"),
        "expected": _str("∂f/∂v, as text SymPy parses back"),
        "answer": _str("the answer given, as text SymPy parses back"),
        "counterexample": _maybe(_obj({
            "point": AT, "expected": EXACT, "answer": EXACT,
        }, text="a point where the two differ, with both values")),
        "hint": _maybe(_str("the likely slip, e.g. the chain rule's inner factor missing")),
        "method": _of("string", "how it was decided", enum=["exact", "numerical",
                                                            "undecided"]),
    }), "one verdict per variable, in order"),
    "display": _str("the verdict as text, as `gradwise check` prints it"),
})

HESSIAN = _obj({
    **FUNCTION,
    "hessian": _list(_list(EXACT, "a row"), "∂²f/∂u∂v, a matrix of text"),
}, {"at": AT,
    "value": _list(_list(FLOAT, "a row"), "the matrix at the point, as floats"),
    "exact": _list(_list(EXACT, "a row"), "the matrix at the point, exactly"),
    "eigenvalues": _list(FLOAT, "the matrix's eigenvalues at the point, ascending"),
    "definiteness": _of("string", "the matrix's definiteness at the point (semidefinite: a "
                        "zero eigenvalue, decided exactly)",
                        enum=["positive definite", "negative definite", "indefinite",
                              "positive semidefinite", "negative semidefinite", "zero"]),
    "approximate": _list({"type": "string"}, "the entries whose exact form passed the "
                         "exact-work budget, given to 50 significant digits instead")})

GRAPH_INPUT = _obj({
    "node": _int("the input's node id"),
    "local": _num("the local derivative ∂node/∂input at the point", null=True),
    "local_exact": _maybe(EXACT),
    "route": _maybe(_list({}, "where the picture draws the edge")),
})
GRAPH = _obj({
    **FUNCTION,
    "at": AT,
    "nodes": _list(_obj({
        "id": _int("the node's position in forward order"),
        "op": _str("the operation (`+`, `×`, `^`, `σ`, ...), or `variable`, `parameter`, "
                   "`constant`"),
        "label": _str("the node's name: a variable's, v₁, v₂, ..., or one given by `--name`"),
        "definition": _str("e.g. `v₃ = σ(v₂)`"),
        "expression": _str("the subexpression the node computes, in the notes' notation"),
        "value": _num("its value at the point (forward pass)", null=True),
        "exact": _maybe(EXACT),
        "value_text": _str("the value as the table writes it"),
        "adjoint": _num("∂f/∂node (backward pass); null where no gradient flows", null=True),
        "adjoint_exact": _maybe(EXACT),
        "adjoint_text": _str("the adjoint as the table writes it"),
        "inputs": _list(GRAPH_INPUT, "the node's inputs with their local derivatives"),
        "chain_rule": _str("the node's chain-rule line"),
        "layer": _maybe(_int("the picture's column; null when the picture leaves it out")),
        "row": _num("the picture's row", null=True),
    }), "every node, in forward order"),
    "output": _int("the id of f's node"),
    "gradient": _list(FLOAT, "the variables' adjoints: ∇f at the point"),
    "gradient_exact": _list(EXACT, "∇f at the point, exactly"),
    "layout": _obj({"layers": _int("columns of the picture"),
                    "note": _str("what a large picture left out, or empty")}),
}, {"highlight": _obj({"variable": _str("the variable asked for"),
                       "path": _list({"type": "integer"}, "ids of the nodes on its path")})})


# -- descent ---------------------------------------------------------------------------------

POINT = _map({"type": ["number", "null"]}, "each variable's value")
REACHED = _obj({
    "point": POINT, "exact": _maybe(_map({"type": "string"}, "each variable's exact value")),
    "value": _num("f there", null=True),
    "kind": _str("`minimum`, `maximum`, `saddle` or `degenerate`"),
}, text="the critical point a converged run reached, classified")
DESCEND = _obj({
    "function": _maybe(_str("the function as it was typed")),
    "variables": FUNCTION["variables"],
    "method": _str("`gd`, `momentum`, `nesterov`, `adagrad`, `rmsprop` or `adam`"),
    "learning_rate": _num("η (the first step's, under a schedule)"),
    "schedule": _str("`constant`, or the schedule as given, e.g. `step:0.5:100`"),
    "ascent": _bool("gradient ascent (maximize) rather than descent"),
    "exact": _bool("whether the run was computed in exact arithmetic"),
    "status": STATUS,
    "message": _str("the status in words"),
    "findings": CODES,
    "messages": MESSAGES,
    "hyper": _map({"type": "number"}, "the method's hyper-parameters, e.g. `beta1`, `eps`"),
    "n_steps": _int("steps taken (the document's `steps` hold one more point: the start)"),
    "steps": _list(_obj({
        "step": _int("k: 0 is the start"),
        "point": POINT,
        "value": _num("f at the point", null=True),
        "gradient": _map({"type": ["number", "null"]}, "∂f/∂v at the point"),
    }, {"exact_point": _map({"type": "string"}, "with `--exact`: the point, exactly")}),
        "every point from the start to the end"),
    "final": POINT,
    "final_value": _num("f at the last point", null=True),
    "reached": _maybe(REACHED),
}, {"path": _obj({
    "step": _list({"type": "integer"}, "which points were kept: k is the point after k steps"),
    "point": _map(_list(FLOAT, "its values"), "each variable's values at those points"),
    "value": _list(FLOAT, "f at those points"),
    "gradient_norm": _list(FLOAT, "|∇f| at those points"),
    "n_overshoots": _int("steps that jumped past the optimum"),
    "n_points": _int("points of the whole run"),
}, text="`/api/descend` with `path_points: n`: the run thinned to at most n points, both "
        "ends of every overshoot kept"),
    "explanations": _list({"type": "string"}, "`/api/descend` with `explain`: every step "
                          "written as the notes write it"),
    "explanation": _maybe(_obj({"step": _int("k"), "text": _str("step k, as the notes write "
                                                                 "it")},
                               text="`/api/descend` with `explain_step`"))})

RANGE = _num("the largest stable η, or null where the method has no simple bound", null=True)
LR = _obj({
    "curvature": _num("λ: the largest curvature (Hessian eigenvalue) that limits η"),
    "max_stable": _num("2/λ: plain descent is stable for 0 < η < 2/λ", null=True),
    "optimal": _num("1/λ: the fastest η for a quadratic", null=True),
    "exact": _bool("whether λ is exact (f is quadratic) or measured locally"),
    "at": POINT,
    "eigenvalues": _list(FLOAT, "the Hessian's eigenvalues at the start, ascending"),
    "negative_curvature": _list(_obj({
        "eigenvalue": _num("λ < 0"),
        "direction": _list({"type": "number"}, "its eigenvector: a way downhill"),
    }), "directions of negative curvature at the start (descent leaves along them)"),
    "method": _str("the method the advice is for (`--method`)"),
    "hyper": _map({"type": "number"}, "that method's hyper-parameters"),
    "method_max_stable": RANGE,
    "advised": _num("the η advised for that method, or null where there is no simple "
                    "bound", null=True),
    "ranges": _map(RANGE, "each method's largest stable η"),
    "messages": _list({"type": "string"}, "the advice as lines of text, as `gradwise lr` "
                      "prints it"),
}, {"sweep": _list(_obj({
    "learning_rate": _num("η"),
    "status": STATUS,
    "findings": CODES,
    "final_value": _num("f at the run's end", null=True),
    "steps": _int("steps taken"),
}), "with `--sweep`: one run per learning rate")})


# -- critical points -------------------------------------------------------------------------

CRITICAL_POINT = _obj({
    "point": POINT,
    "exact": _maybe(_map({"type": "string"}, "each variable's exact value")),
    "value": _num("f at the point", null=True),
    "kind": _str("`minimum`, `maximum`, `saddle`, `degenerate` or `inflection`"),
    "eigenvalues": _list(FLOAT, "the Hessian's eigenvalues at the point"),
    "test": _str("the test that classified it, e.g. `D = 1 > 0, f_xx = −1/3 < 0`"),
    "settled_by": _maybe(_str("for a degenerate Hessian: what decided the kind")),
    "certified": _bool("whether interval arithmetic proved it the only critical point in a tiny "
                       "box around it (Krawczyk's test)"),
})
EXTREMUM = _obj({"point": POINT, "value": _num("f there", null=True),
                 "where": _str("interior critical point, a face, an edge or a corner"),
                 "certified": _bool("whether no point of the box does better by more than "
                                    "`tolerance` (proven by interval bounds)"),
                 "bound": _maybe(_list(_num("a bound", null=True), "[low, high]: the true "
                                       "extreme value lies in this interval")),
                 "tolerance": _num("ε: how far the value may be from the true extreme", null=True)})
BOX = _map(_list({"type": "number"}, "[low, high]"), "each variable's interval")
REGION = {
    "count": _int("how many boxes"),
    "volume": _num("their total volume (area in two variables, length in one)"),
    "share": _num("their volume as a share of the box searched"),
}
CRITICAL = _obj({
    "function": FUNCTION["function"],
    "variables": FUNCTION["variables"],
    "points": _list(CRITICAL_POINT, "the critical points found"),
    "complete": _bool("whether the list is every critical point (in the box)"),
    "note": _str("how the points were found, and why the list may be incomplete"),
    "seconds": _num("time taken"),
    "out_of_time": _bool("whether the exact solve was stopped at the budget"),
    "within": _maybe(_map(_list({"type": "number"}, "[low, high]"), "the box searched")),
    "certified": _bool("whether interval arithmetic proved that the critical points in the box "
                       "searched are exactly those counted"),
    "count": _maybe(_int("how many critical points the box holds, when known exactly (the list "
                         "is left empty when they are too many to print)")),
    "kinds": _maybe(_map({"type": "integer"}, "how many of each kind, when `count` is known")),
    "undecided_boxes": _obj({**REGION, "within": _maybe(_of(
        "object", "the smallest box holding them all", additionalProperties=BOX[
            "additionalProperties"]))},
        text="the sub-boxes neither excluded nor proven to hold one critical point (count 0 "
             "when the certificate is complete)"),
    "flat_region": _maybe(_obj({**REGION, "within": BOX,
                                "largest_abs_value": _num("an upper bound of |f| there")},
                               text="where f is flat to working precision")),
    "nondifferentiable": _list(CRITICAL_POINT, "points where f has a kink (|·|, relu), kind "
                               "decided by sampling; the certificate does not cover them"),
    "searched": _map(_list({"type": "number"}, "[low, high]"), "the box the numeric search "
                     "covered (`within`, or [−10, 10]ⁿ)"),
}, {"global_minimum": EXTREMUM, "global_maximum": EXTREMUM,
    "undefined_at": _maybe(_map({"type": "number"}, "with `within`: a point of the box where f "
                                "is not a real number (√x at x = −1), when sampling finds one; "
                                "the extrema are over the points where f is")),
    "partial": {"description": "`/api/critical` (422) only: what was found before the budget"}})


# -- the neuron ------------------------------------------------------------------------------

TRAIN = _obj({
    "weights": _map({"type": ["number", "null"]}, "w for each feature, in its own units"),
    "bias": _num("b", null=True),
    "history": _list(FLOAT, "C at the start and after each epoch"),
    "status": STATUS,
    "findings": CODES,
    "metrics": _obj({"cost": _num("C on the training data", null=True),
                     "mse": _num("mean squared error", null=True),
                     "mae": _num("mean absolute error", null=True),
                     "r2": _num("R²; null for a constant target", null=True)},
                    {"accuracy": _num("for 0/1 targets: the share predicted right "
                                      "(ŷ ≥ 0.5)", null=True)},
                    text="scores on the training data"),
    "gradient_norms": _list(FLOAT, "|∇C| at each point of `history`"),
    "epochs": _int("passes over the data"),
    "steps": _int("updates made"),
    "messages": MESSAGES,
    "target": _str("the column predicted"),
}, {"picture": _obj({
    "feature": _str("the one feature"),
    "data": _obj({"x": _list(FLOAT, "the feature"), "y": _list(FLOAT, "the target")},
                 text="the data (at most a few hundred rows, evenly spaced)"),
    "curve": _obj({"x": _list(FLOAT, "the feature"), "y": _list(FLOAT, "ŷ = φ(w·x + b)")},
                  text="the fitted curve"),
    "path": _obj({"w": _list(FLOAT, "w after each epoch"), "b": _list(FLOAT, "b after each "
                                                                      "epoch")},
                 text="the training path, in the data's own units"),
    "surface": _obj({"w": _list(FLOAT, "the grid's w"), "b": _list(FLOAT, "the grid's b"),
                     "C": _list(_list(FLOAT, "a row: C at one b"), "`C[i][j]` at `b[i]`, `w[j]`")},
                    text="C(w, b) around the path"),
}, text="`/api/train` with one feature: what the playground draws")})

MODEL = _obj({
    "format": _of("string", "always `gradwise.neuron`", const="gradwise.neuron"),
    "version": _of("integer", "the format's version", const=1),
    "features": _list({"type": "string"}, "the feature columns, in order"),
    "target": _str("the column predicted"),
    "activation": _str("φ: `identity`, `sigmoid`, `tanh`, `relu`, `softplus`, or an "
                       "expression in z"),
    "cost": _of("string", "the cost", enum=["squared_error", "log_loss"]),
    "weights": _map({"type": "number"}, "w for each feature, in its own units"),
    "bias": _num("b"),
    "standardization": _maybe(_obj({
        "offset": _list({"type": "number"}, "each feature's mean"),
        "scale": _list({"type": "number"}, "each feature's standard deviation"),
    }, text="how the features were standardised for training (informative: `weights` and "
            "`bias` already apply to raw features)")),
    "training": _obj({
        "status": STATUS, "findings": CODES, "epochs": _int("passes over the data"),
        "learning_rate": _num("η"), "method": _str("the optimizer"),
        "batch_size": _maybe(_int("rows per step; null for full batch")),
        "engine": _str("`memory`, `stream`, `dask` or `cuda`"),
    }, text="how the model was trained"),
})


# -- the web's own -------------------------------------------------------------------------

ERROR = _obj({"error": _str("what was wrong, where, and the fix")},
             {"column": _int("a parse error's column (1-based)"),
              "text": _str("a parse error's text"),
              "limit": {"description": "a stopped computation's limit (`time`, `cpu`, "
                        "`memory`), or an upload's cap in bytes",
                        "type": ["string", "integer"]},
              "partial": {"description": "`/api/critical`: the points found before the "
                          "budget ran out"}})

SURFACE = _obj({
    "variables": FUNCTION["variables"],
    "x": _list({"type": "number"}, "the grid's first axis"),
    "z": _list({}, "f on the grid: a list (one variable) or a list of rows (two); null "
               "where f is undefined"),
    "arrows": _list(_obj({"at": _list({"type": "number"}, "where the arrow starts"),
                          "gradient": _list({"type": "number"}, "∇f there")}),
                    "gradient arrows on a coarser grid"),
}, {"y": _list({"type": "number"}, "with two variables: the grid's second axis")})


SCHEMAS: dict[str, tuple[str, str, Schema]] = {
    "gradient": ("grad --json", "The gradient, exactly: `gradwise grad --json` and "
                 "`POST /api/gradient`.", GRADIENT),
    "steps": ("grad --steps --json", "Each partial derivative derived rule by rule: "
              "`gradwise grad --steps --json` and `POST /api/steps`.", STEPS),
    "check": ("check --json", "A learner's gradient checked component by component: "
              "`gradwise check --json` and `POST /api/check`.", CHECK),
    "hessian": ("hessian --json", "The Hessian: `gradwise hessian --json` and "
                "`POST /api/hessian`.", HESSIAN),
    "graph": ("graph --json", "The computation graph at a point: `gradwise graph --json` and "
              "`POST /api/graph`.", GRAPH),
    "descend": ("descend --json", "A descent, step by step, with its diagnosis: "
                "`gradwise descend --json` and `POST /api/descend`.", DESCEND),
    "lr": ("lr --json", "Learning-rate advice and a sweep: `gradwise lr --json` and "
           "`POST /api/lr`.", LR),
    "critical": ("critical --json", "Critical points, classified: `gradwise critical --json` "
                 "and `POST /api/critical`.", CRITICAL),
    "train": ("train --json", "A trained neuron: `gradwise train --json` and "
              "`POST /api/train`.", TRAIN),
    "model": ("a saved model", "The file `gradwise train --save` writes and `gradwise "
              "predict` reads.", MODEL),
    "surface": ("POST /api/surface", "f on a grid and gradient arrows, for the playground's "
                "plot.", SURFACE),
    "error": ("an error", "Every 4xx answer of `/api/`.", ERROR),
}
"""name -> (title, description, schema body)."""
