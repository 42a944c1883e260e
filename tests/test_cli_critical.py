"""gradwise critical through Click's runner: text, the JSON schema, errors."""

import json

from click.testing import CliRunner

from conftest import HIMMELBLAU
from gradwise.cli import main


def run(*args):
    return CliRunner().invoke(main, ["critical", *args])


def test_text_output_lists_the_points():
    result = run("x^3 + x y - 3y^2")
    assert result.exit_code == 0, result.output
    assert "D = f_xx·f_yy − f_xy² = −36x − 1" in result.output
    assert "(−1/18, −1/108)  f = 1/11664  maximum" in result.output


def test_json_has_exactly_the_documented_shape():
    result = run("x^3 + x y - 3y^2", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["variables"] == ["x", "y"]
    assert document["complete"] is True and isinstance(document["note"], str)
    saddle, = [p for p in document["points"] if p["kind"] == "saddle"]
    assert {"point", "exact", "value", "kind", "eigenvalues"} <= set(saddle)
    assert saddle["point"] == {"x": 0.0, "y": 0.0} and saddle["exact"] == {"x": "0", "y": "0"}
    top, = [p for p in document["points"] if p["kind"] == "maximum"]
    assert top["exact"] == {"x": "-1/18", "y": "-1/108"}
    assert top["value"] == 1 / 11664
    assert all(isinstance(v, float) for v in top["eigenvalues"])


def test_json_for_a_periodic_function_in_a_box():
    document = json.loads(run("cos(z)", "--within", "z=-pi:pi", "--json").output)
    assert [p["exact"] for p in document["points"]] == [{"z": "-pi"}, {"z": "0"}, {"z": "pi"}]
    assert document["complete"] is True and "z = kπ, k ∈ ℤ" in document["note"]


def test_numeric_points_have_null_exact():
    document = json.loads(run(HIMMELBLAU, "--within",
                              "x=-5:5,y=-5:5", "--json").output)
    assert len(document["points"]) == 9
    assert sum(p["exact"] is None for p in document["points"]) == 8


def test_an_expression_may_start_with_minus():
    result = run("-x^2 - y^2")
    assert result.exit_code == 0 and "maximum" in result.output


def test_a_bad_box_is_one_red_line_and_exit_code_2():
    result = run("x^2 + y^2", "--within", "x=-1:1")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: the box gives no range for 'y'. Fix: add y=low:high"]


def test_a_bad_budget_is_refused():
    result = run("x^2", "--budget", "-1")
    assert result.exit_code == 2 and "budget must be a positive number" in result.output


def test_incomplete_answers_say_so():
    result = run("(x - y)^2")
    assert result.exit_code == 0 and "may be incomplete" in result.output


def test_within_adds_the_global_extremes():
    result = run("x^2 - y^2", "--within", "x=-1:1,y=-2:1")
    assert result.exit_code == 0, result.output
    assert "global minimum over the box: f(0, −2) = −4, boundary y = −2" in result.output
    document = json.loads(run("x^2 - y^2", "--within", "x=-1:1,y=-2:1", "--json").output)
    assert document["global_minimum"]["value"] == -4.0
    assert document["global_maximum"]["where"].startswith(("corner", "boundary"))
