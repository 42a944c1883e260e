"""`gradwise grad` and `gradwise hessian` through Click's runner and as real processes."""

import json
import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner
from sympy.parsing.sympy_parser import parse_expr

from gradwise.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_grad_in_the_notes_notation():
    result = run("grad", "x^2 + y^2", "--at", "x=2,y=2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["f(x, y) = x² + y²", "∇f(x, y) = 2x î + 2y ĵ", "∇f(2, 2) = 4î + 4ĵ"]
    assert "|∇f| = 4·sqrt(2) ≈ 5.65685" in result.output


def test_grad_json_schema():
    result = run("grad", "x^2 + y^2", "--at", "x=2,y=2", "--json")
    document = json.loads(result.output)
    assert document["function"] == "x^2 + y^2"
    assert document["variables"] == ["x", "y"]
    assert document["gradient"] == ["2*x", "2*y"]
    assert document["at"] == {"x": "2", "y": "2"}
    assert document["value"] == [4.0, 4.0]
    assert document["exact"] == ["4", "4"]
    assert document["mode"] == "radians"


def test_json_gradient_strings_parse_back_in_sympy():
    result = run("grad", "(y - sigmoid(w x + b))^2", "--wrt", "w,b", "--json")
    document = json.loads(result.output)
    names = {n: sympy.Symbol(n) for n in ["w", "x", "b", "y"]}
    for text in document["gradient"]:
        assert isinstance(parse_expr(text, local_dict=names), sympy.Expr)
    assert document["variables"] == ["w", "b"]


def test_neuron_gradient_at_the_notes_point():
    result = run("grad", "(y - sigmoid(w x + b))^2", "--wrt", "w,b",
                 "--at", "x=1,y=1,b=0,w=3", "--json")
    document = json.loads(result.output)
    assert document["value"][0] == pytest.approx(-0.0042850850699686, rel=1e-12)


def test_const_option_substitutes_before_differentiating():
    result = run("grad", "(y - w x - b)^2", "--const", "y=1,b=0", "--wrt", "w", "--json")
    assert json.loads(result.output)["gradient"] == ["-2*x*(-w*x + 1)"] or \
        sympy.simplify(parse_expr(json.loads(result.output)["gradient"][0])
                       - parse_expr("-2*x*(1 - w*x)")) == 0


def test_degrees_are_reported():
    plain = run("grad", "sin(z)", "--at", "z=180°")
    assert "∇f(π) = −1î" in plain.output and "(angles in radians)" in plain.output
    degrees = run("grad", "sin(z)", "--at", "z=90", "--degrees", "--json")
    assert json.loads(degrees.output)["mode"] == "degrees"
    assert json.loads(degrees.output)["value"] == [0.0]


def test_leading_minus_is_an_expression():
    result = run("grad", "-x^2", "--at", "x=1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["value"] == [-2.0]
    after_dashes = run("grad", "--json", "--", "-2x")
    assert json.loads(after_dashes.output)["gradient"] == ["-2"]


def test_directional_derivative_option():
    result = run("grad", "x y", "--at", "x=1,y=2", "--along", "1,1", "--json")
    assert json.loads(result.output)["directional_derivative"] == pytest.approx(3 / 2**0.5)


def test_hessian_json():
    result = run("hessian", "x^3 + x y - 3y^2", "--at", "x=1,y=0", "--json")
    document = json.loads(result.output)
    assert document["hessian"] == [["6*x", "1"], ["1", "-6"]]
    assert document["value"] == [[6.0, 1.0], [1.0, -6.0]]


def test_hessian_text():
    result = run("hessian", "x^2 + y^2")
    assert "Hf(x, y) = ⎣ 0  2 ⎦" in result.output or "⎡ 2  0 ⎤" in result.output


@pytest.mark.parametrize(("args", "code", "pattern"), [
    (["grad", "sinn(x)"], 2, "did you mean 'sin'"),
    (["grad", "1/x", "--at", "x=0"], 1, "undefined at"),
    (["grad", "x^2", "--at", "y=1"], 2, "'y'"),
    (["grad", "x^2", "--at", "x"], 2, "name=value"),
    (["grad", "x^2", "--wrt", "q"], 2, "'q'"),
    (["grad", "x^2", "--att", "3"], 2, "unexpected extra argument"),
    (["grad", "--bogus"], 2, "unknown option"),
    (["hessian", "9^9^9"], 2, "digits"),
    (["grad", "x^2 + y", "--wrt", "x,x", "--at", "x=1,y=2"], 2, "'x' is named twice"),  # 12.11
    (["hessian", "x^2 + y", "--wrt", "y, x ,y"], 2, "'y' is named twice"),
])
def test_errors_are_one_red_line_and_an_exit_code(args, code, pattern):
    result = run(*args)
    assert result.exit_code == code
    assert pattern in result.output
    assert "Traceback" not in result.output


def test_parse_error_shows_the_caret():
    result = run("grad", "x + coss(x)")
    lines = result.output.splitlines()
    assert lines[0].startswith("error: unknown function 'coss'")
    assert lines[1] == "  x + coss(x)" and lines[2] == "      ^"


def test_real_process_plain_when_piped():
    done = subprocess.run([sys.executable, "-m", "gradwise", "grad", "x^2 + y^2", "--at",
                           "x=2,y=2"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout  # no colour codes when piped
    assert "∇f(2, 2) = 4î + 4ĵ" in done.stdout


def test_real_process_error_exit_code():
    done = subprocess.run([sys.executable, "-m", "gradwise", "grad", "log(x)", "--at", "x=0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_atomic_writes_keep_the_usual_file_mode(tmp_path):
    import os

    from gradwise.cli._common import write_atomically

    target = tmp_path / "out.csv"
    write_atomically(target, "a,b\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert target.read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left behind


# Issue 12.3 and 12.4: exact evaluation that hung (float noise read exactly makes huge radicals)
# or ended in Python's 4,300-digit ValueError. Now: 50 digits, marked ≈, with a note.
def reference_gradient_of_x_to_the_y(x, y):
    import mpmath

    with mpmath.workdps(50):
        x, y = mpmath.mpf(x), mpmath.mpf(y)
        return float(y * x ** (y - 1)), float(x**y * mpmath.log(x))


def test_grad_with_float_noise_in_an_exponent_answers_in_time():
    done = subprocess.run([sys.executable, "-m", "gradwise", "grad", "x^y", "--at",
                           "x=0.0837,y=0.30000000000000004", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    expected = reference_gradient_of_x_to_the_y("0.0837", "0.30000000000000004")
    assert document["value"] == pytest.approx(expected, rel=1e-14)
    assert document["approximate"] == ["∂f/∂x", "∂f/∂y"]
    assert [float(parse_expr(c)) for c in document["exact"]] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("args", [
    ["grad", "x^1000", "--at", "x=1.0000001"],
    ["grad", "x^1000", "--at", "x=1.0000001", "--json"],
    ["hessian", "x^1000", "--at", "x=1.0000001"],
    ["hessian", "x^1000", "--at", "x=1.0000001", "--json"],
    ["grad", "y^z", "--at", "y=0.0837,z=-2.4863"],
])
def test_values_of_thousands_of_digits_are_given_to_fifty(args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "4300" not in result.output
    if "--json" in args:
        document = json.loads(result.output)
        assert document["approximate"]
        exact = sympy.Float(parse_expr(str(document["exact"][0]).strip("[]'")), 50)
        assert abs(float(exact) - document["value"][0] if args[0] == "grad"
                   else float(exact) - document["value"][0][0]) < 1e-6 * abs(float(exact))
    else:
        assert "≈" in result.output and "to 50 digits" in result.output


def test_the_fifty_digits_are_right():
    import mpmath

    from gradwise import gradient, hessian

    value = gradient("x^1000").at("x=1.0000001")
    entry = hessian("x^1000").at("x=1.0000001").exact[0, 0]
    assert value.approximate == ("∂f/∂x",)
    with mpmath.workdps(60):
        x = mpmath.mpf(10000001) / 10**7
        slope, curvature = 1000 * x**999, 999000 * x**998
        assert abs(mpmath.mpf(str(value.exact[0])) - slope) < mpmath.mpf(10) ** -45 * slope
        assert abs(mpmath.mpf(str(entry)) - curvature) < mpmath.mpf(10) ** -45 * curvature
