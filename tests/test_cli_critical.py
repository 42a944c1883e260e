"""gradwise critical through Click's runner: text, the JSON schema, errors."""

import json

import pytest
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


# -- issue 15: certified answers, the same in text and JSON --------------------------------------

def test_json_says_certified_and_what_is_undecided():
    document = json.loads(run("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "--within", "x=-5:5,y=-5:5",
                              "--json").output)
    assert document["certified"] is True and document["complete"] is True
    assert document["count"] == 9 and document["kinds"] == {"minimum": 4, "saddle": 4,
                                                             "maximum": 1}
    assert document["undecided_boxes"] == {"count": 0, "volume": 0.0, "share": 0.0,
                                           "within": None}
    assert all(p["certified"] for p in document["points"])
    low, high = document["global_minimum"], document["global_maximum"]
    assert low["certified"] is True and low["bound"][0] <= 0.0 <= low["bound"][1]
    assert high["certified"] is True and high["value"] == 890.0


def test_text_says_proven_complete_and_gives_the_certificate():
    result = run("20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)", "--within",
                 "x=-5.12:5.12,y=-5.12:5.12")
    assert result.exit_code == 0, result.output
    assert "441 critical points (proven complete)" in result.output
    assert "global minimum over the box: f(0, 0) = 0, interior critical point (minimum)" \
        in result.output
    assert "certified: no point of the box has f < −" in result.output


def test_text_says_what_remains_where_it_is_not_proven():
    result = run("-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))", "--within",
                 "x=-100:100,y=-100:100")
    assert result.exit_code == 0, result.output
    assert "(may be incomplete)" in result.output and "flat to working precision" in result.output
    assert "global minimum over the box: f(3.14159, 3.14159) = −1" in result.output


def test_json_stays_json_where_f_is_unbounded():
    output = run("x + 1/x", "--within", "x=-2:2", "--json").output
    document = json.loads(output)  # no Infinity or NaN tokens
    low = document["global_minimum"]
    assert low["certified"] is False and low["bound"][0] is None  # −∞: f → −∞ as x → 0⁻
    assert "unbounded below" in low["where"]


@pytest.mark.parametrize(("args", "message"), [
    (["--within", "x=1:-1,y=0:1"], "the range of x is empty"),
    (["--within", "x=-inf:1,y=0:1"], "in the box's range for x"),
    (["--within", "x=nan:1,y=0:1"], "in the box's range for x"),
    (["--within", "x=0:1,y=0:1,w=0:1"], "'w', which is not a variable"),
    (["--budget", "0"], "budget must be a positive number"),
    (["--budget", "-2"], "budget must be a positive number"),
    (["--budget", "nan"], "budget must be a positive number"),
    (["--budget", "inf"], "budget must be a positive number"),
])
def test_bad_input_is_one_red_line_and_exit_code_2(args, message):
    result = run("x^2 + y^2", *args)
    assert result.exit_code == 2, result.output
    line, = result.output.strip().splitlines()
    assert line.startswith("error: ") and message in line


def test_the_descent_and_the_web_markers_name_the_same_critical_point():
    from gradwise import minimize
    from gradwise.critical.extrema import points_and_extrema
    from gradwise.documents import critical_document

    himmelblau = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    reached = minimize(himmelblau, {"x": -2.5, "y": 2.5}, learning_rate=0.01,
                       max_steps=5000).reached()
    assert reached is not None and reached.kind == "minimum" and reached.certified
    # what /api/critical answers (the web page draws these markers) for the page's box
    document = critical_document(*points_and_extrema(himmelblau, "x=-5:5,y=-5:5", 5.0))
    same = [p for p in document["points"]
            if abs(p["point"]["x"] - reached.point[0]) < 1e-12
            and abs(p["point"]["y"] - reached.point[1]) < 1e-12]
    assert len(same) == 1 and same[0]["kind"] == reached.kind
    assert same[0]["value"] == reached.value


# -- the fuzzing pass after issue 15: the minimum at the edge of f's domain, one verdict ----------

@pytest.mark.parametrize("text", ["x^(pi/4)", "sqrt(x)"])
def test_the_minimum_at_the_edge_of_the_domain_is_found_and_certified(text):
    # real only for x >= 0: f(0) = 0 is the least value where f is defined (once reported
    # as f(1) = 1, uncertified for x^(pi/4) and *certified* for sqrt(x))
    result = run(text, "--within", "x=-1:1")
    assert result.exit_code == 0, result.output
    assert "global minimum over the box: f(0) = 0" in result.output
    assert "f is not a real number on part of the box (at x = −1, for one)" in result.output
    document = json.loads(run(text, "--within", "x=-1:1", "--json").output)
    low = document["global_minimum"]
    assert set(low) == {"point", "value", "where", "certified", "bound", "tolerance"}
    assert low["point"] == {"x": 0.0} and low["value"] == 0.0 and low["certified"] is True
    assert low["bound"][0] <= 0.0 <= low["bound"][1] <= 1e-9
    assert document["undefined_at"] == {"x": -1.0}
    listed = [p["value"] for p in document["points"]]
    assert all(low["value"] <= v for v in listed)


def test_a_defined_box_names_no_undefined_point():
    document = json.loads(run("x^2 - 2x", "--within", "x=0:3", "--json").output)
    assert document["undefined_at"] is None


def test_an_exact_proof_and_an_unfinished_cross_check_are_one_verdict():
    # SymPy proves ∇f = 0 has no real solution; the interval search cannot settle 10^400
    result = run("x^2 + 10^400*y")
    assert result.exit_code == 0, result.output
    assert "0 critical points (proven complete)" in result.output
    assert "not proven" not in result.output
    assert "the interval cross-check is unfinished" in result.output
    document = json.loads(run("x^2 + 10^400*y", "--json").output)
    assert document["complete"] is True and "not proven" not in document["note"]
