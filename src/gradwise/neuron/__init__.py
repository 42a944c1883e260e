"""The neuron ŷ = φ(w·x + b): its derivation, kernel, one training loop, data, model, engines.

``NeuronRegressor`` and ``NeuronClassifier`` load lazily (they need scikit-learn), so
``from gradwise.neuron import NeuronRegressor`` keeps working without importing it early.
"""

from __future__ import annotations

from gradwise._lazy import lazy_exports

__all__ = ["NeuronClassifier", "NeuronRegressor"]

__getattr__, __dir__ = lazy_exports(
    globals(), {name: "gradwise.neuron.estimators" for name in __all__})
