"""Each optimizer's update rule against the formula worked by hand, and the checks on it."""

import math

import pytest
import sympy

from gradwise import InputError
from gradwise.descent.optimizers import (
    METHODS,
    adagrad,
    adam,
    gd,
    make,
    momentum,
    nesterov,
    rmsprop,
)


def run(opt, gradients, eta, start=(0.0,)):
    state = opt.init(start)
    deltas = []
    for g in gradients:
        delta, state = opt.update(g, state, eta)
        deltas.append(delta)
    return deltas


def flat(deltas):
    return [x for delta in deltas for x in delta]


def test_gd_is_minus_eta_times_gradient():
    assert run(gd(), [(4.0, -6.0)], 0.1, (0.0, 0.0)) == [(-0.4, 0.6000000000000001)]


def test_momentum_accumulates_velocity():
    # v1 = 4; v2 = 0.5·4 + 2 = 4
    assert run(momentum(0.5), [(4.0,), (2.0,)], 0.1) == [(-0.4,), (-0.4,)]


def test_nesterov_looks_ahead():
    # v1 = 4, Δ1 = −0.1(4 + 0.5·4) = −0.6; v2 = 2 + 2 = 4, Δ2 = −0.1(2 + 2) = −0.4
    assert flat(run(nesterov(0.5), [(4.0,), (2.0,)], 0.1)) == pytest.approx([-0.6, -0.4])


def test_adagrad_divides_by_the_root_of_summed_squares():
    deltas = run(adagrad(eps=1e-300), [(3.0,), (4.0,)], 1.0)
    assert flat(deltas) == pytest.approx([-1.0, -4 / 5])


def test_rmsprop_divides_by_the_root_mean_square():
    deltas = run(rmsprop(rho=0.5, eps=1e-300), [(2.0,), (2.0,)], 1.0)
    # s1 = 0.5·4 = 2 -> −2/√2; s2 = 0.5·2 + 0.5·4 = 3 -> −2/√3
    assert flat(deltas) == pytest.approx([-2 / math.sqrt(2), -2 / math.sqrt(3)])


def test_adam_first_step_is_eta_in_the_gradients_direction():
    # bias correction makes m̂ = g and v̂ = g², so Δ = −η·g/|g|
    assert run(adam(eps=1e-300), [(4.0, -0.001)], 0.1, (0.0, 0.0))[0] == pytest.approx([-0.1, 0.1])


def test_adam_against_a_hand_loop():
    b1, b2, eta = 0.9, 0.999, 0.01
    gs = [1.0, -2.0, 0.5]
    m = v = 0.0
    expected = []
    for t, g in enumerate(gs, start=1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        expected.append(-eta * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + 1e-8))
    assert flat(run(adam(), [(g,) for g in gs], eta)) == pytest.approx(expected)


def test_exact_optimizers_keep_rationals():
    half, tenth = sympy.Rational(1, 2), sympy.Rational(1, 10)
    deltas = run(momentum(half), [(sympy.Integer(4),), (sympy.Integer(2),)], tenth,
                 (sympy.Integer(0),))
    assert deltas == [(sympy.Rational(-2, 5),), (sympy.Rational(-2, 5),)]
    assert [make(m).exact for m in METHODS] == [True, True, True, False, False, False]


@pytest.mark.parametrize("factory,kwargs", [(momentum, {"beta": 1}), (momentum, {"beta": -0.1}),
                                            (adam, {"beta1": 1.0}), (adam, {"eps": 0}),
                                            (rmsprop, {"rho": 2}), (adagrad, {"eps": -1})])
def test_bad_hyper_parameters(factory, kwargs):
    with pytest.raises(InputError):
        factory(**kwargs)


def test_make_refuses_unknown_methods():
    with pytest.raises(InputError, match="choose one of gd, momentum"):
        make("newton")
