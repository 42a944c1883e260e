"""Pictures of the neuron ŷ = φ(w·x + b): cost per epoch, the fitted curve, the cost surface.

They take a fitted ``NeuronRegressor`` / ``NeuronClassifier`` (or a :class:`FittedNeuron`,
which the command line builds from its training run without scikit-learn) and, for the
data pictures, the data it was trained on. The cost surface is C(w, b) = mean((y − ŷ)²)
(or the log-loss) over the data, in the features' own units, and the training path is
``trace_`` mapped back to those units, so the path's costs are ``history_["cost"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gradwise.errors import InputError
from gradwise.plotting.descent import spans_decades
from gradwise.plotting.functions import contour_levels, extension
from gradwise.plotting.sampling import around
from gradwise.plotting.style import (
    CMAP,
    COLOURS,
    finish,
    new_axes,
    new_figure,
    number,
    place_legend,
)

__all__ = ["FittedNeuron", "plot_cost", "plot_fit", "plot_cost_surface", "plot_training",
           "training_path", "cost_grid", "predict", "formula", "MAX_ROWS"]

MAX_ROWS = 20_000
"""The cost surface is averaged over at most this many rows, evenly spaced (said in its label)."""

GRID = 80


@dataclass(frozen=True)
class FittedNeuron:
    """What the neuron pictures read, with the estimators' attribute names.

    ``NeuronRegressor`` and ``NeuronClassifier`` have these attributes once fitted; the
    command line's ``train`` builds one with :meth:`from_fit`.

    Attributes:
        weights_: w for each feature, in the features' own units.
        bias_: b.
        history_: ``{"cost": ..., "gradient_norm": ...}`` per epoch (epoch 0 is the start).
        trace_: the (w, b) path, in the scaled units training ran in.
        scaling_: how the features were scaled (``to_raw`` maps back).
        status_: how training ended, e.g. ``converged``.
        findings_: what the diagnosis found.
        activation: φ, e.g. ``identity`` or ``sigmoid``.
        cost: the cost's name, e.g. ``squared_error``.

    Example:
        >>> import numpy as np
        >>> from dataclasses import fields
        >>> from gradwise import NeuronRegressor
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
        >>> neuron = NeuronRegressor(learning_rate=0.1, max_epochs=50).fit(X, y)
        >>> sorted(f.name for f in fields(FittedNeuron))[:3]
        ['activation', 'bias_', 'cost']
        >>> all(hasattr(neuron, f.name) for f in fields(FittedNeuron))
        True
    """

    weights_: np.ndarray
    bias_: float
    history_: dict[str, np.ndarray]
    trace_: Any
    scaling_: Any
    status_: str
    findings_: tuple[Any, ...]
    activation: Any = "identity"
    cost: str = "squared_error"

    @classmethod
    def from_fit(cls, fit: Any, scaling: Any, activation: Any, cost: str) -> FittedNeuron:
        """From ``gradwise.neuron.training.train``'s Fit and the Scaling it trained under."""
        weights, bias = scaling.to_raw(fit.weights, fit.bias)
        history = {"cost": np.array(fit.history), "gradient_norm": np.array(fit.gradient_norms)}
        return cls(weights, bias, history, fit.trace, scaling, fit.status, fit.findings,
                   activation, cost)


def plot_cost(neuron: Any, ax: Axes | None = None) -> Axes:
    """C per epoch (epoch 0 is the start), logarithmic when it spans more than two decades.

    Args:
        neuron: a fitted ``NeuronRegressor`` or ``NeuronClassifier``, or a FittedNeuron.
        ax: draw into these Axes instead of a new figure.

    Returns:
        The Axes; the curve has gid ``"cost"``.

    Raises:
        InputError: the neuron is not fitted.

    Example:
        >>> import numpy as np
        >>> from gradwise import NeuronRegressor
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
        >>> neuron = NeuronRegressor(learning_rate=0.1, max_epochs=50).fit(X, y)
        >>> ax = plot_cost(neuron)
        >>> ax.get_xlabel(), ax.get_yscale()
        ('epoch', 'log')
    """
    history = np.asarray(_fitted(neuron).history_["cost"], dtype=float)
    ax = new_axes(ax)
    ax.plot(np.arange(len(history)), history, color=COLOURS["path"], gid="cost",
            marker="." if len(history) <= 60 else None, label="C, mean cost over the data")
    if spans_decades(history):
        ax.set_yscale("log", nonpositive="mask")
    ax.set_xlabel("epoch")
    ax.set_ylabel("C")
    ax.grid(True, alpha=0.3)
    ax.set_title(f"cost per epoch: {_outcome(neuron)}")
    place_legend(ax)
    return ax


def plot_fit(neuron: Any, X: Any, y: Any, ax: Axes | None = None) -> Axes:
    """The data (x, y) and the fitted curve ŷ = φ(w·x + b), for a neuron with one feature.

    Args:
        neuron: a fitted neuron with one feature.
        X: the feature, shape (n, 1).
        y: the targets, shape (n,).
        ax: draw into these Axes instead of a new figure.

    Returns:
        The Axes; the fitted curve has gid ``"fit"``.

    Raises:
        InputError: the neuron is not fitted, or it or X has more than one feature.

    Example:
        >>> import numpy as np
        >>> from gradwise import NeuronRegressor
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
        >>> neuron = NeuronRegressor(learning_rate=0.1, max_epochs=50).fit(X, y)
        >>> [line.get_gid() for line in plot_fit(neuron, X, y).lines]
        ['fit']
    """
    x, target = _one_feature(_fitted(neuron), X, y)
    ax = new_axes(ax)
    ax.scatter(x, target, s=14, alpha=0.6, color=COLOURS["curve"], gid="data", label="data")
    grid = np.linspace(*_padded_range(x), 400)
    ax.plot(grid, predict(neuron, grid[:, None]), color=COLOURS["path"], linewidth=2.5,
            gid="fit", label=f"{formula(neuron)}, w = {number(float(neuron.weights_[0]))}, "
                             f"b = {number(float(neuron.bias_))}")
    ax.set_xlabel(_feature_name(neuron))
    ax.set_ylabel("y" if not hasattr(neuron, "classes_") else f"P(y = {neuron.classes_[1]})")
    ax.set_title(f"{formula(neuron)}: {_outcome(neuron)}")
    place_legend(ax)
    return ax


def plot_cost_surface(neuron: Any, X: Any, y: Any, within: Any = None,
                      ax: Axes | None = None) -> Axes:
    """C(w, b) over the data as filled contours, with the training path (gid ``"path"``).

    Args:
        neuron: a fitted neuron with one feature.
        X: the training data's feature, shape (n, 1).
        y: the training data's targets, shape (n,).
        within: ``{"w": (low, high), "b": (low, high)}``; by default the path, padded.
        ax: draw into these Axes.

    Returns:
        The Axes, w across and b up.

    Raises:
        InputError: the neuron is not fitted, or it or X has more than one feature.

    Example:
        >>> import numpy as np
        >>> from gradwise import NeuronRegressor
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
        >>> neuron = NeuronRegressor(learning_rate=0.1, max_epochs=50).fit(X, y)
        >>> ax = plot_cost_surface(neuron, X, y)
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('w', 'b')
    """
    x, target = _one_feature(_fitted(neuron), X, y)
    path = training_path(neuron)
    if within is None:
        bounds = around(path.tolist(), 2)
    else:
        bounds = [(float(within[name][0]), float(within[name][1])) for name in ("w", "b")]
    w, b = np.meshgrid(np.linspace(*bounds[0], GRID), np.linspace(*bounds[1], GRID))
    rows = _rows(len(x))
    surface = cost_grid(neuron, x[rows], target[rows], w, b)
    levels, norm = contour_levels(surface)
    if norm is not None:
        surface = np.where(surface < levels[0], levels[0], surface)
    ax = new_axes(ax)
    filled = ax.contourf(w, b, surface, levels=levels, norm=norm, cmap=CMAP,
                         extend=extension(levels))
    label = "C(w, b)" if len(rows) == len(x) else f"C(w, b) on {len(rows):,} of {len(x):,} rows"
    ax.figure.colorbar(filled, cax=ax.inset_axes((1.03, 0.0, 0.04, 1.0)), label=label)
    ax.plot(path[:, 0], path[:, 1], color=COLOURS["path"], marker="o", markersize=2.5,
            gid="path", label=f"training path ({len(path) - 1} epochs)")
    ax.scatter(path[:1, 0], path[:1, 1], color=COLOURS["start"], s=60, edgecolors="black",
               zorder=8, gid="start", label="start")
    ax.scatter(path[-1:, 0], path[-1:, 1], color=COLOURS["end"], marker="s", s=150,
               edgecolors="black", linewidths=1.5, zorder=7, gid="end", label="end")
    ax.set_title(f"C(w, b) over the data: {_outcome(neuron)}")
    return finish(ax, ["w", "b"])


def plot_training(neuron: Any, X: Any = None, y: Any = None) -> Figure:
    """Cost per epoch, and with one feature and the data also the fit and the cost surface.

    Args:
        neuron: a fitted ``NeuronRegressor`` or ``NeuronClassifier``, or a FittedNeuron.
        X: the training features; with ``y`` and one feature, adds the fit and the surface.
        y: the training targets.

    Returns:
        The Figure: one panel (:func:`plot_cost`) or three (with :func:`plot_fit` and
        :func:`plot_cost_surface`).

    Raises:
        InputError: the neuron is not fitted.

    Example:
        >>> import numpy as np
        >>> from gradwise import NeuronRegressor
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
        >>> neuron = NeuronRegressor(learning_rate=0.1, max_epochs=50).fit(X, y)
        >>> len(plot_training(neuron, X, y).axes), len(plot_training(neuron).axes)
        (3, 1)
    """
    one = X is not None and y is not None and len(np.asarray(_fitted(neuron).weights_)) == 1
    figure = new_figure(15.0 if one else 7.0, 4.6)
    axes = figure.subplots(1, 3 if one else 1, squeeze=False).ravel()
    plot_cost(neuron, axes[0])
    if one:
        plot_fit(neuron, X, y, axes[1])
        plot_cost_surface(neuron, X, y, ax=axes[2])
    return figure


def training_path(neuron: Any) -> np.ndarray:
    """(w, b) at each recorded epoch in the features' own units, shape (epochs + 1, 2)."""
    points = np.array(neuron.trace_.coordinates, dtype=float).T
    raw = [neuron.scaling_.to_raw(p[:-1], p[-1]) for p in points]
    return np.array([[*w, b] for w, b in raw])


def cost_grid(neuron: Any, x: np.ndarray, y: np.ndarray, w: np.ndarray,
              b: np.ndarray) -> np.ndarray:
    """C(w, b) = mean over rows of c(y, φ(w·x + b)) at each grid point, one grid row at a time."""
    from gradwise.neuron.kernel import phi_cost_delta
    from gradwise.neuron.settings import resolve_activation

    activation = resolve_activation(neuron.activation)
    out = np.empty(w.shape)
    for i in range(w.shape[0]):
        z = w[i][:, None] * x[None, :] + b[i][:, None]
        cost = phi_cost_delta(z, np.broadcast_to(y, z.shape), activation, neuron.cost)[1]
        out[i] = cost.mean(axis=1)
    out[~np.isfinite(out)] = np.nan
    return out


def predict(neuron: Any, X: np.ndarray) -> np.ndarray:
    """φ(X·w + b) on raw features (for a classifier: the probability of ``classes_[1]``)."""
    from gradwise.neuron.kernel import phi_cost_delta
    from gradwise.neuron.settings import resolve_activation

    z = X @ np.asarray(neuron.weights_, dtype=float) + float(neuron.bias_)
    return phi_cost_delta(z, np.zeros_like(z), resolve_activation(neuron.activation),
                          neuron.cost)[0]


def _fitted(neuron: Any) -> Any:
    missing = [a for a in ("weights_", "bias_", "history_", "trace_", "scaling_")
               if not hasattr(neuron, a)]
    if missing:
        raise InputError(f"the neuron has no {missing[0]}: fit it first (neuron.fit(X, y)), "
                         f"or pass a FittedNeuron; received {type(neuron).__name__}")
    return neuron


def _one_feature(neuron: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    features = np.asarray(X, dtype=float)
    features = features[:, None] if features.ndim == 1 else features
    d = len(np.asarray(neuron.weights_))
    if d != 1 or features.ndim != 2 or features.shape[1] != 1:
        raise InputError(f"this picture is for one feature x, but the neuron has {d} "
                         f"weight(s) and X has shape {features.shape}; plot_cost works for any")
    target = np.asarray(y)
    if len(target) != len(features):
        raise InputError(f"X has {len(features)} rows but y has {len(target)}. Fix: give the data "
                         "the neuron was trained on")
    classes = getattr(neuron, "classes_", None)
    encoded = (target == classes[1]) if classes is not None else target
    return features[:, 0], np.asarray(encoded, dtype=float)


def _rows(n: int) -> np.ndarray:
    return np.arange(n) if n <= MAX_ROWS else np.linspace(0, n - 1, MAX_ROWS).astype(int)


def _padded_range(x: np.ndarray) -> tuple[float, float]:
    low, high = float(x.min()), float(x.max())
    pad = 0.1 * (high - low) or 1.0
    return low - pad, high + pad


def _outcome(neuron: Any) -> str:
    from gradwise.descent.endings import outcome

    codes = ", ".join(getattr(f, "code", str(f)) for f in neuron.findings_)
    epochs = len(neuron.history_["cost"]) - 1  # the history starts at epoch 0
    return outcome(neuron.status_, epochs, "epochs") + (f" ({codes})" if codes else "")


def formula(neuron: Any) -> str:
    """``ŷ = σ(w·x + b)``, ``ŷ = w·x + b`` (identity), ``ŷ = φ(w·x + b)`` (an expression)."""
    if neuron.activation == "identity":
        return "ŷ = w·x + b"
    names = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "softplus": "softplus"}
    return f"ŷ = {names.get(str(neuron.activation), 'φ')}(w·x + b)"


def _feature_name(neuron: Any) -> str:
    names = getattr(neuron, "feature_names_in_", None)
    return str(names[0]) if names is not None else "x"
