"""The notes' notation: exact strings, and printed text that parses back to the same expression."""

import pytest
import sympy

from gradwise import parse, show


@pytest.mark.parametrize(("text", "shown"), [
    ("2*w - 2", "2w − 2"),
    ("x^2 + y^2", "x² + y²"),
    ("-x^2 y / 3", "−x²y/3"),
    ("exp(-x) + 3/x", "e^(−x) + 3/x"),
    ("sigmoid(z) (1 - sigmoid(z))", "(1 − σ(z))σ(z)"),
    ("x (1 - y)^2", "x(1 − y)²"),
    ("pi x", "π·x"),
    ("x^(1/3)", "x^(1/3)"),
    ("1/(2 sqrt(x))", "1/(2sqrt(x))"),
    ("x/(1 + y^2)", "x/(y² + 1)"),  # one pair of brackets, not x/((y² + 1))
    ("sin(x)/(x (x + 1))", "sin(x)/(x(x + 1))"),
    ("x1 x2", "x1·x2"),  # not the one name x1x2
    ("x1*(x2 + 1)", "x1·(x2 + 1)"),  # x1( would be a call of an unknown function x1
    ("w_1 (x + 1)", "w_1(x + 1)"),
])
def test_show(text, shown):
    assert show(parse(text).expr) == shown


ROUND_TRIP = ["2w − 2", "x² + y²", "−2x·z(1 − y)²", "σ(z)(1 − σ(z))", "e^(−x) + 3/x",
              "sin(x)cos(y) − x/(1 + y²)", "(x + 1)^(1/3)", "ln(x) + abs(y)", "−x^y + 2^x",
              "softplus(x) + relu(y)", "x·y·z + π·e", "(2.5 − x)²",
              "−400x1·(−x1² + x2) − 2(1 − x1)", "x1·x2 + 2x10²"]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_printed_text_parses_back(text):
    expr = parse(text).expr
    assert parse(show(expr)).expr == expr


def test_degrees_mode_shows_degrees():
    f = parse("sin(z)", degrees=True)
    assert str(f) == "f(z) = sin(z°)"


# Issue 12.9: printed products that read back as something else (a longer name, a call, an
# exponent, a distributed sum, a power of a power).
@pytest.mark.parametrize(("text", "shown"), [
    ("x1*y", "x1·y"),
    ("2 x1 y^2", "2x1·y²"),
    ("w_1 x", "w_1·x"),
    ("2^x*(x+1)", "2^x·(x + 1)"),
    ("e1 f1 g1 h1 w", "e1·f1·g1·h1·w"),
    ("2 e1", "2·e1"),
    ("yhat*(x + 1)", "yhat·(x + 1)"),
    ("(1/2)^x", "(1/2)^x"),
    ("0.5 (3 - x)^-1", "1/2/(3 − x)"),
    ("exp(sqrt(x))^y", "(e^(sqrt(x)))^y"),
    ("x^2 y", "x²y"),
])
def test_products_print_as_text_that_reads_back(text, shown):
    expr = parse(text).expr
    assert show(expr) == shown
    assert parse(shown).expr == expr


def test_the_gradient_of_x1_y_squared_reads_back():
    from gradwise import gradient

    assert str(gradient("x1*y^2")) == "∇f(x1, y) = y² î + 2x1·y ĵ"


@pytest.mark.parametrize("text", ["sin(2.25)", "cos(-30)", "acos(y) + tan(x/3)"])
def test_degrees_text_reads_back_in_either_mode(text):
    expr = parse(text, degrees=True).expr
    assert parse(show(expr, degrees=True)).expr == expr


# Issue 12.4: long numbers are abbreviated, never printed digit by digit (nor cut off wrong).
@pytest.mark.parametrize(("value", "text"), [
    (sympy.Integer(10) ** 308, "1e+308"),
    (-sympy.Integer(10) ** 308 - 1, "≈−1e+308"),
    (sympy.Rational(1, 2**200), "1/1606938044258990275541962092341162602522202993782792835301376"),
    (sympy.Float("1e3000", 50), "1e+3000"),
    (sympy.Float("-2.5e-3000", 50), "−2.5e−3000"),
])
def test_numbers_of_any_size_print_in_a_few_characters(value, text):
    from gradwise.language.numbers import number_text

    assert number_text(value) == text
    assert show(value) == text


def test_an_error_at_a_huge_point_names_it_briefly():
    from gradwise import gradient
    from gradwise.errors import DomainError

    with pytest.raises(DomainError, match=r"too large to represent at \(x=1e\+308\)$"):
        gradient("x^2").at("x=1e308")
