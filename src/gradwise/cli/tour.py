"""``gradwise tour``: the lecture notes, executed, example by example, in their order.

Each section prints what the notes work out by hand, the same computation done by
gradwise (exact arithmetic, so 2.6 is 13/5 and prints as 2.6), and what gradwise adds.
Read this file top to bottom as the script of the tour.
"""

from __future__ import annotations

import click

from gradwise.calculus.check import check
from gradwise.calculus.gradients import gradient, steps, value_at
from gradwise.calculus.graph import Graph, graph
from gradwise.calculus.graph_text import value_text
from gradwise.calculus.steps_text import tree_lines
from gradwise.cli.words import cli_words, outcome
from gradwise.descent.advice import advise_learning_rate, sweep
from gradwise.descent.explain import explain_step
from gradwise.descent.run import maximize, minimize
from gradwise.language.expressions import parse
from gradwise.language.numbers import number_text
from gradwise.neuron.derivation import derive

COST = "C(w) = (1 - w)^2"
NEURON_POINT = "x=1, y=1, b=0, w=3"


def heading(title: str) -> None:
    click.echo()
    click.secho(title, bold=True, underline=True)


def notes(text: str) -> None:
    click.secho(f"  notes:    {text}", fg="cyan")


def computed(text: str) -> None:
    click.echo(f"  gradwise: {text}")


def adds(text: str) -> None:
    click.secho(f"  + gradwise adds: {text}", fg="green")


def one_step(start: float, learning_rate: str, ascent: bool = False) -> str:
    """One notes-style step of C(w) = (1 − w)², exact."""
    run = maximize if ascent else minimize
    result = run(COST, {"w": start}, learning_rate=learning_rate, exact=True, max_steps=1)
    return explain_step(result, 0)


def gradients() -> None:
    heading("1. Gradients: ∇f = ∂f/∂x î + ∂f/∂y ĵ")
    notes("f(x, y) = x² + y²  →  ∇f = 2x î + 2y ĵ,  ∇f(2, 2) = 4î + 4ĵ")
    computed(f"{gradient('x^2 + y^2')};  {gradient('x^2 + y^2').at({'x': 2, 'y': 2})}")
    notes("f(x) = x²  →  ∇f = 2x î, the slope; ∇f = 10î (at x = 5)")
    computed(f"{gradient('x^2')};  {gradient('x^2').at({'x': 5})}")
    notes("f(z) = sin z  →  ∇f = cos(z) î;  cos(180°) = −1")
    sine = gradient("sin(z)")
    computed(f"{sine};  at z = 180°: {sine.at('z=180°')};  at z = 360°: {sine.at('z=360°')}")
    adds("the notes' ∇f(z = 180°) = −2î would be the gradient of 2·sin z; of sin z it is −î")


def update_rule() -> None:
    heading("2. The update rule: w = w − η·∂f/∂w, all variables at once")
    notes("(w, b) = (w, b) − η∇f")
    result = minimize("x^2 + y^2", {"x": 2, "y": 2}, learning_rate="0.1", exact=True,
                      max_steps=1)
    computed("f = x² + y² from (2, 2) with η = 0.1:")
    for line in explain_step(result, 0).splitlines():
        click.echo(f"            {line}")


def the_cost() -> None:
    heading("3. The cost: C = (y − φ(wx + b))² with y = 1, b = 0, φ(z) = z, x = 1")
    notes("C = (1 − w)² = f(w);  C(3) = (1 − 3)² = 4;  ∇C(w) = 2w − 2;  ∇C(3) = 4")
    c = parse(COST)
    computed(f"{c};  C(3) = {value_at(c, {'w': 3})};  {gradient(c)};  "
             f"{gradient(c).at({'w': 3})}")


def case_1() -> None:
    heading("4. Case 1: w = 3")
    notes("(i) Δw = +∂C/∂w = 4;  w = 3 + 4 = 7  →  gradient ascent")
    computed(one_step(3, "1", ascent=True))
    notes("(ii) Δw = −∂C/∂w;  w = 3 − 4 = −1  →  gradient descent, overshooting")
    computed(one_step(3, "1"))
    notes("(iii) Δw = −η·∂C/∂w with η = 0.1;  w = 3 − 0.1 × 4 = 2.6")
    computed(one_step(3, "0.1"))


def case_2() -> None:
    heading("5. Case 2: w = −2")
    notes("∇f(−2) = 2(−2) − 2 = −6;  w = −2 + 0.1 × 6 = −1.4")
    computed(one_step(-2, "0.1"))
    notes("with η = 1: ascent −2 − 6 = −8;  descent −2 + 6 = 4")
    computed(one_step(-2, "1", ascent=True))
    computed(one_step(-2, "1"))


def overshoot() -> None:
    heading("6. The overshoot, run on")
    notes("with η = 1 descent jumps from 3 to −1: past the minimum at w = 1")
    for eta in ("1", "0.9", "1.1", "0.1"):
        result = minimize(COST, {"w": 3}, learning_rate=eta, exact=eta != "1.1",
                          max_steps=200)
        path = " → ".join(number_text(w) for w in result.trace.coordinates[0][:5])
        computed(f"η = {eta}: {path} → …  {outcome(result.status, result.n_steps)}")
        for finding in result.findings:
            click.echo(f"              {cli_words(str(finding))}")
    adds("η = 1 is a cycle (3, −1, 3, …) that never converges; η = 1.1 diverges")


def learning_rate() -> None:
    heading("7. The learning rate")
    notes("η = 0.1 gives 2.6, a small safe step; η = 1 overshoots")
    advice = advise_learning_rate(COST, {"w": 3})
    for line in str(advice).splitlines():
        computed(line)
    adds("descent multiplies w − 1 by (1 − ηλ) = (1 − 2η) each step: it shrinks iff "
         "0 < η < 1, and η = 0.5 lands on the minimum in one step")
    for row in sweep(COST, {"w": 3}, [0.1, 0.5, 0.9, 1.0, 1.1], max_steps=200):
        found = ", ".join(row.findings) or "—"
        click.echo(f"            η = {number_text(row.learning_rate):<4} {row.status:<10} "
                   f"{row.n_steps:>4} steps   {found}")


def vanishing_gradient() -> None:
    heading("8. The sigmoid: σ(z) = 1/(1 + e^(−z)) and its vanishing gradient")
    notes("σ(1) = 1/(1 + e^(−1)) = e/(e + 1)")
    computed(f"σ(1) = {number_text(value_at('sigmoid(z)', {'z': 1}))}, "
             f"e/(e + 1) = {number_text(value_at('e/(e + 1)', {}))}")
    cost = "C(w) = (y - sigmoid(w x + b))^2"
    computed("the notes' neuron with y = 1, x = 1, b = 0, from w = 3: C = (1 − σ(w))²")
    c = parse(cost, constants={"y": 1, "x": 1, "b": 0})
    computed(f"C(3) = {number_text(value_at(c, {'w': 3}))},  "
             f"∂C/∂w(3) = {number_text(gradient(c).at({'w': 3}).values[0])}: "
             f"σ'(3) = σ(1 − σ) = {number_text(value_at('sigmoid(3)(1 - sigmoid(3))', {}))}")
    result = minimize(c, {"w": 3}, learning_rate=0.1, max_steps=300)
    for finding in result.findings:
        computed(str(finding))
    adds("the notes simplify σ(z) to z, giving (1 − w)² with ∂C/∂w(3) = 4; the real sigmoid's "
         "gradient is a thousand times smaller: it vanishes where σ saturates")


def backpropagation() -> None:
    heading("9. Backpropagation: the neuron's cost as a graph, forward then backward")
    notes("C = (y − φ(w·x + b))² with φ(z) = z, x = 1, y = 1, b = 0, w = 3:  C = 4,  "
          "∂C/∂w = 4")
    g = graph("C(w, b) = (y - (w x + b))^2", at=NEURON_POINT)
    _passes(g)
    notes("the same neuron with φ = σ: ŷ = σ(z), z = w·x + b")
    g = graph("C(w, b) = (y - sigmoid(w x + b))^2", at=NEURON_POINT,
              names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    _passes(g, "ŷ", "z")
    (slope,) = g.node("ŷ").local_derivatives
    adds(f"the edge z → ŷ carries σ'(3) = σ(3)(1 − σ(3)) ≈ {number_text(slope)}: every "
         "gradient that flows back through ŷ is multiplied by it, so it vanishes where σ "
         "saturates")
    adds("draw it: gradwise graph \"(y - sigmoid(w x + b))^2\" --at x=1,y=1,b=0,w=3 "
         "--plot neuron.svg")


def _passes(g: Graph, *between: str) -> None:
    """The forward values, operation by operation; then the chain-rule lines of ``between``
    (from the output back) and of each variable."""
    forward = [f"{g.definition(n)} = {value_text(n.value, n.float_value)}"
               for n in g.nodes if not n.is_leaf]
    computed("forward:  " + ";  ".join(forward))
    for node in (*between, *g.function.names):
        computed("backward: " + g.chain_rule(node))


def show_the_work() -> None:
    heading("10. Show the work: each partial derivative, rule by rule")
    notes("∂/∂x of x² + y²: treat y as a constant, so 2x + 0;  ∇f(2, 2) = 2 × 2 î + 2 × 2 ĵ")
    worked(steps("x^2 + y^2").at({"x": 2, "y": 2}))
    notes("f(x) = x²  →  ∇f(x) = 2x, the slope: 10 at x = 5")
    worked(steps("x^2").at({"x": 5}))
    notes("f(z) = sin z  →  cos z;  cos(180°) = −1")
    worked(steps("sin(z)").at("z=180°"))
    adds("read z in degrees and the chain rule brings the factor π/180 (gradwise grad --degrees)")
    worked(steps(parse("sin(z)", degrees=True)).at({"z": 180}))
    notes("C = (1 − w)²  →  ∂C/∂w = (0 + 2w − 2)(1) = 2w − 2;  ∂C/∂w(3) = 2 × 3 − 2 = 4")
    worked(steps(COST).at({"w": 3}))
    notes("C = (y − φ(w·x + b))²: the chain rule through ŷ = φ(z), z = w·x + b")
    rule = derive("sigmoid").chain()
    for line in rule.lines():
        computed(line)
    for label, part in (("∂C/∂ŷ", rule.cost), ("∂ŷ/∂z", rule.activation), ("∂z/∂w", rule.inner)):
        click.echo(f"            {label}:")
        for line in tree_lines(part.derivations[0], part.function):
            click.echo(f"              {line}")
    adds("the δ = ∂C/∂ŷ · φ'(z) that training runs is this same product (gradwise train)")
    notes("check your own answer: gradwise check \"x^2 + y^2\" --answer \"2x + 2y, 2y\"")
    for line in str(check("x^2 + y^2", "2x + 2y, 2y")).splitlines()[1:]:
        computed(line)


def worked(value) -> None:
    """A derivation and its value at a point, indented under the notes' line."""
    for line in str(value).splitlines()[2:]:
        click.echo(f"            {line}" if line else "")


@click.command()
def tour() -> None:
    """The lecture notes, executed: every worked example, step by step."""
    click.secho("gradwise tour: the gradient lecture notes, executed", bold=True)
    for section in (gradients, update_rule, the_cost, case_1, case_2, overshoot,
                    learning_rate, vanishing_gradient, backpropagation, show_the_work):
        section()
