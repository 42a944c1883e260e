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


# -- each optimizer's own formula (issue 18, item 7) -----------------------------------------

def test_momentum_shows_the_velocity_and_beta_exactly():
    r = minimize(C, {"w": 3}, learning_rate="0.1", method="momentum", exact=True, max_steps=3,
                 beta="1/2")
    # by hand: v₁ = 4, w₁ = 2.6; ∂C/∂w(2.6) = 3.2, v₂ = 0.5 × 4 + 3.2 = 5.2, Δw = −0.52
    assert explain_step(r, 1) == ("∂C/∂w(2.6) = 2·2.6 − 2 = 3.2;  v_w = β·v_w + ∂C/∂w = "
                                  "0.5 × 4 + 3.2 = 5.2;  Δw = −η·v_w = −0.1 × 5.2 = −0.52;  "
                                  "w = 2.6 + (−0.52) = 2.08")


def test_momentum_in_exact_mode_keeps_the_default_beta_exact():
    r = minimize(C, {"w": 3}, learning_rate="0.1", method="momentum", exact=True, max_steps=2)
    assert [str(w) for w in r.trace.coordinates[0]] == ["3", "13/5", "48/25"]  # β = 9/10


def test_nesterov_looks_ahead_along_the_velocity():
    r = minimize(C, {"w": 3}, learning_rate="0.1", method="nesterov", exact=True, max_steps=2,
                 beta="1/2")
    assert explain_step(r, 0) == ("∂C/∂w(3) = 2·3 − 2 = 4;  v_w = β·v_w + ∂C/∂w = 0.5 × 0 + 4 "
                                  "= 4;  Δw = −η·(∂C/∂w + β·v_w) = −0.1 × (4 + 0.5 × 4) = "
                                  "−0.6;  w = 3 + (−0.6) = 2.4")


def _numbers(text):
    import re

    return [float(n.replace("−", "-")) for n in re.findall(r"−?\d+\.?\d*(?:e−?\d+)?", text)]


def test_adam_shows_its_moment_estimates_as_a_reference_computes_them():
    import math

    f, start, eta, b1, b2, eps = "x^2 + 3y^2", {"x": 2.0, "y": 1.0}, 0.1, 0.8, 0.99, 1e-8
    r = minimize(f, start, learning_rate=eta, method="adam", max_steps=4, beta1=b1, beta2=b2)
    m = v = 0.0
    for t in range(1, 4):  # an independent Adam on the x coordinate
        g = 2 * float(r.trace.coordinates[0][t - 1])
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        delta = -eta * m_hat / (math.sqrt(v_hat) + eps)
    line = explain_step(r, 2).splitlines()[0]
    parts = line.split(";  ")
    assert parts[1].startswith("m_x = β₁·m_x + (1 − β₁)·∂f/∂x = 0.8 × ")
    assert _numbers(parts[1])[-1] == pytest.approx(m, rel=1e-5)
    assert _numbers(parts[2])[-1] == pytest.approx(v, rel=1e-5)
    assert parts[3].startswith("m̂_x = m_x/(1 − β₁^3) = ")
    assert _numbers(parts[3])[-1] == pytest.approx(m_hat, rel=1e-5)
    assert _numbers(parts[4])[-1] == pytest.approx(v_hat, rel=1e-5)
    assert parts[5].startswith("Δx = −η·m̂_x/(√v̂_x + ε) = −0.1 × ")
    assert _numbers(parts[5])[-1] == pytest.approx(delta, rel=1e-5)


@pytest.mark.parametrize("method,state", [("adagrad", "G_x = G_x + (∂f/∂x)² = "),
                                          ("rmsprop", "s_x = ρ·s_x + (1 − ρ)·(∂f/∂x)² = ")])
def test_adaptive_methods_show_their_running_sums(method, state):
    r = minimize("x^2", {"x": 2.0}, learning_rate=0.1, method=method, max_steps=3)
    line = explain_step(r, 1)
    assert state in line
    moved = float(r.trace.coordinates[0][2]) - float(r.trace.coordinates[0][1])
    assert _numbers(line.split(";  ")[2])[-1] == pytest.approx(moved, rel=1e-5)


def test_ascent_hands_the_optimizer_minus_the_gradient():
    r = maximize(C, {"w": 3}, learning_rate="0.1", method="momentum", exact=True, max_steps=1,
                 beta="1/2")
    assert explain_step(r, 0) == ("∂C/∂w(3) = 2·3 − 2 = 4;  v_w = β·v_w + (−∂C/∂w) = 0.5 × 0 + "
                                  "(−4) = −4;  Δw = −η·v_w = −0.1 × (−4) = 0.4;  "
                                  "w = 3 + 0.4 = 3.4")
