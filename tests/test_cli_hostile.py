"""No command prints a Python traceback, for any input (issue 13).

Every subcommand runs with hostile arguments: each of ``test_hostile.HOSTILE`` (and a few
more) as its expression or file, and a list of hostile values in each of its options, one at
a time on an otherwise good call. Each must end with exit code 0, 1 or 2 and no uncaught
exception: Click's runner keeps an exception that would have been a traceback in
``result.exception``, so this catches every one, printed or not.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gradwise.cli import COMMANDS, main
from test_hostile import HOSTILE

TEXTS = [*HOSTILE.values(), "x=1", "1e308 x", "x^-1", "1/x", "-", "--", "-x", "--x",
         "f(x)=", "f(x, x) = x", "sin", "x,y", "∇f", "x^1e308", "exp(exp(exp(x)))",
         "log(x, 1)", "abs(x)/x", "0", "relu(relu(x))", "sqrt(-x)", "x " * 3000]
"""Expressions and file names: the hostile list, and cases of the command line's own."""

VALUES = ["", " ", ",", "=", "x=", "=1", "x==1", "x=1,x=2", "x=nan", "x=inf", "x=1e999",
          "x=1e308", "x=10^400", "x=abc", "x=(", "q=1", "x=1;y=2", "x=-", "🙂", "x\x00=1",
          "x=" + "9" * 5000, "a" * 5000, "x=1:2", "x=2:1", "x=-inf:inf", "x=1:1", "0", "-1",
          "1e-400", "1e400", "nan", "inf", "-inf", "abc", "1,2,3", "1:2:3", "step:0:0",
          "exponential:2", "0.1:0:5", "1:2:999999999", "x", "x,x", "z=1", "/", ".",
          "/proc/self/mem", "no/such/folder/file.png", "-.png", "a.gif", "a.mp4", "a.html",
          "a.dot", "a.csv", "π", "180°", "x=180deg", "2^9^9", "x=(" * 200]
"""Option values: empty, malformed, non-finite, huge, unknown names, paths."""

BASES = {
    "grad": (["x^2 + y^2", "--steps"], ["--wrt", "--const", "--at", "--along", "--plot"]),
    "hessian": (["x^2 + y^2"], ["--wrt", "--const", "--at"]),
    "check": (["x^2 + y^2", "--answer", "2x, 2y"], ["--answer", "--wrt", "--const"]),
    "graph": (["x^2 + y", "--at", "x=1,y=2"],
              ["--at", "--wrt", "--const", "--name", "--explain", "--highlight", "--plot"]),
    "critical": (["x^2 - 2x", "--budget", "1"],
                 ["--wrt", "--const", "--within", "--budget", "--plot"]),
    "plot": (["x^2", "-o", "{tmp}/p.png"],
             ["--output", "--within", "--at", "--arrows", "--wrt", "--const"]),
    "descend": (["(1 - w)^2", "--start", "w=3", "--steps", "20"],
                ["--start", "--wrt", "--const", "--lr", "--steps", "--tol", "--method",
                 "--schedule", "--csv", "--plot"]),
    "lr": (["(1 - w)^2", "--start", "w=3", "--steps", "20"],
           ["--start", "--wrt", "--const", "--sweep", "--steps", "--tol", "--plot"]),
    "train": (["{tmp}/data.csv", "--target", "y", "--epochs", "3"],
              ["--target", "--features", "--activation", "--cost", "--lr", "--epochs",
               "--batch-size", "--method", "--tol", "--seed", "--start", "--engine",
               "--chunk-rows", "--save", "--plot"]),
    "predict": (["{tmp}/model.json", "{tmp}/data.csv"], ["--out"]),
    "serve": ([], ["--port", "--workers", "--timeout"]),
}
"""Per command: a good call, and the options whose values are varied. ``serve`` is given
only values it must refuse before it listens (a good one would serve forever)."""

SERVE_VALUES = ["", "abc", "-1", "nan", "inf", "1e400", "99999999", "0.0"]


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Hostile option values name files too (`--save x=inf`): they are written here, not in
    the checkout the suite runs from."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "data.csv").write_text("x,y\n1,1\n2,3\n3,5\n")
    assert CliRunner().invoke(main, ["train", str(tmp / "data.csv"), "--target", "y",
                                     "--epochs", "2", "--save", str(tmp / "model.json")]
                              ).exit_code == 0
    return tmp


def problem(args) -> str | None:
    """What went wrong with one call (an uncaught exception, a strange exit code), or None."""
    result = CliRunner().invoke(main, args)
    shown = " ".join(repr(a[:40]) for a in args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{shown}: {result.exception!r}"
    if result.exit_code not in (0, 1, 2) or "Traceback" in result.output:
        return f"{shown}: exit {result.exit_code}, {result.output[-200:]!r}"
    return None


def assert_clean(calls):
    found = [p for p in map(problem, calls) if p is not None]
    assert not found, "\n".join(found)


def test_every_command_is_here():
    assert set(BASES) | {"tour"} == set(COMMANDS)


@pytest.mark.parametrize("command", ["grad", "hessian", "check", "graph",
                                     pytest.param("critical", marks=pytest.mark.slow),
                                     pytest.param("plot", marks=pytest.mark.slow),
                                     "descend", "lr", "train", "predict"])
def test_hostile_expressions_and_files(command, folder):
    base, _ = BASES[command]
    assert_clean([[command, *(text if i == 0 else a.format(tmp=folder)
                              for i, a in enumerate(base))] for text in TEXTS])


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(BASES))
def test_hostile_option_values(command, folder):
    base, options = BASES[command]
    values = SERVE_VALUES if command == "serve" else VALUES
    assert_clean([[command, *(a.format(tmp=folder) for a in base), option, value]
                  for option in options for value in values])


def test_tour_and_help_everywhere():
    assert_clean([["tour"], ["--help"], ["--version"], *([name, "--help"] for name in COMMANDS)])
