"""Each diagnostic on a hand-built trace, where the answer is known, and on real runs."""

import numpy as np
import pytest

from conftest import ROSENBROCK
from gradwise import maximize, minimize
from gradwise.descent import diagnostics as d
from gradwise.descent.trace import Trace


def trace_1d(ws, grad, value, status="max_steps", ascent=False, curvature=None):
    return Trace(("w",), (tuple(ws),), tuple(value(w) for w in ws),
                 (tuple(grad(w) for w in ws),), (0.1,) * (len(ws) - 1), status, ascent, 1e-8,
                 curvature)


def quadratic(ws, **kw):
    return trace_1d(ws, lambda w: 2 * w - 2, lambda w: (1 - w) ** 2, **kw)


def test_overshoot_is_a_sign_flip_of_the_slope_along_the_step():
    assert d.overshoot(quadratic([3.0, 2.0, 1.5])) is None
    found = d.overshoot(quadratic([3.0, 2.0, 0.5, 0.9]))
    assert found.code == "overshoot" and found.step == 1
    assert "1 of 3 steps" in found.message


def test_oscillation_needs_repeated_flips_and_convergence():
    zigzag = [1 + 2 * (-0.5) ** k for k in range(12)]
    assert d.oscillation(quadratic(zigzag)).code == "oscillation"
    assert d.oscillation(quadratic([3.0, 2.0, 0.5, 0.9])) is None  # one flip
    assert d.oscillation(quadratic([3.0, -1.0] * 6)) is None  # a cycle is not converging


def test_cycle_finds_the_period():
    assert d.cycle(quadratic([3.0, -1.0] * 6)).message.startswith("the points repeat every 2")
    assert "every 3" in d.cycle(quadratic([0.0, 1.0, 2.0] * 5)).message
    assert d.cycle(quadratic([3.0, 2.0, 1.5, 1.25, 1.125, 1.0625, 1.03, 1.01])) is None
    assert d.cycle(quadratic([3.0, -1.0] * 6, status="converged")) is None


def test_divergence_from_status_or_from_growth():
    growing = [1 + 2 * (-1.2) ** k for k in range(12)]
    assert d.divergence(quadratic(growing)).code == "divergence"
    assert "×1.2" in d.divergence(quadratic(growing)).message
    assert d.divergence(quadratic([3.0, 2.0, 1.5], status="diverged")) is not None
    assert d.divergence(quadratic([3.0, 2.0, 1.5])) is None


def test_vanishing_gradient_is_a_gradient_that_grows_as_the_value_falls():
    # f = −w³ for w > 0 seen from w = 0.1: a flat start that steepens
    ws = [0.1 * 1.5**k for k in range(8)]
    flat = trace_1d(ws, lambda w: -3 * w * w, lambda w: -(w**3))
    assert d.vanishing_gradient(flat).step == 0
    assert d.vanishing_gradient(quadratic([3.0, 2.6, 2.28, 2.024, 1.8192, 1.65, 1.5])) is None


def test_slow_is_steady_progress_cut_off():
    assert d.slow(quadratic([3.0, 2.9, 2.8, 2.7, 2.6])).code == "slow"
    assert d.slow(quadratic([3.0, 2.9, 2.8, 2.7, 2.6], status="converged")) is None
    assert d.slow(quadratic([3.0, -1.0] * 6)) is None


def test_saddle_needs_an_indefinite_hessian():
    assert d.saddle(quadratic([1.0], status="converged", curvature=(-2.0, 2.0))).code == "saddle"
    assert d.saddle(quadratic([1.0], status="converged", curvature=(2.0, 3.0))) is None
    assert d.saddle(quadratic([1.0], status="max_steps", curvature=(-2.0, 2.0))) is None


def test_rising_reads_the_direction():
    up = quadratic([1.5, 2.0])
    assert d.rising(up).code == "rising"
    assert d.rising(quadratic([1.5, 2.0], ascent=True)) is None
    assert d.rising(quadratic([2.0, 1.5], ascent=True)).message.endswith("although maximizing")


def test_every_code_has_an_explanation_and_a_check():
    assert [c.__name__ for c in d.CHECKS] == list(d.CODES)


@pytest.mark.parametrize("eta,codes", [(0.1, []), (0.5, []), (0.9, ["overshoot", "oscillation"]),
                                       (1.0, ["cycle", "overshoot"]),
                                       (1.1, ["divergence", "overshoot"])])
def test_real_runs_on_the_notes_cost(eta, codes):
    assert minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=400).codes == codes


def test_the_sigmoid_neuron_at_w_3_has_a_vanishing_gradient():
    r = minimize("(0 - sigmoid(w))^2", {"w": 3}, learning_rate=1, max_steps=300)
    assert "vanishing_gradient" in r.codes
    assert next(f for f in r.findings if f.code == "vanishing_gradient").step == 0
    # σ(w)² only approaches 0 as w → −∞: no minimum that way, however many steps (issue 13.5)
    assert "unbounded" in r.codes


def test_vanishing_gradient_on_the_notes_sigmoid_neuron():
    # C = (1 − σ(w))² from w = 3 (the notes' neuron with y = 1, x = 1, b = 0): ∂C/∂w ≈ −0.00429
    result = minimize("(1 - sigmoid(w))^2", {"w": 3}, learning_rate=0.1, max_steps=300)
    assert "vanishing_gradient" in result.codes
    assert result.status != "converged"


def test_a_tiny_learning_rate_is_not_a_vanishing_gradient():
    result = minimize("x^2", {"x": 1}, learning_rate=1e-6, max_steps=100)
    assert "vanishing_gradient" not in result.codes


def test_a_start_that_overflows_in_floats_is_a_one_point_non_finite_trace():
    # exactly, 1/(1 + x⁴) is defined at 1e100; in floats x⁴ overflows before the first step
    result = minimize("1/(1 + x^4)", {"x": 1e100})
    assert result.status == "non_finite"
    assert result.trace.n_steps == 0 and len(result.trace.values) == 1


def test_huge_gradients_are_diagnosed_without_overflow():
    result = maximize(*ROSENBROCK[:2],
                      learning_rate=0.01)
    assert result.status == "diverged"
    # Rosenbrock has no maximum: the climb runs away whatever η, which is 'unbounded'
    assert result.codes[0] == "unbounded" and "vanishing_gradient" not in result.codes


def test_the_diagnosis_keeps_no_trace_alive():
    """Issue 11: a module-level cache kept the last trace (up to 10⁶ points) alive."""
    import gc
    import weakref

    result = minimize("(1 - w)^2", {"w": 3}, learning_rate=1, max_steps=20)
    assert result.codes == ["cycle", "overshoot"]
    trace = weakref.ref(result.trace)
    del result
    gc.collect()
    assert trace() is None


def test_diagnoses_in_threads_do_not_mix():
    from concurrent.futures import ThreadPoolExecutor

    rates = [0.1, 1.0, 1.1, 0.5] * 8
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda eta: minimize("(1 - w)^2", {"w": 3}, learning_rate=eta,
                                                    max_steps=50).codes, rates))
    alone = {eta: minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=50).codes
             for eta in set(rates)}
    assert codes == [alone[eta] for eta in rates]


def test_a_saddle_left_downhill_is_unbounded_not_a_plateau():
    # issue 18, item 5: this run said "that start was on a plateau" and "allow more steps or a
    # larger η" while f fell to −1.7e13
    run = minimize("x^2 - y^2", {"x": 2.49, "y": 0.05}, learning_rate=0.1, max_steps=100)
    assert run.codes == ["unbounded"]
    message = run.findings[0].message
    assert message.startswith("f decreases without bound along this run: it went from 6.1976 "
                              "to −1.7147e+13 while |∇f| grew ×1.2 a step")
    long = minimize("x^2 - y^2", {"x": 2.49, "y": 0.05}, learning_rate=0.1, max_steps=5000)
    assert long.status == "diverged" and long.codes == ["unbounded"]


def test_a_too_large_step_is_still_divergence():
    run = minimize("(1 - w)^2", {"w": 3}, learning_rate=1.1, max_steps=1000)
    assert "divergence" in run.codes and "unbounded" not in run.codes


def test_a_steep_descent_into_a_well_is_not_unbounded():
    # f falls 8,000-fold while |∇f| grows for thousands of steps on the way into a deep well,
    # but the run then settles at its bottom: bounded
    run = minimize("-1000000 exp(-x^2)", {"x": 3}, learning_rate=1e-7, max_steps=5000)
    values = np.asarray(run.trace.values, dtype=float)
    slopes = np.abs(np.asarray(run.trace.gradients[0], dtype=float))
    plunging = (np.diff(values) < 0) & (np.diff(slopes) > 0)
    assert plunging[:1000].all() and values[-1] < 1000 * values[0]
    assert run.status == "converged" and "unbounded" not in run.codes
