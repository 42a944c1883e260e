"""`gradwise graph`: the table, --json, exit codes and --plot files, through Click's runner."""

import json
import subprocess
import sys

import pytest
import sympy
from click.testing import CliRunner
from sympy.parsing.sympy_parser import parse_expr

import gradwise
from gradwise.cli import main

NEURON = "(y - sigmoid(w x + b))^2"
POINT = "x=1,y=1,b=0,w=3"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_notes_neuron_as_a_table_and_its_backward_pass():
    result = run("graph", "C(w, b) = " + NEURON, "--at", POINT, "--name", "z=w x + b",
                 "--name", "ŷ=sigmoid(z)", "--explain", "z")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "C(w, b) = (y − σ(w·x + b))²  at x = 1, y = 1, b = 0, w = 3"
    assert lines[1].split() == ["#", "node", "op", "value", "local", "derivatives", "∂C/∂node"]
    assert lines[8].split()[:4] == ["6", "ŷ", "=", "σ(z)"]
    assert lines[-4:] == [
        "backward pass:",
        "  ∂C/∂w = ∂C/∂v₁ · ∂v₁/∂w = −2σ(3)(1 − σ(3))² · 1 = −2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "  ∂C/∂b = ∂C/∂z · ∂z/∂b = −2σ(3)(1 − σ(3))² · 1 = −2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "  ∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = −2(1 − σ(3)) · σ(3)(1 − σ(3)) = −2σ(3)(1 − σ(3))² "
        "≈ −0.00428509",
    ]


def test_identity_neuron_gives_c_4_and_gradient_4():
    result = run("graph", "C(w, b) = (y - (w x + b))^2", "--at", POINT, "--json")
    document = json.loads(result.output)
    assert document["gradient"] == [4.0, 4.0] and document["gradient_exact"] == ["4", "4"]
    assert document["nodes"][document["output"]]["value"] == 4.0


def test_json_has_the_issue_keys_and_numbers_that_parse_back():
    document = json.loads(run("graph", NEURON, "--at", POINT, "--json").output)
    assert {"function", "variables", "at", "nodes", "output", "gradient"} <= set(document)
    assert document["function"] == NEURON and document["variables"] == ["b", "w", "x", "y"]
    assert document["at"] == {"x": "1", "y": "1", "b": "0", "w": "3"}
    grad = json.loads(run("grad", NEURON, "--at", POINT, "--json").output)
    assert document["gradient"] == pytest.approx(grad["value"], rel=1e-15)
    assert document["output"] == len(document["nodes"]) - 1
    for node in document["nodes"]:
        assert {"id", "op", "label", "value", "exact", "adjoint", "adjoint_exact",
                "inputs"} <= set(node)
        assert float(parse_expr(node["exact"])) == pytest.approx(node["value"], rel=1e-14)
        if node["adjoint"] is not None:
            assert float(parse_expr(node["adjoint_exact"])) == pytest.approx(node["adjoint"],
                                                                            rel=1e-14)
        for edge in node["inputs"]:
            assert {"node", "local"} <= set(edge) and edge["node"] < node["id"]
    sigma = next(n for n in document["nodes"] if n["op"] == "σ")
    assert sigma["inputs"][0]["local"] == pytest.approx(0.0451766597309, rel=1e-11)
    assert sigma["chain_rule"].startswith("∂f/∂v₃ = ∂f/∂v₄ · ∂v₄/∂v₃ = 2(1 − σ(3)) · (−1)")


def test_json_is_what_the_library_builds():
    from gradwise.documents import graph_document

    document = json.loads(run("graph", "x^2 + 3x", "--at", "x=1", "--json", "--highlight",
                              "x").output)
    g = gradwise.graph("x^2 + 3x", at="x=1")
    assert document == json.loads(json.dumps(graph_document(g, "x"), ensure_ascii=False))
    assert document["highlight"] == {"variable": "x", "path": [0, 2, 4, 5]}


def test_wrt_and_const_make_parameters_and_numbers():
    document = json.loads(run("graph", NEURON, "--at", "x=1,w=3,b=0", "--wrt", "w,b",
                              "--const", "y=1", "--json").output)
    assert document["variables"] == ["w", "b"]
    ops = {n["label"]: n["op"] for n in document["nodes"]}
    assert ops["x"] == "parameter" and "y" not in ops
    assert next(n for n in document["nodes"] if n["label"] == "x")["adjoint"] is None


@pytest.mark.parametrize(("args", "code", "pattern"), [
    (["log(x)", "--at", "x=0"], 1, "the forward pass fails at f = ln(x): ln(0) is undefined"),
    (["sqrt(x)", "--at", "x=0"], 1, "backward pass fails at f = sqrt(x)"),
    (["x y", "--at", "x=1"], 2, "no value for 'y'"),
    (["x y", "--at", "x=1,y=2,q=3"], 2, "'q'"),
    (["x + coss(x)", "--at", "x=1"], 2, "unknown function 'coss'"),
    (["9^9^9", "--at", "x=1"], 2, "digits"),
    (["x^2"], 2, "Missing option '--at'"),
    (["x^2", "--at", "x=1", "--highlight", "q"], 2, "no node 'q'"),
    (["x^2 + y", "--at", "x=1,y=1", "--wrt", "x", "--highlight", "y"], 2, "not a variable"),
    (["x^2", "--at", "x=1", "--name", "z"], 2,
     "a node's name is given as NAME=EXPR; received 'z'. Fix: write for example 'z=w x + b'"),
    (["x^2", "--at", "x=1", "--explain", "v7"], 2, "no node 'v7'"),
    (["x^2", "--at", "x=1", "--plot", "g.gif"], 2, "not .gif"),
    (["x^2", "--at", "x=1", "--plot", "g.txt"], 2, "cannot tell the picture's format"),
])
def test_errors_are_one_red_line_and_an_exit_code(args, code, pattern):
    result = run("graph", *args)
    assert result.exit_code == code, result.output
    assert pattern in result.output and "Traceback" not in result.output


MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml", "html": b"<!DOCTYPE html>",
         "dot": b"digraph gradwise {"}


@pytest.mark.parametrize("extension", sorted(MAGIC))
def test_plot_writes_each_format(tmp_path, extension):
    target = tmp_path / f"neuron.{extension}"
    result = run("graph", NEURON, "--at", POINT, "--highlight", "w", "--plot", target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(MAGIC[extension])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # nothing else left behind


def test_a_failed_run_writes_no_picture(tmp_path):
    target = tmp_path / "g.svg"
    result = run("graph", "log(x)", "--at", "x=0", "--plot", target)
    assert result.exit_code == 1 and not list(tmp_path.iterdir())


def test_real_process_the_readme_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "gradwise", "graph", NEURON, "--at", POINT,
                           "--plot", "neuron.svg"], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "∂f/∂w = ∂f/∂v₁ · ∂v₁/∂w" in done.stdout and "≈ −0.00428509" in done.stdout
    assert "picture written to neuron.svg" in done.stderr
    assert (tmp_path / "neuron.svg").stat().st_size > 10_000


def test_the_command_does_not_load_matplotlib_or_numpy_without_plot():
    code = ("import sys; from click.testing import CliRunner; from gradwise.cli import main; "
            f"r = CliRunner().invoke(main, ['graph', {NEURON!r}, '--at', {POINT!r}, '--json']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('numpy', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_degrees_keep_the_chain_rules_factor():
    document = json.loads(run("graph", "sin(x)", "--at", "x=90", "--degrees", "--json").output)
    assert document["mode"] == "degrees"
    assert document["gradient_exact"] == ["0"]
    scale = next(n for n in document["nodes"] if n["op"] == "÷")
    assert sympy.simplify(parse_expr(scale["exact"]) - sympy.pi / 2) == 0


def test_the_tour_ends_with_the_neuron_as_a_graph():
    out = run("tour").output
    section = out[out.index("9. Backpropagation"):]
    for expected in ["C = v₂² = 4", "∂C/∂w = ∂C/∂v₁ · ∂v₁/∂w = 4 · 1 = 4",
                     "∂C/∂b = ∂C/∂v₂ · ∂v₂/∂b = −4 · (−1) = 4",
                     "ŷ = σ(z) = σ(3) ≈ 0.952574",
                     "∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = −2(1 − σ(3)) · σ(3)(1 − σ(3)) = "
                     "−2σ(3)(1 − σ(3))² ≈ −0.00428509",
                     "σ'(3) = σ(3)(1 − σ(3)) ≈ 0.0451767"]:
        assert expected in section, expected
