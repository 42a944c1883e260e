"""Exact differentiation: gradients, Hessians and their values at a point.

The names below are re-exported from :mod:`gradwise.calculus.gradients`, so
``from gradwise.calculus import gradient`` keeps working.
"""

from gradwise.calculus.gradients import (
    Gradient,
    GradientValue,
    Hessian,
    HessianValue,
    as_expression,
    directional_derivative,
    evaluate_gradient,
    gradient,
    hessian,
    resolve_point,
    steps,
    value_at,
)
from gradwise.calculus.step import Step
from gradwise.calculus.steps import Steps

__all__ = ["Gradient", "GradientValue", "Hessian", "HessianValue", "as_expression",
           "directional_derivative", "evaluate_gradient", "gradient", "hessian",
           "resolve_point", "steps", "value_at", "Step", "Steps"]
