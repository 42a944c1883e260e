"""Derivations and checks rendered: exact text, LaTeX rows, JSON that SymPy reads back."""

import json

import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

import gradwise
from gradwise import parse, steps
from gradwise.calculus.steps_text import at_text, step_line
from gradwise.documents import check_document, steps_document
from gradwise.notebook import steps_latex

NOTES = """\
f(x, y) = x² + y²

∂f/∂x:
∂/∂x (x² + y²) = ∂/∂x (x²) + ∂/∂x (y²) = 2x + 0 = 2x      sum rule: ∂/∂x (f + g) = ∂f/∂x + ∂g/∂x
├─ ∂/∂x (x²) = 2x                                         power rule: ∂/∂x xⁿ = n·xⁿ⁻¹ with n = 2
└─ ∂/∂x (y²) = 0                                          \
y² does not contain x: treat y as a constant, so its ∂/∂x is 0
∂f/∂x(2, 2) = 2·2 = 4

∂f/∂y:
∂/∂y (x² + y²) = ∂/∂y (x²) + ∂/∂y (y²) = 0 + 2y = 2y      sum rule: ∂/∂y (f + g) = ∂f/∂y + ∂g/∂y
├─ ∂/∂y (x²) = 0                                          \
x² does not contain y: treat x as a constant, so its ∂/∂y is 0
└─ ∂/∂y (y²) = 2y                                         power rule: ∂/∂y yⁿ = n·yⁿ⁻¹ with n = 2
∂f/∂y(2, 2) = 2·2 = 4

∇f(x, y) = 2x î + 2y ĵ
∇f(2, 2) = 4î + 4ĵ"""


def test_the_notes_example_reads_as_the_notes_work_it():
    assert str(steps("x^2 + y^2").at("x=2, y=2")) == NOTES


def test_the_notes_cost_ends_on_the_notes_form():
    lines = str(steps("(1 - w)^2")).splitlines()
    assert lines[3].startswith("∂/∂w ((1 − w)²) = d/du (u²)·∂u/∂w = 2(1 − w)·(−1) = −2(1 − w)")
    assert "chain rule with u = 1 − w" in lines[3]
    assert lines[-3].startswith("= 2w − 2") and "simplify" in lines[-3]
    assert str(steps("(1 - w)^2").at({"w": 3})).splitlines()[-4] == "∂f/∂w(3) = 2·3 − 2 = 4"


def test_degrees_evaluate_as_the_notes_do():
    text = str(steps(parse("sin(z)", degrees=True)).at({"z": 180}))
    assert "└─ ∂/∂z (z°) = (π/180)·∂/∂z (z) = (π/180)·1 = π/180" in text
    assert "∂f/∂z(180) = π·cos(180°)/180 = −π/180 ≈ −0.0174533" in text


def test_products_keep_their_placeholders_apart():
    line = step_line(steps("x sin(x)")["x"], parse("x sin(x)"))
    assert line.startswith("∂/∂x (x·sin(x)) = ∂/∂x (x)·sin(x) + x·∂/∂x (sin(x)) = "
                           "1·sin(x) + x·cos(x)")


def test_quotients_and_constant_multiples():
    f = parse("x / (1 + y^2)")
    root = steps(f)["y"]
    assert step_line(root, f) == ("∂/∂y (x/(y² + 1)) = x·∂/∂y (1/(y² + 1)) = "
                                  "x·(−2y/(y² + 1)²) = −2x·y/(y² + 1)²")
    assert step_line(root.substeps[0], f).startswith(
        "∂/∂y (1/(y² + 1)) = (∂/∂y (1)·(y² + 1) − 1·∂/∂y (y² + 1))/(y² + 1)²")


def test_values_are_written_in_without_evaluating():
    x, y = sympy.symbols("x y", real=True)
    assert at_text(2 * x * y, {x: sympy.Integer(-2), y: sympy.Rational(1, 2)}, False) == \
        "2·(−2)·(1/2)"
    assert at_text(x**2, {x: sympy.Integer(-2)}, False) == "(−2)²"


def test_latex_has_a_row_per_step_and_the_values():
    s = steps("x^2 + y^2")
    latex = steps_latex(s, s.at("x=2, y=2"))
    assert latex.startswith(r"$\begin{aligned}") and latex.endswith(r"\end{aligned}$")
    rows = latex.split(r"\\ ")
    assert len(rows) == 2 * (1 + 3 + 1)  # per variable: a heading, three steps, the value
    assert r"&\quad \frac{\partial}{\partial x} \left(y^{2}\right) = 0" in latex
    assert r"\frac{\partial f}{\partial y}(2, 2) = 4" in latex
    assert s._repr_latex_() == steps_latex(s)


def test_json_steps_read_back_and_check_on_their_own():
    s = steps("(y - sigmoid(w x + b))^2", wrt="w,b")
    document = json.loads(json.dumps(steps_document(s)))
    assert set(document) >= {"function", "variables", "steps"}
    assert list(document["steps"]) == ["w", "b"]

    def visit(step):
        assert set(step) == {"rule", "expression", "result", "why", "substeps", "variable",
                             "display"}
        local = {step["variable"]: sympy.Symbol(step["variable"])}
        expression = parse_expr(step["expression"], local_dict=local)
        result = parse_expr(step["result"], local_dict=local)
        assert sympy.simplify(sympy.diff(expression, local[step["variable"]]) - result) == 0
        for sub in step["substeps"]:
            visit(sub)

    for step in document["steps"].values():
        visit(step)


def test_json_at_a_point():
    s = steps("x^2 + y^2")
    document = steps_document(s, s.at("x=2, y=2"))
    assert document["exact"] == ["4", "4"] and document["value"] == [4.0, 4.0]
    assert document["evaluation"]["x"] == "∂f/∂x(2, 2) = 2·2 = 4"


def test_check_text_and_json():
    result = gradwise.check("x^2 + y^2", "2x, 2y^2")
    assert str(result).splitlines() == [
        "f(x, y) = x² + y²",
        "✓ ∂f/∂x = 2x",
        "✗ ∂f/∂y: your answer 2y², but ∂f/∂y = 2y",
        "    at x = 1, y = 2: ∂f/∂y = 4, your answer 8",
        "    hint: the power rule lowers the exponent by one: ∂/∂y y² = 2y, not 2y²",
        "1 of 2 wrong",
    ]
    document = check_document(result)
    assert document["correct"] is False
    wrong = document["components"][1]
    assert set(wrong) >= {"variable", "correct", "expected", "answer", "counterexample", "hint"}
    assert wrong["counterexample"] == {"point": {"x": "1", "y": "2"}, "expected": "4",
                                       "answer": "8"}


@pytest.mark.parametrize("text", ["x^2 + y^2", "sin(x)/x", "(y - sigmoid(w x + b))^2"])
def test_every_rendering_of_every_variable(text):
    s = steps(text)
    assert str(s).count("∂f/∂") >= len(s.variables)
    assert steps_latex(s).count(r"\frac{\partial f}") == len(s.variables)
