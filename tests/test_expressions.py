"""The math language: what parses to what, and the errors for what does not."""

import pytest
import sympy

from gradwise import Limits, ParseError, parse
from gradwise.errors import InputError
from gradwise.language.expressions import exact_number, parse_assignments, parse_value

x, y, z, w, b = sympy.symbols("x y z w b", real=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("x^2 + y^2", x**2 + y**2),
    ("x**2 + y**2", x**2 + y**2),
    ("2^3^2", sympy.Integer(512)),          # right-associative: 2^(3^2)
    ("x^-2", x**-2),
    ("-x^2", -(x**2)),
    ("2x", 2 * x),
    ("2 x", 2 * x),
    ("w x", w * x),
    ("3(x+1)", 3 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2x^2 y", 2 * x**2 * y),
    ("1/2x", x / 2),                         # implicit product binds like *, left to right
    ("x -y", x - y),
    ("x(1 - y)^2", x * (1 - y) ** 2),        # the power belongs to the bracket
    ("2 × 3 · x − 1", 6 * x - 1),
    ("x² + y³", x**2 + y**3),
    ("x⁻¹", 1 / x),
    ("0.1", sympy.Rational(1, 10)),
    ("1e-3", sympy.Rational(1, 1000)),
    ("2πx", 2 * sympy.pi * x),
    ("e^x", sympy.exp(x)),
    ("pi + π", 2 * sympy.pi),
    ("log(x, 2)", sympy.log(x) / sympy.log(2)),
    ("ln(x) + log(x)", 2 * sympy.log(x)),
    ("log10(x)", sympy.log(x) / sympy.log(10)),
    ("sigmoid(z) + σ(z)", 2 * sympy.Function("sigmoid")(z)),
])
def test_parses_to(text, expected):
    got = parse(text).expr
    if text.startswith("sigmoid"):
        assert sympy.srepr(got).count("sigmoid") == 1 and got.args[0] == 2
    else:
        assert sympy.simplify(got - expected) == 0, (text, got)


# Issue 12.7: one rule for numbers and names. A variable or constant before a bracket is an
# implicit factor, exactly as a number is; the README's table, case by case.
@pytest.mark.parametrize(("text", "same_as"), [
    ("1/x(y+1)", "(y+1)/x"),
    ("1/2(y+1)", "(y+1)/2"),
    ("e^x(1+y)", "e^x * (1+y)"),
    ("e^2(1+y)", "e^2 * (1+y)"),
    ("x^n(y+1)", "x^n * (y+1)"),
    ("x^2(y+1)", "x^2 * (y+1)"),
    ("x(1 - y)^2", "x * (1-y)^2"),
    ("2(1 - y)^2", "2 * (1-y)^2"),
    ("2^x(x+1)", "2^x * (x+1)"),
    ("w_1(x+1)", "w_1 * (x+1)"),
    ("e(x+1)", "e * (x+1)"),
    ("-x(y+1)", "-x * (y+1)"),
    ("x(y)(z)", "x*y*z"),
    ("f(ab, c) = ab(c+1)", "f(ab, c) = ab * (c+1)"),
])
def test_a_name_before_a_bracket_multiplies_as_a_number_does(text, same_as):
    assert parse(text).expr == parse(same_as).expr


@pytest.mark.parametrize("text", ["x1(y)", "yhat(x + 1)"])
def test_a_longer_unknown_name_before_a_bracket_is_an_unknown_function(text):
    with pytest.raises(ParseError, match="unknown function .*Fix|For multiplication write"):
        parse(text)


def test_greek_and_subscripted_names():
    f = parse("η ω + φ θ + w_1 + x1 + yhat")
    assert f.names == ("η", "ω", "φ", "θ", "w_1", "x1", "yhat")


def test_variables_in_order_of_first_appearance():
    assert parse("z*w + b").names == ("z", "w", "b")
    assert parse("y + x").names == ("y", "x")


def test_signature_fixes_variables_and_order():
    f = parse("f(z, w, b) = b + w*z")
    assert f.names == ("z", "w", "b")
    assert f.name == "f"
    g = parse("C(w, b) = (y - σ(w x + b))^2")
    assert g.names == ("w", "b")
    assert [s.name for s in g.parameters] == ["y", "x"]


def test_signature_may_name_an_unused_variable():
    assert parse("f(x, y) = x^2").names == ("x", "y")


def test_degrees_written_in_the_text():
    assert parse("sin(180°)").expr == 0
    assert parse("cos(180 deg)").expr == -1
    assert parse("cos(60°)").expr == sympy.Rational(1, 2)


def test_degrees_mode_reads_trig_arguments_in_degrees():
    assert parse("sin(90)", degrees=True).expr == 1
    assert parse("cos(180)", degrees=True).expr == -1
    assert parse("asin(1)", degrees=True).expr == 90
    assert parse("sin(90°)", degrees=True).expr == 1  # ° is the unit itself in degrees mode
    assert parse("sin(90)").expr == sympy.sin(90)


def test_wrt_keeps_other_names_constant():
    f = parse("(y - sigmoid(w x + b))^2", wrt="w,b")
    assert f.names == ("w", "b")
    assert {s.name for s in f.parameters} == {"y", "x"}


def test_constants_are_substituted_exactly():
    f = parse("(y - w x - b)^2", constants="y=1, b=0")
    assert f.expr == (1 - w * sympy.Symbol("x", real=True)) ** 2
    assert f.names == ("w", "x")


def test_substitute_refuses_unknown_names():
    with pytest.raises(InputError, match="'q'"):
        parse("x^2").substitute({"q": 1})


@pytest.mark.parametrize("wrt", ["x,x", ["y", "x", "y"]])
def test_wrt_refuses_a_name_given_twice(wrt):  # issue 12.11: ∇f(x, x) was shown
    from gradwise import gradient

    with pytest.raises(InputError, match="named twice"):
        parse("x^2 + y", wrt=wrt)
    with pytest.raises(InputError, match="named twice"):
        gradient("x^2 + y", wrt=wrt)


def test_wrt_refuses_unknown_names():
    with pytest.raises(InputError, match="'q'"):
        parse("x^2").with_variables("q")


def test_assignments_and_values():
    point = parse_assignments("x=2, y=-1.5, z=pi/2, w=180°")
    assert point == {"x": 2, "y": sympy.Rational(-3, 2), "z": sympy.pi / 2, "w": sympy.pi}
    assert parse_value("log(x, 2)".replace("x", "8")) == 3
    with pytest.raises(ParseError, match="expected a number"):
        parse_value("x + 1")
    with pytest.raises(ParseError, match="name=value"):
        parse_assignments("x2")
    with pytest.raises(ParseError, match="twice"):
        parse_assignments("x=1,x=2")


def test_exact_number_keeps_what_was_written():
    assert exact_number(0.1) == sympy.Rational(1, 10)
    assert exact_number(3) == 3
    with pytest.raises(InputError, match="finite"):
        exact_number(float("nan"))
    with pytest.raises(InputError):
        exact_number(True)


@pytest.mark.parametrize(("text", "column", "pattern"), [
    ("sinn(x)", 1, "did you mean 'sin'"),
    ("x + coss(x)", 5, "did you mean 'cos'"),
    ("2 3", 3, "unexpected '3'"),
    ("x +", 4, "ends too early"),
    ("(x + 1", 7, "ends too early"),
    ("x)", 2, "unexpected '\\)'"),
    ("x $ y", 3, "unexpected character"),
    ("sin x", 1, "is a function. Fix: write it with brackets"),
    ("1/0", 3, "division by zero"),
    ("0^-1", 3, "division by zero"),
    ("log(0)", 1, "undefined"),
    ("x!", 2, "factorials are not supported"),
    ("|x|", 1, "abs"),
    ("f(x) = y = 2", 10, "unexpected"),
    ("log(x, 2, 3)", 1, "takes 1 or 2"),
    ("sin(x, y)", 1, "takes 1"),
    ("log(x, 0)", 1, "base must be a positive number other than 1; received '0'"),  # 12.10
    ("x + log(x, 1)", 5, "base must be a positive number"),
    ("log(x, -2)", 1, "base must be a positive number"),
])
def test_errors_point_at_the_column(text, column, pattern):
    with pytest.raises(ParseError, match=pattern) as info:
        parse(text)
    assert info.value.column == column
    assert info.value.text == text
    lines = str(info.value).splitlines()
    assert lines[1].strip() == text.strip() and lines[2].index("^") == column + 1


def test_parse_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse("sinn(x)")


def test_limits_are_configurable():
    with pytest.raises(ParseError, match="max_length"):
        parse("x + x", limits=Limits(max_length=3))
    with pytest.raises(ParseError, match="max_depth"):
        parse("((x))", limits=Limits(max_depth=1))
    with pytest.raises(ParseError, match="max_nodes"):
        parse("x + y + z", limits=Limits(max_nodes=3))
    with pytest.raises(ParseError, match="digits"):
        parse("123456", limits=Limits(max_digits=5))
    with pytest.raises(ParseError, match="too large"):
        parse("x^11", limits=Limits(max_exponent=10))
    assert parse("x^10", limits=Limits(max_exponent=10)).expr == x**10


def test_long_sums_are_not_nesting():
    text = " + ".join(f"x{i}^2" for i in range(2000))
    f = parse(text)
    assert len(f.variables) == 2000


def test_reserved_names_cannot_be_variables():
    with pytest.raises(ParseError, match="reserved"):
        parse("f(e) = e")
    with pytest.raises(ParseError, match="built-in function"):
        parse("sin(x) = x")
    with pytest.raises(ParseError, match="named twice"):
        parse("f(x, x) = x")


# Issue 12.3 and 12.5: powers SymPy would combine or nest past the limit hung or overflowed.
@pytest.mark.parametrize(("text", "pattern"), [
    ("(x^1000)^1000", "exponent 1000000 is too large"),
    ("x^600 x^600", "exponent 1200 is too large"),
    ("x sin(e^(e^(e^3)))", "exponent ≈ 5.28e\\+08 is too large"),
    ("x e^(e^(e^(e^10)))", "exponent ≈ 2.2e\\+04 is too large"),
    ("x^2 + e^(e^(e^(e^10)))", "Limits.max_exponent"),
    ("exp(90000)", "exponent 90000 is too large"),
    ("x^(e^7)", "exponent ≈ 1.1e\\+03"),
    ("10^(e^8)", "about 2.98e\\+03 digits"),
])
def test_nested_and_combined_powers_count_against_the_limits(text, pattern):
    with pytest.raises(ParseError, match=pattern):
        parse(text)


def test_powers_within_the_limits_still_parse():
    assert parse("e^(e^3)").expr == sympy.exp(sympy.exp(3))
    assert parse("(x^10)^100").expr == x**1000
    assert parse("exp(1000)").expr == parse("e^1000").expr


@pytest.mark.parametrize("text", ["ln(-pi)", "sqrt(-1)", "log2(-e)", "(-1)^(1/2)"])
def test_constants_that_are_not_real_are_refused(text):
    with pytest.raises(ParseError, match="not a real number"):
        parse(text)
