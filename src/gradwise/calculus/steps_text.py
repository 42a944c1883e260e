"""Derivations and checks as text, in the notes' notation, a derivation indented as a tree.

Each step is one line: what is differentiated, the rule's form with the sub-steps still to
do, the same form with their results, and the result (``∂/∂x (x² + y²) = ∂/∂x (x²) +
∂/∂x (y²) = 2x + 0 = 2x``), beside its justification. With a point, each derivation ends as
the notes end it: ``∂f/∂x(2, 2) = 2·2 = 4``. The command line draws the same lines with Rich
on a terminal (:func:`step_line` and :func:`why_text` are shared).

Example:
    >>> from gradwise.calculus.gradients import steps
    >>> print(step_line(steps("x^2 + y^2")["x"], steps("x^2 + y^2").function))
    ∂/∂x (x² + y²) = ∂/∂x (x²) + ∂/∂x (y²) = 2x + 0 = 2x
"""

from __future__ import annotations

from typing import Any

import sympy

from gradwise.calculus.step import Step, at_inner
from gradwise.language.notation import NotesPrinter, show, vector_text
from gradwise.language.numbers import number_text

__all__ = ["Notation", "steps_text", "gradient_lines", "step_line", "why_text",
           "evaluation_line", "check_text", "tree_lines", "rows_of", "at_text"]

_COLUMN = 56  # justifications line up here when the steps are short enough
_LISTED = 6  # a group of constant terms longer than this is counted, not printed
_BARE = (sympy.Symbol, sympy.Number, sympy.NumberSymbol, sympy.Function)


def steps_text(s: Any, value: Any = None) -> str:
    """A :class:`~gradwise.calculus.steps.Steps` as text: each variable's tree, then ∇f."""
    f = s.function
    blocks = [str(f)]
    notation = Notation(f)  # one for all variables: the function heads every tree
    for i, (v, root) in enumerate(zip(f.variables, s.derivations, strict=True)):
        lines = [f"∂{f.name}/∂{v.name}:", *tree_lines(root, f, notation)]
        if value is not None:
            lines.append(evaluation_line(f, v, root.result, value.point, value.exact[i]))
        blocks.append("\n".join(lines))
    blocks.append("\n".join(gradient_lines(s, value)))
    return "\n\n".join(blocks)


def gradient_lines(s: Any, value: Any = None) -> list[str]:
    """What the derivations assemble: ∇f, and with a point ∇f there."""
    if value is None:
        return [str(s.gradient)]
    f = s.function
    return [str(s.gradient), vector_text(_label(f, value.point), value.exact)]


def tree_lines(root: Step, f: Any, notation: Notation | None = None) -> list[str]:
    """The tree's lines, sub-steps indented under their step, justifications aligned."""
    notation = notation or Notation(f)
    rows = [(prefix + line, why) for prefix, line, why in rows_of(root, notation)]
    width = max(len(text) for text, _ in rows)
    column = width + 3 if width <= _COLUMN else 0
    return [f"{text.ljust(column)}   {why}" if column else f"{text}   [{why}]"
            for text, why in rows]


def rows_of(root: Step, notation: Notation) -> list[tuple[str, str, str]]:
    """(tree guide, line, justification) per step, parents first; a final simplify closes."""
    rows: list[tuple[str, str, str]] = []

    def visit(step: Step, prefix: str, guide: str) -> None:
        rows.append((prefix, notation.line(step), why_text(step)))
        for i, sub in enumerate(step.substeps):
            last = i == len(step.substeps) - 1
            visit(sub, guide + ("└─ " if last else "├─ "), guide + ("   " if last else "│  "))

    if root.rule == "simplify":  # the rules' tree, then one closing line
        visit(root.substeps[0], "", "")
        rows.append(("", f"= {notation.expr(root.result, root)}", why_text(root)))
    else:
        visit(root, "", "")
    return rows


def why_text(step: Step) -> str:
    """The step's justification: the rule in symbols."""
    return step.why


def step_line(step: Step, f: Any) -> str:
    """``label = form = form with the results = result``, each part once."""
    return Notation(f).line(step)


def evaluation_line(f: Any, v: sympy.Symbol, component: sympy.Expr,
                    point: dict[sympy.Symbol, sympy.Expr], exact: sympy.Expr) -> str:
    """The notes' last step: ``∂f/∂x(2, 2) = 2·2 = 4`` (with ``≈`` where not rational)."""
    name = f"∂{f.name}/∂{v.name}({', '.join(show(point[s]) for s in f.variables)})"
    texts = [at_text(component, point, f.degrees), show(exact)]
    if not exact.is_Rational:
        texts.append(f"≈ {number_text(exact)}")
    unique = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
    return f"{name} = " + " = ".join(unique).replace("= ≈", "≈")


def at_text(expr: sympy.Expr, point: dict[sympy.Symbol, sympy.Expr], degrees: bool) -> str:
    """``expr`` with each name written as its value, unevaluated: 2x at x = 2 is ``2·2``."""
    return _AtPrinter({s: _value_text(v) for s, v in point.items()}, degrees).doprint(expr)


def check_text(result: Any) -> str:
    """A check's verdict: each component right or wrong, where it differs, the likely slip."""
    f = result.function
    lines = [str(f)]
    for c in result.components:
        lines.extend(_component_lines(f, c))
    lines.append("all right" if result.correct else
                 f"{sum(not c.correct for c in result.components)} of "
                 f"{len(result.components)} wrong")
    return "\n".join(lines)


def _component_lines(f: Any, c: Any) -> list[str]:
    name = f"∂{f.name}/∂{c.variable.name}"
    if c.correct:
        how = "" if c.method == "exact" else (
            "  (a numerical check: equal at random points to 50 digits; SymPy could not "
            "simplify the difference to 0)")
        return [f"✓ {name} = {show(c.answer, f.degrees)}{how}"]
    lines = [f"✗ {name}: your answer {show(c.answer, f.degrees)}, but {name} = "
             f"{show(c.expected, f.degrees)}"]
    if c.counterexample is not None:
        x = c.counterexample
        at = ", ".join(f"{s.name} = {show(v)}" for s, v in x.point.items())
        lines.append(f"    at {at}: {name} = {_number(x.expected)}, your answer "
                     f"{_number(x.answer)}")
    if c.hint:
        lines.append(f"    hint: {c.hint}")
    return lines


def _number(value: sympy.Expr) -> str:
    text = show(value)
    return text if value.is_Rational else f"{text} ≈ {number_text(value)}"


# -- the parts of a line -------------------------------------------------------------------

class Notation:
    """How a step's line is written: the notes' text (``notebook`` subclasses it for LaTeX).

    A line is ``label = form = form with the results = result``: the rule's form with
    each sub-step still to do (``∂/∂x (x²) + ∂/∂x (y²)``), then with their results.
    """

    times = "·"
    minus = "−"

    def __init__(self, f: Any) -> None:
        self.f = f
        self._printed: dict[tuple[sympy.Expr, bool], str] = {}

    def expr(self, e: sympy.Expr, step: Step) -> str:
        degrees = self.f.degrees and step.variable in self.f.variables
        key = (e, degrees)  # the function itself heads every variable's tree: print it once
        if key not in self._printed:
            self._printed[key] = self.print(e, degrees)
        return self._printed[key]

    def print(self, e: sympy.Expr, degrees: bool) -> str:
        return show(e, degrees)

    def op(self, step: Step) -> str:
        name = step.variable.name
        return f"d/d{name}" if step.variable not in self.f.variables else f"∂/∂{name}"

    def group(self, text: str) -> str:
        return f"({text})"

    def degrees(self, angle: str, bare: bool) -> str:
        return f"{angle}°" if bare else f"({angle})°"

    def inner(self, u: str, x: str) -> str:
        return f"∂{u}/∂{x}"

    def quotient(self, top: str, bottom: str) -> str:
        squared = f"{bottom}²" if bottom.startswith("(") or bottom.isalnum() else \
            f"({bottom})²"
        return f"({top})/{squared}"

    def label(self, step: Step) -> str:
        """What the step differentiates: ``∂/∂x (x²)``, ``d/du (sin(u))``, ``∂/∂z (z°)``."""
        if step.rule == "degrees":
            angle = step.substeps[0].expression
            operand = self.degrees(self.expr(angle, step), isinstance(angle, _BARE))
        elif step.rule == "treat as constant" and len(step.expression.args) > _LISTED and \
                step.expression.is_Add:  # a long sum's terms without the variable: counted
            operand = f"the {len(step.expression.args)} terms without {step.variable.name}"
        else:
            operand = self.expr(step.expression, step)
        return f"{self.op(step)} {self.group(operand)}"

    def line(self, step: Step) -> str:
        parts = [self.label(step)]
        n = len(step.substeps)
        if n and step.rule != "simplify":
            parts.append(self.form(step, [self.placeholder(step, i) for i in range(n)]))
        if n:
            parts.append(self.form(step, [self.result(step, i) for i in range(n)]))
        parts.append(self.expr(step.result, step))
        return " = ".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])

    def placeholder(self, step: Step, i: int) -> str:
        if step.rule == "chain" and i == 1:
            return self.inner(step.substeps[0].variable.name, step.variable.name)
        return self.label(step.substeps[i])

    def result(self, step: Step, i: int) -> str:
        sub = step.substeps[i]
        if step.rule == "chain" and i == 0:
            inner = step.substeps[1].expression
            return self.wrapped(at_inner(sub.result, sub.variable, inner), step)
        return self.wrapped(sub.result, sub)

    def wrapped(self, e: sympy.Expr, step: Step) -> str:
        text = self.expr(e, step)
        negative = text.startswith(self.minus) or text.startswith("-")
        return self.group(text) if isinstance(e, sympy.Add) or negative else text

    def form(self, step: Step, parts: list[str]) -> str:
        rule = step.rule
        if rule in ("sum", "difference"):
            return self.sum(step, parts)
        if rule == "product":
            factors = [self.wrapped(s.expression, s) for s in step.substeps]
            return " + ".join(self.times.join(parts[j] if j == i else factors[j]
                                              for j in range(len(factors)))
                              for i in range(len(factors)))
        if rule == "quotient":
            top, bottom = (self.wrapped(s.expression, s) for s in step.substeps)
            return self.quotient(f"{parts[0]}{self.times}{bottom} {self.minus} "
                                 f"{top}{self.times}{parts[1]}", bottom)
        if rule == "chain":
            return f"{parts[0]}{self.times}{parts[1]}"
        if rule == "simplify":
            return self.expr(step.substeps[0].result, step)
        return self.multiple(step, parts[0])

    def sum(self, step: Step, parts: list[str]) -> str:
        text = ""
        for sign, part in zip(step.detail, parts, strict=True):
            if not text:
                text = (self.minus if sign < 0 else "") + part
            else:
                text += f" {self.minus if sign < 0 else '+'} {part}"
        return text

    def multiple(self, step: Step, part: str) -> str:
        c = step.detail[0]
        if c == -1:
            return f"{self.minus}{part}"
        text = self.expr(c, step)
        if isinstance(c, sympy.Add) or "/" in text:  # (π/180)·…, never π/180·… as π/(180·…)
            text = self.group(text)
        return f"{text}{self.times}{part}"


def _label(f: Any, point: dict[sympy.Symbol, sympy.Expr]) -> str:
    return f"∇{f.name}({', '.join(show(point[s]) for s in f.variables)})"


def _value_text(v: sympy.Expr) -> str:
    text = show(v)
    return f"({text})" if text.startswith("−") or not isinstance(v, _BARE) or \
        (v.is_Rational and not v.is_Integer) else text


class _AtPrinter(NotesPrinter):
    """The notes' printer with each name written as its value, every product with ·."""

    def __init__(self, values: dict[sympy.Symbol, str], degrees: bool) -> None:
        super().__init__(degrees)
        self.values = values

    def _print_Symbol(self, expr) -> str:
        return self.values.get(expr, expr.name)

    def _product(self, expr) -> str:
        factors = sympy.Mul(*sympy.Mul.make_args(expr), evaluate=False).as_ordered_factors()
        return "·".join(self._factor(factor) for factor in factors)
