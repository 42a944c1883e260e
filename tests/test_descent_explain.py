"""The notes' way of writing a step, exactly, at a fixed width."""

import pytest
import sympy

from gradwise import explain_step, maximize, minimize
from gradwise.descent.explain import explain
from gradwise.language.numbers import number_text

C = "C(w) = (1 - w)^2"


def test_the_issue_example_character_for_character():
    r = minimize(C, {"w": 3}, learning_rate="0.1", exact=True, max_steps=1)
    assert explain_step(r, 0) == ("∂C/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂C/∂w = −0.1 × 4 = −0.4;  "
                                  "w = 3 + (−0.4) = 2.6")


def test_float_mode_prints_the_same_without_float_noise():
    exact = minimize(C, {"w": 3}, learning_rate="0.1", exact=True, max_steps=3)
    floats = minimize(C, {"w": 3}, learning_rate=0.1, max_steps=3)
    assert [explain_step(floats, k) for k in range(3)] == [explain_step(exact, k)
                                                           for k in range(3)]


def test_case_2_and_ascent():
    r = minimize(C, {"w": -2}, learning_rate="0.1", exact=True, max_steps=1)
    assert explain_step(r, 0) == ("∂C/∂w(−2) = 2(−2) − 2 = −6;  Δw = −η·∂C/∂w = −0.1 × (−6) "
                                  "= 0.6;  w = −2 + 0.6 = −1.4")
    up = maximize(C, {"w": 3}, learning_rate=1, exact=True, max_steps=1)
    assert explain_step(up, 0) == "∂C/∂w(3) = 2·3 − 2 = 4;  Δw = +η·∂C/∂w = 1 × 4 = 4;  " \
                                  "w = 3 + 4 = 7"


def test_two_variables_give_two_lines():
    r = minimize("x^2 + y^2", {"x": 2, "y": 2}, learning_rate="0.1", exact=True, max_steps=1)
    assert explain_step(r, 0).splitlines() == [
        "∂f/∂x(2, 2) = 2·2 = 4;  Δx = −η·∂f/∂x = −0.1 × 4 = −0.4;  x = 2 + (−0.4) = 1.6",
        "∂f/∂y(2, 2) = 2·2 = 4;  Δy = −η·∂f/∂y = −0.1 × 4 = −0.4;  y = 2 + (−0.4) = 1.6"]


def test_long_runs_are_elided():
    r = minimize(C, {"w": 3}, learning_rate=0.1, max_steps=50, tol=0)
    lines = explain(r, limit=6)
    assert len(lines) == 7 and lines[4] == "⋮" and lines[-1].startswith("step 50:")


def test_steps_out_of_range():
    r = minimize(C, {"w": 3}, learning_rate=0.1, max_steps=2)
    with pytest.raises(IndexError):
        explain_step(r, 2)


@pytest.mark.parametrize("x,text", [(sympy.Rational(13, 5), "2.6"), (sympy.Rational(1, 3), "1/3"),
                                    (sympy.Rational(-7, 5), "−1.4"), (2.5999999999999996, "2.6"),
                                    (-0.0, "0"), (1e-20, "1e−20"), (sympy.Integer(7), "7")])
def test_number_text(x, text):
    assert number_text(x) == text
