"""σ, relu and softplus: one row each, one float formula each, compiled for every target.

Each activation is a SymPy function (:mod:`gradwise.language.functions`: exact derivatives,
the notes' notation) and one Python source text: its float formula, written so it never
overflows, in four primitives that each target binds its own way:

=============  ==============  ===================  =========================  ==============
primitive      ``math``        ``numpy``            numba (generated modules)  ``mpmath``
=============  ==============  ===================  =========================  ==============
``exp``        ``math.exp``    ``numpy.exp``        the module's ``exp``       ``mpmath.exp``
``log1p``      ``math.log1p``  ``numpy.log1p``      the module's ``log1p``     ``mpmath.log1p``
``select``     ``a if c else`` ``numpy.where``      a jitted ``a if c else``   ``a if c else``
``abs``        ``abs``         ``numpy.abs``        ``abs``                    ``abs``
=============  ==============  ===================  =========================  ==============

The numba targets (the descent loop, the neuron's kernel, the GPU kernel) paste
:func:`source` into the modules they generate, after their own primitives; Python, NumPy
and mpmath get the compiled functions from :func:`namespace`.

Example:
    >>> f = namespace("math")["sigmoid"]
    >>> f(0.0), f(-800.0), f(800.0)
    (0.5, 0.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

__all__ = ["Activation", "ACTIVATIONS", "Target", "source", "namespace"]

Target = Literal["math", "numpy", "mpmath"]


@dataclass(frozen=True)
class Activation:
    """One activation: its name (also the SymPy function's) and its float formula as source."""

    name: str
    source: str


ACTIVATIONS = (
    Activation("sigmoid", '''\
def sigmoid(z):
    e = exp(-abs(z))  # e^(−|z|) never overflows
    s = 1.0 / (1.0 + e)
    return select(z >= 0.0, s, e * s)  # σ(z), or e^z/(1 + e^z) = σ(z) for z < 0
'''),
    Activation("relu", '''\
def relu(z):
    return select(z > 0.0, z, 0.0 * z)  # 0·z: a NaN stays a NaN
'''),
    Activation("softplus", '''\
def softplus(z):
    return select(z > 0.0, z, 0.0 * z) + log1p(exp(-abs(z)))  # max(z, 0) + ln(1 + e^−|z|)
'''),
)
"""Every activation of the math language, in one place."""


def source(decorator: str = "") -> str:
    """Every activation's source, each under ``decorator`` (e.g. ``@njit(cache=True)``)."""
    prefix = f"{decorator}\n" if decorator else ""
    return "\n\n".join(prefix + a.source for a in ACTIVATIONS)


def _select(condition: Any, if_true: Any, if_false: Any) -> Any:
    return if_true if condition else if_false


def _primitives(target: Target) -> dict[str, Any]:
    if target == "numpy":
        import numpy as np

        return {"exp": np.exp, "log1p": np.log1p, "select": np.where, "abs": np.abs}
    if target == "mpmath":
        import mpmath

        return {"exp": mpmath.exp, "log1p": mpmath.log1p, "select": _select}
    return {"exp": math.exp, "log1p": math.log1p, "select": _select}


@cache
def namespace(target: Target) -> dict[str, Any]:
    """``{name: function}`` of every activation, compiled with ``target``'s primitives."""
    names = _primitives(target)
    # the sources above are our own text, never user input
    exec(compile(source(), f"<gradwise activations for {target}>", "exec"), names)  # noqa: S102
    return {a.name: names[a.name] for a in ACTIVATIONS}
