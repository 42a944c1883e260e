"""The certification engine: Krawczyk's test, the zero search, the global bound.

Oracles: known zeros of ∇f (hand-derived), hypothesis boxes checked against them (a proof
must never contradict them), SymPy's exact roots, and published optima.
"""

import time

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradwise import gradient, hessian, parse
from gradwise.critical.bounds import global_bound
from gradwise.critical.certify import MAX_BOXES, find_zeros, krawczyk, krawczyk_numpy, meeting
from gradwise.critical.definite import hessian_signs
from gradwise.critical.regions import clusters
from gradwise.critical.symbolic import solve_gradient
from gradwise.numeric.tapes import System

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
RASTRIGIN = "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)"


def system_of(text):
    f = parse(text)
    return System(f.expr, gradient(f).components, hessian(f).matrix, f.variables)


def box(*ranges):
    return np.array(ranges, dtype=float)


def soon(seconds=30.0):
    return time.monotonic() + seconds


# ∇(sin x sin y) = (cos x sin y, sin x cos y) vanishes exactly at (jπ, kπ) and
# (π/2 + jπ, π/2 + kπ): the oracle for the property test below
SIN_ZEROS = np.array([(a * np.pi / 2, b * np.pi / 2) for a in range(-8, 9)
                      for b in range(-8, 9) if a % 2 == b % 2])


@settings(max_examples=300, deadline=None)
@given(x=st.floats(-4, 4), y=st.floats(-4, 4), w=st.floats(1e-3, 3), h=st.floats(1e-3, 3))
def test_krawczyk_never_contradicts_the_known_zeros(x, y, w, h):
    system = system_of("sin(x) sin(y)")
    status, contracted = krawczyk(system, np.array([[[x, x + w], [y, y + h]]]))
    inside = np.all(([x, y] <= SIN_ZEROS) & ([x + w, y + h] >= SIN_ZEROS), axis=1)
    if status[0] == 1:
        assert inside.sum() == 1
        zero = SIN_ZEROS[inside][0]
        assert np.all((contracted[0, :, 0] <= zero) & (zero <= contracted[0, :, 1]))
    if status[0] == -1:
        assert inside.sum() == 0
    held = np.all((contracted[0, :, 0] <= SIN_ZEROS) & (contracted[0, :, 1] >= SIN_ZEROS), axis=1)
    assert held.sum() == inside.sum()  # K(X) ∩ X keeps every zero of X


def test_himmelblau_nine_zeros_each_in_a_tiny_proven_box():
    zeros = find_zeros(system_of(HIMMELBLAU), box([-5, 5], [-5, 5]), soon())
    assert zeros.complete and len(zeros.roots) == 9
    assert np.max(zeros.roots[..., 1] - zeros.roots[..., 0]) < 1e-10
    # the exact real roots of a lex Gröbner basis, as the independent reference
    f = parse(HIMMELBLAU)
    exact = solve_gradient(gradient(f).components, f.variables)
    assert exact.complete
    reference = sorted(tuple(float(sympy.re(c.evalf(30))) for c in p) for p in exact.points)
    assert np.allclose(sorted(map(tuple, zeros.points.round(9))), reference, atol=1e-9)


def test_rastrigin_general_and_separable_searches_agree():
    system = system_of(RASTRIGIN)
    separable = find_zeros(system, box([-5.12, 5.12], [-5.12, 5.12]), soon())
    system.separable = lambda: False  # force the two-variable search
    general = find_zeros(system, box([-5.12, 5.12], [-5.12, 5.12]), soon())
    assert separable.complete and general.complete
    assert len(separable.roots) == len(general.roots) == 441
    assert np.allclose(sorted(map(tuple, separable.points.round(9))),
                       sorted(map(tuple, general.points.round(9))), atol=1e-12)


def test_a_degenerate_zero_stays_undecided_never_proven():
    zeros = find_zeros(system_of("x^4 + y^4"), box([-1, 1], [-1, 1]), soon(), scale=1.0)
    assert len(zeros.roots) == 0 and not zeros.complete
    leftover = np.concatenate([zeros.undecided, zeros.flat])
    assert np.all(np.abs(leftover) < 1e-3)  # only the neighbourhood of (0, 0) is left


def test_a_kink_is_irregular_not_a_zero():
    zeros = find_zeros(system_of("abs(x) + abs(y)"), box([-1, 1], [-1, 1]), soon())
    assert len(zeros.roots) == 0 and len(zeros.irregular)
    assert np.all(np.abs(zeros.irregular) < 1e-9)


def test_a_kink_along_a_surface_stops_the_search_it_does_not_fill_the_memory():
    # |x + y − z| has a kink on a whole plane: its boxes halve without end (each irregular
    # until 2⁻³⁶ of the box), and a 30 s budget once left 19 million boxes (4.5 GB); now the
    # search stops once as many are set aside as it keeps in play, and says why
    zeros = find_zeros(system_of("abs(x + y - z)"), box([-10, 10], [-10, 10], [-10, 10]),
                       soon(20.0))
    assert zeros.crowded and not zeros.finished and not zeros.complete
    assert len(zeros.roots) == 0
    assert len(zeros.undecided) + len(zeros.irregular) < 2 * MAX_BOXES
    # the boxes found irregular meet the plane x + y − z = 0
    kinks = zeros.irregular
    low = kinks[:, 0, 0] + kinks[:, 1, 0] - kinks[:, 2, 1]
    high = kinks[:, 0, 1] + kinks[:, 1, 1] - kinks[:, 2, 0]
    assert len(kinks) and np.all((low <= 1e-9) & (high >= -1e-9))


def test_a_hessian_of_subnormal_numbers_is_not_a_crash():
    # H here is well conditioned (its singular values scale) but LU underflows: NumPy's
    # inverse raised "Singular matrix" out of `gradwise critical` (found by fuzzing)
    system = system_of("1e-300 (1.98950713e-15 x^2 - 2.37408424e-19 x y - 6.84093175e-19 x z"
                       " + 5.9287877e-23 z^2)")
    boxes = np.array([box([-1, 1], [-1, 1], [-1, 1]), box([0.1, 0.2], [0.3, 0.4], [-1, -0.5])])
    status, contracted = krawczyk_numpy(system, boxes)
    # the origin's box is left for halving (its H not trusted), the other excluded
    assert status.tolist() == [0, -1] and np.all(contracted[0] == boxes[0])


def test_underflow_is_flat_not_a_crowd_of_points():
    easom = "-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))"
    zeros = find_zeros(system_of(easom), box([-100, 100], [-100, 100]), soon(), scale=1.0)
    assert zeros.finished and len(zeros.flat)
    flat_area = np.sum(np.prod(zeros.flat[..., 1] - zeros.flat[..., 0], axis=1))
    assert flat_area > 0.99 * 200**2
    # every proven zero is where f is not negligible: within 7 of (π, π)
    assert np.all(np.abs(zeros.points - np.pi) < 7)


def test_the_deadline_leaves_boxes_undecided_not_dropped():
    zeros = find_zeros(system_of(RASTRIGIN + " + x y"), box([-5.12, 5.12], [-5.12, 5.12]),
                       time.monotonic())
    assert not zeros.finished and not zeros.complete
    covered = np.sum(np.prod(zeros.undecided[..., 1] - zeros.undecided[..., 0], axis=1))
    assert covered == pytest.approx(10.24**2)


def test_hessian_signs_are_proven_kinds():
    system = system_of(HIMMELBLAU)
    zeros = find_zeros(system, box([-5, 5], [-5, 5]), soon())
    kinds = hessian_signs(system, zeros.roots).kinds
    assert sorted(kinds) == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4


@pytest.mark.parametrize(("text", "ranges", "low", "high"), [
    # Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/ (easom, levy13, rastr, camel6)
    ("-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))", ([-100, 100], [-100, 100]), -1.0, None),
    ("sin(3pi x)^2 + (x - 1)^2 (1 + sin(3pi y)^2) + (y - 1)^2 (1 + sin(2pi y)^2)",
     ([-10, 10], [-10, 10]), 0.0, None),
    (RASTRIGIN, ([-5.12, 5.12], [-5.12, 5.12]), 0.0, 80.70658038767792),
    ("(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2", ([-3, 3], [-2, 2]), -1.0316284535, None),
])
def test_global_bound_finds_and_certifies_published_optima_without_help(text, ranges, low, high):
    system = system_of(text)
    for sense, value in ((1, low), (-1, high)):
        if value is None:
            continue
        found = global_bound(system, box(*ranges), np.empty((0, 2)), soon(), 1e-9, sense)
        assert found.certified
        assert found.bound[0] - 1e-9 <= value <= found.bound[1] + 1e-9
        assert found.value == pytest.approx(value, abs=1e-8)


def test_global_bound_out_of_time_still_brackets_the_true_value():
    system = system_of(RASTRIGIN)
    found = global_bound(system, box([-5.12, 5.12], [-5.12, 5.12]), np.empty((0, 2)),
                         time.monotonic(), 1e-9)
    assert not found.certified
    assert found.bound[0] <= 0.0 <= found.bound[1]


def test_clusters_of_a_long_chain_of_boxes_come_back_within_a_budget():
    # undecided boxes along a curve: label propagation took O(n³), 17 s for 2,000 boxes
    low = np.arange(2000, dtype=float)
    chain = np.stack([np.stack([low, low + 1], 1), np.stack([0 * low, 0 * low + 1], 1)], 1)
    apart = chain.copy()
    apart[1::2, 1] += 5  # every other box lifted away: 1,000 boxes on each row, none touching
    started = time.monotonic()
    assert [len(c) for c in clusters(chain)] == [2000]
    assert len(clusters(apart)) == 2000
    assert time.monotonic() - started < 3  # generous: a guard against the cubic cost


@pytest.mark.parametrize("text", [HIMMELBLAU, RASTRIGIN, "sin(x) sin(y)", "x^3 - 3x + y^2",
                                  "exp(x y) + x^2 - y", "abs(x) + y^2", "log(x) + y^2"])
def test_the_compiled_krawczyk_step_agrees_with_the_numpy_reference(text):
    """Same statuses; contracted boxes equal up to the order of rounding in the sums."""
    from gradwise.critical.certify import krawczyk_numpy

    system = system_of(text)
    rng = np.random.default_rng(7)
    centre = rng.uniform(-5, 5, (2000, 2))
    width = rng.choice([1e-9, 1e-4, 1e-2, 0.3, 2.0], (2000, 1)) * rng.uniform(0.5, 1, (2000, 2))
    boxes = np.stack([centre - width, centre + width], axis=-1)
    got_status, got = krawczyk(system, boxes)
    want_status, want = krawczyk_numpy(system, boxes)
    assert (got_status == want_status).mean() > 0.999  # a rounding can tip a borderline box
    assert not np.any(got_status * want_status == -1)  # never one proof against the other
    same = got_status == want_status
    assert np.allclose(got[same], want[same], rtol=1e-9, atol=1e-12)


def test_the_mean_value_form_excludes_a_box_the_gradients_own_enclosure_cannot():
    # ∂f/∂x = x² − x + 0.3 over [0.4, 0.6]: its natural enclosure [−0.06, 0.14] holds 0,
    # and H = 2x − 1 holds 0 too (no Krawczyk step: no inverse), but the mean-value form
    # 0.05 + [−0.2, 0.2]·[−0.1, 0.1] = [0.03, 0.07] proves there is no zero (the true
    # range is [0.05, 0.06])
    from gradwise.critical.certify import krawczyk_numpy

    system = system_of("x^3/3 - x^2/2 + 0.3x")
    boxes = np.array([[[0.4, 0.6]]])
    glo, ghi, _ = system.gradient_enclosure(boxes[..., 0], boxes[..., 1])
    assert glo[0, 0] < 0 < ghi[0, 0]  # the gradient's own enclosure cannot exclude it
    for step in (krawczyk, krawczyk_numpy):
        status, _ = step(system, boxes)
        assert status.tolist() == [-1]


def test_a_proven_zero_whose_box_holds_0_reads_0():
    # a root box [−1e−30, 5e−30] in y: the answer showed y = 2e−30 (3.08e−33 in a CLI answer)
    from gradwise.critical.certify import Zeros, centres

    boxes = np.array([[[1.0, 3.0], [-1e-30, 5e-30]], [[-1.0, -0.5], [0.25, 0.75]]])
    assert centres(boxes).tolist() == [[2.0, 0.0], [-0.75, 0.5]]
    assert Zeros(boxes).points.tolist() == [[2.0, 0.0], [-0.75, 0.5]]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(0, 300),
       st.sampled_from([0.0, 1e-9, 0.3]))
def test_meeting_agrees_with_every_pair_tested(seed, count, others, pad):
    # the sweep (sorted along the first axis, wide boxes apart) against the plain test of
    # all pairs; boxes of very different sizes, points, shared edges, a NaN
    rng = np.random.default_rng(seed)

    def boxes(k):
        low = rng.integers(-20, 20, size=(k, 3)) / 4.0
        size = rng.choice([0.0, 0.25, 0.5, 3.0, 40.0], size=(k, 3), p=[.3, .3, .2, .15, .05])
        return np.stack([low, low + size], axis=-1)

    a, b = boxes(count), boxes(others)
    if others and seed % 7 == 0:
        b[0, 0, 1] = np.nan
    lo, hi = b[..., 0] - pad, b[..., 1] + pad
    every = np.all((a[:, None, :, 0] <= hi[None]) & (lo[None] <= a[:, None, :, 1]), axis=2)
    if others and seed % 7 == 0:
        every[:, 0] = False  # a NaN bound meets nothing
    assert meeting(a, b, pad).tolist() == every.any(axis=1).tolist()
