"""Learning-rate advice (exact for quadratics) and the vectorised sweep."""

import pytest
import sympy

from conftest import ROSENBROCK
from gradwise import InputError, advise_learning_rate, minimize, sweep
from gradwise.descent.advice import parse_range


def test_the_notes_cost():
    a = advise_learning_rate("(1 - w)^2", {"w": 3})
    assert (a.curvature, a.max_stable, a.optimal, a.exact) == (2.0, 1.0, 0.5, True)
    assert a.exact_curvature == 2


def test_a_two_variable_quadratic_uses_the_largest_eigenvalue():
    a = advise_learning_rate("x^2 + 10 y^2 + x y", {"x": 1, "y": 1})
    lam = (22 + sympy.sqrt(18**2 + 4)) / 2  # eigenvalues of [[2, 1], [1, 20]]
    assert a.exact and a.curvature == pytest.approx(float(lam))
    assert a.max_stable == pytest.approx(2 / float(lam))


def test_the_advice_is_right_stable_below_and_unstable_above():
    for text, start in [("x^2 + 10 y^2 + x y", {"x": 1, "y": 1}), ("3(w - 2)^2", {"w": 0})]:
        a = advise_learning_rate(text, start)
        assert minimize(text, start, learning_rate=0.95 * a.max_stable,
                        max_steps=5000).status == "converged"
        assert minimize(text, start, learning_rate=1.05 * a.max_stable,
                        max_steps=5000).status == "diverged"


def test_non_quadratics_are_local():
    a = advise_learning_rate(*ROSENBROCK[:2])
    assert not a.exact and a.curvature > 1000
    assert "local" in str(a)


def test_no_positive_curvature():
    a = advise_learning_rate("3x + 1", {"x": 0})
    assert a.max_stable is None and a.optimal is None and a.curvature == 0


def test_ascent_uses_the_curvature_of_minus_f():
    a = advise_learning_rate("-(1 - w)^2", {"w": 3}, ascent=True)
    assert (a.max_stable, a.optimal) == (1.0, 0.5)


def test_sweep_agrees_with_minimize_one_by_one():
    rates = [0.05, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0]
    rows = sweep("(1 - w)^2", {"w": 3}, rates, max_steps=500)
    for row in rows:
        single = minimize("(1 - w)^2", {"w": 3}, learning_rate=row.learning_rate, max_steps=500)
        assert (row.status, row.findings, row.n_steps) == (single.status, tuple(single.codes),
                                                           single.n_steps)
        assert row.final_value == pytest.approx(float(single.value), rel=1e-9, abs=1e-20)


def test_sweep_in_two_variables_and_non_finite():
    rows = sweep(*ROSENBROCK[:2],
                 [1e-3, 1e-2], max_steps=2000)
    assert rows[0].status == "max_steps" and rows[1].status in ("diverged", "non_finite")
    assert [r.status for r in sweep("sqrt(x)", {"x": 1}, [0.1, 10], max_steps=5)] == \
        ["max_steps", "non_finite"]


def test_parse_range():
    assert parse_range("0.5:1:3") == [0.5, 0.75, 1.0]
    for bad in ["1:2", "0:1:3", "2:1:3", "0.1:1:0", "0.1:1:x"]:
        with pytest.raises(InputError):
            parse_range(bad)


def test_sweep_refuses_bad_rates_and_too_much_memory():
    with pytest.raises(InputError):
        sweep("(1 - w)^2", {"w": 3}, [0.1, -1])
    with pytest.raises(InputError, match="fewer"):
        sweep("(1 - w)^2", {"w": 3}, [0.1] * 100_000, max_steps=1000)


# -- the whole spectrum and each method's own range (issue 18, item 5) ---------------------

def test_a_saddle_names_the_direction_no_learning_rate_can_settle():
    # the case: x² − y² from (2.49, 0.05), where λ = +2 alone said "stable for η < 1"
    a = advise_learning_rate("x^2 - y^2", {"x": 2.49, "y": 0.05})
    assert a.eigenvalues == (-2.0, 2.0)
    assert a.negative == [(-2.0, (0.0, 1.0))]
    text = str(a)
    assert "along (0, 1) f curves down at the start (λ = −2): no η makes descent settle" in text
    assert "where f curves the right way, stable for 0 < η < 2/λ = 1" in text
    # and it is true: every η, however small, leaves along y
    for eta in (1e-3, 0.1, 0.9):
        run = minimize("x^2 - y^2", {"x": 2.49, "y": 0.05}, learning_rate=eta, max_steps=5000)
        assert abs(run.point["y"]) > 1, eta


def test_a_minimum_has_no_negative_direction():
    a = advise_learning_rate("x^2 + 10 y^2 + x y", {"x": 1, "y": 1})
    assert a.negative == [] and len(a.eigenvalues) == 2 and min(a.eigenvalues) > 0
    assert "curves down" not in str(a)


@pytest.mark.parametrize("method,beta", [("momentum", 0.9), ("momentum", 0.5),
                                         ("nesterov", 0.9), ("nesterov", 0.3)])
def test_each_methods_range_is_stable_below_and_unstable_above(method, beta):
    text, start = "x^2 + 10 y^2 + x y", {"x": 1, "y": 1}
    a = advise_learning_rate(text, start, method=method, beta=beta)
    limit = a.method_max_stable
    expected = {"momentum": 2 * (1 + beta), "nesterov": 2 * (1 + beta) / (1 + 2 * beta)}
    assert limit == pytest.approx(expected[method] / a.curvature)
    below = minimize(text, start, 0.97 * limit, method, max_steps=20000, beta=beta)
    above = minimize(text, start, 1.03 * limit, method, max_steps=20000, beta=beta)
    assert below.status == "converged"
    assert above.status in ("diverged", "non_finite")
    assert f"{method} (β = {beta:g}): stable for 0 < η <" in str(a)


def test_adaptive_methods_have_no_simple_bound_and_say_so():
    a = advise_learning_rate("(1 - w)^2", {"w": 3}, method="adam")
    assert a.method_max_stable is None and a.advised is None
    assert a.ranges == {"gd": 1.0, "momentum": 1.9, "nesterov": pytest.approx(3.8 / 5.6),
                        "adagrad": None, "rmsprop": None, "adam": None}
    assert "adam has no simple bound" in str(a)


def test_the_advice_says_where_it_holds():
    assert "exact: f is quadratic, so this holds everywhere" in str(
        advise_learning_rate("(1 - w)^2", {"w": 3}))
    local = advise_learning_rate("x^4 + y^2", {"x": 1, "y": 2})
    assert local.start == {"x": 1.0, "y": 2.0}
    assert "from the start (x = 1, y = 2); the advice holds near the start" in str(local)
    assert local.eigenvalues == (2.0, 12.0)  # the Hessian at the start: diag(12x², 2)


def test_a_method_takes_its_own_hyper_parameters_only():
    with pytest.raises(InputError, match="gd takes no hyper-parameter"):
        advise_learning_rate("(1 - w)^2", {"w": 3}, beta=0.5)


def test_a_gradient_too_large_to_square_at_the_start_diverges_in_the_sweep_as_in_minimize():
    # ∂f/∂x = −1e308 at the start: |∇f|² overflowed, the start read "non_finite" and was not
    # recorded, and the run of no points raised a ValueError (found by fuzzing)
    rows = sweep("abs(log(x))", {"x": 1e-308}, [0.1, 1.0], max_steps=50)
    alone = minimize("abs(log(x))", {"x": 1e-308}, learning_rate=0.1, max_steps=50,
                     exact=False)
    assert [r.status for r in rows] == [alone.status, alone.status] == ["diverged"] * 2
    assert [r.n_steps for r in rows] == [0, 0]
    assert rows[0].final_point == pytest.approx((1e-308,))


def test_a_hessian_too_large_at_the_start_is_an_error_not_no_curvature():
    # |ln x|'' = 1/x² = 1e320 at 1e−160 overflows: it read "λ = −inf, no positive curvature"
    from gradwise import DomainError

    with pytest.raises(DomainError, match=r"cannot advise at \(x=1e−160\).*Fix: choose"):
        advise_learning_rate("abs(log(x))", {"x": 1e-160})
    assert advise_learning_rate("abs(log(x))", {"x": 1e-100}).curvature == pytest.approx(1e200)
