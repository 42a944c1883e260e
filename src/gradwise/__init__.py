"""gradwise: gradients and gradient descent, exact where you check by hand, fast where you train.

The public names load lazily (PEP 562), so ``import gradwise`` and the CLI start fast;
``__all__`` is the whole public surface.

Example:
    >>> import gradwise
    >>> str(gradwise.gradient("x^2 + y^2").at({"x": 2, "y": 2}))
    '∇f(2, 2) = 4î + 4ĵ'
"""

from __future__ import annotations

from gradwise import _moved
from gradwise._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "parse": "gradwise.language.expressions",
    "Expression": "gradwise.language.expressions",
    "Limits": "gradwise.language.expressions",
    "gradient": "gradwise.calculus",
    "hessian": "gradwise.calculus",
    "value_at": "gradwise.calculus",
    "directional_derivative": "gradwise.calculus",
    "steps": "gradwise.calculus",
    "Steps": "gradwise.calculus.steps",
    "check": "gradwise.calculus.check",
    "Gradient": "gradwise.calculus",
    "GradientValue": "gradwise.calculus",
    "Hessian": "gradwise.calculus",
    "HessianValue": "gradwise.calculus",
    "graph": "gradwise.calculus.graph",
    "Graph": "gradwise.calculus.graph",
    "show": "gradwise.language.notation",
    "load": "gradwise.neuron.data",
    "iter_batches": "gradwise.neuron.data",
    "Dataset": "gradwise.neuron.data",
    "derive": "gradwise.neuron.derivation",
    "Derivation": "gradwise.neuron.derivation",
    "cost_and_gradient": "gradwise.neuron.kernel",
    "critical_points": "gradwise.critical",
    "classify_point": "gradwise.critical",
    "nearest_critical_point": "gradwise.critical",
    "CriticalPoint": "gradwise.critical",
    "CriticalPoints": "gradwise.critical",
    "extrema": "gradwise.critical.extrema",
    "Extrema": "gradwise.critical.extrema",
    "NeuronRegressor": "gradwise.neuron.estimators",
    "NeuronClassifier": "gradwise.neuron.estimators",
    "Model": "gradwise.neuron.model",
    "train": "gradwise.neuron.api",
    "GradwiseError": "gradwise.errors",
    "ParseError": "gradwise.errors",
    "DomainError": "gradwise.errors",
    "InputError": "gradwise.errors",
    "DataError": "gradwise.errors",
    "minimize": "gradwise.descent.run",
    "maximize": "gradwise.descent.run",
    "Result": "gradwise.descent.trace",
    "Trace": "gradwise.descent.trace",
    "Step": "gradwise.descent.trace",
    "Finding": "gradwise.descent.trace",
    "advise_learning_rate": "gradwise.descent.advice",
    "Advice": "gradwise.descent.advice",
    "sweep": "gradwise.descent.advice",
    "explain_step": "gradwise.descent.explain",
}

__all__ = sorted(_EXPORTS)

_moved.install()  # old module paths (gradwise.expressions, ...) until 0.3


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
