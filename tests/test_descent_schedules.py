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
