"""critical_points: hand-worked answers, published test-function optima, the time budget."""

import math
import subprocess
import sys
import time

import numpy as np
import pytest
import sympy

from conftest import HIMMELBLAU
from gradwise import (
    CriticalPoints,
    InputError,
    classify_point,
    critical_points,
    nearest_critical_point,
    parse,
)
from gradwise.critical.classify import kink
from gradwise.critical.text import critical_text

CAMEL = "f(x, y) = (4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2"
BRANIN = "f(x, y) = (y - 5.1/(4pi^2) x^2 + 5/pi x - 6)^2 + 10(1 - 1/(8pi))cos(x) + 10"
# Makes SymPy's Gröbner basis run for minutes (measured: still running after 90 s).
HARD = ("x^5 y^3 z^2 + 3x^4 z^3 - 7x y^5 + 2y^2 z^5 - x^3 y z + 5y^4 - x z^2 + 11x y z^3 "
        "+ x^2 + y^2 + z^2")


def only(result: CriticalPoints):
    assert len(result.points) == 1, result
    return result.points[0]


def kinds(result: CriticalPoints) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in result:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return counts


def close_to(result: CriticalPoints, point, kind=None, tol=1e-5):
    near = [p for p in result if np.allclose(p.point, point, atol=tol)]
    assert len(near) == 1, f"no single point near {point}: {result}"
    if kind:
        assert near[0].kind == kind, near[0]
    return near[0]


# -- the acceptance cases (hand-worked) -----------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [("x^2 + y^2", "minimum"), ("x^2 - y^2", "saddle"),
                                           ("-x^2 - y^2", "maximum")])
def test_quadratics_have_one_point_at_the_origin(text, kind):
    result = critical_points(text)
    p = only(result)
    assert result.complete
    assert p.point == (0.0, 0.0) and p.exact == (0, 0) and p.kind == kind


def test_cubic_has_exactly_two_points_with_exact_coordinates():
    result = critical_points("x^3 + x y - 3y^2")
    assert result.complete
    by_kind = {p.kind: p for p in result}
    assert set(by_kind) == {"saddle", "maximum"} and len(result) == 2
    assert by_kind["saddle"].exact == (0, 0)
    top = by_kind["maximum"]
    assert top.exact == (sympy.Rational(-1, 18), sympy.Rational(-1, 108))
    assert top.exact_value == sympy.Rational(1, 11664)  # −1/5832 + 1/1944 − 3/11664
    assert top.reason == "D = 1 > 0, f_xx = −1/3 < 0"
    x = result.function.variables[0]
    assert result.discriminant == -36 * x - 1


def test_quartic_minimum_says_how_the_inconclusive_test_was_settled():
    p = only(critical_points("x^4 + y^4"))
    assert p.kind == "minimum" and p.eigenvalues == (0.0, 0.0)
    assert "inconclusive" in p.reason
    assert "x⁴ + y⁴" in p.settled_by
    assert "positive in every direction" in p.settled_by


def test_cube_is_an_inflection():
    p = only(critical_points("x^3"))
    assert p.kind == "inflection" and "f‴(0) = 6" in p.settled_by


def test_cosine_has_infinitely_many_reported_as_a_set():
    result = critical_points("cos(z)")
    assert not result.complete
    assert "infinitely many: z = kπ, k ∈ ℤ" in result.note


def test_cosine_in_a_box_lists_every_point_exactly():
    result = critical_points("cos(z)", within="z=-7:7")
    assert result.complete
    assert [p.exact[0] for p in result] == [k * sympy.pi for k in range(-2, 3)]
    assert [p.kind for p in result] == ["maximum", "minimum", "maximum", "minimum", "maximum"]


def test_the_notes_cost_has_its_minimum_at_one():
    p = only(critical_points("(1 - w)^2"))
    assert p.exact == (1,) and p.kind == "minimum" and p.value == 0.0


# -- standard test functions with published critical points ------------------------------------

def test_himmelblau_has_four_minima_one_maximum_four_saddles():
    # Himmelblau, Applied Nonlinear Programming (1972); minima and the local maximum as listed
    # at https://en.wikipedia.org/wiki/Himmelblau%27s_function
    result = critical_points(HIMMELBLAU, within="x=-5:5, y=-5:5")
    assert result.complete
    assert kinds(result) == {"minimum": 4, "maximum": 1, "saddle": 4}
    assert close_to(result, (3, 2), "minimum").exact == (3, 2)
    for minimum in [(-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]:
        assert close_to(result, minimum, "minimum", tol=1e-6).value == pytest.approx(0, abs=1e-12)
    top = close_to(result, (-0.270845, -0.923039), "maximum", tol=1e-6)
    assert top.value == pytest.approx(181.617, abs=1e-3)


def test_himmelblau_points_are_critical_by_finite_differences():
    def f(x, y):
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    h = 1e-6
    for p in critical_points(HIMMELBLAU, within="x=-5:5, y=-5:5"):
        x, y = p.point
        slope = ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))
        assert max(map(abs, slope)) < 1e-5, p


def test_six_hump_camel_minima_and_morse_count():
    # Dixon & Szegő (1978); minima as listed by Surjanovic & Bingham, Virtual Library of
    # Simulation Experiments, https://www.sfu.ca/~ssurjano/camel6.html (f* = −1.0316 at
    # (0.0898, −0.7126) and (−0.0898, 0.7126)); Molga & Smutnicki (2005) give the six minima.
    result = critical_points(CAMEL, within="x=-3:3, y=-2:2")
    assert result.complete and len(result) == 15
    counts = kinds(result)
    assert counts["minimum"] == 6
    # f is coercive, so by Poincaré–Hopf #minima − #saddles + #maxima = 1
    assert counts["minimum"] - counts["saddle"] + counts["maximum"] == 1
    for point in [(0.0898, -0.7126), (-0.0898, 0.7126)]:
        minimum = close_to(result, point, "minimum", tol=1e-4)
        assert minimum.value == pytest.approx(-1.0316, abs=1e-4)
    for point in [(1.7036, -0.7961), (-1.7036, 0.7961), (1.6071, 0.5687), (-1.6071, -0.5687)]:
        close_to(result, point, "minimum", tol=1e-4)


def test_rosenbrock_has_its_only_critical_point_at_one_one():
    # Rosenbrock (1960): the unique stationary point is the minimum (1, 1)
    p = only(critical_points("(1 - x)^2 + 100(y - x^2)^2"))
    assert p.exact == (1, 1) and p.kind == "minimum"


def test_branin_three_global_minima_found_and_proven_complete():
    # Branin (1972); minima f* = 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475) in
    # x ∈ [−5, 10], y ∈ [0, 15]: https://www.sfu.ca/~ssurjano/branin.html
    result = critical_points(BRANIN, within="x=-5:10, y=0:15", budget=3)
    assert result.complete and result.certified  # transcendental, yet proven by intervals
    minima = result.of_kind("minimum")
    assert len(minima) == 3
    for point in [(-math.pi, 12.275), (math.pi, 2.275), (9.42478, 2.475)]:
        assert close_to(result, point, "minimum", tol=1e-5).value == pytest.approx(0.397887,
                                                                                   abs=1e-6)


# -- degenerate cases and odd sets ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "how"), [
    ("x^4 - y^4", "saddle", "takes both signs"),
    ("x^3 + y^2", "saddle", "sampled"),
    ("x^2 + y^4", "minimum", "sampled"),
    ("-x^6", "maximum", "f⁽⁶⁾(0) = −720 < 0"),
    ("x^4 + y^4 + z^4", "minimum", "positive in every direction"),
])
def test_inconclusive_tests_are_settled(text, kind, how):
    p = only(critical_points(text))
    assert p.kind == kind and how in p.settled_by


def test_non_isolated_points_are_described_not_listed():
    result = critical_points("(x - y)^2")
    assert not result.complete and result.points == ()
    assert "not isolated: x = y" in result.note


def test_no_critical_points_is_a_complete_answer():
    result = critical_points("x + y")
    assert result.complete and result.points == ()


def test_transcendental_points_get_exact_coordinates_when_checkable():
    result = critical_points("sin(x) sin(y)", within="x=-4:4, y=-4:4")
    assert len(result) == 13  # 9 saddles at (jπ, kπ), 4 extrema at (±π/2, ±π/2)
    assert all(p.exact is not None for p in result)
    assert kinds(result) == {"saddle": 9, "minimum": 2, "maximum": 2}


def test_a_box_keeps_only_points_inside_it():
    result = critical_points("x^3 + x y - 3y^2", within="x=-0.01:1, y=-1:1")
    assert [p.exact for p in result] == [(0, 0)]


# -- the budget ----------------------------------------------------------------------------

def test_a_system_that_runs_sympy_for_minutes_returns_within_the_budget():
    started = time.monotonic()
    result = critical_points(HARD, budget=4)
    elapsed = time.monotonic() - started
    assert elapsed < 4 + 3  # generous slack: these machines are noisy
    # no box: the question is every critical point, which only SymPy could settle; a proof
    # over the default search box (when the interval search finishes in time) is not that
    assert not result.complete and "did not finish" in result.note
    assert result.out_of_time and result.as_dict()["out_of_time"] is True
    if result.certified:
        assert "proven complete in the searched box x ∈ [−10, 10]" in result.note
        assert "outside it not searched" in result.note
    close_to(result, (0, 0, 0), "minimum", tol=1e-8)  # the numeric search still finds it


def test_without_a_box_a_proof_over_the_searched_box_is_not_a_complete_answer():
    result = critical_points("x^2 + sin(x)")  # 2x + cos(x) = 0: no closed form
    assert result.certified and not result.complete
    assert result.as_dict()["certified"] is True and result.as_dict()["complete"] is False
    assert "proven complete in the searched box x ∈ [−10, 10]" in result.note
    assert "outside it not searched" in result.note
    assert critical_text(result).splitlines()[1].startswith(
        "1 critical point (proven complete in the searched box only)")
    close_to(result, (-0.4501836112948735,), "minimum", tol=1e-9)


def test_after_a_timeout_the_next_call_works():
    critical_points(HARD, budget=1)
    after = critical_points("x^2 - 2x")
    assert after.points[0].exact == (1,) and not after.out_of_time


@pytest.mark.parametrize("budget", [0, -1, float("nan"), "5"])
def test_a_bad_budget_is_refused(budget):
    with pytest.raises(InputError, match="budget must be a positive number"):
        critical_points("x^2", budget=budget)


def test_a_script_without_a_main_guard_can_use_the_worker():
    code = "from gradwise import critical_points as c; print(c('x^4 - 2x^2').complete)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "True", out.stderr


# -- boxes --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("within", "message"), [
    ("x=-1:1", "no range for 'y'"),
    ("x=-1:1, y=0:1, z=0:1", "'z', which is not a variable"),
    ("x=-1, y=0:1", "expected name=low:high"),
    ("x=1:-1, y=0:1", "range of x is empty"),
    ("x=-1:1, y=0:foo", "in the box's range for y"),
    ({"x": (0, 1), "y": 3}, "must be a pair"),
])
def test_a_bad_box_says_what_is_wrong(within, message):
    with pytest.raises(InputError, match=message):
        critical_points("x^2 + y^2", within=within)


def test_a_box_accepts_exact_bounds_and_mappings():
    result = critical_points("sin(x)", within={"x": ("-pi", "pi")})
    assert [p.exact[0] for p in result] == [-sympy.pi / 2, sympy.pi / 2]


# -- for the descent engine ------------------------------------------------------------------------

def test_classify_point_names_the_kind_of_a_given_point():
    assert classify_point("x^4 + y^4", [0, 0]).kind == "minimum"
    assert classify_point("x^2 - y^2", {"x": 0, "y": 0}).reason == "D = −4 < 0"


def test_classify_point_refuses_a_point_that_is_not_critical():
    with pytest.raises(InputError, match=r"not a critical point .* \|∇f\| = 2"):
        classify_point("x^2 + y^2", [1, 0])


def test_nearest_critical_point_from_where_a_descent_stopped():
    top = nearest_critical_point(HIMMELBLAU, [-0.27, -0.92])
    assert top.kind == "maximum"
    assert top.point == pytest.approx((-0.270845, -0.923039), abs=1e-6)
    assert nearest_critical_point(HIMMELBLAU, [2.99, 2.01]).exact == (3, 2)


def test_nearest_critical_point_is_none_when_newton_leaves_the_radius():
    assert nearest_critical_point("x exp(-x^2)", [6.0], radius=0.5) is None


# -- rendering ------------------------------------------------------------------------------------

def test_text_in_the_notes_notation():
    assert str(critical_points("x^3 + x y - 3y^2")) == "\n".join([
        "f(x, y) = x³ + x·y − 3y²",
        "D = f_xx·f_yy − f_xy² = −36x − 1",
        "2 critical points (proven complete): solved exactly (Gröbner basis); proven complete "
        "in x ∈ [−10, 10], y ∈ [−10, 10] by interval arithmetic (Krawczyk's test: each point is "
        "the only critical point in a tiny box around it, and the rest of the box holds none)",
        "  (−1/18, −1/108)  f = 1/11664  maximum  (D = 1 > 0, f_xx = −1/3 < 0)",
        "  (0, 0)  f = 0  saddle  (D = −1 < 0)",
    ])


# -- global extremes over a box ------------------------------------------------------------------

def test_extrema_inside_and_on_the_boundary():
    from gradwise import extrema

    e = extrema(HIMMELBLAU, "x=-5:5, y=-5:5")
    assert e.minimum.value == pytest.approx(0, abs=1e-12)
    assert e.minimum.where == "interior critical point (minimum)"
    # on the corners f is 250, 530, 610 and 890 (hand-computed); 890 at (5, 5) is the largest
    assert e.maximum.point == (5.0, 5.0) and e.maximum.value == 890
    assert e.maximum.where == "corner x = 5, y = 5"


def test_extrema_on_an_edge_of_the_box():
    from gradwise import extrema

    # f = x² − y² on [−1, 1] × [−2, 1]: least −4 where y = −2 (x = 0 on that edge)
    e = extrema("x^2 - y^2", "x=-1:1, y=-2:1")
    assert e.minimum.point == pytest.approx((0, -2)) and e.minimum.value == pytest.approx(-4)
    assert e.minimum.where == "boundary y = -2"
    assert e.maximum.value == pytest.approx(1)


def test_extrema_in_one_variable_are_at_the_ends_or_critical_points():
    from gradwise import extrema

    e = extrema("x^3 - 3x", "x=-3:1.5")
    assert (e.minimum.point, e.minimum.value, e.minimum.where) == ((-3.0,), -18.0, "end x = -3")
    assert e.maximum.point == pytest.approx((-1,)) and e.maximum.value == pytest.approx(2)


# Issue 12.1: |x| and relu have kinks, where the Hessian holds δ(0): listed apart (not
# differentiable), classified by the first-derivative test in one variable or by sampling
# f(a + h) − f(a), never handed to NumPy.
@pytest.mark.parametrize(("text", "kind", "how"), [
    ("abs(x)", "minimum", "f′ < 0 just left of 0 and f′ > 0 just right (f′(0−) = −1, f′(0+) = 1)"),
    ("-abs(x)", "maximum", "f′ > 0 just left of 0 and f′ < 0 just right (f′(0−) = 1, f′(0+) = −1)"),
    ("x^2 + relu(x)", "minimum", "(f′(0−) = 0, f′(0+) = 1)"),
    ("relu(x)", "minimum", "it is ≥ 0"),
    ("abs(x) + abs(y)", "minimum", "it is positive"),
    ("abs(x) - abs(y)", "saddle", "both signs"),
])
def test_kinks_are_classified(text, kind, how):
    result = critical_points(text)
    (point,) = result.nondifferentiable
    assert result.points == ()
    assert point.kind == kind and how in point.settled_by
    assert point.eigenvalues == () and "second-derivative test does not apply" in point.reason


# acos(y) ends at y = 1: f′ has a one-sided limit there, not a zero. f′ being undefined just
# right of 1 once read as "∇f tends to 0" (∞ ≤ 0.05·∞), listing y = 1 as a degenerate
# critical point and crashing its classification (a complex 0j handed to float(), found by
# fuzzing); mpmath alone continues acos past 1 (acos(y)² = −acosh(y)² there, real), which
# made the edge an "inflection" with f′(1+) = −2
@pytest.mark.parametrize(("text", "kind"), [
    ("acos(y)^2", "minimum"),  # f falls to 0 at the edge: f′(1−) = −2
    ("log(cos(atan(acos(y) sigmoid(0))))", "maximum"),  # rises to 0: f′(1−) = 1/4
])
def test_the_edge_of_the_domain_is_no_critical_point(text, kind):
    result = critical_points(text)
    assert result.points == ()
    (edge,) = result.nondifferentiable
    assert edge.point == (1.0,) and edge.kind == kind
    y = sympy.Symbol("y", real=True)
    f = parse(text).expr
    slope = sympy.limit(sympy.diff(f, y), y, 1, "-")  # the oracle: f′(1−), not 0
    assert slope != 0 and sympy.sign(slope) == (1 if kind == "maximum" else -1)
    sideways = kink(f, (y,), {y: sympy.Integer(1)}, time.monotonic() + 10)
    assert sideways[0] == kind and "both signs" not in sideways[1]


@pytest.mark.parametrize(("text", "kind", "how"), [
    ("abs(x)", "minimum", "f′ < 0 just left of 0 and f′ > 0 just right (f′(0−) = −1, f′(0+) = 1)"),
    ("abs(x - 1/3)", "minimum", "f′(1/3−) = −1, f′(1/3+) = 1"),
    ("x^3 + abs(x)", "minimum", "f′(0−) = −1, f′(0+) = 1"),
    ("x + abs(x)/2", "inflection", "f′ > 0 just left of 0 and f′ > 0 just right"),
    ("abs(x) + abs(y)", "minimum", "it is positive"),
])
def test_a_kink_given_as_a_point_is_classified_without_a_hessian(text, kind, how):
    from gradwise.critical.search import classify_point

    at = [sympy.Rational(1, 3)] if "1/3" in text else [0] * (1 + ("y" in text))
    point = classify_point(text, at, tol=1)
    assert point.kind == kind and how in point.settled_by
    assert point.eigenvalues == () and "not twice differentiable" in point.reason


@pytest.mark.parametrize(("text", "start"), [("relu(w)", {"w": 0}),
                                             ("x^2 + relu(x)", {"x": 1})])
def test_a_descent_that_converges_at_a_kink_names_what_it_reached(text, start):
    from gradwise import minimize

    result = minimize(text, start, learning_rate=0.1)
    assert result.status == "converged"
    reached = result.reached()
    assert reached is not None and reached.kind == "minimum"
    assert reached.point == pytest.approx((0.0,), abs=1e-6)


def test_many_degenerate_points_do_not_run_past_the_budget():
    # relu(x) + y² is flat for x < 0: a line of degenerate minima, which once meant some 200
    # points each settled by sampling (11 s for a 2 s budget); the call keeps its budget and
    # says what it could not decide
    start = time.monotonic()
    result = critical_points("relu(x) + y^2", budget=2)
    assert time.monotonic() - start < 2 + 1.5  # a guard against hangs, not a timing
    assert not result.complete and "undecided" in result.note


@pytest.mark.parametrize(("text", "kink"), [("abs(log(x))", 1.0), ("abs(sqrt(x) - 2)", 4.0)])
def test_abs_of_an_argument_not_provably_real_is_certified_with_its_kink(text, kink):
    # issue 12.2 beside issue 15: the language's |u| (u not provably real) has an interval
    # evaluation, so the box is proven and the kink found, not left to uncertified Newton
    result = critical_points(text, "x=0.5:10")
    assert result.certified and result.complete and result.points == ()
    (point,) = result.nondifferentiable
    assert point.point == pytest.approx((kink,)) and point.kind == "minimum"
    assert "first-derivative test" in point.settled_by


def test_a_point_where_f_is_real_on_one_side_only_is_classified():
    # x^(π/4) is complex left of 0: sampling there compared complex numbers (TypeError).
    # f′(0+) = ∞, so 0 is where f is not differentiable, not a zero of f′ (it was listed as
    # one while "f′ undefined on a side" read as "f′ tends to 0")
    result = critical_points("x^(pi/4)", "x=-1:1", budget=2)
    (point,) = result.nondifferentiable
    assert point.point == (0.0,) and point.kind == "minimum"
    assert result.points == ()


@pytest.mark.parametrize("start", [-1e308, 1.7e308, -1e300])
def test_nearest_critical_point_near_the_largest_float_is_none_not_a_crash(start):
    # a descent on relu(x) that stops at −1e308 asks what it reached: the box x ± 0.01 had
    # no width there (ZeroDivisionError), and its centre overflowed (a RuntimeWarning)
    assert nearest_critical_point("relu(x)", [start]) is None
    assert nearest_critical_point("x^2", [start]) is None


def test_a_region_of_a_box_without_volume_is_all_of_it():
    from gradwise.critical.regions import region

    line = np.array([[0.0, 1.0], [2.0, 2.0]])
    assert region(line[None], line).share == 1.0


def test_a_periodic_family_in_a_box_of_1e300_is_counted_and_abbreviated():
    # ⌈−10³⁰⁰/π⌉ exhausted SymPy's default precision (PrecisionExhausted, a traceback)
    result = critical_points("cos(z)", "z=-1e300:1e300", budget=2)
    import mpmath

    with mpmath.workdps(400):
        k = int(mpmath.floor(mpmath.mpf(10) ** 300 / mpmath.pi))
    assert result.count == 2 * k + 1  # z = kπ for |k| ≤ ⌊10³⁰⁰/π⌋
    assert "≈6.3662e+299 of them in the box" in result.note
