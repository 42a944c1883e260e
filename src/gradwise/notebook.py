"""Notebook display: traces and sweeps as HTML tables, critical points and derivations as
LaTeX, graphs as SVG.

Pure functions from objects to text, so they are tested as text; the classes' ``_repr_html_``,
``_repr_latex_`` and ``_repr_svg_`` hooks call them. Only :func:`graph_svg` draws, and it
imports matplotlib when it is called, never at import.

Example:
    >>> from gradwise.descent.run import minimize
    >>> html = trace_html(minimize("(1 - w)^2", {"w": 3}, learning_rate="0.1", exact=True,
    ...                            max_steps=1).trace)
    >>> "<td>2.6</td>" in html
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import sympy

__all__ = ["trace_html", "result_html", "sweep_html", "critical_latex", "steps_latex", "HEAD",
           "TAIL"]

HEAD = 10
TAIL = 5
"""A long trace shows its first HEAD points, a row of ⋮, and its last TAIL points."""


def trace_html(trace: Any, head: int = HEAD, tail: int = TAIL) -> str:
    """Every point of a trace as an HTML table: step, coordinates, f, ∂f/∂v, |∇f|."""
    header = ["step", *trace.names, "f", *(f"∂f/∂{n}" for n in trace.names), "|∇f|"]
    norms = trace.gradient_norms()
    rows = []
    for k in _shown(len(trace), head, tail):
        if k is None:
            rows.append(["⋮"] + [""] * (len(header) - 1))
            continue
        rows.append([str(k), *map(_number, trace.point(k)), _number(trace.values[k]),
                     *map(_number, trace.gradient(k)), _number(norms[k])])
    return _table(header, rows)


def result_html(result: Any) -> str:
    """A descent's outcome: what stopped it, the findings, then the trace's table."""
    findings = "".join(f"<li><code>{escape(f.code)}</code>: {escape(f.message)}</li>"
                       for f in result.findings)
    function = escape(str(result.function)) if result.function is not None else "f"
    return (f"<p><b>{function}</b>: {escape(result.message)} after {result.n_steps} "
            f"steps (η = {_number(result.learning_rate)}, {escape(result.method)})</p>"
            + (f"<ul>{findings}</ul>" if findings else "<p>no findings</p>")
            + trace_html(result.trace))


def sweep_html(rows: Sequence[Any]) -> str:
    """``gradwise.sweep(...)``'s rows as an HTML table: η, status, steps, final value, findings."""
    header = ["η", "status", "steps", "final value", "findings"]
    body = [[_number(r.learning_rate), r.status, str(r.n_steps), _number(r.final_value),
             ", ".join(r.findings)] for r in rows]
    return _table(header, body)


def critical_latex(points: Any) -> str:
    """Critical points as a LaTeX array: point, f there, kind, and the test that decided it."""
    from gradwise.language.notation import function_latex

    lines = [r"\text{point} & " + points.function.name + r" & \text{kind} & \text{test}"]
    for p in points.points:
        coordinates = p.exact if p.exact is not None else [sympy.Float(c, 6) for c in p.point]
        value = p.exact_value if p.exact_value is not None else sympy.Float(p.value, 6)
        lines.append(r"\left(" + ", ".join(sympy.latex(c) for c in coordinates) + r"\right) & "
                     + sympy.latex(value) + r" & \text{" + p.kind + r"} & \text{"
                     + _latex_text(p.reason) + "}")
    note = "" if points.complete else r"\\ \text{(the list may be incomplete)}"
    return (f"${function_latex(points.function)}:\\quad \\nabla {points.function.name} = 0"
            r" \text{ at}\\ \begin{array}{llll}" + r"\\ ".join(lines) + r"\end{array}"
            + note + "$")


def steps_latex(s: Any, value: Any = None) -> str:
    r"""A derivation as aligned equations: each step, indented under its parent, beside its
    justification; with a point, each derivative's value there.

    Example:
        >>> from gradwise.calculus.gradients import steps
        >>> latex = steps_latex(steps("x^2"))
        >>> r"\frac{\partial}{\partial x} \left(x^{2}\right) = 2 x &&\text{power rule" in latex
        True
    """
    from gradwise.calculus.steps_text import rows_of

    f = s.function
    notation = _latex_notation(f)
    rows = []
    for i, (v, root) in enumerate(zip(f.variables, s.derivations, strict=True)):
        rows.append(rf"&\frac{{\partial {f.name}}}{{\partial {sympy.latex(v)}}}:")
        for prefix, line, why in rows_of(root, notation):
            indent = r"\quad " * (len(prefix) // 3)
            rows.append(rf"&{indent}{line} &&\text{{{_latex_text(why)}}}")
        if value is not None:
            at = ", ".join(sympy.latex(value.point[w]) for w in f.variables)
            rows.append(rf"&\frac{{\partial {f.name}}}{{\partial {sympy.latex(v)}}}({at}) = "
                        f"{sympy.latex(value.exact[i])}")
    return r"$\begin{aligned}" + r"\\ ".join(rows) + r"\end{aligned}$"


def _latex_notation(f: Any) -> Any:
    """The steps' line-writer (:class:`~gradwise.calculus.steps_text.Notation`) in LaTeX."""
    from gradwise.calculus.steps_text import Notation

    class LatexNotation(Notation):
        times = r" \cdot "
        minus = "-"

        def print(self, e: Any, degrees: bool) -> str:
            return sympy.latex(e)

        def op(self, step: Any) -> str:
            name = sympy.latex(step.variable)
            if step.variable not in self.f.variables:
                return rf"\frac{{d}}{{d{name}}}"
            return rf"\frac{{\partial}}{{\partial {name}}}"

        def group(self, text: str) -> str:
            return rf"\left({text}\right)"

        def degrees(self, angle: str, bare: bool) -> str:
            return rf"{angle}^{{\circ}}" if bare else rf"\left({angle}\right)^{{\circ}}"

        def inner(self, u: str, x: str) -> str:
            return rf"\frac{{\partial {u}}}{{\partial {x}}}"

        def quotient(self, top: str, bottom: str) -> str:
            return rf"\frac{{{top}}}{{\left({bottom}\right)^{{2}}}}"

        def multiple(self, step: Any, part: str) -> str:
            c = step.detail[0]
            if c == -1:
                return f"-{part}"
            text = self.group(sympy.latex(c)) if c.is_Add else sympy.latex(c)
            return f"{text}{self.times}{part}"

    return LatexNotation(f)


def _shown(n: int, head: int, tail: int) -> list[int | None]:
    if n <= head + tail + 1:
        return list(range(n))
    return [*range(head), None, *range(n - tail, n)]


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _number(x: Any) -> str:
    from gradwise.language.numbers import number_text

    return number_text(x)


def _latex_text(text: str) -> str:
    """Plain text safe inside ``\\text{...}`` (the test's reason, with its Unicode signs)."""
    for plain, command in (("\\", r"\backslash "), ("_", r"\_"), ("&", r"\&"), ("%", r"\%"),
                           ("#", r"\#"), ("{", r"\{"), ("}", r"\}")):
        text = text.replace(plain, command)
    return text
