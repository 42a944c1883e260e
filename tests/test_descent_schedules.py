"""Learning-rate schedules and their CLI spelling."""

import pytest
import sympy

from gradwise import InputError
from gradwise.descent.schedules import constant, exponential, inverse_time, parse_schedule, step


def test_the_formulas():
    assert [constant(0.1)(k) for k in (0, 9)] == [0.1, 0.1]
    assert [step(1.0, 0.5, 3)(k) for k in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert [exponential(2.0, 0.5)(k) for k in range(3)] == [2, 1, 0.5]
    assert [inverse_time(1.0, 0.5)(k) for k in range(3)] == [1, 1 / 1.5, 0.5]


def test_rationals_stay_rational():
    r = sympy.Rational
    assert exponential(r(1, 2), r(1, 3))(2) == r(1, 18)
    assert inverse_time(r(1), r(1, 2))(1) == r(2, 3)


@pytest.mark.parametrize("spec,rates", [("step:0.5:2", [1, 1, 0.5]),
                                        ("exponential:0.5", [1, 0.5, 0.25]),
                                        ("inverse-time:1", [1, 0.5, 1 / 3]),
                                        ("exponential", [1, 0.99, 0.99**2])])
def test_parse_schedule(spec, rates):
    schedule = parse_schedule(spec, 1.0, float)
    assert [schedule(k) for k in range(3)] == pytest.approx(rates)


@pytest.mark.parametrize("spec", ["cosine", "step:0.5", "step:0.5:x", "exponential:0",
                                  "exponential:1.5", "inverse-time:-1", "exponential:1:2"])
def test_bad_schedules(spec):
    with pytest.raises(InputError):
        parse_schedule(spec, 1.0, float)


def test_a_schedule_can_be_the_learning_rate_as_in_train():
    """One convention for minimize and train: learning_rate is η or a schedule η_k."""
    import numpy as np

    from gradwise import minimize, train
    from gradwise.descent.schedules import exponential

    as_rate = minimize("(1 - w)^2", {"w": 3}, learning_rate=exponential(0.25, 0.5), max_steps=4)
    as_option = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.25, schedule="exponential:0.5",
                         max_steps=4)
    assert as_rate.trace == as_option.trace and as_rate.schedule == "exponential(0.5)"
    assert as_rate.trace.learning_rates == (0.25, 0.125, 0.0625, 0.03125)
    fit = train((np.array([[1.0]]), np.array([1.0])), learning_rate=exponential(0.5, 0.5),
                max_epochs=2, standardize=False, start=[3.0, 0.0], fit_intercept=False)
    assert fit.trace.learning_rates == (0.5, 0.25)


def test_a_schedule_given_twice_is_refused():
    from gradwise import minimize
    from gradwise.descent.schedules import exponential

    with pytest.raises(InputError, match="already a schedule"):
        minimize("x^2", {"x": 1}, learning_rate=exponential(0.5), schedule="step:0.5:10")
