"""Small things a learner meets on the command line (issue 13, smaller items)."""

import re

import pytest
from click.testing import CliRunner

from gradwise.cli import COMMANDS, main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_csv_dash_prints_the_steps_on_stdout_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--steps", "2",
                 "--csv", "-")
    assert list(tmp_path.iterdir()) == []  # no file named '-'
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "step,w,value,grad_w,gradient_norm",
        "0,3.0,4.0,4.0,4.0",
        "1,2.6,2.5600000000000005,3.2,3.2",
        "2,2.2800000000000002,1.6384000000000007,2.5600000000000005,2.5600000000000005"]


def test_csv_dash_and_json_cannot_share_stdout():
    result = run("descend", "x^2", "--start", "x=1", "--csv", "-", "--json")
    assert result.exit_code == 2
    assert result.output == ("error: --csv - and --json both print to stdout. Fix: give --csv "
                             "a file name, or drop one of them\n")


@pytest.mark.parametrize("args, expected", [
    (["grad", "--", "-x^2", "--at", "x=1"], "∇f(1) = −2î"),
    (["hessian", "--", "-x^3", "--at", "x=1"], "Hf(1) = [ −6 ]"),
    (["descend", "--", "-x^2", "--start", "x=1", "--ascent", "--steps", "1"], "at x = 0.8"),
    (["critical", "--", "-x^2", "--json"], '"kind": "maximum"'),
])
def test_options_may_follow_an_expression_after_double_dash(args, expected):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert expected in result.output


@pytest.mark.parametrize("typo, meant", [("gradd", "grad"), ("desend", "descend"),
                                         ("critcal", "critical"), ("hesian", "hessian")])
def test_a_mistyped_command_gets_a_did_you_mean(typo, meant):
    result = run(typo, "x^2")
    assert result.exit_code == 2
    assert f"No such command '{typo}'. Did you mean '{meant}'?" in result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_examples_have_no_stray_spaces(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    examples = [line.strip() for line in result.output.splitlines()
                if line.strip().startswith("gradwise ") or line.startswith("      --")]
    for line in examples:
        command_part = line.split("  #")[0]  # a comment may be aligned with spaces
        assert not re.search(r"\S {2,}\S", command_part), line


def test_descend_help_breaks_its_long_example_with_a_backslash():
    lines = run("descend", "--help").output.splitlines()
    at = next(i for i, line in enumerate(lines) if "--start x=-1.2,y=1" in line and "(" in line)
    assert lines[at].endswith(" \\") and lines[at + 1].strip() == "--method adam --lr 0.02"


@pytest.mark.parametrize("epochs", ["0", "-3"])
def test_train_refuses_zero_epochs(tmp_path, epochs):
    (tmp_path / "notes.csv").write_text("x,y\n1,1\n")
    result = run("train", str(tmp_path / "notes.csv"), "--target", "y", "--epochs", epochs)
    assert result.exit_code == 2
    assert result.output == (f"error: --epochs must be a whole number >= 1; received {epochs}. "
                             "Fix: --epochs 100\n")


@pytest.mark.parametrize("args", [
    ["graph", "(y - sigmoid(w x + b))^2", "--at", "x=1,y=1,b=0,w=3"],
    ["grad", "x^2 + y^2", "--at", "x=1,y=2"],
    ["descend", "x^2 + y^2", "--start", "x=1,y=1", "--lr", "0.001", "--steps", "1000"],
    ["critical", "x^3 - 3x + y^2"],
    ["tour"],
    ["train", "{csv}", "--target", "y", "--epochs", "5"],
], ids=lambda args: args[0])
def test_a_closed_stdout_pipe_ends_the_command_quietly(args, tmp_path):
    """``gradwise ... | head -1``: the reader stops; the command ends quietly, exit code 141
    (128 + SIGPIPE, as other Unix tools), no "error:" line. The pipe's reading end is closed
    before the command starts, so its first write meets the closed pipe every time."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data.csv"
    data.write_text("x,y\n0,0\n1,1\n2,1\n")
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = subprocess.run([sys.executable, "-m", "gradwise",
                               *(a.format(csv=data) for a in args)],
                              stdout=writing, stderr=subprocess.PIPE, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(writing)
    assert done.stderr == ""
    assert done.returncode == 141
