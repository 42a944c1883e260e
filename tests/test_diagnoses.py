"""Diagnoses that neither miss nor advise wrongly (issue 13.5)."""

import json

import pytest
from click.testing import CliRunner

from gradwise import maximize, minimize
from gradwise.cli import main


def test_a_schedule_that_decays_to_nothing_is_stalled_not_slow():
    run = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, schedule="step:0.5:10",
                   max_steps=400)
    assert run.codes == ["stalled"]  # not "slow": more steps would not help
    message = run.findings[0].message
    assert message.startswith("the schedule shrank η from 0.1 to ")
    assert "more steps will not help" in message and "a slower schedule" in message
    # and indeed: the last rows are the same point
    assert float(run.trace.coordinates[0][-1]) == pytest.approx(
        float(run.trace.coordinates[0][-40]), abs=1e-10)


@pytest.mark.parametrize("schedule", [None, "exponential:0.999", "inverse-time:0.01"])
def test_a_schedule_that_still_moves_is_not_stalled(schedule):
    run = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.001, schedule=schedule,
                   max_steps=300)
    assert "stalled" not in run.codes and "slow" in run.codes


@pytest.mark.parametrize("function, start, eta, steps", [
    ("exp(x)", {"x": 0}, 0.1, 1000),
    ("exp(-x)", {"x": 0}, 0.1, 500),
    ("exp(x) + y^2", {"x": 0, "y": 1}, 0.1, 1000),
    ("log(1 + exp(x))", {"x": 0}, 0.5, 1000),
    ("1/x", {"x": 1}, 0.1, 1000),
])
def test_a_function_without_a_minimum_that_way_is_unbounded_not_slow(function, start, eta,
                                                                       steps):
    run = minimize(function, start, learning_rate=eta, max_steps=steps)
    assert run.codes == ["unbounded"]
    message = run.findings[0].message
    assert message.startswith("f decreases without bound along this run")
    assert "no η or number of steps changes that" in message


def test_ascent_says_increases():
    run = maximize("-exp(x)", {"x": 0}, learning_rate=0.1, max_steps=1000)
    assert run.codes == ["unbounded"]
    assert run.findings[0].message.startswith("f increases without bound")


@pytest.mark.parametrize("function, start, eta, steps", [
    ("(1 - w)^2", {"w": 3}, 1e-4, 1000),
    ("x^4", {"x": 2}, 0.001, 100),
    ("x^4", {"x": 2}, 0.01, 1000),
    ("x^8", {"x": 1.2}, 0.001, 300),
    ("x^6 + y^2", {"x": 1.5, "y": 1}, 0.001, 2000),
    ("(x + 2y - 7)^2 + (2x + y - 5)^2", {"x": 0, "y": 0}, 0.001, 500),
    ("x^2 + 100y^2", {"x": 3, "y": 1}, 1e-4, 3000),
    ("(1 - x)^2 + 100(y - x^2)^2", {"x": -1.2, "y": 1}, 0.001, 1000),
    ("(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2", {"x": 1, "y": 1},
     0.01, 3000),
])
def test_a_slow_run_towards_a_minimum_is_slow_not_unbounded(function, start, eta, steps):
    run = minimize(function, start, learning_rate=eta, max_steps=steps)
    assert "unbounded" not in run.codes and "slow" in run.codes


def test_descend_exp_no_longer_advises_more_steps():
    result = CliRunner().invoke(main, ["descend", "exp(x)", "--start", "x=0"])
    assert result.exit_code == 0
    assert "unbounded: f decreases without bound along this run" in result.output
    assert "allow more steps" not in result.output


@pytest.fixture
def notes(tmp_path):
    (tmp_path / "notes.csv").write_text("x,y\n1,1\n")
    return tmp_path / "notes.csv"


def test_a_regression_fit_reports_no_accuracy(notes):
    # the README's example: φ(z) = z, ŷ = 2.28 for y = 1 after two epochs
    result = CliRunner().invoke(main, ["train", str(notes), "--target", "y", "--no-standardize",
                                       "--no-intercept", "--start", "3,0", "--lr", "0.1",
                                       "--epochs", "2", "--json"])
    metrics = json.loads(result.output)["metrics"]
    assert "accuracy" not in metrics and metrics["mse"] == pytest.approx((1 - 2.28) ** 2)
    text = CliRunner().invoke(main, ["train", str(notes), "--target", "y", "--no-standardize",
                                     "--no-intercept", "--start", "3,0", "--lr", "0.1",
                                     "--epochs", "2"]).output
    assert "accuracy" not in text


@pytest.mark.parametrize("options", [["--activation", "sigmoid"],
                                     ["--activation", "sigmoid", "--cost", "log_loss"]])
def test_a_probability_reports_accuracy(tmp_path, options):
    (tmp_path / "c.csv").write_text("x,y\n" + "".join(f"{k},{int(k > 4)}\n" for k in range(10)))
    result = CliRunner().invoke(main, ["train", str(tmp_path / "c.csv"), "--target", "y",
                                       "--epochs", "300", "--lr", "1", "--json", *options])
    assert json.loads(result.output)["metrics"]["accuracy"] == 1.0


def test_mini_batch_findings_count_epochs_not_steps(tmp_path):
    rows = "".join(f"{k / 10},{2 * k / 10 + 1}\n" for k in range(100))
    (tmp_path / "lin.csv").write_text("hours,score\n" + rows)
    result = CliRunner().invoke(main, ["train", str(tmp_path / "lin.csv"), "--target", "score",
                                       "--batch-size", "8", "--epochs", "50", "--lr", "0.001",
                                       "--json"])
    document = json.loads(result.output)
    assert document["epochs"] == 50 and document["steps"] == 50 * 13
    assert any(m.startswith("still improving after 50 epochs (C fell")
               for m in document["messages"])
