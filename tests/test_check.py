"""Check my answer: right answers in every form, each planted slip named, bad answers refused."""

import time

import pytest
import sympy

from gradwise import InputError, ParseError, gradient, parse
from gradwise.calculus.check import check

X, Y = sympy.symbols("x y", real=True)


@pytest.mark.parametrize("answer", [
    "2x, 2y", "2x î + 2y ĵ", "2x i\u0302 + 2y j\u0302", "∇f(x, y) = 2x î + 2y ĵ", "(2x, 2y)",
    "x=2x, y=2y", "y = 2y, x = 2x", ["x=2x", "y=2y"], ["2x", "2y"], {"x": "2x", "y": "2*y"},
    "∂f/∂x = 2x, ∂f/∂y = 2y", "2·x î + (y + y) ĵ",
])
def test_the_notes_answer_is_right_in_every_form(answer):
    result = check("x^2 + y^2", answer)
    assert result.correct
    assert [c.method for c in result.components] == ["exact", "exact"]
    assert [c.counterexample for c in result.components] == [None, None]


def test_equal_forms_are_proved_exactly_where_sympy_can():
    assert check("tan(x)", "sec(x)^2").correct
    assert check("sigmoid(x)", "exp(-x)/(1 + exp(-x))^2").correct
    assert check("(1 - w)^2", "2w - 2").components[0].method == "exact"


def test_where_sympy_cannot_decide_the_check_is_numerical_and_says_so():
    result = check("abs(x)", "x/abs(x)")  # sign(x), as SymPy writes it
    assert result.correct and result.components[0].method == "numerical"


def test_a_wrong_component_has_a_counterexample_with_both_values():
    result = check("x^2 + y^2", "2x, 2y^2")
    right, wrong = result.components
    assert not result.correct and right.correct and not wrong.correct
    point = wrong.counterexample.point
    assert wrong.counterexample.expected == 2 * point[Y]
    assert wrong.counterexample.answer == 2 * point[Y] ** 2
    assert wrong.counterexample.expected != wrong.counterexample.answer
    assert all(v.is_Rational and abs(v) <= 4 for v in point.values())  # a point to redo by hand


# -- each kind of slip, planted, gives its hint --------------------------------------------

SLIPS = [
    # (function, degrees, wrong answer, the words the hint must contain)
    ("sin(x^2)", False, "cos(x^2)", "chain rule's inner factor is missing"),
    ("(y - sigmoid(w x + b))^2", False,
     "w=-2(y - σ(w x + b))σ(w x + b)(1 - σ(w x + b)), x=-2(y - σ(w x + b))σ(w x + b)"
     "(1 - σ(w x + b)) w, b=-2(y - σ(w x + b))σ(w x + b)(1 - σ(w x + b)), y=2(y - σ(w x + b))",
     "take v = w·x + b, then multiply by ∂v/∂w = x"),
    ("cos(x)", False, "sin(x)", "a sign error in ∂/∂x (cos(x)): ∂/∂x cos(x) = −sin(x)"),
    ("x^2 - y^2", False, "2x, 2y", "sign error in ∂/∂y (x² − y²)"),
    ("x^2 + y^2", False, "2x + 2y, 2y", "y was differentiated as if it changed with x"),
    ("x y", False, "y + x, x", "treat y as a constant"),
    ("x^2 + y^2", False, "2x + y^2, 2y", "y² does not contain x"),
    ("x^3", False, "3x^3", "lowers the exponent by one"),
    ("sqrt(x)", False, "1/2 sqrt(x)", "lowers the exponent by one"),
    ("sin(z)", True, "cos(z)", "degrees factor π/180 is missing"),
    ("x sin(x)", False, "cos(x)", "not the product of the derivatives"),
    ("(x^2 + 1)/(x - 1)", False, "2x", "not the quotient of the derivatives"),
]


@pytest.mark.parametrize(("text", "degrees", "answer", "words"), SLIPS,
                         ids=[f"{s[0]} | {s[3]}" for s in SLIPS])
def test_each_planted_slip_gives_its_hint(text, degrees, answer, words):
    result = check(text, answer, degrees=degrees)
    wrong = [c for c in result.components if not c.correct]
    assert wrong, "the planted slip was taken for a right answer"
    assert words in wrong[0].hint


def test_a_missing_unit_vector_reads_as_zero_and_says_so():
    result = check("x^2 + y^2", "2x î")
    assert result.components[0].correct
    assert "no ĵ term" in result.components[1].hint


def test_an_unrecognised_mistake_has_no_hint_but_a_counterexample():
    c = check("x^2", "17").components[0]
    assert not c.correct and c.hint is None and c.counterexample is not None


def test_constants_are_fixed_in_the_function_and_the_answer():
    assert check("x^2 y", "2x y", wrt="x", constants="y=3").correct
    assert check("x^2 y", "6x", wrt="x", constants="y=3").correct
    assert not check("x^2 y", "2x", wrt="x", constants={"y": 3}).correct


# -- bad answers: clear errors -------------------------------------------------------------


@pytest.mark.parametrize(("answer", "words"), [
    ("2x", "the answer has 1 component; expected 2 components, one per variable of ∇f (x, y). "
     "Fix: give one per variable, e.g. 'x=..., y=...'"),
    ("2x, 2y, 0", "the answer has 3 components; expected 2 components"),
    ("x=2x, z=2", "names 'z', which is not a variable of f; expected one of its variables: "
     "x, y; received 'z'"),
    ("x=2x", "no component for y; expected 2 components"),
    ("x=2x, x=2x", "twice"),
    ("x=2x, 2y", "mixes named components"),
    ("2x k̂", "k̂ is component 3; expected 2 components"),
    ("2x î + 2y", "after the last unit vector has no unit; received '+ 2y'"),
    ("2x î + 1 î", "two î terms"),
    ("2x, 2q", "uses 'q', which is not a name of f"),
])
def test_a_malformed_answer_says_what_is_expected(answer, words):
    with pytest.raises(InputError) as error:
        check("x^2 + y^2", answer)
    assert words in str(error.value)


def test_a_parse_error_in_the_answer_points_at_its_column_in_the_whole_answer():
    with pytest.raises(ParseError) as error:
        check("x^2 + y^2", "2x, 2y^")
    assert error.value.column == 8 and error.value.text == "2x, 2y^"
    assert "answer for ∂f/∂y" in error.value.reason
    with pytest.raises(ParseError):
        check("x^2 +", "2x")


def test_more_than_three_variables_cannot_use_unit_vectors():
    with pytest.raises(InputError, match="î, ĵ, k̂ name only 3 components"):
        check("a + b + c + d", "1 î + 1 ĵ + 1 k̂")
    assert check("a + b + c + d", "1, 1, 1, 1").correct


def test_a_ten_component_check_agrees_with_gradient():
    text = " + ".join(f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 10))
    answer = ", ".join(str(c) for c in gradient(text).components)
    result = check(text, answer)
    assert result.correct and len(result.components) == 10


def test_a_huge_answer_does_not_hang():
    start = time.perf_counter()
    result = check("(x + 1)^999", "999 (x + 1)^998")
    assert result.correct  # too big to expand: compared at 50 digits, which is honest
    assert time.perf_counter() - start < 30  # a generous guard against a hang


def test_the_answer_is_read_by_parse_only():
    with pytest.raises(ParseError):
        check("x", "__import__('os')")
    f = parse("x")
    assert check(f, "1").correct


def test_many_wrong_components_do_not_hang():
    text = " + ".join(f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 20))
    from gradwise.language.notation import show

    wrong = ", ".join(show(c) + " + 1" for c in gradient(text).components)
    start = time.perf_counter()
    result = check(text, wrong)
    assert not any(c.correct for c in result.components)
    assert time.perf_counter() - start < 60  # a generous guard: the hint search is bounded
