"""Variables in the order mathematicians use (issue 13.1), in every front end.

Without a signature the variables are alphabetical with numbers read as numbers (x, y, z;
x1 < x2 < x10); a signature or ``--wrt`` fixes another order. Before, they followed first
appearance: ``grad "y^2 + 3x"`` printed ``∇f(2, 1) = 4î + 3ĵ``, which reads as ∂f/∂x = 4.
"""

import json

from click.testing import CliRunner

import gradwise
from gradwise.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_grad_gives_x_first_whatever_the_typed_order():
    out = run("grad", "y^2 + 3x", "--at", "x=1,y=2")
    assert "∇f(x, y) = 3î + 2y ĵ" in out
    assert "∇f(1, 2) = 3î + 4ĵ" in out


def test_grad_of_atan_y_over_x_has_the_true_components():
    # (∂f/∂x, ∂f/∂y) = (−1/2, 1/2) at (1, 1)
    out = run("grad", "atan(y/x)", "--at", "x=1,y=1")
    assert "∇f(1, 1) = −(1/2)î + (1/2)ĵ" in out


def test_json_variables_follow_the_same_rule():
    document = json.loads(run("grad", "y^2 + 3x", "--at", "x=1,y=2", "--json"))
    assert document["variables"] == ["x", "y"]
    assert document["gradient"] == ["3", "2*y"] and document["exact"] == ["3", "4"]


def test_numbered_names_in_natural_order():
    document = json.loads(run("grad", "x10 + 2x2 + 3x1", "--json"))
    assert document["variables"] == ["x1", "x2", "x10"]
    assert document["gradient"] == ["3", "2", "1"]


def test_wrt_fixes_another_order():
    document = json.loads(run("grad", "y^2 + 3x", "--wrt", "y,x", "--json"))
    assert document["variables"] == ["y", "x"] and document["gradient"] == ["2*y", "3"]


def test_a_signature_fixes_another_order():
    out = run("grad", "f(w, b) = (1 - (w + b))^2", "--at", "w=3,b=0")
    assert "∇f(3, 0)" in out and "∇f(w, b)" in out


def test_critical_lists_points_in_x_y_order():
    document = json.loads(run("critical", "y^2 - x^2 + 2x", "--json"))
    assert document["variables"] == ["x", "y"]
    (point,) = document["points"]
    assert list(point["point"].items()) == [("x", 1.0), ("y", 0.0)]
    assert "  (1, 0)  f = 1  saddle" in run("critical", "y^2 - x^2 + 2x")


def test_descend_columns_and_end_point_in_x_y_order():
    out = run("descend", "(y - 1)^2 + (x - 2)^2", "--start", "x=0,y=0", "--steps", "1")
    header = next(line for line in out.splitlines() if line.startswith("step"))
    assert header.split()[:3] == ["step", "x", "y"]
    assert "at x = 0.4, y = 0.2" in out
    document = json.loads(run("descend", "(y - 1)^2 + (x - 2)^2", "--start", "x=0,y=0",
                              "--steps", "1", "--json"))
    assert document["variables"] == ["x", "y"]
    assert list(document["steps"][1]["point"]) == ["x", "y"]


def test_the_library_and_the_web_agree(client):
    assert gradwise.parse("y^2 + 3x").names == ("x", "y")
    document = client.post("/api/gradient", json={"expr": "y^2 + 3x", "at": "x=1,y=2"}).json()
    assert document["variables"] == ["x", "y"] and document["value"] == [3.0, 4.0]
