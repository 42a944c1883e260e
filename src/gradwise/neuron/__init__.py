"""The neuron ŷ = φ(w·x + b): its derivation, kernel, one training loop, data, model, engines.

``NeuronRegressor`` and ``NeuronClassifier`` load lazily (they need scikit-learn), so
``from gradwise.neuron import NeuronRegressor`` keeps working without importing it early.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NeuronClassifier", "NeuronRegressor"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gradwise.neuron import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'gradwise.neuron' has no attribute {name!r}")
