"""Notebook display: traces and sweeps as HTML tables, critical points as LaTeX, Result.plot()."""


import re

from matplotlib.axes import Axes

import gradwise
from gradwise.notebook import critical_latex, sweep_html, trace_html


def cells(html):
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", html)]


def test_trace_table_holds_the_notes_steps_exactly():
    # the notes: w = 3, ∂C/∂w = 4, w = 3 − 0.1 × 4 = 2.6
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate="0.1", exact=True, max_steps=1)
    rows = cells(r.trace._repr_html_())
    assert rows == [["step", "w", "f", "∂f/∂w", "|∇f|"],
                    ["0", "3", "4", "4", "4"],
                    ["1", "2.6", "2.56", "3.2", "3.2"]]


def test_a_long_trace_shows_head_gap_and_tail():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=50)
    rows = cells(trace_html(r.trace, head=3, tail=2))
    assert [row[0] for row in rows] == ["step", "0", "1", "2", "⋮", "49", "50"]


def test_result_html_names_the_status_and_each_finding():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=1.1, max_steps=30)
    html = r._repr_html_()
    assert r.message in html
    for finding in r.findings:
        assert f"<code>{finding.code}</code>" in html
    assert "<table>" in html


def test_sweep_table_has_a_row_per_learning_rate():
    rows = cells(sweep_html(gradwise.sweep("(1 - w)^2", {"w": 3}, [0.1, 1.0, 1.1])))
    assert rows[0] == ["η", "status", "steps", "final value", "findings"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("0.1", "converged"), ("1", "max_steps"),
                                               ("1.1", "diverged")]


def test_html_is_escaped():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, max_steps=1)
    assert "<b>f(w) = (1 − w)²</b>" in r._repr_html_()
    assert "&lt;" not in trace_html(r.trace)  # nothing to escape, nothing mangled


def test_critical_points_display_as_latex_with_exact_coordinates():
    points = gradwise.critical_points("x^3 + x y - 3y^2")
    latex = points._repr_latex_()
    assert latex == critical_latex(points)
    assert latex.startswith("$f(x, y) = x^{3} + x y - 3 y^{2}:")
    assert r"\left(- \frac{1}{18}, - \frac{1}{108}\right) & \frac{1}{11664} & \text{maximum}" \
        in latex
    assert r"\left(0, 0\right) & 0 & \text{saddle} & \text{D = −1 < 0}" in latex
    assert latex.endswith("$")


def test_gradients_display_as_latex():
    assert gradwise.gradient("x^2 + y^2")._repr_latex_() == \
        r"$\nabla f(x, y) = 2 x\, \hat{i} + 2 y\, \hat{j}$"


def test_result_and_critical_points_plot_return_axes():
    r = gradwise.minimize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3, max_steps=5)
    ax = r.plot()
    assert isinstance(ax, Axes) and ax.get_title().startswith("f(x, y) = x² + 3y²")
    many = gradwise.minimize("x^2 + y^2 + z^2", [1, 1, 1], max_steps=3)
    assert isinstance(many.plot(), Axes)  # three variables: f per step
    ax = gradwise.critical_points("x^3 - 3x").plot()
    assert isinstance(ax, Axes) and [c.get_gid() for c in ax.collections] == \
        ["critical:minimum", "critical:maximum"]


def test_a_sweep_shows_itself_as_an_html_table():
    rows = gradwise.sweep("(1 - w)^2", {"w": 3}, [0.1, 1.0, 1.1])
    html = rows._repr_html_()
    assert html.count("<tr") == 4  # the header and one row per learning rate
    assert "converged" in html and "diverged" in html
    assert isinstance(rows, tuple) and len(rows) == 3
