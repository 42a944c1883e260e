"""The neuron's findings in its own words: C for the cost, epochs for the trace's points, and
points as ``w[feature]`` and ``b`` in the data's own units.

The descent's diagnostics speak of f, steps and points in the coordinates the run used. A
neuron's trace has one point per epoch, in the standardised units training used, and the
notes call its function C. So each message is rewritten: ``f`` (and ``∇f``) becomes ``C``,
``step`` becomes ``epoch``, and each point such as ``(w = 0.125, b = 0)`` is mapped back to
raw units (``Scaling.to_raw``) and named by feature: ``(w[x] = 0.00125, b = -0.4)``.

Example:
    >>> from gradwise.descent.trace import Finding
    >>> from gradwise.neuron.scaling import Scaling
    >>> import numpy as np
    >>> found = Finding("overshoot", "step 2 jumped from (w = 2, b = 1) past the minimum", 1)
    >>> scaling = Scaling(np.array([2.0]), np.array([10.0]))  # x' = (x − 2)/10
    >>> reworded([found], scaling, ("w", "b"), ["height"])[0].message
    'epoch 2 jumped from (w[height] = 0.2, b = 0.6) past the minimum'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradwise.descent.trace import Finding
from gradwise.language.numbers import float_text

_POINT = re.compile(r"\(([^()]*? = [^()]*?)\)")
_FUNCTION = re.compile(r"(?<![\w∂])f(?= (?:went|fell|decreases|increases|=|ended)\b)")
_STEP = re.compile(r"\bstep(s?)\b")


def reworded(findings: Sequence[Finding], scaling: Any, names: Sequence[str],
             features: Sequence[str]) -> tuple[Finding, ...]:
    """The findings with C, epochs, and points in raw units named by feature.

    Args:
        findings: the descent's findings on the neuron's trace.
        scaling: the standardisation training used (``to_raw`` maps (w', b') back).
        names: the trace's coordinate names (``w`` or ``w1, w2, …``, then ``b``).
        features: the feature columns, in the order of the weights.
    """
    return tuple(Finding(f.code, _message(f.message, scaling, names, features), f.step)
                 for f in findings)


def _message(text: str, scaling: Any, names: Sequence[str], features: Sequence[str]) -> str:
    text = _POINT.sub(lambda m: _point(m, scaling, names, features), text)
    text = _FUNCTION.sub("C", text).replace("|∇f|", "|∇C|")
    text = text.replace(" a step", " an epoch")
    return _STEP.sub(lambda m: "epoch" + m.group(1), text)


def _point(match: re.Match[str], scaling: Any, names: Sequence[str],
           features: Sequence[str]) -> str:
    """``(w = 0.125, b = 0)`` in raw units by feature; any other parenthesis as it was."""
    pairs = [part.split(" = ") for part in match.group(1).split(", ")]
    if [pair[0] for pair in pairs] != list(names) or any(len(pair) != 2 for pair in pairs):
        return match.group(0)
    try:
        values = [float(value.replace("−", "-")) for _, value in pairs]
    except ValueError:
        return match.group(0)
    weights, bias = scaling.to_raw(np.array(values[:-1]), values[-1])
    shown = [f"w[{feature}] = {float_text(float(w))}" for feature, w in zip(features, weights)]
    return "(" + ", ".join([*shown, f"b = {float_text(bias)}"]) + ")"
