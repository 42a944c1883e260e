"""Any step written as the notes write it:

``∂C/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂C/∂w = −0.1 × 4 = −0.4;  w = 3 + (−0.4) = 2.6``

Exact runs print exact numbers (terminating fractions as decimals, others as p/q). Float runs
round to six significant digits, which hides float noise such as 2.5999999999999996, and the
printed arithmetic must still add up: every equation is checked on the numbers as printed.
Where six digits of the run's state (the point, an optimizer's sums) are too few (near a
minimum, 2·w − 2 with w = 1.0000000074 is 1.48e−08, not 2·1 − 2), the state is printed with
as many more digits as the step needs, up to 17; where no number of digits makes an equation
hold, it is written with ≈.
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from gradwise.calculus.gradients import gradient
from gradwise.descent.optimizers import make
from gradwise.descent.printed import Shown, fraction, read, root, wrapped
from gradwise.descent.trace import Result
from gradwise.language.notation import show

__all__ = ["explain_step", "explain"]

MOST_DIGITS = 17
"""A float64 is pinned down by 17 significant digits: more never helps an equation hold."""

DIGITS = [(inputs, 6) for inputs in range(6, MOST_DIGITS + 1)] + \
    [(inputs, worked) for worked in (8, 10) for inputs in (worked, worked + 3, worked + 6, 17)]
"""(digits of what a step starts from, digits of what it works out on the way), in the order
tried; the new point always has six. Each equation needs more digits in its operands than
in its result: 2·w − 2 near w = 1 loses eight digits, and 0.109951 + (−0.0219902) is
0.0879608, one digit short of the new point 0.0879609, unless Δ has a seventh."""


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
    states = _states(result, k) if result.method != "gd" else None
    worked = _templates(result)
    misses = {}
    for digits in DIGITS:  # the fewest digits that make the step add up
        shown = Shown(*digits)
        text = _step_text(result, k, states, worked, shown)
        if not shown.misses:
            return text
        misses[digits] = shown.misses
    fewest = min(misses, key=lambda d: (misses[d], DIGITS.index(d)))  # else the fewest ≈
    return _step_text(result, k, states, worked, Shown(*fewest, approximate=True))


def explain(result: Result, limit: int = 12) -> list[str]:
    """Every step's explanation, or the first ``limit - 2`` and the last two with '⋮' between."""
    n = result.trace.n_steps
    chosen = list(range(n)) if n <= limit else [*range(limit - 2), -1, n - 2, n - 1]
    return ["⋮" if k < 0 else f"step {k + 1}: " + explain_step(result, k).replace(
        "\n", "\n" + " " * len(f"step {k + 1}: ")) for k in chosen]


def _step_text(result: Result, k: int, states: Any, worked: list[Any],
               shown: Shown) -> str:
    trace = result.trace
    step = trace[k]
    assert step.delta is not None
    lines = []
    for i, name in enumerate(trace.names):
        derivative = _derivative_text(result, k, i, worked, shown)
        if states is None:
            change = _delta_text(result, step.learning_rate, step.gradient[i], step.delta[i],
                                 name, shown)
        else:
            change = _method_text(result, k, i, states, shown)
        old, delta = shown.state(step.point[i]), shown.value(step.delta[i])
        new = trace.coordinates[i][k + 1]
        sum_ = shown.equals(read(old) + read(delta), new, answer=True)
        update = f"{name} = {old} + {wrapped(delta)} {sum_}"
        lines.append(f"{derivative};  {change};  {update}")
    return "\n".join(lines)


def _templates(result: Result) -> list[Any]:
    """Per variable: ∂f/∂v and its text with a placeholder per variable (``2·⟨0⟩ − 2``), or
    None for a run of a Python function."""
    f = result.function
    if f is None:
        return [None] * len(result.trace.names)
    marks = {v: sympy.Symbol(f"⟨{i}⟩") for i, v in enumerate(f.variables)}
    return [(c, show(c.xreplace(marks))) for c in gradient(f).components]


def _derivative_text(result: Result, k: int, i: int, worked: list[Any], shown: Shown) -> str:
    trace = result.trace
    f = result.function
    name, variable = (f.name if f is not None else "f"), trace.names[i]
    point = [shown.state(x) for x in trace.point(k)]
    label = f"∂{name}/∂{variable}({', '.join(point)})"
    g = trace.gradients[i][k]
    if f is None:
        return f"{label} = {shown.value(g)}"
    component, template = worked[i]
    text = _substituted(template, point)
    if text == shown.value(g):
        return f"{label} = {text}"
    at = {v: sympy.Rational(str(read(x))) for v, x in zip(f.variables, point, strict=True)}
    return f"{label} = {text} {shown.equals(fraction(component.xreplace(at)), g)}"


def _delta_text(result: Result, eta: Any, g: Any, delta: Any, name: str,
                shown: Shown) -> str:
    partial = _partial(result, name)
    rate, slope = shown.constant(eta), shown.value(g)
    if result.trace.ascent:  # the notes' gradient ascent: Δw = +η·∂C/∂w
        return f"Δ{name} = +η·{partial} = {rate} × {wrapped(slope)} " \
               f"{shown.equals(read(rate) * read(slope), delta)}"
    return f"Δ{name} = −η·{partial} = −{rate} × {wrapped(slope)} " \
           f"{shown.equals(-read(rate) * read(slope), delta)}"


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


def _method_text(result: Result, k: int, i: int, states: tuple[Any, Any],
                 shown: Shown) -> str:
    """The optimizer's own update for coordinate i at step k, with this run's numbers."""
    trace = result.trace
    name = trace.names[i]
    g = trace.sign * trace.gradients[i][k]
    # the optimizer is handed the objective's gradient: −∇f when climbing
    label = ("(−" + _partial(result, name) + ")") if trace.ascent else _partial(result, name)
    writer = _METHOD_WRITERS[result.method]
    step = Step(name, label, shown.value(g), shown.constant(trace.learning_rates[k]), shown)
    parts, computed = writer(result.hyper, step, states, i)
    delta = trace[k].delta
    assert delta is not None
    return ";  ".join(parts) + f" {shown.equals(computed, delta[i])}"


class Step:
    """What every optimizer's text needs: the names, ∂f/∂v and η as printed, and the printer."""

    def __init__(self, name: str, label: str, g: str, eta: str, shown: Shown) -> None:
        self.name, self.label, self.g, self.eta, self.shown = name, label, g, eta, shown

    def sum(self, symbol: str, rule: str, terms: str, computed: Any, value: Any) -> str:
        """``v_w = β·v_w + ∂f/∂w = 0.9 × 4 + 3.2 = 6.8``: an optimizer's running sum."""
        return (f"{symbol}_{self.name} = {rule} = {terms} "
                f"{self.shown.equals(computed, value)}")


def _momentum(hyper: Any, s: Step, states: Any, i: int) -> tuple[list[str], Any]:
    beta, v0, v1 = s.shown.constant(hyper["beta"]), s.shown.state(states[0][i]), \
        s.shown.value(states[1][i])
    velocity = s.sum("v", f"β·v_{s.name} + {s.label}", f"{beta} × {wrapped(v0)} + {wrapped(s.g)}",
                     read(beta) * read(v0) + read(s.g), states[1][i])
    return [velocity, f"Δ{s.name} = −η·v_{s.name} = −{s.eta} × {wrapped(v1)}"], \
        -read(s.eta) * read(v1)


def _nesterov(hyper: Any, s: Step, states: Any, i: int) -> tuple[list[str], Any]:
    (velocity, _), _ = _momentum(hyper, s, states, i)
    beta, v1 = s.shown.constant(hyper["beta"]), s.shown.value(states[1][i])
    return [velocity, f"Δ{s.name} = −η·({s.label} + β·v_{s.name}) = −{s.eta} × "
                      f"({s.g} + {beta} × {wrapped(v1)})"], \
        -read(s.eta) * (read(s.g) + read(beta) * read(v1))


def _adagrad(hyper: Any, s: Step, states: Any, i: int) -> tuple[list[str], Any]:
    sum0, sum1 = s.shown.state(states[0][i]), s.shown.value(states[1][i])
    total = s.sum("G", f"G_{s.name} + ({s.label})²", f"{sum0} + {wrapped(s.g)}²",
                  read(sum0) + read(s.g) ** 2, states[1][i])
    return [total, _scaled_step(s, "G", sum1, hyper["eps"])], \
        _scaled(s, read(s.g), sum1, hyper["eps"])


def _rmsprop(hyper: Any, s: Step, states: Any, i: int) -> tuple[list[str], Any]:
    rho, rest = s.shown.constant(hyper["rho"]), s.shown.constant(1 - hyper["rho"])
    sum0, sum1 = s.shown.state(states[0][i]), s.shown.value(states[1][i])
    total = s.sum("s", f"ρ·s_{s.name} + (1 − ρ)·({s.label})²",
                  f"{rho} × {wrapped(sum0)} + {rest} × {wrapped(s.g)}²",
                  read(rho) * read(sum0) + read(rest) * read(s.g) ** 2, states[1][i])
    return [total, _scaled_step(s, "s", sum1, hyper["eps"])], \
        _scaled(s, read(s.g), sum1, hyper["eps"])


def _adam(hyper: Any, s: Step, states: Any, i: int) -> tuple[list[str], Any]:
    (_, m0, v0), (t, m1, v1) = states
    b1, b2 = s.shown.constant(hyper["beta1"]), s.shown.constant(hyper["beta2"])
    r1, r2 = s.shown.constant(1 - hyper["beta1"]), s.shown.constant(1 - hyper["beta2"])
    m0_, v0_ = s.shown.state(m0[i]), s.shown.state(v0[i])
    m1_, v1_ = s.shown.value(m1[i]), s.shown.value(v1[i])
    m_hat, v_hat = m1[i] / (1 - hyper["beta1"]**t), v1[i] / (1 - hyper["beta2"]**t)
    m_hat_ = s.shown.value(m_hat)
    v_hat_ = s.shown.value(v_hat)
    return [s.sum("m", f"β₁·m_{s.name} + (1 − β₁)·{s.label}",
                  f"{b1} × {wrapped(m0_)} + {r1} × {wrapped(s.g)}",
                  read(b1) * read(m0_) + read(r1) * read(s.g), m1[i]),
            s.sum("v", f"β₂·v_{s.name} + (1 − β₂)·({s.label})²",
                  f"{b2} × {wrapped(v0_)} + {r2} × {wrapped(s.g)}²",
                  read(b2) * read(v0_) + read(r2) * read(s.g) ** 2, v1[i]),
            f"m̂_{s.name} = m_{s.name}/(1 − β₁^{t}) "
            f"{s.shown.equals(read(m1_) / (1 - read(b1) ** t), m_hat)}",
            f"v̂_{s.name} = v_{s.name}/(1 − β₂^{t}) "
            f"{s.shown.equals(read(v1_) / (1 - read(b2) ** t), v_hat)}",
            f"Δ{s.name} = −η·m̂_{s.name}/(√v̂_{s.name} + ε) = −{s.eta} × {wrapped(m_hat_)}/"
            f"(√{v_hat_} + {s.shown.constant(hyper['eps'])})"], \
        _scaled(s, read(m_hat_), v_hat_, hyper["eps"])


def _scaled_step(s: Step, symbol: str, total: str, eps: Any) -> str:
    """``Δw = −η·∂f/∂w/(√G_w + ε) = −0.1 × 4/(√16 + 1e−10)``."""
    return (f"Δ{s.name} = −η·{s.label}/(√{symbol}_{s.name} + ε) = −{s.eta} × {wrapped(s.g)}/"
            f"(√{total} + {s.shown.constant(eps)})")


def _scaled(s: Step, numerator: Any, total: str, eps: Any) -> Any:
    """−η·numerator/(√total + ε) from the numbers as printed."""
    return -read(s.eta) * numerator / (root(read(total)) + read(s.shown.constant(eps)))


_METHOD_WRITERS = {"momentum": _momentum, "nesterov": _nesterov, "adagrad": _adagrad,
                   "rmsprop": _rmsprop, "adam": _adam}


def _substituted(template: str, point: list[str]) -> str:
    """``2·⟨0⟩ − 2`` at w = 3 as ``2·3 − 2``: the printed numbers written into the template."""

    def fill(match: re.Match[str]) -> str:
        shown = wrapped(point[int(match.group(1))])
        glued = match.start() > 0 and (template[match.start() - 1].isdigit()
                                       or template[match.start() - 1] == ")")
        return ("·" + shown) if glued and not shown.startswith("(") else shown

    return _PLACEHOLDER.sub(fill, template)
