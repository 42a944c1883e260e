"""Where a derivative does not exist (issue 13.3): |x| and relu at their corners.

The oracle is the definition: one-sided difference quotients (f(x0 ± h) − f(x0)) / ±h with a
small h; the value ∇f shows there is a convention (sign(0) = 0, H(0) = 0), said as such.
"""

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main


def one_sided(f, point, name, h=1e-7):
    """(left, right) difference quotients of f along ``name`` at ``point`` (floats)."""
    from gradwise.calculus.gradients import value_at

    def at(dx):
        moved = {**point, name: point[name] + dx}
        return float(value_at(f, moved, exact=False))

    base = at(0.0)
    return (base - at(-h)) / h, (at(h) - base) / h


@pytest.mark.parametrize("text, point, convention", [
    ("abs(x)", {"x": 0}, "sign(0) = 0"),
    ("relu(x)", {"x": 0}, "H(0) = 0"),
    ("relu(2x - 2)", {"x": 1}, "H(0) = 0"),
    ("abs(x - y) + y^2", {"x": 1, "y": 1}, "sign(0) = 0"),
    ("3abs(w) + w", {"w": 0}, "sign(0) = 0"),
])
def test_a_corner_is_named_with_its_one_sided_derivatives(text, point, convention):
    value = gradwise.gradient(text).at(point)
    assert value.kinks, "no corner reported"
    for kink in value.kinks:
        left, right = one_sided(text, point, kink.variable.name)
        assert float(kink.left) == pytest.approx(left, abs=1e-6)
        assert float(kink.right) == pytest.approx(right, abs=1e-6)
        assert kink.left != kink.right and kink.convention == convention


@pytest.mark.parametrize("text, point", [
    ("x abs(x)", {"x": 0}),          # differentiable at 0: both sides 0
    ("abs(x)", {"x": 2}),            # away from the corner
    ("abs(x) abs(y)", {"x": 0, "y": 0}),
    ("sqrt(x^2 + 1)", {"x": 0}),
])
def test_a_smooth_point_has_no_corner(text, point):
    assert gradwise.gradient(text).at(point).kinks == ()


def test_grad_says_that_abs_has_no_derivative_at_zero():
    result = CliRunner().invoke(main, ["grad", "abs(x)", "--at", "x=0"])
    assert result.exit_code == 0, result.output
    assert ("∂f/∂x does not exist at x = 0: the one-sided derivatives are −1 from the left "
            "and 1 from the right; the value shown takes the convention sign(0) = 0"
            ) in result.output.splitlines()


def test_grad_says_it_for_relu_too():
    result = CliRunner().invoke(main, ["grad", "relu(x)", "--at", "x=0"])
    assert "are 0 from the left and 1 from the right" in result.output
    assert "convention H(0) = 0" in result.output


def test_grad_json_and_the_web_carry_the_corners():
    import json

    document = json.loads(CliRunner().invoke(main, ["grad", "abs(x) + y^2", "--at", "x=0,y=1",
                                                    "--json"]).output)
    assert document["kinks"] == [{"variable": "x", "left": -1.0, "right": 1.0,
                                  "convention": "sign(0) = 0"}]
    smooth = json.loads(CliRunner().invoke(main, ["grad", "x^2", "--at", "x=0",
                                                  "--json"]).output)
    assert smooth["kinks"] == []
