"""The JSON API's requests: one table of fields and endpoints, used to check bodies and to
write the OpenAPI document, so the documentation cannot drift from what is checked.

Only the shape is checked here (known names, JSON types, string lengths, closed choices); what
the values mean (the expression, the point, the CSV) is checked by the library in the worker,
through ``parse`` and the data loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradwise import __version__
from gradwise.neuron.settings import DEFAULTS

MAX_STEPS = 10_000  # a page's path; the library allows more from Python
MAX_PATH_POINTS = 5_000  # points of a thinned path (what a plot draws)
MAX_ROWS = 1_000  # points listed per answer when the page asks for rows
MAX_BUDGET = 5.0  # seconds for a critical-point search (the CLI's default)
MAX_CSV = 1024 * 1024  # UTF-8 bytes of an uploaded CSV (the page checks the same number)
MAX_EPOCHS = 10_000
ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "softplus")


@dataclass(frozen=True)
class Field:
    """One request field: its JSON type, a description with an example, and a length cap."""

    # "string", "boolean", "integer", "number", "numbers", "integers", "strings", "value", "texts"
    kind: str
    description: str
    max_length: int = 2_000  # characters of a string, items of an array
    choices: tuple[str, ...] = ()  # a closed choice: the only strings allowed
    upload: bool = False  # a file's text: capped in UTF-8 bytes, and past the cap 413


@dataclass(frozen=True)
class Endpoint:
    """One ``POST /api/<name>``: what it does, its fields, and which are required."""

    summary: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    timeout: float | None = None  # seconds; None takes the pool's default


FIELDS = {
    "expr": Field("string", "the function, e.g. `x^2 + y^2` or `f(w, b) = (1 - w)^2`", 20_000),
    "wrt": Field("string", "differentiate with respect to these names, e.g. `w,b`"),
    "const": Field("string", "fix names to exact values first, e.g. `y=1,b=0`"),
    "at": Field("string", "a point, e.g. `x=2,y=2` (values may be `pi/2`, `180°`)"),
    "degrees": Field("boolean", "read trigonometric arguments in degrees"),
    "along": Field("string", "with `at`: the directional derivative along a vector, e.g. `1,1`"),
    "box": Field("numbers", "the plot's range: `[x_min, x_max]` or "
                 "`[x_min, x_max, y_min, y_max]`", 4),
    "resolution": Field("integer", "grid points per axis (2 to 150)"),
    "arrows": Field("integer", "gradient arrows per axis (0 to 25)"),
    "start": Field("string", "where descent starts, e.g. `w=3` or `x=-1.2,y=1`"),
    "learning_rate": Field("value", "η > 0, a number or text such as `1/10` (read exactly; "
                           "a number or decimal text for `/api/train`)"),
    "steps": Field("integer", f"the most updates to take (1 to {MAX_STEPS:,})"),
    "tol": Field("number", "converged when |∇f| <= tol"),
    "method": Field("string", "`gd`, `momentum`, `nesterov`, `adagrad`, `rmsprop` or `adam`"),
    "schedule": Field("string", "η by step: `step:0.5:100`, `exponential:0.99` or "
                      "`inverse-time:0.01`"),
    "line_search": Field("boolean", "backtrack each step (Armijo)"),
    "ascent": Field("boolean", "gradient ascent: Δw = +η·∂f/∂w (maximize)"),
    "exact": Field("boolean", "rational arithmetic (no float noise)"),
    "explain": Field("boolean", "add `explanations`: each step written as the notes write it"),
    "explain_step": Field("integer", "add `explanation`: `{\"step\": k, \"text\"}`, the update "
                          "from point k to point k + 1 written as the notes write it"),
    "beta": Field("number", "momentum and nesterov: β in v ← βv + ∇f (0 ≤ β < 1; default 0.9)"),
    "beta1": Field("number", "adam: β₁, the decay of the mean gradient (default 0.9)"),
    "beta2": Field("number", "adam: β₂, the decay of the mean squared gradient (default 0.999)"),
    "rows": Field("integers", "`[first, count]`: list only these points in `steps` (rows on "
                  f"demand; count at most {MAX_ROWS:,}); `n_steps` says how many there are", 2),
    "path_points": Field("integer", "add `path`: at most this many points of the run (2 to "
                         f"{MAX_PATH_POINTS:,}) with their steps, values and |∇f|, thinned "
                         "evenly, every overshoot kept: what a plot draws"),
    "sweep": Field("string", "also run COUNT learning rates from FROM to TO, `FROM:TO:COUNT`"),
    "within": Field("string", "a box, e.g. `x=-5:5,y=-5:5`: only points in it, plus f's "
                    "global minimum and maximum over it"),
    "budget": Field("number", f"seconds for the whole search (at most {MAX_BUDGET:g})"),
    "csv": Field("string", f"the data file's text: CSV with a header line, at most "
                 f"{MAX_CSV:,} bytes (UTF-8); read by the data loader, never as a path",
                 MAX_CSV, upload=True),
    "filename": Field("string", "the uploaded file's name, used only to label error messages",
                      255),
    "target": Field("string", "the column to predict, y"),
    "features": Field("strings", "the feature columns in order, e.g. `[\"x1\", \"x2\"]` "
                      "(default: every column but the target)", 1_000),
    "activation": Field("string", "φ in ŷ = φ(w·x + b)", choices=ACTIVATIONS),
    "epochs": Field("integer", f"the most passes over the data (1 to {MAX_EPOCHS:,}; default "
                    f"{DEFAULTS.max_epochs:,})"),
    "batch_size": Field("integer", "rows per step (1: stochastic; default: all rows, one step "
                        "an epoch)"),
    "names": Field("strings", "names for subexpressions, `NAME=EXPR` each, in order, e.g. "
                   "`[\"z=w x + b\", \"ŷ=sigmoid(z)\"]`", 20),
    "highlight": Field("string", "a variable whose gradient's path is listed in `highlight`, "
                       "e.g. `w`", 100),
    "answer": Field("texts", "your ∇f to check: `2x, 2y`, `2x î + 2y ĵ` or `x=2x, y=2y`; or an "
                    "array of components, one per variable, e.g. `[\"x=2x\", \"y=2y\"]`",
                    20_000),
}

ENDPOINTS = {
    "gradient": Endpoint("The gradient, exactly; the document `gradwise grad --json` prints.",
                         ("expr",), ("wrt", "const", "at", "degrees", "along")),
    "hessian": Endpoint("The Hessian; the document `gradwise hessian --json` prints.",
                        ("expr",), ("wrt", "const", "at", "degrees")),
    "surface": Endpoint("f on a grid and gradient arrows (the page's contour plot or curve).",
                        ("expr",), ("wrt", "const", "degrees", "box", "resolution", "arrows")),
    "descend": Endpoint("Gradient descent (or ascent) step by step, with a diagnosis; the "
                        "document `gradwise descend --json` prints (plus `explanations` when "
                        "asked).", ("expr", "start"),
                        ("wrt", "const", "learning_rate", "steps", "tol", "method", "beta",
                         "beta1", "beta2", "schedule", "line_search", "ascent", "exact", "explain",
                         "explain_step", "rows", "path_points")),
    "lr": Endpoint("Learning-rate advice (the stable range from the Hessian's spectrum at the "
                   "start, for plain descent and for `method`) and an optional sweep; the "
                   "document `gradwise lr --json` prints.", ("expr", "start"),
                   ("wrt", "const", "method", "beta", "beta1", "beta2", "sweep", "steps", "tol",
                    "ascent")),
    "critical": Endpoint("Critical points, classified; the document `gradwise critical --json` "
                         "prints.", ("expr",), ("wrt", "const", "within", "budget"),
                         timeout=MAX_BUDGET + 3),
    "graph": Endpoint("The computation graph at a point: each node's value (forward pass), "
                      "adjoint ∂f/∂node (backward pass), local derivatives, chain-rule line "
                      "and place in the picture; the document `gradwise graph --json` prints.",
                      ("expr", "at"), ("wrt", "const", "degrees", "names", "highlight")),
    "steps": Endpoint("Each partial derivative derived rule by rule (with `at`, evaluated at "
                      "the point); the document `gradwise grad --steps --json` prints.",
                      ("expr",), ("wrt", "const", "at", "degrees", "along")),
    "check": Endpoint("A learner's gradient checked component by component, with a "
                      "counterexample and the likely slip; the document `gradwise check --json` "
                      "prints.", ("expr", "answer"), ("wrt", "const", "degrees")),
    "train": Endpoint("The neuron ŷ = φ(w·x + b) trained by gradient descent on an uploaded "
                      "CSV (its text in `csv`); the document `gradwise train --json` prints.",
                      ("csv", "target"), ("filename", "features", "activation",
                                          "learning_rate", "epochs", "batch_size", "method")),
}

_JSON_TYPES = {"string": "string", "boolean": "boolean", "integer": "integer",
               "number": "number", "numbers": "array", "integers": "array", "strings": "array",
               "value": ["number", "string"], "texts": ["string", "array"]}


_ITEM_LENGTH = 2_000  # characters of one string in a "strings" field


class SchemaError(ValueError):
    """A request body that does not have the endpoint's shape: HTTP ``status`` (400, or 413
    for an upload over its cap), with ``extra`` fields for the error document."""

    def __init__(self, message: str, status: int = 400, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


def check(name: str, body: Any) -> dict[str, Any]:
    """The body's fields, checked against ``ENDPOINTS[name]``; SchemaError says what is wrong."""
    endpoint = ENDPOINTS[name]
    if not isinstance(body, dict):
        raise SchemaError(f"the request body must be a JSON object such as "
                          f'{{"expr": "x^2 + y^2"}}; received a {_json_type(body)}')
    allowed = endpoint.required + endpoint.optional
    for key in body:
        if key not in allowed:
            raise SchemaError(f"unknown field {key!r} for /api/{name}; expected "
                              f"{', '.join(allowed)}")
    for key in endpoint.required:
        if key not in body:
            raise SchemaError(f"missing field {key!r}: {FIELDS[key].description}")
    for key, value in body.items():
        _check_value(key, value, FIELDS[key], key in endpoint.required)
    return {key: value for key, value in body.items() if value is not None}


def _check_value(key: str, value: Any, field: Field, required: bool) -> None:
    if value is None and field.kind != "boolean" and not required:
        return  # null is an optional field left out
    if not _is(value, field.kind):
        raise SchemaError(f"field {key!r} must be {_a(field.kind)}; received "
                          f"{_json_type(value)} {_clip(value)}: {field.description}")
    if field.upload:
        _check_upload(key, value, field)
    elif field.kind in ("string", "numbers", "integers", "strings", "texts") and \
            len(value) > field.max_length:
        raise SchemaError(f"field {key!r} has length {len(value):,}; at most "
                          f"{field.max_length:,} is allowed")
    if field.choices and value not in field.choices:
        raise SchemaError(f"field {key!r} must be one of {', '.join(field.choices)}; received "
                          f"{_clip(value)}")
    for item in value if field.kind in ("strings", "texts") and isinstance(value, list) else ():
        if len(item) > _ITEM_LENGTH:
            raise SchemaError(f"field {key!r} has an item of length {len(item):,}; at most "
                              f"{_ITEM_LENGTH:,} is allowed")


def _check_upload(key: str, text: str, field: Field) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > field.max_length:
        raise SchemaError(f"field {key!r} holds {size:,} bytes; at most {field.max_length:,} "
                          "are allowed; upload a smaller file (fewer rows)", status=413,
                          limit=field.max_length)


def _is(value: Any, kind: str) -> bool:
    if kind == "numbers":
        return isinstance(value, list) and all(_is(v, "number") for v in value)
    if kind == "integers":
        return isinstance(value, list) and all(_is(v, "integer") for v in value)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "value":
        return isinstance(value, str) or _is(value, "number")
    if kind == "texts":
        return isinstance(value, str) or _is(value, "strings")
    return isinstance(value, {"string": str, "boolean": bool}[kind])


def _a(kind: str) -> str:
    return {"numbers": "an array of numbers", "integers": "an array of integers",
            "strings": "an array of strings", "texts": "a string or an array of strings",
            "integer": "an integer",
            "value": "a number or a string"}.get(kind, f"a {kind}")


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
             float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``/api/``, built from ``ENDPOINTS`` and ``FIELDS``."""
    from gradwise.schemas import schema

    error = {"description": "`{\"error\": message}`; a parse error adds `column` (1-based) and "
             "`text`; a stopped computation adds `limit` (`time`, `cpu`, `memory`)",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    paths = {f"/api/{name}": {"post": _operation(name, endpoint, error)}
             for name, endpoint in ENDPOINTS.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gradwise web API", "version": __version__,
                 "description": "Every answer has the shape of the matching CLI command's "
                 "`--json` output. Computations run in sandboxed workers with time, CPU and "
                 "memory limits."},
        "paths": paths,
        "components": {"schemas": {"Error": _embedded(schema("error"))}},
    }


def _embedded(document: dict[str, Any]) -> dict[str, Any]:
    """A document's published schema (``gradwise.schemas``) inside the OpenAPI description,
    whose dialect is already JSON Schema 2020-12."""
    return {key: value for key, value in document.items() if key != "$schema"}


def _operation(name: str, endpoint: Endpoint, error: dict[str, Any]) -> dict[str, Any]:
    from gradwise.schemas import schema

    properties = {key: _property(FIELDS[key]) for key in endpoint.required + endpoint.optional}
    body = {"type": "object", "additionalProperties": False,
            "required": list(endpoint.required), "properties": properties}
    return {
        "summary": endpoint.summary, "operationId": name,
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {"description": "the document", "content": {"application/json": {
                "schema": _embedded(schema(name))}}},
            "400": {**error, "description": "invalid input: " + error["description"]},
            "413": {**error, "description": "the request body (or an uploaded file in it) is "
                    "too large; `limit` is the cap in bytes"},
            "422": {**error, "description": "valid input whose computation failed or was "
                    "stopped at a limit"},
            "503": {**error, "description": "every worker is busy; retry"},
        },
    }


def _property(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _JSON_TYPES[field.kind], "description": field.description}
    if field.kind in ("numbers", "integers", "strings", "texts"):
        schema["items"] = {"type": {"numbers": "number", "integers": "integer"}.get(field.kind,
                                                                                  "string")}
        schema["maxItems"] = field.max_length
    elif field.kind == "string":
        schema["maxLength"] = field.max_length  # for an upload, bytes >= characters
    if field.choices:
        schema["enum"] = list(field.choices)
    return schema
