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
from gradwise.descent.optimizers import make
from gradwise.descent.trace import Result
from gradwise.language.notation import show
from gradwise.language.numbers import number_text

__all__ = ["explain_step", "explain"]

_PLACEHOLDER = re.compile(r"⟨(\d+)⟩")


def explain_step(result: Result, k: int) -> str:
    """The update from point k to point k + 1, one line per variable.

    Args:
        result: a descent ``Result`` (from :func:`minimize` or :func:`maximize`).
        k: the step, from 0 (the update out of the start) to ``result.n_steps - 1``.

    Returns:
        The notes' text: ∂f/∂w at the point, Δw = −η·∂f/∂w (or the method's own update),
        and the new w, with the run's own numbers (fractions when the run was exact).

    Raises:
        IndexError: k is not an update of this run.

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
    states = _states(result, k) if result.method != "gd" else None
    lines = []
    for i, name in enumerate(trace.names):
        derivative = _derivative_text(result, k, i)
        if states is None:
            change = _delta_text(result, step.learning_rate, step.gradient[i], step.delta[i],
                                 name)
        else:
            change = _method_text(result, k, i, states)
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
    partial = _partial(result, name)
    if result.trace.ascent:  # the notes' gradient ascent: Δw = +η·∂C/∂w
        return f"Δ{name} = +η·{partial} = {number_text(eta)} × {_wrapped(g)} = " \
               f"{number_text(delta)}"
    return f"Δ{name} = −η·{partial} = −{number_text(eta)} × {_wrapped(g)} = " \
           f"{number_text(delta)}"


def _partial(result: Result, name: str) -> str:
    f = result.function
    return f"∂{f.name if f is not None else 'f'}/∂{name}"


def _states(result: Result, k: int) -> tuple[Any, Any]:
    """The optimizer's state before and after step k, replayed from the recorded gradients.

    Every optimizer's state depends only on the gradients it was handed (and Δ is linear in
    η), so replaying ``update`` on the trace's gradients and learning rates gives back the
    run's own numbers.
    """
    trace = result.trace
    optimizer = make(result.method, **result.hyper)
    state = optimizer.init(trace.point(0))
    for j in range(k):
        state = optimizer.update(_objective_gradient(trace, j), state,
                                 trace.learning_rates[j])[1]
    after = optimizer.update(_objective_gradient(trace, k), state, trace.learning_rates[k])[1]
    return state, after


def _objective_gradient(trace: Any, k: int) -> tuple[Any, ...]:
    return tuple(trace.sign * g for g in trace.gradient(k))


def _method_text(result: Result, k: int, i: int, states: tuple[Any, Any]) -> str:
    """The optimizer's own update for coordinate i at step k, with this run's numbers."""
    trace = result.trace
    name = trace.names[i]
    g = trace.sign * trace.gradients[i][k]
    # the optimizer is handed the objective's gradient: −∇f when climbing
    label = ("(−" + _partial(result, name) + ")") if trace.ascent else _partial(result, name)
    writer = _METHOD_WRITERS[result.method]
    parts = writer(result.hyper, name, label, g, trace.learning_rates[k], states, i)
    delta = trace.coordinates[i][k + 1] - trace.coordinates[i][k]
    return ";  ".join(parts) + f" = {number_text(delta)}"


def _momentum(hyper: Any, name: str, label: str, g: Any, eta: Any, states: Any,
              i: int) -> list[str]:
    beta, before, after = hyper["beta"], states[0][i], states[1][i]
    return [f"v_{name} = β·v_{name} + {label} = {number_text(beta)} × {_wrapped(before)} + "
            f"{_wrapped(g)} = {number_text(after)}",
            f"Δ{name} = −η·v_{name} = −{number_text(eta)} × {_wrapped(after)}"]


def _nesterov(hyper: Any, name: str, label: str, g: Any, eta: Any, states: Any,
              i: int) -> list[str]:
    first = _momentum(hyper, name, label, g, eta, states, i)[0]
    beta, after = hyper["beta"], states[1][i]
    return [first, f"Δ{name} = −η·({label} + β·v_{name}) = −{number_text(eta)} × "
                   f"({number_text(g)} + {number_text(beta)} × {_wrapped(after)})"]


def _adagrad(hyper: Any, name: str, label: str, g: Any, eta: Any, states: Any,
             i: int) -> list[str]:
    before, after = states[0][i], states[1][i]
    return [f"G_{name} = G_{name} + ({label})² = {number_text(before)} + {_wrapped(g)}² = "
            f"{number_text(after)}",
            f"Δ{name} = −η·{label}/(√G_{name} + ε) = −{number_text(eta)} × {_wrapped(g)}/"
            f"(√{number_text(after)} + {number_text(hyper['eps'])})"]


def _rmsprop(hyper: Any, name: str, label: str, g: Any, eta: Any, states: Any,
             i: int) -> list[str]:
    rho, before, after = hyper["rho"], states[0][i], states[1][i]
    return [f"s_{name} = ρ·s_{name} + (1 − ρ)·({label})² = {number_text(rho)} × "
            f"{_wrapped(before)} + {number_text(1 - rho)} × {_wrapped(g)}² = "
            f"{number_text(after)}",
            f"Δ{name} = −η·{label}/(√s_{name} + ε) = −{number_text(eta)} × {_wrapped(g)}/"
            f"(√{number_text(after)} + {number_text(hyper['eps'])})"]


def _adam(hyper: Any, name: str, label: str, g: Any, eta: Any, states: Any,
          i: int) -> list[str]:
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    (_, m0, v0), (t, m1, v1) = states
    m_hat, v_hat = m1[i] / (1 - beta1**t), v1[i] / (1 - beta2**t)
    return [f"m_{name} = β₁·m_{name} + (1 − β₁)·{label} = {number_text(beta1)} × "
            f"{_wrapped(m0[i])} + {number_text(1 - beta1)} × {_wrapped(g)} = "
            f"{number_text(m1[i])}",
            f"v_{name} = β₂·v_{name} + (1 − β₂)·({label})² = {number_text(beta2)} × "
            f"{_wrapped(v0[i])} + {number_text(1 - beta2)} × {_wrapped(g)}² = "
            f"{number_text(v1[i])}",
            f"m̂_{name} = m_{name}/(1 − β₁^{t}) = {number_text(m_hat)}",
            f"v̂_{name} = v_{name}/(1 − β₂^{t}) = {number_text(v_hat)}",
            f"Δ{name} = −η·m̂_{name}/(√v̂_{name} + ε) = −{number_text(eta)} × "
            f"{_wrapped(m_hat)}/(√{number_text(v_hat)} + {number_text(hyper['eps'])})"]


_METHOD_WRITERS = {"momentum": _momentum, "nesterov": _nesterov, "adagrad": _adagrad,
                   "rmsprop": _rmsprop, "adam": _adam}


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
