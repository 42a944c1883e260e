"""minimize / maximize: the notes' numbers exactly, known minima, invariants, bad input."""

import math

import pytest
import sympy

import gradwise
from conftest import BEALE, BOOTH, ROSENBROCK
from gradwise import DomainError, InputError, maximize, minimize
from gradwise.descent import run

COST = "(1 - w)^2"
R = sympy.Rational


def first_steps(result, n=None):
    return list(result.trace.coordinates[0][: n if n is None else n + 1])


# -- 1. the lecture notes, exactly -------------------------------------------------------

def test_case_1_ascent_with_eta_1_gives_7():
    r = maximize(COST, {"w": 3}, learning_rate=1, exact=True, max_steps=1)
    assert first_steps(r) == [3, 7]


def test_case_1_descent_with_eta_1_gives_minus_1_then_3_again():
    r = minimize(COST, {"w": 3}, learning_rate=1, exact=True, max_steps=2)
    assert first_steps(r) == [3, -1, 3]


def test_case_1_eta_0_1_gives_exactly_13_over_5_then_2_28_then_2_024():
    r = minimize(COST, {"w": 3}, learning_rate="0.1", exact=True, max_steps=3)
    assert first_steps(r) == [3, R(13, 5), R(57, 25), R(253, 125)]
    assert all(isinstance(w, sympy.Rational) for w in first_steps(r))


def test_case_2_gradient_minus_6_and_eta_0_1_gives_minus_1_4():
    r = minimize(COST, {"w": -2}, learning_rate=0.1, exact=True, max_steps=1)
    assert r.trace.gradients[0][0] == -6
    assert first_steps(r) == [-2, R(-7, 5)]


def test_case_2_eta_1_ascent_gives_minus_8_and_descent_4():
    assert first_steps(maximize(COST, {"w": -2}, learning_rate=1, exact=True,
                                max_steps=1)) == [-2, -8]
    assert first_steps(minimize(COST, {"w": -2}, learning_rate=1, exact=True,
                                max_steps=1)) == [-2, 4]


def test_float_mode_matches_the_notes_to_the_last_bit_where_floats_can():
    r = minimize(COST, {"w": 3}, learning_rate=0.1, max_steps=1)
    assert r.trace.coordinates[0] == (3.0, 2.6)
    assert maximize(COST, {"w": 3}, learning_rate=1, max_steps=1).x == (7.0,)


def test_exact_mode_values_and_gradients_are_exact():
    r = minimize(COST, {"w": 3}, learning_rate="1/10", exact=True, max_steps=1)
    assert r.trace.values == (4, R(64, 25))
    assert r.trace.gradients[0] == (4, R(16, 5))
    assert r.learning_rate == R(1, 10)


# -- 2. classification of the notes' learning rates -------------------------------------

def test_eta_0_1_converges_without_oscillation():
    r = minimize(COST, {"w": 3}, learning_rate=0.1)
    assert r.status == "converged"
    assert "oscillation" not in r.codes and "overshoot" not in r.codes
    assert r.x[0] == pytest.approx(1, abs=1e-8)


def test_eta_0_9_converges_with_oscillation():
    r = minimize(COST, {"w": 3}, learning_rate=0.9)
    assert r.status == "converged"
    assert "oscillation" in r.codes


def test_eta_1_never_converges_and_reports_cycle():
    r = minimize(COST, {"w": 3}, learning_rate=1, max_steps=500)
    assert r.status == "max_steps"
    assert "cycle" in r.codes
    assert set(r.trace.coordinates[0]) == {3.0, -1.0}


def test_eta_1_1_diverges_before_overflow_and_keeps_its_trace():
    r = minimize(COST, {"w": 3}, learning_rate=1.1, max_steps=100_000)
    assert r.status == "diverged"
    assert "divergence" in r.codes
    assert 5 < r.n_steps < 50
    assert all(math.isfinite(v) for v in r.trace.values)
    assert r.trace.coordinates[0][:2] == (3.0, 3 - 1.1 * 4)


def test_huge_learning_rate_diverges_rather_than_overflowing():
    r = minimize("x^4", {"x": 3}, learning_rate=1e6, max_steps=1000)
    assert r.status in ("diverged", "non_finite")
    assert r.status != "converged"
    assert all(math.isfinite(v) for v in r.trace.values)


def test_rising_values_while_minimizing_are_reported():
    r = minimize(COST, {"w": 3}, learning_rate=1.05, max_steps=6)
    assert r.status == "max_steps"
    assert "rising" in r.codes or "divergence" in r.codes


# -- 3. known minima, every method ------------------------------------------------------

SETTINGS = {
    "gd": {"learning_rate": 1e-3},
    "momentum": {"learning_rate": 1e-4},
    "nesterov": {"learning_rate": 1e-4},
    "adagrad": {"learning_rate": 0.5},
    "rmsprop": {"learning_rate": 3e-3, "schedule": "step:0.5:5000"},
    "adam": {"learning_rate": 0.02},
}


@pytest.mark.parametrize("method", list(SETTINGS))
@pytest.mark.parametrize("problem", [ROSENBROCK, BOOTH, BEALE], ids=["rosenbrock", "booth",
                                                                     "beale"])
def test_every_method_reaches_the_known_minimum(method, problem):
    text, start, best = problem
    r = minimize(text, start, method=method, max_steps=100_000, tol=1e-6, **SETTINGS[method])
    assert r.status == "converged", r
    assert r.x == pytest.approx(best, abs=1e-4)
    assert "saddle" not in r.codes


@pytest.mark.parametrize("problem", [ROSENBROCK, BOOTH, BEALE], ids=["rosenbrock", "booth",
                                                                     "beale"])
def test_backtracking_line_search_reaches_the_minimum(problem):
    text, start, best = problem
    r = minimize(text, start, learning_rate=1, line_search=True, max_steps=100_000, tol=1e-6)
    assert r.status == "converged"
    assert r.x == pytest.approx(best, abs=1e-4)


def test_plain_descent_on_a_saddle_ends_there_and_says_so():
    r = minimize("f(x, y) = x^2 - y^2", {"x": 1, "y": 0}, learning_rate=0.1)
    assert r.status == "converged"
    assert r.x == pytest.approx((0, 0), abs=1e-8)
    assert "saddle" in r.codes
    assert r.trace.curvature == pytest.approx((-2, 2))


def test_maximize_finds_a_maximum():
    r = maximize("f(x, y) = -(x - 1)^2 - 2(y + 2)^2", {"x": 0, "y": 0}, learning_rate=0.1)
    assert r.status == "converged"
    assert r.x == pytest.approx((1, -2), abs=1e-8)


def test_schedules_change_the_learning_rate_by_step():
    r = minimize(COST, {"w": 3}, learning_rate=0.4, schedule="exponential:0.5", max_steps=3)
    assert r.trace.learning_rates == (0.4, 0.2, 0.1)
    exact = minimize(COST, {"w": 3}, learning_rate=1, schedule="inverse-time:1", exact=True,
                     max_steps=2)
    assert exact.trace.learning_rates == (1, R(1, 2))
    assert first_steps(exact) == [3, -1, 1]


def test_momentum_runs_exactly():
    r = minimize(COST, {"w": 3}, learning_rate="0.1", method="momentum", beta="1/2",
                 exact=True, max_steps=2)
    # v1 = 4, w1 = 3 − 0.4 = 2.6; v2 = 2 + 3.2 = 5.2, w2 = 2.6 − 0.52 = 2.08
    assert first_steps(r) == [3, R(13, 5), R(52, 25)]


# -- 4. invariants ----------------------------------------------------------------------

@pytest.mark.parametrize("method", list(SETTINGS))
def test_maximize_f_equals_minimize_minus_f_step_by_step(method):
    up = maximize("f(x, y) = -(x - 1)^2 - 3(y - x)^2 + x y", {"x": 2, "y": -1},
                  learning_rate=0.01, method=method, max_steps=50)
    down = minimize("f(x, y) = (x - 1)^2 + 3(y - x)^2 - x y", {"x": 2, "y": -1},
                    learning_rate=0.01, method=method, max_steps=50)
    assert up.trace.coordinates == down.trace.coordinates
    assert up.trace.values == tuple(-v for v in down.trace.values)
    assert up.status == down.status


def test_maximize_equals_minimize_minus_f_in_exact_mode():
    up = maximize("-(1 - w)^2", {"w": 3}, learning_rate="0.3", exact=True, max_steps=5)
    down = minimize("(1 - w)^2", {"w": 3}, learning_rate="0.3", exact=True, max_steps=5)
    assert up.trace.coordinates == down.trace.coordinates


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_n_steps_give_n_plus_1_points(n):
    r = minimize(COST, {"w": 3}, learning_rate=0.01, max_steps=n, tol=0)
    assert r.n_steps == n
    assert len(r.trace) == len(r.trace.values) == len(r.trace.coordinates[0]) == n + 1
    assert len(r.trace.learning_rates) == n
    assert len(r.trace.steps) == n + 1
    assert r.trace.steps[-1].delta is None


def test_same_input_same_run():
    a = minimize(ROSENBROCK[0], ROSENBROCK[1], learning_rate=0.02, method="adam")
    b = minimize(ROSENBROCK[0], ROSENBROCK[1], learning_rate=0.02, method="adam")
    assert a == b


@pytest.mark.parametrize("text,start,eta", [
    (COST, {"w": 3}, 0.1), (COST, {"w": 3}, 0.9), (COST, {"w": 3}, 1.0), (COST, {"w": 3}, 1.1),
    (ROSENBROCK[0], ROSENBROCK[1], 1e-3), ("log(x) + 1/x", {"x": 3}, 0.5),
    ("sigmoid(w)^2", {"w": 3}, 1.0), ("x^2 - y^2", {"x": 1, "y": 0.5}, 0.1),
])
@pytest.mark.parametrize("ascent", [False, True])
def test_compiled_loop_equals_the_general_loop_bit_for_bit(monkeypatch, text, start, eta, ascent):
    go = maximize if ascent else minimize
    fast = go(text, start, learning_rate=eta, max_steps=300)
    monkeypatch.setattr(run, "FAST_PATH", False)
    slow = go(text, start, learning_rate=eta, max_steps=300)
    assert fast.trace == slow.trace
    assert fast.findings == slow.findings


def test_each_step_records_point_value_gradient_delta_and_norm():
    r = minimize("f(x, y) = x^2 + y^2", {"x": 2, "y": 2}, learning_rate=0.1, max_steps=1)
    step = r.trace[0]
    assert step.point == (2.0, 2.0) and step.value == 8.0 and step.gradient == (4.0, 4.0)
    assert step.delta == pytest.approx((-0.4, -0.4))
    assert step.gradient_norm == pytest.approx(math.sqrt(32))
    assert r.point == pytest.approx({"x": 1.6, "y": 1.6})


# -- 5. Python callables ----------------------------------------------------------------

def test_a_python_function_with_its_gradient():
    r = minimize(lambda w: (1 - w) ** 2, 3, gradient=lambda w: 2 * w - 2, learning_rate=0.1)
    assert r.status == "converged" and r.x[0] == pytest.approx(1, abs=1e-8)
    assert r.trace.names == ("x",)
    compiled = minimize(COST, {"w": 3}, learning_rate=0.1)
    assert r.trace.coordinates == compiled.trace.coordinates


def test_a_python_function_of_two_variables_finds_its_saddle():
    r = minimize(lambda x, y: x * x - y * y, {"x": 1, "y": 0},
                 gradient=lambda x, y: (2 * x, -2 * y), learning_rate=0.1)
    assert r.trace.names == ("x", "y")
    assert "saddle" in r.codes


def test_a_python_function_that_returns_nan_is_non_finite_never_converged():
    r = minimize(lambda x: x * x if x > 0 else math.nan, 1.0,
                 gradient=lambda x: 2 * x, learning_rate=1.5, max_steps=10)
    assert r.status == "non_finite"
    assert r.n_steps == 0


# -- 6. NaN, inf and undefined points are results --------------------------------------

def test_leaving_the_domain_is_non_finite_and_keeps_the_trace():
    r = minimize("sqrt(x)", {"x": 1}, learning_rate=10, max_steps=10)
    assert r.status == "non_finite"
    assert r.trace.coordinates[0] == (1.0,)
    assert "non_finite" not in r.codes


def test_log_running_into_zero_is_non_finite():
    r = minimize("ln(x)", {"x": 2}, learning_rate=3, max_steps=10)
    assert r.status == "non_finite"
    assert all(math.isfinite(v) for v in r.trace.values)


# -- 7. bad input, each with its exact error -------------------------------------------

@pytest.mark.parametrize("eta", [0, -0.1, math.nan, math.inf, -math.inf, "abc", True, None])
def test_bad_learning_rates(eta):
    with pytest.raises(InputError, match="learning_rate"):
        minimize(COST, {"w": 3}, learning_rate=eta)


@pytest.mark.parametrize("steps", [0, -1, 1.5, "10", True, 10**9])
def test_bad_step_counts(steps):
    with pytest.raises(InputError, match="max_steps"):
        minimize(COST, {"w": 3}, max_steps=steps)


def test_exact_mode_has_a_smaller_step_limit():
    with pytest.raises(InputError, match="exact"):
        minimize(COST, {"w": 3}, exact=True, max_steps=100_000)


@pytest.mark.parametrize("tol", [-1, math.nan, math.inf])
def test_bad_tolerances(tol):
    with pytest.raises(InputError, match="tol"):
        minimize(COST, {"w": 3}, tol=tol)


def test_start_missing_a_variable():
    with pytest.raises(InputError, match="no value for 'y'"):
        minimize("x^2 + y^2", {"x": 1})


def test_start_naming_an_unknown_variable():
    with pytest.raises(InputError, match="names 'z'"):
        minimize("x^2", {"x": 1, "z": 2})


@pytest.mark.parametrize("text,start", [("ln(x)", {"x": 0}), ("1/x", {"x": 0}),
                                        ("sqrt(x)", {"x": -1})])
def test_start_where_f_is_undefined(text, start):
    with pytest.raises(DomainError, match="cannot start"):
        minimize(text, start)
    with pytest.raises(DomainError, match="cannot start"):  # a failed check is not cached
        minimize(text, start)


def test_a_function_run_again_gives_the_same_result_from_the_caches():
    first = minimize("ln(x) + 1/x", {"x": 3}, learning_rate=0.5)
    again = minimize("ln(x) + 1/x", {"x": 3}, learning_rate=0.5)
    assert again.trace == first.trace and again.findings == first.findings
    assert again.function == first.function
    with pytest.raises(DomainError, match="cannot start"):  # same function, bad start
        minimize("ln(x) + 1/x", {"x": 0})


def test_unknown_method_and_hyper_parameters():
    with pytest.raises(InputError, match="unknown method 'sgd'"):
        minimize(COST, {"w": 3}, method="sgd")
    with pytest.raises(InputError, match="beta"):
        minimize(COST, {"w": 3}, method="momentum", beta=1.5)
    with pytest.raises(InputError, match="no hyper-parameter"):
        minimize(COST, {"w": 3}, method="gd", beta=0.9)


def test_exact_mode_refuses_what_cannot_stay_rational():
    with pytest.raises(InputError, match="square roots"):
        minimize(COST, {"w": 3}, method="adam", exact=True)
    with pytest.raises(InputError, match="rational functions"):
        minimize("sin(w)", {"w": 3}, exact=True)
    with pytest.raises(InputError, match="rational start"):
        minimize(COST, {"w": "pi"}, exact=True)


def test_exact_mode_stops_before_numbers_explode():
    with pytest.raises(InputError, match="digits"):
        minimize("x^4", {"x": "1/3"}, learning_rate="1/7", exact=True, max_steps=50, tol=0)


def test_a_python_function_needs_its_gradient():
    with pytest.raises(InputError, match="gradient"):
        minimize(lambda w: w * w, 3)


def test_the_public_names():
    assert gradwise.minimize is minimize and gradwise.maximize is maximize
    assert callable(gradwise.advise_learning_rate) and callable(gradwise.sweep)


def test_a_result_names_the_critical_point_it_reached():
    from gradwise import minimize as run

    rosenbrock = run(ROSENBROCK[0], ROSENBROCK[1],
                     method="adam", learning_rate=0.02, max_steps=5000)
    reached = rosenbrock.reached()
    assert rosenbrock.converged and reached.kind == "minimum"
    assert reached.coordinates == "(1, 1)"
    saddle = run("x^2 - y^2", {"x": 1, "y": 0}).reached()
    assert saddle.kind == "saddle" and saddle.coordinates == "(0, 0)"
    assert run("(1 - w)^2", {"w": 3}, learning_rate=1.1).reached() is None  # diverged


def test_a_python_function_has_no_named_critical_point():
    from gradwise import minimize as run

    result = run(lambda w: (1 - w) ** 2, 3, gradient=lambda w: 2 * w - 2, learning_rate=0.1)
    assert result.converged and result.reached() is None


# Issue 12.6: a float power of a negative number is complex in Python; every method (not only
# plain gd) must end non_finite there, never compare a complex number.
@pytest.mark.parametrize("options", [
    {"method": "gd"}, {"method": "momentum"}, {"method": "nesterov"}, {"method": "adagrad"},
    {"method": "rmsprop"}, {"method": "adam"}, {"line_search": True},
    {"schedule": "exponential:0.9"},
])
def test_every_method_ends_non_finite_where_a_power_turns_complex(options):
    result = minimize("x^(pi/4)", {"x": 0.1}, learning_rate=1, **options)
    assert result.status == "non_finite"
    assert all(isinstance(v, float) for v in result.trace.values)
