"""The stopping rules live once (descent/stopping.py): every loop's copy agrees with them.

The scalar :class:`Monitor` (minimize's Python loop, the neuron's training loop), the array
:class:`Monitors` (the learning-rate sweep) and :data:`LOOP_CHECKS` (the generated loop, as
source text) are run on the same sequences of (f, |∇f|²) and must stop at the same point with
the same status, in the one order non_finite → converged → diverged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradwise.descent.stopping import LIMIT, LOOP_CHECKS, PATIENCE, Monitor, Monitors, blown

TOL = 1e-3


def by_monitor(sequence, sign=1):
    monitor = Monitor(TOL, sign)
    for k, (value, g2) in enumerate(sequence):
        verdict = monitor.verdict(value, g2)
        if verdict == "non_finite":
            return verdict, k  # not recorded
        if verdict:
            return verdict, k + 1
    return "max_steps", len(sequence)


def by_monitors(sequences, sign=1):
    """All sequences at once, as the sweep runs them."""
    values, g2s = (np.array([[p[i] for p in s] for s in sequences]).T for i in (0, 1))
    monitors, done = Monitors(TOL, float(sign), len(sequences)), {}
    for k in range(values.shape[0]):
        for j, verdict in enumerate(monitors.verdicts(values[k], g2s[k])):
            if verdict and j not in done:
                done[j] = (verdict, k if verdict == "non_finite" else k + 1)
    return [done.get(j, ("max_steps", values.shape[0])) for j in range(len(sequences))]


def loop_checks():
    """LOOP_CHECKS in a loop over a given sequence, as the generated loop runs them."""
    checks = LOOP_CHECKS.format(gsum="g2", record="        values.append(_v)",
                                record_inner="            values.append(_v)")
    source = (
        "def run(sequence, sign, tol, limit, patience, values):\n"
        "    tol2, limit2, rises, last, last_g2 = tol * tol, limit * limit, 0, inf, inf\n"
        "    for _v, g2 in sequence:\n"
        f"{checks}"
        "    return 'max_steps'\n")
    names = {"inf": math.inf}
    exec(compile(source, "<stopping harness>", "exec"), names)  # noqa: S102 - our own text
    run = names["run"]

    def stopped(sequence, sign=1):
        recorded: list[float] = []
        return run(sequence, sign, TOL, LIMIT, PATIENCE, recorded), len(recorded)

    return stopped


def sequences(count=400, length=40, seed=0):
    """Runs that settle, creep, cycle, grow geometrically, blow up or turn NaN."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        growth = float(rng.choice([0.5, 0.9, 1.0, 1.3, 3.0, 1e30]))  # floats: overflow is inf
        value, g2, run = float(rng.normal(0, 10)), float(abs(rng.normal(0, 4))), []
        for _k in range(length):
            run.append((value, g2))
            value = value * growth + float(rng.choice([0.0, rng.normal()]))
            g2 = g2 * growth * growth if rng.random() > 0.1 else g2 * float(rng.random())
            if rng.random() < 0.02:
                value = float(rng.choice([math.nan, math.inf, -math.inf, 2 * LIMIT]))
        out.append(run)
    return out


def test_the_three_copies_stop_at_the_same_point_with_the_same_status():
    runs = sequences()
    harness = loop_checks()
    for sign in (1, -1):
        swept = by_monitors(runs, sign)
        for j, run in enumerate(runs):
            expected = by_monitor(run, sign)
            assert swept[j] == expected, (j, run)
            assert harness(run, sign) == expected, (j, run)
    statuses = {by_monitor(run)[0] for run in runs}
    assert statuses == {"converged", "diverged", "non_finite", "max_steps"}  # all exercised


@pytest.mark.parametrize(("point", "status"), [
    ((math.nan, 0.0), "non_finite"),  # non_finite first, even with |∇f| = 0
    ((2 * LIMIT, 0.0), "converged"),  # converged before diverged
    ((2 * LIMIT, 1.0), "diverged"),
    ((1.0, (2 * LIMIT) ** 2), "diverged"),
])
def test_one_order_of_checks(point, status):
    assert by_monitor([point])[0] == status
    assert by_monitors([[point]])[0][0] == status
    assert loop_checks()([point])[0] == status


def test_patience_counts_rises_above_the_start():
    rising = [(float(k), float(k) ** 2) for k in range(1, 3 * PATIENCE)]
    assert by_monitor(rising) == ("diverged", PATIENCE + 1)
    below_start = [(100.0 - 90.0 * 0.5**k * (k > 0), 1.0 + k) for k in range(3 * PATIENCE)]
    assert by_monitor(below_start)[0] == "max_steps"  # rising, but never above the start


def test_training_asks_for_calm_epochs_running():
    monitor = Monitor(TOL, calm=3)
    verdicts = [monitor.verdict(1.0, g2) for g2 in (1e-8, 1e-8, 1.0, 1e-8, 1e-8, 1e-8)]
    assert verdicts == [None, None, None, None, None, "converged"]


def test_a_mini_batch_stops_only_on_nan_or_past_the_limit():
    assert [blown(*p) for p in [(1.0, 1.0), (math.inf, 1.0), (1.0, math.nan),
                                (-2 * LIMIT, 1.0), (1.0, 4 * LIMIT * LIMIT)]] == [
        None, "non_finite", "non_finite", "diverged", "diverged"]
