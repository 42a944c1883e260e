"""Huge numbers abbreviated in every message that names a point (issue 13, smaller items).

``grad x --at x=1e308`` printed a 309-digit integer, and an error at ``--start x=1e200``
printed 201 digits (twice); the printer abbreviates them (``1e+308``), and every message that
names a point prints it through the printer.
"""

from click.testing import CliRunner

from gradwise.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_grad_at_1e308_prints_the_point_abbreviated():
    result = run("grad", "x", "--at", "x=1e308")
    assert result.exit_code == 0 and "∇f(1e+308) = î" in result.output
    assert "0" * 50 not in result.output


def test_an_error_at_a_huge_start_names_it_abbreviated():
    result = run("descend", "x^2", "--start", "x=1e200")
    assert result.exit_code != 0
    assert result.output.count("x=1e+200") == 2 and "0" * 50 not in result.output


def test_an_error_at_a_huge_point_names_it_abbreviated():
    result = run("grad", "log(x)", "--at", "x=-1e200")
    assert result.exit_code != 0
    assert "x=−1e+200" in result.output and "0" * 50 not in result.output


def test_the_graph_names_a_huge_point_abbreviated():
    result = run("graph", "x y", "--at", "x=1e200,y=2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "f(x, y) = x·y  at x = 1e+200, y = 2"
