"""`gradwise grad --steps`, `gradwise check` and the tour's worked steps, through Click's runner."""

import json
import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner

from gradwise.cli import main
from gradwise.neuron.derivation import derive


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_grad_steps_shows_the_notes_work_and_evaluates_at_the_point():
    result = run("grad", "x^2 + y^2", "--steps", "--at", "x=2,y=2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "f(x, y) = x² + y²"
    assert lines[3].startswith("∂/∂x (x² + y²) = ∂/∂x (x²) + ∂/∂x (y²) = 2x + 0 = 2x")
    assert "sum rule" in lines[3]
    assert "∂f/∂x(2, 2) = 2·2 = 4" in lines and "∂f/∂y(2, 2) = 2·2 = 4" in lines
    assert lines[-2:] == ["∇f(x, y) = 2x î + 2y ĵ", "∇f(2, 2) = 4î + 4ĵ"]


def test_grad_steps_json_is_the_issue_document():
    result = run("grad", "(y - sigmoid(w x + b))^2", "--steps", "--wrt", "w,b",
                 "--at", "x=1,y=1,b=0,w=3", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["variables"] == ["w", "b"] and list(document["steps"]) == ["w", "b"]
    root = document["steps"]["w"]
    assert root["rule"] == "chain" and "u = " in root["why"]
    assert document["value"][0] == pytest.approx(-0.0042850850699686, rel=1e-12)
    assert document["evaluation"]["w"].startswith("∂f/∂w(3, 0) = ")


def test_grad_steps_with_const_and_degrees():
    result = run("grad", "sin(z) + y z", "--steps", "--const", "y=2", "--degrees",
                 "--at", "z=180")
    assert result.exit_code == 0, result.output
    assert "∂/∂z (z°) = (π/180)·∂/∂z (z) = (π/180)·1 = π/180" in result.output
    assert "∂f/∂z(180) = π·cos(180°)/180 + 2 = 2 − π/180 ≈ 1.98255" in result.output


def test_grad_steps_bad_input_is_one_red_line_and_exit_2():
    result = run("grad", "x^2 +", "--steps")
    assert result.exit_code == 2
    assert result.output.startswith("error: the expression ends too early")
    assert "Traceback" not in result.output


def test_grad_steps_on_a_terminal_is_a_rich_tree(monkeypatch, capsys):
    from gradwise.calculus.gradients import steps
    from gradwise.cli import steps as cli_steps

    monkeypatch.setattr(cli_steps.sys.stdout, "isatty", lambda: True, raising=False)
    s = steps("x^2 + y^2")
    cli_steps.print_steps(s, s.at("x=2, y=2"))
    out = capsys.readouterr().out
    assert "├── ∂/∂x (x²) = 2x" in out and "└── ∂/∂x (y²) = 0" in out
    assert "∂f/∂x(2, 2) = 2·2 = 4" in out


@pytest.mark.parametrize("answer", [["2x, 2y"], ["2x î + 2y ĵ"], ["x=2x", "y=2y"]])
def test_check_right_answer_exits_0(answer):
    args = [a for text in answer for a in ("--answer", text)]
    result = run("check", "x^2 + y^2", *args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "all right"


def test_check_wrong_answer_exits_1_with_the_point_and_the_hint():
    result = run("check", "sin(w x + b)", "--wrt", "w", "--answer", "cos(w x + b)")
    assert result.exit_code == 1
    assert "✗ ∂f/∂w: your answer cos(w·x + b), but ∂f/∂w = x·cos(w·x + b)" in result.output
    assert "hint: the chain rule's inner factor is missing" in result.output


def test_check_json():
    result = run("check", "x^2 + y^2", "--answer", "2x, 2y^2", "--json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["correct"] is False
    assert [c["correct"] for c in document["components"]] == [True, False]
    assert document["components"][1]["counterexample"]["point"] == {"x": "1", "y": "2"}


@pytest.mark.parametrize(("args", "words"), [
    (["x^2 + y^2", "--answer", "2x, 2y^"], "in the answer for ∂f/∂y"),
    (["x^2 +", "--answer", "2x"], "the expression ends too early"),
    (["x^2 + y^2", "--answer", "2x"],
     "1 component; expected 2 components, one per variable of ∇f (x, y)"),
    (["x^2 + y^2", "--answer", "x=2x", "--answer", "q=1"], "names 'q'"),
])
def test_check_bad_input_exits_2(args, words):
    result = run("check", *args)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and words in result.output
    assert "Traceback" not in result.output


def test_check_needs_an_answer():
    assert run("check", "x^2").exit_code == 2


def test_check_as_a_real_process():
    done = subprocess.run([sys.executable, "-m", "gradwise", "check", "x^2", "--answer", "2x"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "all right"


def test_the_neuron_chain_is_the_kernels_delta():
    x = sympy.Symbol("x", real=True)
    for activation in ("identity", "sigmoid", "tanh", "relu", "softplus"):
        d = derive(activation)
        assert sympy.simplify(d.chain().product() - d.delta * x) == 0, activation
        assert sympy.simplify(d.chain("b").product() - d.delta) == 0, activation
    d = derive("sigmoid")
    assert d.explain()[2] == "∂C/∂ŷ = −2·(y − ŷ),  φ'(z) = (1 − σ(z))·σ(z)"
    assert d.chain().lines()[0] == "∂C/∂w = ∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂w"


def test_tour_shows_the_work():
    result = run("tour")
    assert result.exit_code == 0, result.output
    section = result.output.split("10. Show the work", 1)[1]
    assert "∂f/∂x(2, 2) = 2·2 = 4" in section
    assert "∂C/∂w(3) = 2·3 − 2 = 4" in section
    assert "∂C/∂w = ∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂w" in section
    assert "hint: y was differentiated as if it changed with x" in section


def test_steps_and_check_load_nothing_heavy():
    code = ("import sys; from click.testing import CliRunner; from gradwise.cli import main; "
            "r = CliRunner().invoke(main, ['grad', 'x^2 + y^2', '--steps']); "
            "assert r.exit_code == 0, r.output; "
            "r = CliRunner().invoke(main, ['check', 'x^2', '--answer', '2x']); "
            "assert r.exit_code == 0, r.output; "
            "print([m for m in ('numpy', 'matplotlib', 'scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [
    'gradwise grad "x^2 + y^2" --steps --at x=2,y=2',
    'gradwise grad "(y - sigmoid(w x + b))^2" --wrt w --steps',
    'gradwise check "x^2 + y^2" --answer "2x + 2y, 2y"',
])
def test_the_guide_shows_the_real_output(command):
    """The user guide's page (the README's section until issue 17) shows the whole output,
    exactly (a trailing ``; echo $?`` shows the exit code as its last line)."""
    import shlex
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "guide" / "show-the-work.md"
    text = page.read_text(encoding="utf-8")
    shown = text.split(f"$ {command}", 1)[1].split("\n$ ", 1)[0].split("\n```", 1)[0]
    result = run(*shlex.split(command)[1:])
    if shown.startswith("; echo $?\n"):
        shown, code = shown.removeprefix("; echo $?\n").rsplit("\n", 1)
        assert int(code) == result.exit_code
    else:
        shown = shown.removeprefix("\n")
    assert result.output.rstrip("\n") == shown
