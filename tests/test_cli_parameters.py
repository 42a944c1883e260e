"""Parameters on every command (issue 13.6): --wrt and --const, and a parameter without a value.

A name that is not a variable is a parameter; every command that reads a function takes
``--wrt`` and ``--const`` as ``grad`` does, and one that needs numbers refuses a parameter
without a value in one line that names it, before any work (never a NameError).
"""

import json

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def one_error_line(result, code=2):
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output and "NameError" not in result.output
    return lines[0]


def test_descend_runs_the_notes_cost_with_data_as_constants():
    # C(w, b) = (y − (w·x + b))² with x = y = 1 from (3, 0): ∂C/∂w = ∂C/∂b = 2(3 − 1) = 4,
    # so η = 0.1 gives w = 3 − 0.4 = 2.6 and b = 0 − 0.4 = −0.4 (the notes' step)
    result = run("descend", "(y - (w x + b))^2", "--wrt", "w,b", "--const", "x=1,y=1",
                 "--start", "w=3,b=0", "--lr", "0.1", "--steps", "1", "--exact", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["variables"] == ["w", "b"]
    first, second = document["steps"]
    assert first["value"] == 4 and first["gradient"] == {"w": 4, "b": 4}
    assert second["point"] == pytest.approx({"w": 2.6, "b": -0.4})


def test_lr_takes_wrt_and_const():
    # C(w, b) = (1 − w − b)²: Hessian [[2, 2], [2, 2]], λ_max = 4, stable for η < 1/2
    result = run("lr", "(y - (w x + b))^2", "--wrt", "w,b", "--const", "x=1,y=1",
                 "--start", "w=3,b=0", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["max_stable"] == pytest.approx(0.5)


@pytest.mark.parametrize("extra", [[], ["--json"], ["--within", "x=-5:5"]])
def test_critical_of_a_function_with_parameters_names_them(extra):
    line = one_error_line(run("critical", "f(x) = a x^2 + b x", *extra))
    assert "parameters a, b without a value" in line
    assert "--const a=...,b=..." in line and "--wrt" in line


def test_critical_with_two_variables_and_a_parameter():
    line = one_error_line(run("critical", "f(x, y) = x^2 + c y^2"))
    assert "parameter c without a value" in line


def test_critical_takes_const_and_wrt():
    # a x² + b x with a = 1, b = −2: x = −b/(2a) = 1, f = −1, a minimum
    result = run("critical", "a x^2 + b x", "--wrt", "x", "--const", "a=1,b=-2", "--json")
    assert result.exit_code == 0, result.output
    point, = json.loads(result.output)["points"]
    assert point["exact"] == {"x": "1"} and point["value"] == -1 and point["kind"] == "minimum"


def test_plot_with_critical_names_the_parameter(tmp_path):
    target = tmp_path / "p.png"
    line = one_error_line(run("plot", "f(x) = a x^2", "--critical", "-o", str(target)))
    assert "parameter a without a value" in line and "--const a=..." in line
    assert not target.exists()


def test_plot_takes_wrt(tmp_path):
    target = tmp_path / "p.png"
    result = run("plot", "(y - (w x + b))^2", "--wrt", "w,b", "--const", "x=1,y=1",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0


@pytest.mark.parametrize("command", ["descend", "lr"])
def test_descent_names_a_parameter_missing_from_start(command):
    line = one_error_line(run(command, "f(w) = a w^2", "--start", "w=1"))
    assert "parameter a without a value" in line and "(or in --start)" in line


def test_the_start_may_still_give_a_parameter():
    result = run("descend", "f(w) = a w^2", "--start", "w=1,a=1", "--json")
    assert result.exit_code == 0, result.output


def test_critical_points_in_python_refuse_parameters():
    with pytest.raises(gradwise.InputError, match="parameters a, b, which have no values"):
        gradwise.critical_points("f(x) = a x^2 + b x")


def test_extrema_in_python_refuse_parameters():
    # was a NameError from the interval tapes once the certified search came in (issue 15)
    with pytest.raises(gradwise.InputError, match="parameters a, b, which have no values"):
        gradwise.extrema("f(x) = a x^2 + b x", "x=-1:1")
