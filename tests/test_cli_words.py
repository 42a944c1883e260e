"""The command line speaks in its own options (issue 13, smaller items): no message it prints
names a Python keyword (features=[...], cost='log_loss', constants=), a library function
(gradwise.advise_learning_rate, plot_function) or a fix that means an option ("standardise
the features" for "drop --no-standardize")."""

import re

import pytest
from click.testing import CliRunner

from gradwise.cli import main
from gradwise.cli.words import OPTIONS, cli_words

PYTHON = re.compile(r"\b(?:" + "|".join(OPTIONS) + r")=|\bgradwise\.[a-z_]+|\bplot_[a-z]+\b|"
                    r"standardi[sz]e the features|\bparse\(")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "bad.csv").write_text("x,z,y\n1,a,1\n2,3,0\n")
    rows = "".join(f"{50 + k},{int(k > 25)}\n" for k in range(50))
    (tmp_path / "raw.csv").write_text("x,y\n" + rows)
    return tmp_path


CASES = [
    (["descend", "x^2", "--start", "x=1", "--lr", "0"], "--lr must be > 0", "gradwise lr"),
    (["descend", "x^2", "--start", "x=1", "--tol", "-1"], "try --tol 1e-8", None),
    (["critical", "x^2", "--within", ","], "--within x=-5:5,y=-5:5", None),
    (["grad", "x", "--wrt", ","], "--wrt w,b", None),
    (["plot", "x y z", "-o", "{dir}/p.png"], "fix the others with --const", None),
    (["train", "{dir}/bad.csv", "--target", "y"], "leave the column out with --features", None),
    (["train", "{dir}/bad.csv", "--target", "z"], "Fix: correct or delete that row; the target "
     "column 'z' needs a number in every row\n", None),
    (["train", "{dir}/raw.csv", "--target", "y", "--engine", "dask"], "--engine dask reads",
     None),
]


@pytest.mark.parametrize("args, says, also", CASES,
                         ids=[f"{c[0][0]}-{k}" for k, c in enumerate(CASES)])
def test_errors_name_the_commands_own_options(files, args, says, also):
    result = CliRunner().invoke(main, [a.format(dir=files) for a in args])
    assert result.exit_code == 2, result.output
    assert says in result.output and (also is None or also in result.output)
    assert not PYTHON.search(result.output), result.output


def test_a_saturated_neuron_is_told_to_drop_no_standardize(files):
    result = CliRunner().invoke(main, ["train", str(files / "raw.csv"), "--target", "y",
                                       "--activation", "sigmoid", "--no-standardize",
                                       "--start", "1,0", "--epochs", "3"])
    assert result.exit_code == 0, result.output
    line, = [x for x in result.output.splitlines() if x.startswith("vanishing_gradient")]
    assert line.endswith("Fix: drop --no-standardize, start nearer w = 0, or use --cost "
                         "log_loss with a sigmoid")
    assert not PYTHON.search(result.output)


def test_standardised_features_are_not_advised_again():
    import numpy as np

    from gradwise.descent.trace import Trace
    from gradwise.neuron.saturation import saturation

    X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    trace = Trace(("w", "b"), ((40.0,), (0.0,)), (0.5,), ((0.0,), (0.0,)), (), "max_steps")
    found = saturation(trace, (X, y), "sigmoid", "squared_error", standardized=True)
    assert found is not None and "standardise" not in found.message
    assert found.message.endswith("Fix: start nearer w = 0 or use cost='log_loss' with a sigmoid")


@pytest.mark.parametrize("python, cli", [
    ("use cost='log_loss' with a sigmoid", "use --cost log_loss with a sigmoid"),
    ("Fix: drop schedule=", "Fix: drop --schedule"),
    ("received schedule='step:0.5:10'", "received --schedule step:0.5:10"),
    ("learning_rate must be > 0", "--lr must be > 0"),
    ("max_steps after 2 epochs", "max_steps after 2 epochs"),  # a status, not a keyword
    ("max_steps must be a whole number from 1 to 10", "--steps must be a whole number from 1 "
     "to 10"),
    ("at (w = 3, b = 0)", "at (w = 3, b = 0)"),
    ("Fix: fix them first, e.g. parse(text, constants='a=1'), or make them variables with "
     "wrt=", "Fix: fix them first, e.g. --const a=1, or make them variables with --wrt"),
])
def test_cli_words(python, cli):
    assert cli_words(python) == cli


@pytest.mark.parametrize("args, says", [
    (["descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--steps", "3"],
     "stopped after the 3 steps allowed (--steps) without converging; at w = 2.024, "),
    (["descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1"],
     "converged: the gradient's norm fell to the tolerance (--tol) or below; 89 steps; "),
    (["train", "{dir}/raw.csv", "--target", "y", "--epochs", "3"],
     "stopped after the 3 epochs allowed (--epochs), 3 steps: C "),
    (["tour"], "3 → −1 → 3 → −1 → 3 → …  stopped after the 200 steps allowed\n"),
])
def test_how_a_run_ended_is_said_in_words_not_as_a_python_status(files, args, says):
    """Not "stopped after max_steps steps" / "max_steps after 3 epochs" / "fell to tol": the
    status's Python spelling stays in --json."""
    result = CliRunner().invoke(main, [a.format(dir=files) for a in args])
    assert result.exit_code == 0, result.output
    assert says in result.output
    # (a table's status column, as in gradwise lr --sweep, shows the status itself)
    said = re.compile(r"\bmax_steps (?:steps|after)|\bnon_finite after|(?<!-)\btol\b")
    assert not said.search(result.output), result.output


@pytest.mark.parametrize("args", [
    ["descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--steps", "3", "--json"],
    ["train", "{dir}/raw.csv", "--target", "y", "--epochs", "3", "--json"],
])
def test_json_keeps_the_status_max_steps(files, args):
    import json

    result = CliRunner().invoke(main, [a.format(dir=files) for a in args])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "max_steps"


@pytest.mark.parametrize("status, words", [
    ("max_steps", "stopped after the 1,000 steps allowed (--steps)"),
    ("converged", "converged after 1,000 steps"),
    ("diverged", "diverged after 1,000 steps"),
    ("non_finite", "stopped (not a finite number) after 1,000 steps"),
])
def test_outcome(status, words):
    from gradwise.cli.words import outcome

    assert outcome(status, 1000, option="--steps") == words


@pytest.mark.parametrize("args, says", [
    (["grad", "x e^(e^(e^(e^10)))", "--at", "x=1"],
     "error: exponent ≈ 2.2e+04 is too large; at most 1000 is allowed\n"
     "  x e^(e^(e^(e^10)))\n             ^\n"),
    (["grad", "(" * 150 + "x" + ")" * 150],
     "error: the expression nests deeper than 100 (brackets, signs or powers)\n"),
    (["grad", "x+" * 12000 + "x"],
     "error: the expression has 24,001 characters; at most 20,000 are allowed\n"),
    (["check", "x^2", "--answer", "x" * 30000],
     "error: the answer has 30,000 characters; expected at most 20,000 for 1 component(s). "
     "Fix: shorten it\n"),
])
def test_parse_limits_are_said_without_the_python_attribute(args, says):
    """Not "(Limits.max_exponent)": no option sets a Limits attribute."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.startswith(says) and "Limits" not in result.output, result.output


@pytest.mark.parametrize("python, cli", [
    ("the expression has more than 20,000 parts (Limits.max_nodes)",
     "the expression has more than 20,000 parts"),
    ("nests deeper than 100 (brackets, signs or powers; Limits.max_depth)",
     "nests deeper than 100 (brackets, signs or powers)"),
    ("at most 40,000 for 2 component(s) (Limits.max_length each)",
     "at most 40,000 for 2 component(s)"),
])
def test_without_limits(python, cli):
    from gradwise.cli.words import without_limits

    assert without_limits(python) == cli == cli_words(python)
