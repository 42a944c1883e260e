"""Formulas as typed, derived results in a conventional order (issue 13.4).

The function is printed in the order it was typed (SymPy's own order turned
``f(z, w, b) = z*w + b`` into ``b + w·z`` and the notes' cost into ``(−b − w + 1)²``); what
gradwise derives is printed by descending degree, constants last, opening with a positive term
where there is one; a fraction before a unit vector is bracketed and a component 1 is not
written (``(6/25)î``, ``k̂``, never ``6/25î`` or ``1k̂``).
"""

import pickle

import pytest
from click.testing import CliRunner

from gradwise import parse, show
from gradwise.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("text", "shown"), [
    ("f(z, w, b) = z*w + b", "f(z, w, b) = z·w + b"),
    ("f(w, b) = (1 - (w + b))^2", "f(w, b) = (1 − w − b)²"),
    ("(x^2+y-11)^2+(x+y^2-7)^2", "f(x, y) = (x² + y − 11)² + (x + y² − 7)²"),
    ("(y - sigmoid(w x + b))^2", "f(b, w, x, y) = (y − σ(w·x + b))²"),
    ("3 + x", "f(x) = 3 + x"),
    ("1/x(y+1)", "f(x, y) = (y + 1)/x"),  # the 1 of 1/x is not the 1 of y + 1
    ("x + 2 + x - y", "f(x, y) = 2x + 2 − y"),  # like terms combined: after the typed ones
    ("sigmoid(z) (1 - sigmoid(z))", "f(z) = σ(z)(1 − σ(z))"),
])
def test_the_function_is_printed_as_typed(text, shown):
    assert str(parse(text)) == shown


def test_the_typed_order_survives_constants_and_copies():
    f = parse("(y - (w x + b))^2", wrt="w,b", constants="x=1,y=1")
    assert str(f) == "f(w, b) = (1 − w − b)²"
    assert str(pickle.loads(pickle.dumps(f))) == str(f)
    g = pickle.loads(pickle.dumps(parse("f(z, w, b) = z*w + b"))).substitute("b=2")
    assert str(g) == "f(z, w) = z·w + 2"


def test_the_printed_function_reads_back_as_itself():
    for text in ["f(z, w, b) = z*w + b", "(x^2+y-11)^2+(x+y^2-7)^2", "1 - (w + b)",
                 "x (1 - y)^2 - 3x y + 2", "sin(w x + b) / (1 + x)"]:
        f = parse(text)
        assert parse(show(f.expr, typed=f.typed)).expr == f.expr


def test_derived_results_descend_in_degree_with_constants_last():
    out = run("grad", "(x^2+y-11)^2+(x+y^2-7)^2")
    assert "∇f(x, y) = (4x(x² + y − 11) + 2y² + 2x − 14) î + (4y(y² + x − 7) + 2x² + 2y − 22) ĵ" \
        in out
    assert show(parse("1 - w").expr) == "1 − w"  # a positive term opens the sum
    assert show(parse("x + x^3 - 5 + x^2").expr) == "x³ + x² + x − 5"


def test_fractions_before_a_unit_vector_are_bracketed():
    out = run("grad", "log(x^2+y^2)", "--at", "x=3,y=4")
    assert "∇f(3, 4) = (6/25)î + (8/25)ĵ" in out
    assert "6/25î" not in out.replace("(6/25)î", "")


def test_a_component_one_is_the_unit_vector_alone():
    out = run("grad", "x + y - z", "--at", "x=1,y=1,z=1")
    assert "∇f(x, y, z) = î + ĵ − k̂" in out and "1î" not in out and "1k̂" not in out
    assert "∇f(z, w, b) = w î + z ĵ + k̂" in run("grad", "f(z, w, b) = z*w + b")
