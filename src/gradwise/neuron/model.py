"""A trained neuron as a JSON document: what ``gradwise train --save`` writes and ``predict`` reads.

The document holds the feature columns in order, the target, the activation (its name, or
its expression text, read back through the safe parser), the cost, w and b in the raw units
of the features, the standardisation used while training, and a format version::

    {"format": "gradwise.neuron", "version": 1, "features": ["x"], "target": "y",
     "activation": "sigmoid", "cost": "squared_error", "weights": {"x": 3.0}, "bias": 0.0,
     "standardization": {"offset": [0.0], "scale": [1.0]}, "training": {...}}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gradwise.documents import finite_or_null
from gradwise.errors import DataError, InputError
from gradwise.neuron.derivation import CostName
from gradwise.neuron.kernel import phi_cost_delta
from gradwise.neuron.settings import resolve_activation

FORMAT, VERSION = "gradwise.neuron", 1


@dataclass(frozen=True)
class Model:
    """ŷ = φ(w·x + b) over named feature columns.

    Attributes:
        features: the feature columns, in order.
        target: the column it predicts.
        activation: φ's name, or an expression in z.
        cost: ``squared_error`` or ``log_loss``.
        weights: w, one per feature, in the features' own units.
        bias: b.
        offset: each feature's mean when training standardised them (informative).
        scale: each feature's standard deviation when training standardised them.
        training: a summary of the training: status, findings, epochs, η, method, engine.

    Example:
        >>> m = Model(("x",), "y", "identity", "squared_error", (2.0,), 1.0)
        >>> m.predict(np.array([[3.0]])).tolist(), Model.from_json(m.to_json()) == m
        ([7.0], True)
    """

    features: tuple[str, ...]
    target: str
    activation: str
    cost: CostName
    weights: tuple[float, ...]
    bias: float
    offset: tuple[float, ...] | None = None
    scale: tuple[float, ...] | None = None
    training: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_fit(cls, fit: Any, features: Sequence[str], target: str, activation: str,
                 settings: Any) -> Model:
        """The trained neuron in the features' own units, with a summary of its training.

        Args:
            fit: the training loop's :class:`~gradwise.neuron.training.Fit`.
            features: the feature columns, in order.
            target: the column predicted.
            activation: φ as the user named or wrote it (``sigmoid``, ``z/(1 + abs(z))``).
            settings: the run's :class:`~gradwise.neuron.training.Settings`.
        """
        weights, bias = fit.scaling.to_raw(fit.weights, fit.bias)
        training = {"status": fit.status, "findings": [f.code for f in fit.findings],
                    "epochs": fit.n_epochs, "learning_rate": _rate_text(settings.learning_rate),
                    "method": str(settings.method), "batch_size": settings.batch_size,
                    "engine": fit.engine}
        return cls(tuple(features), target, activation, settings.cost, tuple(weights.tolist()),
                   float(bias), tuple(fit.scaling.offset.tolist()),
                   tuple(fit.scaling.scale.tolist()), training)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """φ(X·w + b) for X (N, d) with the columns of ``features`` in order; a z past the
        floats (x = 1e308) gives ±inf or nan there, as the arithmetic does, without warnings."""
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ np.asarray(self.weights, dtype=np.float64) + self.bias
            return phi_cost_delta(z, np.zeros_like(z), resolve_activation(self.activation),
                                  self.cost)[0]

    def check_columns(self, names: Sequence[str], path: str | Path) -> None:
        """Raise DataError unless the file's columns are the model's features (and the target).

        Args:
            names: the data file's column names.
            path: the data file, for the message.
        """
        missing = [n for n in self.features if n not in names]
        extra = [n for n in names if n not in self.features and n != self.target]
        if not (missing or extra):
            return
        parts = [f"missing {_listed(missing)}" if missing else "",
                 f"extra {_listed(extra)}" if extra else ""]
        raise DataError(f"{path}: its columns disagree with the model's {len(self.features)} "
                        f"feature(s): {'; '.join(p for p in parts if p)}. Fix: give a file with "
                        "exactly the model's feature columns (its target column may stay), or "
                        "train a model on these columns")

    def to_json(self) -> str:
        """The JSON document (UTF-8 text, ending in a newline)."""
        document = {
            "format": FORMAT, "version": VERSION, "features": list(self.features),
            "target": self.target, "activation": self.activation, "cost": self.cost,
            "weights": dict(zip(self.features, self.weights, strict=True)),
            "bias": self.bias,
            "standardization": None if self.offset is None else
            {"offset": list(self.offset), "scale": list(self.scale or ())},
            "training": self.training,
        }
        return json.dumps(finite_or_null(document), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, path: str | Path = "<model>") -> Model:
        """Read a document written by :meth:`to_json`; InputError says what is wrong with it,
        naming the key (the document is checked against :data:`SCHEMA`)."""
        try:
            document = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}: not a JSON model ({error.msg} at line {error.lineno}, "
                             f"column {error.colno}). Fix: give a file written by "
                             "'gradwise train --save'") from None
        except (ValueError, RecursionError) as error:  # NaN, a 5,000-digit number, deep nesting
            reason = "it nests too deeply" if isinstance(error, RecursionError) else str(error)
            raise InputError(f"{path}: not a gradwise model ({reason[:120]}). Fix: give a file "
                             "written by 'gradwise train --save'") from None
        return cls._from_document(document, path)

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """Read a model file (a regular file: /dev/zero would never end)."""
        if Path(path).exists() and not Path(path).is_file():
            raise InputError(f"{path}: is not a regular file (a directory, a device or a pipe); "
                             "expected a model file. Fix: give the file 'gradwise train --save' "
                             "wrote")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read the model ({error}). Fix: check the path") \
                from None
        return cls.from_json(text, path)

    @classmethod
    def _from_document(cls, document: Any, path: str | Path) -> Model:
        check = _Checker(path)
        check.document(document)
        features = tuple(document["features"])
        weights = tuple(float(document["weights"][n]) for n in features)
        scaling = document.get("standardization") or {}
        model = cls(features, document["target"], document["activation"],
                    document.get("cost", "squared_error"), weights, float(document["bias"]),
                    _floats(scaling.get("offset")), _floats(scaling.get("scale")),
                    dict(document.get("training") or {}))
        try:
            resolve_activation(model.activation)  # the text goes through the safe parser
        except InputError as error:
            raise check.error("activation", f"is not an activation gradwise knows ({error})",
                              model.activation) from None
        return model


SCHEMA: dict[str, str] = {
    "format": f"the text {FORMAT!r}",
    "version": f"the whole number {VERSION}",
    "features": "a non-empty list of distinct column names (text)",
    "target": "a column name (text)",
    "activation": "an activation's name or its expression in z (text)",
    "cost": "'squared_error' or 'log_loss' (optional)",
    "weights": "an object: each feature's name → a finite number",
    "bias": "a finite number",
    "standardization": "null, or {\"offset\": d finite numbers, \"scale\": d positive numbers}",
    "training": "an object (optional): the training summary",
}
"""The model document, key by key: what :meth:`Model.from_json` accepts (and nothing else)."""


class _Checker:
    """Checks a model document against :data:`SCHEMA`, naming the first key that is wrong."""

    def __init__(self, path: str | Path) -> None:
        self.path = path

    def error(self, key: str, what: str, received: Any) -> InputError:
        shown = repr(received)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return InputError(f"{self.path}: the model's \"{key}\" {what}; expected "
                          f"{SCHEMA[key.split('.')[0]]}; received {shown}. Fix: give a file "
                          "written by 'gradwise train --save' (or retrain and save again)")

    def document(self, document: Any) -> None:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise InputError(f"{self.path}: not a gradwise neuron model (expected \"format\": "
                             f"{FORMAT!r}). Fix: give a file written by 'gradwise train --save'")
        version = document.get("version")
        if type(version) is not int or version != VERSION:
            raise self.error("version", f"is not a version this gradwise reads ({VERSION})",
                             version)
        for key in ("features", "target", "activation", "weights", "bias"):
            if key not in document:
                raise self.error(key, "is missing", None)
        unknown = sorted(set(document) - set(SCHEMA))
        if unknown:
            raise InputError(f"{self.path}: the model has an unknown key {unknown[0]!r}; its "
                             f"keys are {', '.join(SCHEMA)}. Fix: give a file written by "
                             "'gradwise train --save'")
        self.texts(document)
        self.numbers(document)
        self.standardization(document.get("standardization"), len(document["features"]))
        if not isinstance(document.get("training", {}), dict):
            raise self.error("training", "is not an object", document["training"])

    def texts(self, document: dict[str, Any]) -> None:
        features = document["features"]
        if not (isinstance(features, list) and features and all(
                isinstance(n, str) for n in features) and len(set(features)) == len(features)):
            raise self.error("features", "is not a list of distinct names", features)
        for key in ("target", "activation"):
            if not isinstance(document[key], str):
                raise self.error(key, "is not text", document[key])
        if document.get("cost", "squared_error") not in ("squared_error", "log_loss"):
            raise self.error("cost", "is not a cost gradwise knows", document["cost"])

    def numbers(self, document: dict[str, Any]) -> None:
        weights = document["weights"]
        if not isinstance(weights, dict) or set(weights) != set(document["features"]):
            raise self.error("weights", "does not name exactly the features", weights)
        for name, value in weights.items():
            if not _finite(value):
                raise self.error(f"weights.{name}", "is not a finite number", value)
        if not _finite(document["bias"]):
            raise self.error("bias", "is not a finite number", document["bias"])

    def standardization(self, scaling: Any, d: int) -> None:
        if scaling is None:
            return
        if not isinstance(scaling, dict) or set(scaling) != {"offset", "scale"}:
            raise self.error("standardization", "is not null or {offset, scale}", scaling)
        for key in ("offset", "scale"):
            values = scaling[key]
            if not (isinstance(values, list) and len(values) == d and all(map(_finite, values))):
                raise self.error(f"standardization.{key}", f"is not {d} finite numbers", values)
        if not all(float(v) > 0 for v in scaling["scale"]):
            raise self.error("standardization.scale", "has a number <= 0", scaling["scale"])


def _finite(value: Any) -> bool:
    """A JSON number (not a boolean) that is a finite float (a 400-digit integer is not)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a model may hold")


@dataclass(frozen=True)
class Errors:
    """Sums over rows of the prediction errors, from which :meth:`metrics` follow.

    They add up chunk by chunk (``+``), so any training engine can fold them over its data.
    """

    rows: int
    squared: float
    absolute: float
    target: float
    target_squared: float
    correct: int
    binary: bool

    def __add__(self, other: Errors) -> Errors:
        return Errors(self.rows + other.rows, self.squared + other.squared,
                      self.absolute + other.absolute, self.target + other.target,
                      self.target_squared + other.target_squared, self.correct + other.correct,
                      self.binary and other.binary)

    def metrics(self) -> dict[str, float]:
        """mse, mae and r2 (and accuracy for 0/1 targets of a probability ŷ)."""
        n = self.rows
        spread = self.target_squared - self.target * self.target / n
        result = {"mse": self.squared / n, "mae": self.absolute / n,
                  "r2": 1 - self.squared / spread if spread > 0 else math.nan}
        if self.binary:
            result["accuracy"] = self.correct / n
        return result


def errors(model: Model, X: np.ndarray, y: np.ndarray) -> Errors:
    """The :class:`Errors` of the model's predictions on these rows (raw features).

    Accuracy (ŷ ≥ 0.5 read as the class 1) is counted for 0/1 targets where ŷ is a
    probability: φ = σ, or the log-loss; a regression fit (φ = z) has none.

    Example:
        >>> m = Model(("x",), "y", "sigmoid", "squared_error", (1.0,), 0.0)
        >>> errors(m, np.array([[0.0], [4.0]]), np.array([0.0, 1.0])).metrics()["accuracy"]
        0.5
        >>> m = Model(("x",), "y", "identity", "squared_error", (1.0,), 0.0)
        >>> errors(m, np.array([[0.0], [1.0]]), np.array([0.0, 0.0])).metrics()
        {'mse': 0.5, 'mae': 0.5, 'r2': nan}
    """
    error = model.predict(X) - y
    # accuracy reads ŷ ≥ 0.5 as the class 1: that means something only where ŷ is a probability
    probability = model.activation == "sigmoid" or model.cost == "log_loss"
    return Errors(len(y), float(error @ error), float(np.abs(error).sum()), float(y.sum()),
                  float(y @ y), int(((error + y >= 0.5) == (y == 1.0)).sum()),
                  probability and bool(np.isin(y, (0.0, 1.0)).all()))


def metrics(model: Model, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """mse, mae and r2 of the model's predictions (and accuracy for 0/1 targets where ŷ is a
    probability), chunk by chunk.

    Engines fold :func:`errors` themselves; this is the same for chunks in hand.
    """
    parts = [errors(model, X, y) for X, y in chunks]
    return sum(parts[1:], parts[0]).metrics()


def _rate_text(learning_rate: Any) -> Any:
    """η as JSON: the number, or a schedule's name."""
    if isinstance(learning_rate, int | float):
        return learning_rate
    return getattr(learning_rate, "name", str(learning_rate))


def _floats(values: Any) -> tuple[float, ...] | None:
    return None if values is None else tuple(float(v) for v in values)


def _listed(names: Sequence[str], most: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
