"""The Hessian at a point, as a learner reads it (issue 13): decimals beside an irrational
matrix, its eigenvalues, and what they say (definite, indefinite, semidefinite)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main


def run(*args):
    result = CliRunner().invoke(main, ["hessian", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_irrational_point_gets_decimals_and_a_definiteness():
    lines = run("sin(x) y", "--at", "x=1,y=pi/3").splitlines()
    # H = [[−y sin x, cos x], [cos x, 0]] at (1, π/3), by hand
    h = np.array([[-np.pi / 3 * np.sin(1), np.cos(1)], [np.cos(1), 0.0]])
    assert lines[5].endswith(f"⎡ {h[0, 0]:.6g}  {h[0, 1]:.6g} ⎤".replace("-", "−"))
    assert lines[6].strip().startswith("≈ ⎣")
    low, high = np.linalg.eigvalsh(h)
    assert lines[7] == (f"eigenvalues ≈ {low:.6g}, {high:.6g}: indefinite (up one way, down "
                        "another: a saddle's shape)").replace("-", "−")


def test_a_rational_point_has_no_decimals_but_says_its_shape():
    output = run("x^2 + y^2", "--at", "x=0,y=0")
    assert "≈ ⎣" not in output
    assert output.splitlines()[-1] == ("eigenvalues ≈ 2, 2: positive definite (curving up every "
                                       "way: a bowl)")


@pytest.mark.parametrize("text, point, expected", [
    ("x^2 + y^2", "x=1,y=1", "positive definite"),
    ("-x^2 - 3y^2", "x=0,y=0", "negative definite"),
    ("x^2 - y^2", "x=0,y=0", "indefinite"),
    ("x^4 + y^2", "x=0,y=0", "positive semidefinite"),
    ("-(x + y)^2", "x=1,y=2", "negative semidefinite"),
    ("x^3 + y^3", "x=0,y=0", "zero"),
    ("x y", "x=0,y=0", "indefinite"),
])
def test_definiteness_agrees_with_the_eigenvalues(text, point, expected):
    value = gradwise.hessian(text).at(point)
    assert value.definiteness == expected
    reference = np.linalg.eigvalsh(np.array(value.values))
    np.testing.assert_allclose(value.eigenvalues, reference, atol=1e-12)
    document = json.loads(CliRunner().invoke(main, ["hessian", text, "--at", point,
                                                    "--json"]).output)
    assert document["definiteness"] == expected
    assert document["eigenvalues"] == pytest.approx(list(reference), abs=1e-12)
