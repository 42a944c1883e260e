"""How to train the neuron: the hyper-parameters, and the one set of defaults.

Four doors lead into the one training loop (:func:`gradwise.train`, the estimators
``NeuronRegressor``/``NeuronClassifier``, ``gradwise train`` and ``POST /api/train``), and all
four take their defaults from :data:`DEFAULTS`; ``tests/test_training_defaults.py`` pins this.
The one exception is ``NeuronClassifier``, whose activation is ``sigmoid``: a classifier's
output is a probability.

The defaults, and why:

* ``activation="identity"``: linear regression, the notes' φ(z) = z;
* ``learning_rate=0.1``: the notes' η, stable for standardised features;
* ``max_epochs=1000``, ``tol=1e-4``, ``n_iter_no_change=5``: stop when |∇C| stays below tol
  for five epochs, else after 1000 (scikit-learn's ``max_iter`` convention);
* ``standardize=True``: descent is stable only for η < 2/λ_max, and λ_max grows with the
  features' scale; standardising lets one η suit any data (turn it off to redo a hand
  calculation on raw numbers);
* ``start=None``: w ~ N(0, 1/d) drawn with ``seed``, b = 0 (LeCun's start, so σ and tanh
  start unsaturated); ``seed=0`` makes every run repeatable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradwise.errors import InputError, whole_number

if TYPE_CHECKING:
    from gradwise.neuron.derivation import CostName

__all__ = ["Settings", "DEFAULTS", "KERNEL_BACKENDS", "resolve_activation"]

KERNEL_BACKENDS = ("auto", "numba", "numpy")
"""Where the kernel runs (the "kernel backend"; the descent loop's is just "backend")."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The hyper-parameters of a training run; every field has the documented default.

    ``learning_rate`` is η, or a schedule η_k of the step k (a
    :class:`~gradwise.descent.schedules.Schedule`, or any callable of k), as for
    :func:`gradwise.minimize`. ``start`` is (w₁, …, w_d, b) in the features' own units.

    Example:
        >>> Settings(activation="sigmoid", learning_rate=0.5).checked().max_epochs
        1000
    """

    activation: Any = "identity"
    cost: CostName = "squared_error"  # (light to import: the CLI reads these defaults)
    learning_rate: float | Callable[[int], float] = 0.1
    max_epochs: int = 1000
    batch_size: int | None = None
    shuffle: bool = True
    tol: float | None = 1e-4
    n_iter_no_change: int = 5
    method: Any = "gd"
    seed: int | None = 0
    standardize: bool = True
    fit_intercept: bool = True
    start: Any = None
    backend: str = "auto"

    def checked(self) -> Settings:
        """These settings, or an InputError naming the first bad one and what it expects."""
        from gradwise.descent.optimizers import make
        from gradwise.neuron.derivation import derive

        if not callable(self.learning_rate):
            _positive_number("learning_rate", self.learning_rate)
        whole_number(self.max_epochs, "max_epochs", 0)
        if self.batch_size is not None:
            whole_number(self.batch_size, "batch_size", 1)
        if self.tol is not None:
            _positive_number("tol", self.tol, zero=True)
        whole_number(self.n_iter_no_change, "n_iter_no_change", 1)
        if self.seed is not None:
            whole_number(self.seed, "seed", 0)
        if self.backend not in KERNEL_BACKENDS:
            raise InputError(f"backend must be one of {', '.join(map(repr, KERNEL_BACKENDS))}; "
                             f"received {self.backend!r}")
        derive(self.activation, self.cost)  # InputError for an unknown activation or cost
        make(self.method)
        return self

    def rate(self) -> Callable[[int], float]:
        """η_k as a function of the step k (a constant η as a picklable callable)."""
        return self.learning_rate if callable(self.learning_rate) else _Constant(
            float(self.learning_rate))


DEFAULTS = Settings()
"""The defaults every entry point shares (see the module text)."""


@dataclass(frozen=True)
class _Constant:
    """η_k = η (picklable, so Dask workers can run it)."""

    learning_rate: float

    def __call__(self, step: int) -> float:
        return self.learning_rate


def resolve_activation(activation: Any) -> Any:
    """A name (``sigmoid``) as it is; other text parsed by the safe parser into φ(z).

    Example:
        >>> resolve_activation("sigmoid"), resolve_activation("z/(1 + abs(z))")
        ('sigmoid', z/(Abs(z) + 1))
    """
    from gradwise.language.expressions import parse
    from gradwise.neuron.derivation import ACTIVATIONS

    if not isinstance(activation, str) or activation in ACTIVATIONS:
        return activation
    if activation.isidentifier():
        return activation  # an unknown name: derive() says so and suggests the nearest
    return parse(activation).expr  # the only door from user text to SymPy


def _positive_number(name: str, value: Any, zero: bool = False) -> None:
    import numpy as np

    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        expected = "a number >= 0" if zero else "a positive number"
        raise InputError(f"{name} must be {expected}; received {value!r}")
