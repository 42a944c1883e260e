"""Any step written as the notes write it:

``∂C/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂C/∂w = −0.1 × 4 = −0.4;  w = 3 + (−0.4) = 2.6``

Exact runs print exact numbers (terminating fractions as decimals, others as p/q); float
runs round to six significant digits, which hides float noise such as 2.5999999999999996.
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from gradwise.calculus.gradients import gradient
from gradwise.descent.trace import Result
from gradwise.language.notation import show
from gradwise.language.numbers import number_text

__all__ = ["explain_step", "explain"]

_PLACEHOLDER = re.compile(r"⟨(\d+)⟩")


def explain_step(result: Result, k: int) -> str:
    """The update from point k to point k + 1, one line per variable.

    Example:
        >>> from gradwise.descent.run import minimize
        >>> r = minimize("C(w) = (1 - w)^2", "w=3", learning_rate="0.1", exact=True,
        ...              max_steps=1)
        >>> print(explain_step(r, 0))
        ∂C/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂C/∂w = −0.1 × 4 = −0.4;  w = 3 + (−0.4) = 2.6
    """
    trace = result.trace
    if not 0 <= k < trace.n_steps:
        raise IndexError(f"step {k} is not an update of this run; it has steps 0 to "
                         f"{trace.n_steps - 1}")
    step = trace[k]
    assert step.delta is not None
    lines = []
    for i, name in enumerate(trace.names):
        derivative = _derivative_text(result, k, i)
        change = _delta_text(result, step.learning_rate, step.gradient[i], step.delta[i], name)
        new = trace.coordinates[i][k + 1]
        update = (f"{name} = {number_text(step.point[i])} + {_wrapped(step.delta[i])} = "
                  f"{number_text(new)}")
        lines.append(f"{derivative};  {change};  {update}")
    return "\n".join(lines)


def explain(result: Result, limit: int = 12) -> list[str]:
    """Every step's explanation, or the first ``limit - 2`` and the last two with '⋮' between."""
    n = result.trace.n_steps
    chosen = list(range(n)) if n <= limit else [*range(limit - 2), -1, n - 2, n - 1]
    return ["⋮" if k < 0 else f"step {k + 1}: " + explain_step(result, k).replace(
        "\n", "\n" + " " * len(f"step {k + 1}: ")) for k in chosen]


def _derivative_text(result: Result, k: int, i: int) -> str:
    trace = result.trace
    f = result.function
    name, variable = (f.name if f is not None else "f"), trace.names[i]
    at = ", ".join(number_text(x) for x in trace.point(k))
    label = f"∂{name}/∂{variable}({at})"
    value = number_text(trace.gradients[i][k])
    if f is None:
        return f"{label} = {value}"
    component = gradient(f).components[i]
    worked = _substituted(component, f.variables, trace.point(k))
    return f"{label} = {worked} = {value}" if worked != value else f"{label} = {value}"


def _delta_text(result: Result, eta: Any, g: Any, delta: Any, name: str) -> str:
    f = result.function
    partial = f"∂{f.name if f is not None else 'f'}/∂{name}"
    if result.method != "gd":
        return f"Δ{name} = {number_text(delta)} ({result.method})"
    if result.trace.ascent:  # the notes' gradient ascent: Δw = +η·∂C/∂w
        return f"Δ{name} = +η·{partial} = {number_text(eta)} × {_wrapped(g)} = " \
               f"{number_text(delta)}"
    return f"Δ{name} = −η·{partial} = −{number_text(eta)} × {_wrapped(g)} = " \
           f"{number_text(delta)}"


def _substituted(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...],
                 point: tuple[Any, ...]) -> str:
    """``2w − 2`` at w = 3 as ``2·3 − 2``: the expression with the numbers written in."""
    marks = {v: sympy.Symbol(f"⟨{i}⟩") for i, v in enumerate(variables)}
    text = show(expr.xreplace(marks))

    def fill(match: re.Match[str]) -> str:
        x = point[int(match.group(1))]
        shown = _wrapped(x)
        glued = match.start() > 0 and (text[match.start() - 1].isdigit()
                                       or text[match.start() - 1] == ")")
        return ("·" + shown) if glued and not shown.startswith("(") else shown

    return _PLACEHOLDER.sub(fill, text)


def _wrapped(x: Any) -> str:
    text = number_text(x)
    return f"({text})" if text.startswith("−") or "/" in text else text
