"""Issue 15: critical points and global extrema you can trust on wavy functions.

Each defect the issue lists has its regression test here (they failed on the code before
the certified search). Oracles: the issue's and the literature's known optima (cited),
hand counts (Rastrigin's 21 × 21 grid, kπ in a box), central finite differences and
mpmath for "nothing invented". Budget checks are generous guards against hangs, not timings.
"""

import math
import time

import mpmath
import numpy as np
import pytest

from gradwise import InputError, critical_points, extrema

RASTRIGIN = "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)"
EASOM = "-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))"
LEVY13 = "sin(3pi x)^2 + (x - 1)^2 (1 + sin(3pi y)^2) + (y - 1)^2 (1 + sin(2pi y)^2)"
SLACK = 3.0  # seconds of grace for a loaded test machine; the design keeps within 0.5


def gradient_by_differences(f, point, h=1e-6):
    """Central differences at 30 digits (mpmath), independent of gradwise's derivatives."""
    with mpmath.workdps(30):
        p = [mpmath.mpf(c) for c in point]
        slopes = []
        for i in range(len(p)):
            up, down = list(p), list(p)
            up[i] += h
            down[i] -= h
            slopes.append((f(*up) - f(*down)) / (2 * h))
        return [float(s) for s in slopes]


def rastrigin(x, y):
    wave = mpmath.cos(2 * mpmath.pi * x) + mpmath.cos(2 * mpmath.pi * y)
    return 20 + x**2 + y**2 - 10 * wave


def easom(x, y):
    return -mpmath.cos(x) * mpmath.cos(y) * mpmath.exp(-((x - mpmath.pi) ** 2
                                                         + (y - mpmath.pi) ** 2))


# -- Rastrigin: 441 points, the origin among them, certified within the default budget -----

def test_rastrigin_has_441_critical_points_certified_within_the_default_budget():
    started = time.monotonic()
    result = critical_points(RASTRIGIN, within="x=-5.12:5.12, y=-5.12:5.12")
    assert time.monotonic() - started < 5 + SLACK
    # 1-D: x + 10π sin(2πx) = 0 has 11 roots near the integers (minima of the 1-D part) and
    # 10 near the half-integers (maxima) in [−5.12, 5.12]: 21 × 21 points
    assert len(result) == result.count == 441
    assert result.kinds == {"minimum": 121, "maximum": 100, "saddle": 220}
    assert result.complete and result.certified and all(p.certified for p in result)
    assert "proven complete in the box" in result.note
    origin = [p for p in result if p.point == (0.0, 0.0)]
    assert len(origin) == 1 and origin[0].kind == "minimum" and origin[0].value == 0


def test_rastrigin_points_are_critical_by_finite_differences():
    result = critical_points(RASTRIGIN, within="x=-5.12:5.12, y=-5.12:5.12")
    for p in result.points[::20]:
        assert max(map(abs, gradient_by_differences(rastrigin, p.point))) < 1e-6, p


def test_rastrigin_global_minimum_is_the_origin_certified():
    e = extrema(RASTRIGIN, "x=-5.12:5.12, y=-5.12:5.12")
    assert e.minimum.point == (0.0, 0.0) and e.minimum.value == 0.0  # was f(0, −0.995)
    assert e.minimum.certified and e.minimum.bound[0] <= 0 <= e.minimum.bound[1]
    assert e.minimum.bound[0] >= -1e-9 * 81
    assert e.maximum.value == pytest.approx(80.70658038767792, abs=1e-9)
    assert e.maximum.certified


@pytest.mark.parametrize(("text", "box", "count", "best"), [
    # Himmelblau's 9 (https://en.wikipedia.org/wiki/Himmelblau%27s_function), the camel's 15
    # (agrees with SymPy's Gröbner basis, test_critical_battery.py): certified in the default
    # budget; for the rest the issue asks the right global minimum (their certificates are
    # tested with room to spare in the battery and below: SymPy's differentiation of
    # Goldstein–Price alone takes a second on a loaded machine). Optima from
    # https://www.sfu.ca/~ssurjano/ (camel6.html, goldpr.html, levy13.html, easom.html)
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "x=-5:5, y=-5:5", 9, 0.0),
    ("(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2", "x=-3:3, y=-2:2", 15, -1.031628453489877),
    ("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
     " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))", "x=-2:2, y=-2:2", None, 3.0),
    (LEVY13, "x=-10:10, y=-10:10", None, 0.0),
    (EASOM, "x=-100:100, y=-100:100", None, -1.0),
])
def test_the_issues_functions_within_the_default_budget(text, box, count, best):
    started = time.monotonic()
    e = extrema(text, box)  # the default budget: 5 s
    assert time.monotonic() - started < 5 + SLACK
    if count is not None:
        assert e.critical.certified and e.critical.complete and e.critical.count == count
        assert e.minimum.certified
    assert e.minimum.value == pytest.approx(best, abs=1e-9)
    assert e.minimum.bound[0] <= best + 1e-12 and best <= e.minimum.bound[1] + 1e-12


# -- Easom: nothing invented where the exponential underflows -----------------------------

def test_easom_lists_no_point_where_f_merely_underflows():
    result = critical_points(EASOM, within="x=-100:100, y=-100:100")
    assert result.flat is not None and result.flat.share > 0.99  # one region, one note
    assert "flat to working precision" in result.note
    assert not result.complete and not result.certified
    # the issue's bogus "degenerate, flat" point is gone, and so are its kin
    assert not any(np.allclose(p.point, (98.83, 61.59), atol=0.5) for p in result)
    for p in result:
        assert math.dist(p.point, (math.pi, math.pi)) < 8, p
        slope = gradient_by_differences(easom, p.point)
        assert max(map(abs, slope)) < 1e-9, p


def test_easom_global_minimum_is_minus_one_at_pi_pi_and_differs_from_the_maximum():
    e = extrema(EASOM, "x=-100:100, y=-100:100")
    assert e.minimum.value == pytest.approx(-1, abs=1e-12)
    assert e.minimum.point == pytest.approx((math.pi, math.pi), abs=1e-9)
    assert e.minimum.certified and e.minimum.bound[0] >= -1 - 2e-9
    assert e.maximum.point != e.minimum.point and e.maximum.value > 0  # was the same point, 0


# -- Lévi N.13: the global minimum f(1, 1) = 0 -------------------------------------------

def test_levy13_global_minimum_is_zero_at_one_one():
    # Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/levy13.html: f* = 0 at (1, 1)
    e = extrema(LEVY13, "x=-10:10, y=-10:10", budget=20)
    assert e.minimum.point == pytest.approx((1, 1), abs=1e-9)  # was f(1.33, 0.76) = 0.289
    assert e.minimum.value == pytest.approx(0, abs=1e-12)
    assert e.minimum.certified


# -- periodic families: exact counts, extrema never from a capped list ---------------------

def test_cos_x_plus_cos_y_global_maximum_is_two_at_the_origin():
    e = extrema("cos(x) + cos(y)", "x=-110:110, y=-110:110")
    assert e.maximum.point == (0.0, 0.0) and e.maximum.value == 2  # was 0.000979
    assert e.minimum.value == -2 and e.minimum.certified and e.maximum.certified
    # 110/π = 35.01...: k = −35..35 in each variable
    assert e.critical.count == 71**2
    assert e.critical.kinds == {"minimum": 36**2, "maximum": 35**2, "saddle": 2 * 35 * 36}


def test_cos_z_extrema_in_a_huge_box_are_minus_one_and_one():
    e = extrema("cos(z)", "z=-10000:10000")
    assert (e.minimum.value, e.maximum.value) == (-1.0, 1.0)  # were both −0.952
    assert e.minimum.certified and e.maximum.certified
    assert e.maximum.point == (0.0,)
    # 10000/π = 3183.1: k = −3183..3183, summarised with its exact count, not listed
    assert e.critical.count == 6367 and e.critical.points == () and e.critical.certified
    assert e.critical.kinds == {"minimum": 3184, "maximum": 3183}


def test_cos_z_count_in_a_box_is_exact_and_summarised():
    result = critical_points("cos(z)", within="z=-7000:7000")
    # 7000/π = 2228.2: k = −2228..2228, so 4,457 (the old capped list said 4,002)
    assert result.count == 4457 and result.points == ()
    assert "4,457" in result.note and "z = kπ, k ∈ ℤ" in result.note
    assert result.kinds == {"minimum": 2228, "maximum": 2229}
    assert "4,457 critical points" in str(result)


def test_a_family_too_large_to_list_waits_for_its_formula(monkeypatch):
    # a cold SymPy worker on a loaded machine answers late; once the box was proven the call
    # waited only a fifth of the budget, and 4,457 points went out without their formula
    import gradwise.critical.search as search

    real = search.start_job

    class Late:
        def __init__(self, *args, **kwargs):
            self.job, self.ready = real(*args, **kwargs), time.monotonic() + 1.5

        def result(self, deadline):
            if deadline < self.ready:  # as the real worker: no answer by the deadline
                time.sleep(max(0.0, deadline - time.monotonic()))
                self.job.result(time.monotonic() - 1)
                return None
            time.sleep(max(0.0, self.ready - time.monotonic()))
            return self.job.result(deadline)

    monkeypatch.setattr(search, "start_job", Late)
    result = critical_points("cos(z)", within="z=-7000:7000")
    assert result.count == 4457 and "z = kπ, k ∈ ℤ" in result.note


# -- the budget is the budget ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["sin(x)*sin(y)*sin(z)", "sin(x y)+cos(x^2-y^3)+exp(x y z)"])
def test_the_budget_holds_whatever_runs_after_the_search(text):
    started = time.monotonic()
    result = critical_points(text, budget=2)  # took 34.5 s and 28 s before
    assert time.monotonic() - started < 2 + SLACK
    assert result.seconds < 2 + SLACK


def test_many_simple_points_keep_the_budget():
    # 1,625 points at multiples of π/2, each given exact coordinates by a SymPy check: that
    # ran past the budget (and the Newton points' look ran past the search's share); past
    # the deadline the rest keep their floats
    import sympy

    from gradwise.critical.listing import identify_many

    started = time.monotonic()
    result = critical_points("cos(x)*cos(y)", within="x=-44:44, y=-44:44", budget=1)
    assert time.monotonic() - started < 1 + SLACK
    assert all(p.exact is None or math.dist(p.point, [float(c) for c in p.exact]) < 1e-12
               for p in result)
    x, y = sympy.symbols("x y", real=True)
    points = np.array([[math.pi / 2, -math.pi / 2], [math.pi, 0.0]])
    components = [-sympy.sin(x) * sympy.cos(y), -sympy.cos(x) * sympy.sin(y)]
    assert identify_many(components, [x, y], points) == [(sympy.pi / 2, -sympy.pi / 2),
                                                         (sympy.pi, 0)]
    assert identify_many(components, [x, y], points, time.monotonic() - 1) == [None, None]


def test_extrema_keep_the_budget_too():
    started = time.monotonic()
    extrema(LEVY13, "x=-10:10, y=-10:10", budget=1)
    assert time.monotonic() - started < 1 + SLACK


def test_a_search_cut_short_among_many_zeros_keeps_the_budget():
    # cos(1000x) cos(1000y) in [−1, 1]²: 810,265 zeros, far more than a 2 s search proves;
    # the Newton points found where it stopped were then checked one by one against the
    # 100,000 proven roots, 7.7 s for a 2 s budget
    started = time.monotonic()
    e = extrema("cos(1000 x) cos(1000 y)", "x=-1:1, y=-1:1", budget=2)
    assert time.monotonic() - started < 2 + SLACK
    assert e.minimum.value == -1 and e.maximum.value == 1
    assert e.critical.count is None and not e.critical.certified  # "at least ...", honestly


def test_a_kink_along_a_line_is_named_and_ends_the_search_early():
    started = time.monotonic()
    result = critical_points("abs(x + y)", "x=-1:1, y=-1:1", budget=30)
    assert time.monotonic() - started < 10  # the whole search share (10 s) before
    assert not result.complete and not result.certified
    assert "along a curve or surface" in result.note
    assert "the search stopped at 200,000 pieces set aside" in result.note
    assert "budget ran out" not in result.note


def test_a_huge_maximum_keeps_the_budget_and_is_certified_relative_to_its_size():
    # took 16.6 s for a 2 s budget (branch and bound ran past its deadline on each face,
    # then bounded every box left); the maximum, exp(100)/10 at the corners, was never
    # certified: an ε of 1e−9 is below the spacing of floats near 2.7e42
    started = time.monotonic()
    e = extrema("sin(x)^2 + exp(x y)/10", "x=-10:10, y=-10:10", budget=2)
    assert time.monotonic() - started < 2 + SLACK
    assert e.maximum.value == pytest.approx(math.exp(100) / 10, rel=1e-12)
    low, high = e.maximum.bound
    assert low <= math.exp(100) / 10 <= high
    e = extrema("sin(x)^2 + exp(x y)/10", "x=-10:10, y=-10:10")  # room for a loaded machine
    assert e.maximum.certified and e.maximum.tolerance == pytest.approx(1e-9 * e.maximum.value)
    assert e.minimum.certified and e.minimum.tolerance < 1e-8  # the minimum's ε stays small


# -- not differentiable somewhere -------------------------------------------------------------

def test_a_kink_is_listed_apart_with_its_kind_and_outside_the_certificate():
    result = critical_points("abs(x) + abs(y - 1)", within="x=-2:2, y=-2:2")
    assert result.points == ()
    kink, = result.nondifferentiable
    assert kink.exact == (0, 1) and kink.kind == "minimum" and "sampled" in kink.settled_by
    assert "not covered" in str(result) and "certificate does not cover it" in result.note
    e = extrema("abs(x) + abs(y - 1)", "x=-2:2, y=-2:2")
    assert e.minimum.point == (0.0, 1.0) and e.minimum.certified
    assert "kink" in e.minimum.where


def test_relu_kinks_are_not_critical_points():
    result = critical_points("relu(x) - relu(x - 1) + (y - x)^2", within="x=-2:3, y=-2:3")
    assert all(p.kind != "degenerate" for p in result.nondifferentiable)


def test_a_pole_is_not_listed_as_a_point():
    result = critical_points("x + 1/x", within="x=-2:2")
    assert [p.exact for p in result] == [(-1,), (1,)]
    assert result.nondifferentiable == () and "not defined at (0)" in result.note


# -- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("within", "message"), [
    ("x=1:-1, y=0:1", "range of x is empty"),
    ("x=0:0, y=0:1", "range of x is empty"),
    ({"x": (float("-inf"), 1), "y": (0, 1)}, "must be finite"),
    ({"x": (0, float("nan")), "y": (0, 1)}, "must be finite"),
    ("x=-inf:1, y=0:1", "in the box's range for x"),
    ("x=0:1, y=0:1, w=0:1", "'w', which is not a variable"),
])
def test_a_bad_box_is_refused_with_the_fix(within, message):
    with pytest.raises(InputError, match=message):
        critical_points("x^2 + y^2", within=within)
    with pytest.raises(InputError, match=message):
        extrema("x^2 + y^2", within)


@pytest.mark.parametrize("budget", [0, -1, float("nan"), float("inf")])
def test_a_bad_budget_is_refused_by_extrema_too(budget):
    with pytest.raises(InputError, match="budget must be a positive number"):
        extrema("x^2", "x=-1:1", budget=budget)


def test_a_global_minimum_at_a_kink_is_found_and_certified():
    # Ackley: f* = 0 at the origin, where sqrt(x² + y²) has its cone point
    # (https://www.sfu.ca/~ssurjano/ackley.html); a bound that ignored the kinks once
    # certified 2.58 at (0.95, 0)
    ackley = ("-20exp(-0.2sqrt(0.5(x^2 + y^2))) - exp(0.5(cos(2pi x) + cos(2pi y)))"
              " + e + 20")
    e = extrema(ackley, "x=-5:5, y=-5:5", budget=20)
    assert e.minimum.point == (0.0, 0.0) and e.minimum.value == pytest.approx(0, abs=1e-12)
    assert e.minimum.certified and "kink" in e.minimum.where
    assert [p.point for p in e.critical.nondifferentiable] == [(0.0, 0.0)]


# -- the fuzzing pass: the domain's edge is an extreme point, and listed points bound the answer

@pytest.mark.parametrize("text", ["x^(pi/4)", "sqrt(x)", "sqrt(x) + sqrt(y) + 1"])
def test_the_global_minimum_at_the_edge_of_the_domain(text):
    box = "x=-1:1" if "y" not in text else "x=-1:1, y=-2:1"
    e = extrema(text, box)
    floor = 1.0 if "+ 1" in text else 0.0
    assert e.minimum.certified and abs(e.minimum.value - floor) <= 1e-9
    assert e.minimum.bound[0] <= floor <= e.minimum.bound[1]
    assert e.undefined is not None  # and the answer says f is not real on part of the box
    assert all(e.minimum.value <= p.value + e.minimum.tolerance for p in e.critical.points)


def test_a_log_pole_inside_the_box_is_unbounded_not_a_certified_value():
    e = extrema("log(x)", "x=-1:1")
    assert not e.minimum.certified and e.minimum.bound[0] == -math.inf


def test_of_equally_good_global_minima_the_first_in_coordinate_order_is_reported():
    # the six-hump camel's two minima ±(0.0898, −0.7127) are equally far from the centre:
    # the answer must not depend on which one the search happened to prove first
    from gradwise import extrema

    low = extrema("(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2", "x=-3:3, y=-2:2").minimum
    assert low.point == pytest.approx((-0.0898420137, 0.7126564033), abs=1e-9)


def test_a_minimum_on_a_round_domain_edge_is_certified():
    # √(1 − x² − y²) is 0 all round the unit circle: the float intervals' outward rounding,
    # through the √, left every point's bound ~5e−7 above 0, so the minimum stayed
    # uncertified; the box's face centres hold (±1, 0), and the incumbent's bound at 50
    # digits is ~1e−25
    from gradwise import extrema

    low = extrema("sqrt(1 - x^2 - y^2)", "x=-1:1, y=-1:1").minimum
    assert low.value == 0 and low.certified
    assert low.bound[0] <= 0 <= low.bound[1] <= 1e-9
