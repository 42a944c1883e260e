"""Compiled kernels against SymPy's exact values and central finite differences."""

import math

import numpy as np
import pytest
import sympy

from gradwise.calculus.gradients import gradient, value_at
from gradwise.descent.compiled import descent_loop, numba_loop_source
from gradwise.descent.run import minimize
from gradwise.errors import InputError
from gradwise.language.expressions import parse
from gradwise.numeric.kernels import array_kernel, body, hessian_kernel, key, scalar_kernel

CASES = [("(1 - w)^2", {"w": 3}), ("sigmoid(w x + b)", {"w": 0.3, "x": -2, "b": 0.5}),
         ("softplus(z) + relu(z - 1)", {"z": 2.5}),
         ("sin(x) exp(y) + ln(x^2 + 1)", {"x": 0.7, "y": -0.4}),
         ("abs(x) + sqrt(y)", {"x": -2, "y": 3}), ("tanh(x)^3 / (1 + y^2)", {"x": 0.2, "y": 1.5})]


@pytest.mark.parametrize("text,point", CASES)
def test_scalar_kernel_matches_sympy_exactly_evaluated(text, point):
    f = parse(text)
    value, grad = scalar_kernel(f).evaluate(*(float(point[n]) for n in f.names))
    assert value == pytest.approx(float(value_at(f, point)), rel=1e-12)
    assert grad == pytest.approx(gradient(f).at(point).values, rel=1e-12)


@pytest.mark.parametrize("text,point", CASES)
def test_gradient_matches_central_differences(text, point):
    f = parse(text)
    kernel = scalar_kernel(f).evaluate
    x = [float(point[n]) for n in f.names]
    for i in range(len(x)):
        h = 1e-6
        up, down = list(x), list(x)
        up[i] += h
        down[i] -= h
        estimate = (kernel(*up)[0] - kernel(*down)[0]) / (2 * h)
        assert kernel(*x)[1][i] == pytest.approx(estimate, rel=1e-6, abs=1e-8)


def test_array_kernel_matches_scalar_kernel():
    import numpy as np

    f = parse("sigmoid(w)^2 + softplus(w) + relu(w)")
    ws = np.array([-3.0, -0.5, 0.5, 3.0])
    values, grads = array_kernel(f)(ws)
    for w, v, g in zip(ws, values, grads[0]):
        sv, (sg,) = scalar_kernel(f).evaluate(float(w))
        assert v == pytest.approx(sv, rel=1e-12) and g == pytest.approx(sg, rel=1e-12)


def test_sigmoid_does_not_overflow_far_out():
    v, (g,) = scalar_kernel(parse("sigmoid(w)")).evaluate(-1000.0)
    assert v == 0.0 and g == 0.0


def test_hessian_kernel():
    assert hessian_kernel(parse("f(x, y) = x^2 y + y^3"))(1.0, 2.0) == [[4, 2], [2, 12]]


def test_names_that_look_like_python_cannot_reach_the_code():
    f = parse("lr^2 + k + sign + math")  # variables named like the loop's locals
    status, xs, values, gs = descent_loop(f)((1.0, 1.0, 1.0, 1.0), 0.1, 1.0, 1e-8, 3, 1e100, 10)
    assert status == "max_steps" and values[0] == 4.0


def test_parameters_must_be_fixed_first():
    with pytest.raises(InputError, match="parameters"):
        scalar_kernel(parse("w x", wrt="w"))


def test_loop_status_for_non_finite():
    loop = descent_loop(parse("ln(x)"))
    assert loop((2.0,), 3.0, 1.0, 1e-8, 10, 1e100, 10)[0] == "non_finite"
    assert math.isfinite(loop((2.0,), 3.0, 1.0, 1e-8, 10, 1e100, 10)[2][-1])


def test_every_number_a_kernel_records_is_a_float():
    # relu's slope and a constant partial derivative were ints (1, not 1.0) before
    f = parse("relu(x) + 3y")
    value, grad = scalar_kernel(f).evaluate(2.0, 1.0)
    assert all(type(v) is float for v in (value, *grad))
    status, xs, values, gs = descent_loop(f)((2.0, 1.0), 0.1, 1.0, 0.0, 2, 1e100, 10)
    assert all(c.dtype == np.float64 for c in (*xs, values, *gs))  # the loop's columns
    assert [g.tolist() for g in gs] == [[1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]
    trace = minimize(f, {"x": 2, "y": 1}, learning_rate=0.1, max_steps=2).trace
    columns = (*trace.coordinates, trace.values, *trace.gradients, trace.learning_rates)
    assert all(type(v) is float for column in columns for v in column)


def test_the_numba_loop_is_the_python_loop_with_powers_through_pow():
    f = parse("f(x, y) = sqrt(x) + 1/y + (x - y)^3")
    python = "\n".join(body(*key(f)))
    numba = numba_loop_source(f)
    assert "**" in python and "**" not in numba and "_pow(_t1, 3.0, _one)" in numba
    assert "sqrt(_x0)" in numba and "1.0/_x1" in numba
    for line in python.splitlines():
        if "**" not in line:
            assert line in numba


def test_integers_past_two_to_the_53_reach_numpy_as_floats():
    # issue 12.10: log(10^20) printed as an int made an object array NumPy's log refused
    import math

    import numpy as np

    from gradwise.numeric.kernels import batch_function

    x = sympy.Symbol("x", real=True)
    values = batch_function([sympy.log(sympy.Integer(10) ** 20) * x, sympy.Integer(10) ** 400 * x],
                            (x,))(np.array([[2.0]]))
    assert values[0, 0] == pytest.approx(2 * 20 * math.log(10), rel=1e-15)
    assert values[0, 1] == math.inf
