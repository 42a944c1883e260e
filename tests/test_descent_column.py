"""Float trace columns: read-only arrays that read as tuples of Python floats.

A float trace keeps each column as one float64 array (no copy from the loops to the
diagnostics); these tests pin what code reading a trace still sees: Python floats,
tuple-like repr, indexing and equality, JSON numbers, exact mode unchanged.
"""

import json
import math
import pickle

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROSENBROCK
from gradwise import minimize
from gradwise.descent import diagnostics
from gradwise.descent.column import Column
from gradwise.descent.trace import Trace

FLOAT_RUNS = [
    {"backend": "python"},
    {"backend": "numba"},
    {"method": "momentum"},  # the general loop
    {"schedule": "exponential:0.99"},
]


def columns(trace):
    return (*trace.coordinates, trace.values, *trace.gradients, trace.learning_rates)


@pytest.mark.parametrize("options", FLOAT_RUNS, ids=lambda o: "-".join(map(str, o.values())))
def test_a_float_trace_keeps_read_only_columns_of_python_floats(options):
    trace = minimize("f(x, y) = (1 - x)^2 + 3(y + x)^2", {"x": 3, "y": 1}, learning_rate=0.05,
                     max_steps=50, **options).trace
    for column in columns(trace):
        assert isinstance(column, Column)
        assert all(type(v) is float for v in column)
        assert type(column[0]) is float and type(column[-1]) is float
        with pytest.raises(ValueError, match="read-only"):
            np.asarray(column)[0] = 1.0
        assert np.shares_memory(np.asarray(column), column.array)  # no copy
    assert type(trace[3].point[0]) is float and type(trace.points[-1][1]) is float


def test_an_exact_trace_keeps_tuples_of_rationals():
    trace = minimize("(1 - w)^2", {"w": 3}, learning_rate="1/10", exact=True,
                     max_steps=3).trace
    for column in columns(trace):
        assert isinstance(column, tuple) and all(isinstance(v, sympy.Rational) for v in column)
    assert [str(w) for w in trace.coordinates[0]] == ["3", "13/5", "57/25", "253/125"]


def test_a_column_reads_as_the_tuple_it_holds():
    values = (3.0, 2.6, -0.0, math.inf)
    column = Column(values)
    assert repr(column) == repr(values) and list(column) == list(values)
    assert column == values and values == column and column != values[:3]
    assert column[1:3] == (2.6, -0.0) and isinstance(column[1:3], Column)
    assert column[-1] == math.inf and len(column) == 4 and 2.6 in column
    assert hash(column) == hash(values)
    with pytest.raises(IndexError):
        column[4]
    with pytest.raises(ValueError):
        Column(np.zeros((2, 2)))


def test_columns_with_nan_in_the_same_places_are_equal():
    nan = float("nan")
    assert Column([1.0, nan, 2.0]) == Column([1.0, float("nan"), 2.0])
    assert hash(Column([1.0, nan])) == hash(Column([1.0, float("nan")]))
    assert Column([1.0, nan, 2.0]) != Column([1.0, 2.0, nan])
    assert Column([1.0, nan]) != Column([1.0, nan, nan])
    assert Column([0.0]) == Column([-0.0]) and hash(Column([0.0])) == hash(Column([-0.0]))
    # a tuple is compared as tuples are: a NaN equals only itself
    assert Column([nan]) != (float("nan"),)


def test_traces_compare_by_their_numbers():
    def trace(values, status="non_finite"):
        return Trace(("w",), (Column([3.0, 2.0]),), Column(values), (Column([1.0, 1.0]),),
                     Column([0.5]), status)

    assert trace([1.0, math.nan]) == trace([1.0, float("nan")])
    assert trace([1.0, math.nan]) != trace([math.nan, 1.0])
    assert trace([1.0, 2.0]) != trace([1.0, 2.0], "max_steps")
    assert trace([1.0, 2.0]) == Trace(("w",), ((3.0, 2.0),), (1.0, 2.0), ((1.0, 1.0),), (0.5,),
                                      "non_finite")


def test_a_trace_pickles_to_an_equal_read_only_trace():
    result = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=20)
    again = pickle.loads(pickle.dumps(result))
    assert again.trace == result.trace and again.findings == result.findings
    assert not np.asarray(again.trace.values).flags.writeable


def test_json_gets_plain_floats():
    trace = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=5).trace
    text = json.dumps({"values": list(trace.values), "point": trace.point(-1)})
    assert json.loads(text)["values"] == [float(v) for v in trace.values]
    assert "np.float64" not in repr(list(trace.values)) + repr(trace.point(2))


def test_a_numba_run_that_stops_early_keeps_only_its_points():
    # the loop allocates room for max_steps + 1 points; a short run must not keep it
    trace = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=1_000_000,
                     backend="numba").trace
    assert trace.status == "converged" and len(trace) < 200
    owners = [np.asarray(c).base for c in columns(trace)]
    assert all(owner is None or owner.nbytes <= 8 for owner in owners)


def test_gradient_norms_are_the_square_root_of_the_sum_of_squares():
    trace = minimize(*ROSENBROCK[:2],
                     learning_rate=1e-3, max_steps=300).trace
    expected = [math.sqrt(sum(g * g for g in trace.gradient(k))) for k in range(len(trace))]
    assert trace.gradient_norms() == expected
    assert trace.float_values() == [float(v) for v in trace.values]


def test_gradient_norms_overflow_to_inf_without_a_warning():
    trace = Trace(("x", "y"), (Column([0.0, 1.0]), Column([0.0, 1.0])), Column([1.0, 2.0]),
                  (Column([1e200, math.inf]), Column([-1e200, math.nan])), Column([0.1]),
                  "diverged")
    assert trace.gradient_norms()[0] == math.inf and math.isnan(trace.gradient_norms()[1])
    assert "divergence" in [f.code for f in diagnostics.diagnose(trace)]


# -- the vectorised diagnostics against the loops they replace ----------------------------

finite = st.floats(-1e200, 1e200, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False) | st.sampled_from([0.01, 0.5]),
                min_size=1, max_size=40), st.sampled_from([0.01, 0.5, 2.0]))
def test_median_below_is_numpy_median_below(xs, bound):
    x = np.array(xs)
    assert diagnostics._median_below(x, bound) == bool(np.median(x) < bound)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=30))
def test_norms_are_numpys_hypot_reduce_bit_for_bit(rows):
    gradients = np.array(rows).T
    for n in (1, 2, 3):
        expected = np.abs(np.hypot.reduce(gradients[:n], axis=0))
        assert diagnostics._norms(gradients[:n]).tobytes() == expected.tobytes()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite, finite), min_size=1, max_size=30),
       st.sampled_from([1, -1]))
def test_flips_are_the_summed_slopes_changing_sign(rows, sign):
    table = np.array(rows).T
    for n in (1, 2):
        points, gradients = table[:n], table[2:2 + n]
        delta = np.diff(points, axis=1)
        with np.errstate(all="ignore"):
            before = sign * np.sum(gradients[:, :-1] * delta, axis=0)
            after = sign * np.sum(gradients[:, 1:] * delta, axis=0)
            found = diagnostics._flips(points, gradients, sign)
        assert found.tolist() == np.flatnonzero((before < 0) & (after > 0)).tolist()


@pytest.mark.parametrize("sign", [1, -1])
def test_flips_are_found_across_blocks(sign):
    rng = np.random.default_rng(7)
    size = 3 * diagnostics.BLOCK + 5
    points, gradients = rng.standard_normal((2, size)), rng.standard_normal((2, size))
    delta = np.diff(points, axis=1)
    before = sign * np.sum(gradients[:, :-1] * delta, axis=0)
    after = sign * np.sum(gradients[:, 1:] * delta, axis=0)
    expected = np.flatnonzero((before < 0) & (after > 0))
    assert len(expected) > 1000
    assert diagnostics._flips(points, gradients, sign).tolist() == expected.tolist()


def test_stretches_are_the_runs_of_true():
    mask = np.array([True, True, False, True, False, False, True])
    begins, ends = diagnostics._stretches(mask)
    assert begins.tolist() == [0, 3, 6] and ends.tolist() == [1, 3, 6]
    assert [a.tolist() for a in diagnostics._stretches(np.zeros(3, dtype=bool))] == [[], []]


def _vanishing_by_loop(norms, objective):
    """The plateau rule one stretch at a time, as the check read before it was vectorised."""
    rising = (np.diff(norms) > 0) & (np.diff(objective) < 0)
    k = 0
    while k < len(rising):
        if not rising[k]:
            k += 1
            continue
        begin = k
        while k + 1 < len(rising) and rising[k + 1]:
            k += 1
        if k + 1 - begin >= diagnostics.VANISH_STRETCH and \
                norms[k + 1] >= diagnostics.VANISH_GROWTH * norms[begin] > 0:
            return begin
        k += 1
    return None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(0, 4)), min_size=2, max_size=60))
def test_the_plateau_check_finds_the_first_plateau_as_the_loop_did(rows):
    values = [v for v, _ in rows]
    slopes = [math.exp(s) - 1 for _, s in rows]  # mostly small, sometimes steep
    trace = Trace(("w",), (Column(range(len(rows))),), Column(values), (Column(slopes),),
                  Column([0.1] * (len(rows) - 1)), "converged")
    finding = diagnostics.vanishing_gradient(trace)
    expected = _vanishing_by_loop(np.abs(np.array(slopes)), np.array(values))
    assert (finding.step if finding else None) == expected
