"""gradwise descend / lr / tour through Click's runner, plus one real subprocess."""

import csv
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_descend_json_has_the_documented_schema():
    result = invoke("descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    for key, kind in [("variables", list), ("method", str), ("learning_rate", float),
                      ("status", str), ("findings", list), ("steps", list), ("final", dict)]:
        assert isinstance(doc[key], kind), key
    assert doc["variables"] == ["w"] and doc["method"] == "gd" and doc["status"] == "converged"
    assert doc["steps"][0] == {"step": 0, "point": {"w": 3.0}, "value": 4.0,
                               "gradient": {"w": 4.0}}
    assert doc["steps"][1]["point"] == {"w": 2.6}
    assert [s["step"] for s in doc["steps"]] == list(range(len(doc["steps"])))
    assert doc["final"] == doc["steps"][-1]["point"]


def test_descend_json_carries_the_findings_once_with_their_messages():
    """Issue 11: `diagnosis` repeated `findings`; now one list of codes and one of messages."""
    doc = json.loads(invoke("descend", "(1 - w)^2", "--start", "w=3", "--lr", "1", "--steps",
                            "20", "--json").output)
    assert "diagnosis" not in doc
    assert doc["findings"] == ["cycle", "overshoot"]
    assert len(doc["messages"]) == 2 and doc["messages"][0].startswith("the points repeat")


def test_descend_ascent_and_exact_in_json():
    doc = json.loads(invoke("descend", "(1 - w)^2", "--start", "w=3", "--lr", "1", "--ascent",
                            "--steps", "1", "--json").output)
    assert doc["final"] == {"w": 7.0} and len(doc["steps"]) == 2
    doc = json.loads(invoke("descend", "(1 - w)^2", "--start", "w=3", "--eta", "0.1", "--exact",
                            "--steps", "3", "--json").output)
    assert [s["exact_point"]["w"] for s in doc["steps"]] == ["3", "13/5", "57/25", "253/125"]


def test_descend_classifies_the_notes_learning_rates():
    for eta, status, code in [("0.9", "converged", "oscillation"), ("1", "max_steps", "cycle"),
                              ("1.1", "diverged", "divergence")]:
        doc = json.loads(invoke("descend", "(1 - w)^2", "--start", "w=3", "--lr", eta,
                                "--json").output)
        assert doc["status"] == status and code in doc["findings"]


def test_descend_explain_prints_the_notes_step():
    result = invoke("descend", "C(w) = (1 - w)^2", "--start", "w=3", "--lr", "0.1", "--exact",
                    "--explain", "--steps", "1")
    assert "∂C/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂C/∂w = −0.1 × 4 = −0.4;  w = 3 + (−0.4) = 2.6" \
        in result.output


def test_descend_table_elides_long_runs():
    result = invoke("descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.9")
    assert result.exit_code == 0 and "⋮" in result.output and "oscillation" in result.output


def test_descend_methods_and_schedule():
    doc = json.loads(invoke("descend", "f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2", "--start",
                            "x=0,y=0", "--method", "adam", "--lr", "0.1", "--steps", "20000",
                            "--schedule", "exponential:0.9995", "--json").output)
    assert doc["method"] == "adam" and doc["status"] == "converged"
    assert doc["final"] == pytest.approx({"x": 1, "y": 3}, abs=1e-6)


def test_descend_csv_is_written_whole(tmp_path):
    path = tmp_path / "run.csv"
    result = invoke("descend", "x^2 + y^2", "--start", "x=2,y=2", "--steps", "3", "--tol", "0",
                    "--csv", str(path))
    assert result.exit_code == 0
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["step", "x", "y", "value", "grad_x", "grad_y", "gradient_norm"]
    assert len(rows) == 5 and rows[2][:3] == ["1", "1.6", "1.6"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args,message", [
    (["--lr", "0"], "--lr must be > 0"), (["--lr", "-1"], "--lr"),
    (["--lr", "nan"], "--lr"), (["--lr", "inf"], "--lr"),
    (["--steps", "0"], "--steps must be"), (["--steps", "999999999"], "--steps must be"),
    (["--tol", "-1"], "tol"), (["--method", "sgd"], "sgd"),
])
def test_descend_bad_options_exit_2_with_one_line(args, message):
    result = invoke("descend", "(1 - w)^2", "--start", "w=3", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_descend_bad_starts():
    assert invoke("descend", "x^2 + y^2", "--start", "x=1").exit_code == 2
    assert invoke("descend", "x^2", "--start", "x=1,q=2").exit_code == 2
    undefined = invoke("descend", "ln(x)", "--start", "x=0")
    assert undefined.exit_code == 1 and "cannot start" in undefined.output


def test_descend_csv_into_a_missing_folder(tmp_path):
    result = invoke("descend", "x^2", "--start", "x=1", "--csv", str(tmp_path / "no" / "a.csv"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_lr_json_and_sweep():
    doc = json.loads(invoke("lr", "(1 - w)^2", "--start", "w=3", "--json").output)
    assert {k: doc[k] for k in ("curvature", "max_stable", "optimal", "exact")} == \
        {"curvature": 2.0, "max_stable": 1.0, "optimal": 0.5, "exact": True}
    assert doc["eigenvalues"] == [2.0] and doc["negative_curvature"] == []
    assert doc["messages"] == str(gradwise.advise_learning_rate("(1 - w)^2", {"w": 3})).split("\n")
    doc = json.loads(invoke("lr", "(1 - w)^2", "--start", "w=3", "--sweep", "0.1:1.1:11",
                            "--json").output)
    assert len(doc["sweep"]) == 11
    statuses = {round(r["learning_rate"], 6): r["status"] for r in doc["sweep"]}
    assert statuses[0.1] == "converged" and statuses[1.0] == "max_steps"
    assert statuses[1.1] == "diverged"
    assert set(doc["sweep"][0]) >= {"learning_rate", "status", "findings", "final_value"}


def test_lr_text_and_bad_sweep():
    result = invoke("lr", "(1 - w)^2", "--start", "w=3", "--sweep", "0.1:1.1:3")
    assert "stable for 0 < η < 2/λ = 1" in result.output and "1.1  diverged" in result.output
    assert invoke("lr", "(1 - w)^2", "--start", "w=3", "--sweep", "1:0:3").exit_code == 2


def test_tour_runs_the_notes():
    result = invoke("tour")
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ["w = 3 + 4 = 7", "w = 3 + (−4) = −1", "w = 3 + (−0.4) = 2.6",
                     "2(−2) − 2 = −6", "w = −2 + 0.6 = −1.4", "w = −2 + (−6) = −8",
                     "w = −2 + 6 = 4", "cycle", "stable for 0 < η < 2/λ = 1",
                     "vanishing_gradient"]:
        assert expected in out, expected
    assert out.index("7") < out.index("2.6") < out.index("−1.4")


def test_a_real_process():
    out = subprocess.run([sys.executable, "-m", "gradwise", "descend", "(1 - w)^2", "--start",
                          "w=3", "--lr", "1.1", "--json"], capture_output=True, text=True,
                         check=True)
    doc = json.loads(out.stdout)
    assert doc["status"] == "diverged" and "divergence" in doc["findings"]


def test_lr_gives_the_chosen_methods_range_and_the_negative_direction():
    out = invoke("lr", "x^2 - y^2", "--start", "x=2.49,y=0.05", "--method", "momentum",
                 "--beta", "0.5").output
    assert "along (0, 1) f curves down at the start (λ = −2)" in out
    assert "momentum (β = 0.5): stable for 0 < η < 2(1 + β)/λ = 1.5" in out


def test_descend_takes_beta_for_momentum():
    doc = json.loads(invoke("descend", "(1 - w)^2", "--start", "w=3", "--method", "momentum",
                            "--beta", "0.5", "--steps", "2", "--json").output)
    assert doc["hyper"] == {"beta": 0.5}
    assert [s["point"]["w"] for s in doc["steps"]] == pytest.approx([3, 2.6, 2.08])
    assert doc["messages"] == ["still improving after 2 steps (f fell from 2.56 to 1.1664 over "
                               "the last 1); allow more steps or a larger η"]
    assert doc["findings"] == ["slow"] and doc["n_steps"] == 2
