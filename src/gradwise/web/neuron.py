"""``POST /api/train``: the neuron ŷ = φ(w·x + b) trained on an uploaded CSV, in a worker.

The upload arrives as the text of the request's ``csv`` field. Only gradwise's data loader
reads it, and the loader reads files: so the text goes to a file of our own naming in the
worker's private scratch folder (``tempfile`` points there, see ``_child``), is loaded, and the
file is deleted at once, before training starts. No path ever comes from the request; the
user's file name only labels error messages. Column names stay data throughout: they are
compared as strings by the loader and come back as the keys of ``weights``.

Training is the one training loop on the loaded rows, as ``gradwise train`` runs it
(:func:`gradwise.neuron.api.train_model`), and the answer is the document
``gradwise train --json`` prints (:func:`gradwise.documents.train_document`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from gradwise.errors import DataError, InputError, whole_number
from gradwise.neuron.data import Dataset, load
from gradwise.web.schema import MAX_EPOCHS

PICTURE_ROWS = 1_000  # rows of data the page draws (evenly spaced)
CURVE = 200  # points of the fitted curve
GRID = 40  # points per axis of the C(w, b) grid

UNNAMED = "the uploaded CSV"
"""How error messages name an upload that came without a file name."""


def train(args: dict[str, Any]) -> dict[str, Any]:
    """Train on ``args["csv"]`` and return the ``train --json`` document.

    Args:
        args: checked by ``schema``: ``csv``, ``target`` and optionally ``filename``,
            ``features``, ``activation``, ``learning_rate``, ``epochs``, ``batch_size``,
            ``method``.

    Returns:
        ``{"weights": {feature: w}, "bias", "history", "status", "findings", "metrics",
        "gradient_norms", "epochs", "steps", "messages", "target"}``, nan and infinity as
        None; with one feature also ``"picture"`` (see :func:`picture`).

    Raises:
        DataError: the CSV cannot be used; the message names the line and column.
        InputError: a setting out of range (epochs, learning rate, batch size, method).
    """
    from gradwise.documents import train_document
    from gradwise.neuron.api import train_model
    from gradwise.neuron.settings import DEFAULTS, Settings

    epochs = args.get("epochs", DEFAULTS.max_epochs)
    whole_number(epochs, "epochs", 1, MAX_EPOCHS)
    activation = args.get("activation", DEFAULTS.activation)
    settings = Settings(activation=activation, max_epochs=epochs,
                        learning_rate=_learning_rate(args.get("learning_rate",
                                                              DEFAULTS.learning_rate)),
                        batch_size=args.get("batch_size", DEFAULTS.batch_size),
                        method=args.get("method", DEFAULTS.method)).checked()
    dataset = load_upload(args["csv"], args["target"], args.get("features"),
                          args.get("filename"))
    trained = train_model(dataset, dataset.target, None, settings, activation=activation)
    document = train_document(trained)
    if len(trained.model.features) == 1 and trained.data is not None:
        document["picture"] = picture(trained, settings)
    return document


def picture(trained: Any, settings: Any) -> dict[str, Any]:
    """For one feature, what the page draws beside the cost: the data with the fitted curve
    ŷ = φ(w·x + b), and C(w, b) over a grid with the training path, in the data's own units.

    Returns:
        ``{"feature", "data": {"x", "y"}, "curve": {"x", "y"}, "path": {"w", "b"},
        "surface": {"w", "b", "C"}}``: at most ``PICTURE_ROWS`` rows of data (evenly
        spaced), a curve of ``CURVE`` points, the (w, b) after each epoch, and C on a
        ``GRID`` × ``GRID`` grid around the path (C[i][j] at b[i], w[j]), averaged over those
        rows. Values that are not finite are null.
    """
    from gradwise.documents import finite_or_null

    X, y = trained.data
    x = np.asarray(X, dtype=float)[:, 0]
    target = np.asarray(y, dtype=float)
    rows = np.unique(np.linspace(0, len(x) - 1, min(len(x), PICTURE_ROWS)).astype(int))
    x, target = x[rows], target[rows]
    path = _raw_path(trained.fit)
    low, high = float(x.min()), float(x.max())
    pad = 0.1 * (high - low) or 1.0
    grid = np.linspace(low - pad, high + pad, CURVE)
    model = trained.model
    curve = _phi_cost(model.weights[0] * grid + model.bias, np.zeros_like(grid), settings)[0]
    w = _around(path[:, 0])
    b = _around(path[:, 1])
    cost = np.array([[float(np.mean(_phi_cost(wj * x + bi, target, settings)[1])) for wj in w]
                     for bi in b])
    return finite_or_null({
        "feature": model.features[0],
        "data": {"x": x.tolist(), "y": target.tolist()},
        "curve": {"x": grid.tolist(), "y": curve.tolist()},
        "path": {"w": path[:, 0].tolist(), "b": path[:, 1].tolist()},
        "surface": {"w": w.tolist(), "b": b.tolist(), "C": cost.tolist()},
    })


def _raw_path(fit: Any) -> np.ndarray:
    """(w, b) after each epoch in the features' own units, shape (epochs + 1, 2)."""
    points = np.array(fit.trace.coordinates, dtype=float).T
    raw = [fit.scaling.to_raw(p[:-1], p[-1]) for p in points]
    return np.array([[float(w[0]), b] for w, b in raw])


def _around(values: np.ndarray) -> np.ndarray:
    """GRID points spanning the finite values, padded by half their span (at least 1)."""
    finite = values[np.isfinite(values) & (np.abs(values) < 1e6)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = max(0.5 * (high - low), 1.0)
    return np.linspace(low - pad, high + pad, GRID)


def _phi_cost(z: np.ndarray, y: np.ndarray, settings: Any) -> tuple[np.ndarray, ...]:
    from gradwise.neuron.kernel import phi_cost_delta
    from gradwise.neuron.settings import resolve_activation

    return phi_cost_delta(z, y, resolve_activation(settings.activation), settings.cost)


def load_upload(text: str, target: str, features: list[str] | None = None,
                filename: str | None = None) -> Dataset:
    """Load CSV text with :func:`gradwise.neuron.data.load`, through a private file deleted at once.

    Args:
        text: the CSV, header line first.
        target: the column to predict.
        features: the feature columns in order (default: all but the target).
        filename: the user's name for the file, shown in error messages instead of ours.

    Raises:
        DataError: as the loader raises it, naming ``filename`` (or "the uploaded CSV").
    """
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8", "replace"))  # a lone surrogate: "?"
        return load(path, target, features)
    except DataError as error:
        raise DataError(str(error).replace(str(path), _label(filename))) from None
    finally:
        path.unlink(missing_ok=True)


def _learning_rate(value: Any) -> float:
    """η as a float: a number, or decimal text such as ``"0.1"`` (no fractions here)."""
    try:
        return float(value)
    except (ValueError, OverflowError):  # OverflowError: an integer of 400 digits
        raise InputError(f"learning_rate for training must be a number such as 0.1; received "
                         f"{str(value)[:40]!r}") from None


def _label(filename: str | None) -> str:
    """The user's file name, cut to one printable line, for messages only."""
    shown = "".join(c for c in filename or "" if c.isprintable())[:100]
    return shown or UNNAMED
