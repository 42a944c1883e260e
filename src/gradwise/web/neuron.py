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

from gradwise.errors import DataError, InputError, whole_number
from gradwise.neuron.data import Dataset, load
from gradwise.web.schema import MAX_EPOCHS

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
        None.

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
    return train_document(train_model(dataset, dataset.target, None, settings,
                                      activation=activation))


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
    except ValueError:
        raise InputError(f"learning_rate for training must be a number such as 0.1; received "
                         f"{value!r}") from None


def _label(filename: str | None) -> str:
    """The user's file name, cut to one printable line, for messages only."""
    shown = "".join(c for c in filename or "" if c.isprintable())[:100]
    return shown or UNNAMED
