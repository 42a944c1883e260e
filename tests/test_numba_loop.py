"""The numba descent loop against the Python loop: the same trace, bit for bit.

Bit for bit, not "to 1 ulp": both loops run the same printed lines in the same order, IEEE
arithmetic is deterministic, and ``_numba_math`` reproduces CPython's ``math`` and ``**``
(raising where CPython raises, calling the same C ``pow``). A 1-ulp slack would also hide
a real difference, since one ulp at step k moves every later point.
"""

import math
from importlib.util import find_spec

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROSENBROCK as ROSENBROCK_START
from gradwise import maximize, minimize
from gradwise.descent.compiled import descent_loop
from gradwise.numeric.printers import RUNTIME_ERRORS

pytestmark = pytest.mark.skipif(find_spec("numba") is None, reason="numba is not installed")

COST = "(1 - w)^2"
ROSENBROCK = ROSENBROCK_START[0]

# (function, start, η, the status the run must end with): every way a run can stop
CASES = [
    (COST, {"w": 3}, 0.1, "converged"),
    (COST, {"w": 3}, 0.9, "converged"),  # oscillates on the way
    (COST, {"w": 3}, 1.0, "max_steps"),  # a 2-cycle
    (COST, {"w": 3}, 1.1, "diverged"),
    (ROSENBROCK, {"x": -1.2, "y": 1}, 1e-3, "max_steps"),
    (ROSENBROCK, {"x": -1.2, "y": 1}, 0.01, "diverged"),
    ("x^3/3 + sin(x) exp(x)", {"x": 0.5}, 0.3, "diverged"),
    ("ln(x)", {"x": 2}, 3.0, "non_finite"),  # log of a negative number: ValueError
    ("sqrt(x)", {"x": 1}, 10.0, "non_finite"),
    ("log(x) + 1/x", {"x": 3}, 0.5, "converged"),
    ("sigmoid(w)^2 + softplus(w - 2)", {"w": 3}, 1.0, "max_steps"),
    ("relu(x - 1) + x^2/10", {"x": 3}, 0.5, "converged"),
    ("abs(x) + tanh(y)^3 / (1 + y^2)", {"x": -2, "y": 1.5}, 0.1, "max_steps"),
    ("x^2 - y^2", {"x": 1, "y": 0.5}, 0.1, "max_steps"),
    ("x^(1/3) + x^2", {"x": 2}, 0.4, "non_finite"),  # a negative base, a fractional power
    # x^4 overflows at step 1: CPython raises OverflowError; unchecked, numba would find
    # f = 1/inf = 0 and f' = -0.0 there, and call the run converged
    ("1/(1 + x^4)", {"x": 2}, 1e80, "non_finite"),
    ("exp(x) + cosh(y)", {"x": 2, "y": 1}, 0.05, "max_steps"),
    ("asin(x/4) + acos(y/4) + atan(x y)", {"x": 1, "y": 1}, 0.5, "non_finite"),
]


def bits(trace):
    """Every recorded number as its exact bits (so 0.0 and -0.0 differ), and its type."""
    columns = (*trace.coordinates, trace.values, *trace.gradients)
    return [[(type(v).__name__, float(v).hex()) for v in column] for column in columns]


@pytest.mark.parametrize("text,start,eta,status", CASES)
@pytest.mark.parametrize("go", [minimize, maximize], ids=["descent", "ascent"])
def test_numba_loop_records_the_python_loops_trace_bit_for_bit(go, text, start, eta, status):
    fast = go(text, start, learning_rate=eta, max_steps=400, backend="numba")
    slow = go(text, start, learning_rate=eta, max_steps=400, backend="python")
    assert bits(fast.trace) == bits(slow.trace)
    assert fast.trace == slow.trace and fast.findings == slow.findings
    if go is minimize:
        assert fast.status == status


def loop_run(backend, text, start, eta, sign, steps=400):
    """What the loop returns, every number as its bits; no diagnosis (that is run.py's)."""
    from gradwise.descent.problem import from_expression

    problem = from_expression(text, start, exact=False)
    assert problem.expression is not None
    loop = descent_loop(problem.expression, backend)
    status, xs, values, gs = loop(problem.start, eta, sign, 1e-8, steps, 1e100, 10)
    return status, [[v.hex() for v in column] for column in (*xs, values, *gs)]


@pytest.mark.parametrize("text,start,eta,status", CASES)
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["descent", "ascent"])
def test_the_two_loops_return_the_same_columns(sign, text, start, eta, status):
    python = loop_run("python", text, start, eta, sign)
    assert loop_run("numba", text, start, eta, sign) == python
    assert sign < 0 or python[0] == status


@settings(max_examples=60, deadline=None)
@given(x=st.floats(-3, 3), y=st.floats(-3, 3), eta=st.floats(1e-4, 0.6),
       sign=st.sampled_from([1.0, -1.0]))
def test_random_starts_and_rates_give_the_same_trace(x, y, eta, sign):
    text = "f(x, y) = sin(x) exp(y/3) + (x - y)^3/7 + ln(x^2 + 1)"
    start = {"x": x, "y": y}
    assert loop_run("numba", text, start, eta, sign) == loop_run("python", text, start, eta,
                                                                   sign)


def test_a_long_run_is_identical_to_the_last_bit():
    fast = minimize(ROSENBROCK, {"x": -1.2, "y": 1}, learning_rate=1e-3, max_steps=100_000,
                    tol=0, backend="numba")
    slow = minimize(ROSENBROCK, {"x": -1.2, "y": 1}, learning_rate=1e-3, max_steps=100_000,
                    tol=0, backend="python")
    assert fast.n_steps == 100_000 and bits(fast.trace) == bits(slow.trace)


# -- _numba_math is CPython's math ------------------------------------------------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 710.0, -710.0, 1e300, -1e300,
           1e-320, math.inf, -math.inf, math.nan, 94906297.0, 1.5e154]


def outcome(function, *args):
    try:
        return float(function(*args)).hex()
    except RUNTIME_ERRORS:
        return "raises"


@pytest.mark.parametrize("name", sorted({"exp", "expm1", "log", "log1p", "log2", "log10",
                                         "sqrt", "sin", "cos", "tan", "asin", "acos", "atan",
                                         "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"}))
def test_each_function_raises_where_cpython_raises_and_agrees_elsewhere(name):
    from gradwise.numeric import _numba_math

    for x in SPECIAL:
        assert outcome(getattr(_numba_math, name), x) == outcome(getattr(math, name), x), x


def test_pow_is_cpythons_float_pow_including_ties_where_x_times_x_differs():
    from gradwise.numeric._numba_math import _pow

    for v in SPECIAL:
        for w in [*SPECIAL, 2, 3, -1, -2, 1 / 3, 2.5]:
            assert outcome(_pow, v, w, 1.0) == outcome(lambda a, b: a ** b, v, w), (v, w)
    tie = 94906297.0  # x·x is a tie to round; the C pow rounds it the other way
    assert tie * tie != math.pow(tie, 2.0) and _pow(tie, 2, 1.0) == tie ** 2


def test_every_function_the_printer_may_call_is_provided():
    from gradwise.descent import _numba_loop
    from gradwise.numeric import _numba_math

    assert all(callable(getattr(_numba_math, name)) for name in _numba_loop.FUNCTIONS)
