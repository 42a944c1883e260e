"""A battery of standard 2-D test functions: published optima, and every critical point.

Optima and boxes: Surjanovic & Bingham, Virtual Library of Simulation Experiments,
https://www.sfu.ca/~ssurjano/optimization.html (page named per function below), and the
original papers where they give more (numbers of local minima). Total critical-point counts
are seldom published (Himmelblau's 9 are, https://en.wikipedia.org/wiki/Himmelblau%27s_function),
so each count is also checked against an independent computation: SymPy's Gröbner basis for
the polynomials, a sign-change scan of ∂f/∂xᵢ on a fine grid for the separable functions, and
SciPy's ``root`` from 400 starts for the rest.
"""

import math

import numpy as np
import pytest
import sympy

from gradwise import critical_points, extrema, gradient, parse
from gradwise.critical.symbolic import solve_gradient

BUDGET = 30  # generous: the tests check answers, not speed (benchmarks/bench_critical.py does)

# name: (f, box, f*, a global minimiser, local minima published (or None), source page)
BATTERY = {
    "himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "x=-5:5, y=-5:5", 0.0, (3, 2), 4,
                   "Himmelblau (1972), Applied Nonlinear Programming"),
    "six-hump camel": ("(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2", "x=-3:3, y=-2:2",
                       -1.031628453489877, (0.08984201368, -0.71265640327), 6,
                       "camel6.html; Dixon & Szegő (1978): six local minima"),
    "rastrigin": ("20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)", "x=-5.12:5.12, y=-5.12:5.12",
                  0.0, (0, 0), 121, "rastr.html"),
    "styblinski-tang": ("(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)/2", "x=-5:5, y=-5:5",
                        -78.33233140754282, (-2.903534027771, -2.903534027771), 4,
                        "stybtang.html: f* = −39.16599 d"),
    "booth": ("(x + 2y - 7)^2 + (2x + y - 5)^2", "x=-10:10, y=-10:10", 0.0, (1, 3), 1,
              "booth.html"),
    "matyas": ("0.26(x^2 + y^2) - 0.48x y", "x=-10:10, y=-10:10", 0.0, (0, 0), 1,
               "matya.html"),
    "three-hump camel": ("2x^2 - 1.05x^4 + x^6/6 + x y + y^2", "x=-5:5, y=-5:5", 0.0, (0, 0), 3,
                         "camel3.html: three local minima"),
    "beale": ("(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
              "x=-4.5:4.5, y=-4.5:4.5", 0.0, (3, 0.5), None, "beale.html"),
    "goldstein-price": ("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
                        " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))",
                        "x=-2:2, y=-2:2", 3.0, (0, -1), 4,
                        "goldpr.html; Dixon & Szegő (1978): four local minima"),
    "branin": ("f(x, y) = (y - 5.1/(4pi^2) x^2 + 5/pi x - 6)^2 + 10(1 - 1/(8pi))cos(x) + 10",
               "x=-5:10, y=0:15", 0.39788735772973816, (math.pi, 2.275), 3,
               "branin.html: three global minima"),
    "bohachevsky": ("x^2 + 2y^2 - 0.3cos(3pi x) - 0.4cos(4pi y) + 0.7", "x=-100:100, y=-100:100",
                    0.0, (0, 0), None, "boha.html"),
    "mccormick": ("sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1", "x=-1.5:4, y=-3:4",
                  -1.913222954981037, (-0.5471975511965976, -1.5471975511965976), None,
                  "mccorm.html: f* = −1.9133"),
    "rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", "x=-2:2, y=-1:3", 0.0, (1, 1), 1,
                   "rosen.html"),
    "trid": ("(x - 1)^2 + (y - 1)^2 - x y", "x=-4:4, y=-4:4", -2.0, (2, 2), 1, "trid.html"),
    "zakharov": ("x^2 + y^2 + (0.5x + y)^2 + (0.5x + y)^4", "x=-5:10, y=-5:10", 0.0, (0, 0), 1,
                 "zakharov.html"),
}
POLYNOMIAL = {"himmelblau", "six-hump camel", "styblinski-tang", "booth", "matyas",
              "three-hump camel", "beale", "goldstein-price", "rosenbrock", "trid", "zakharov"}
SEPARABLE = {"rastrigin", "bohachevsky", "styblinski-tang"}


def bounds(box):
    return [tuple(float(v) for v in part.split("=")[1].split(":")) for part in box.split(",")]


def groebner_count(text, box):
    f = parse(text)
    answer = solve_gradient(gradient(f).components, f.variables)
    assert answer.complete
    (a, b), (c, d) = bounds(box)
    points = [tuple(float(sympy.re(v.evalf(30))) for v in p) for p in answer.points]
    return sum(a <= x <= b and c <= y <= d for x, y in points)


def scan_count(text, box):
    """Zeros of each ∂f/∂xᵢ(xᵢ) by sign changes on a grid of 4·10⁶ points; their product."""
    f = parse(text)
    counts = []
    for component, v, (low, high) in zip(gradient(f).components, f.variables, bounds(box)):
        g = sympy.lambdify(v, component, "numpy")
        signs = np.sign(g(np.linspace(low, high, 4_000_001)))
        counts.append(int(np.sum(signs[:-1] * signs[1:] < 0) + np.sum(signs == 0)))
    return math.prod(counts)


def root_count(text, box):
    """SciPy's root finder from 400 starts on a grid: distinct zeros of ∇f in the box."""
    from scipy.optimize import root

    f = parse(text)
    g = sympy.lambdify(f.variables, gradient(f).components, "numpy")
    (a, b), (c, d) = bounds(box)
    found = []
    for x in np.linspace(a, b, 20):
        for y in np.linspace(c, d, 20):
            sol = root(lambda p: g(*p), [x, y], tol=1e-13)
            p = sol.x
            if sol.success and a <= p[0] <= b and c <= p[1] <= d and \
                    not any(np.allclose(p, q, atol=1e-6) for q in found):
                found.append(p)
    return len(found)


@pytest.fixture(scope="module", params=sorted(BATTERY))
def case(request):
    name = request.param
    text, box, *_ = BATTERY[name]
    return name, extrema(text, box, budget=BUDGET)


def test_every_critical_point_is_found_and_certified(case):
    name, found = case
    text, box = BATTERY[name][:2]
    points = found.critical
    assert points.certified and points.complete, points.note
    oracle = groebner_count(text, box) if name in POLYNOMIAL else \
        scan_count(text, box) if name in SEPARABLE else root_count(text, box)
    assert points.count == len(points) == oracle


def test_the_published_local_minima_count(case):
    name, found = case
    published = BATTERY[name][4]
    if published is not None:
        assert found.critical.kinds["minimum"] == published


def test_the_published_global_minimum_is_found_and_certified(case):
    name, found = case
    best, where = BATTERY[name][2:4]
    low = found.minimum
    assert low.value == pytest.approx(best, abs=1e-9 * max(1, abs(best)))
    assert low.certified and low.bound[0] <= best + 1e-12 and best <= low.bound[1] + 1e-12
    if name == "six-hump camel":  # two global minima, ±(0.0898, −0.7127): either
        assert np.abs(low.point) == pytest.approx(np.abs(where), abs=1e-8)
        assert low.point[0] * low.point[1] < 0
    elif name != "branin" and name != "himmelblau":  # several global minima: any of them
        assert low.point == pytest.approx(where, abs=1e-8)
    assert found.maximum.certified and found.maximum.value > low.value


def test_counts_obey_poincare_hopf_where_f_grows_outward():
    # #minima − #saddles + #maxima = 1 for a coercive f with every critical point in the box
    for name in ("himmelblau", "six-hump camel", "goldstein-price", "three-hump camel"):
        text, box = BATTERY[name][:2]
        kinds = critical_points(text, within=box, budget=BUDGET).kinds
        assert kinds.get("minimum", 0) - kinds.get("saddle", 0) + kinds.get("maximum", 0) == 1
