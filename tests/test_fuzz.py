"""Fuzzing that stays: the properties a bounded campaign checked, run on every commit.

Each property runs twice: a quick profile in the default suite (tens of examples, derandomized,
seconds), and a long one under ``pytest -m fuzz`` (thousands of examples, a fresh seed each run,
minutes; see CONTRIBUTING). Properties:

* ``parse`` accepts text or refuses it with gradwise's own error, within its limits;
* the printed form of an expression reads back as the same expression (radians and degrees);
* exact gradients match 60-digit central differences wherever f is differentiable;
* every CLI command on hostile arguments exits 0, 1 or 2 with no traceback and no hang.

The web's malformed-body list runs in ``test_web_hardening.py``; the long profile adds bodies
drawn at random here.
"""

from __future__ import annotations

import contextlib
import math

import mpmath
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import assume, given, reject
from hypothesis import strategies as st

from _fuzz import (
    CLI_REPRODUCTIONS,
    ENDPOINTS,
    cli_arguments,
    expressions,
    hostile_text,
    json_bodies,
    long,
    long_cli,
    quick,
    quick_cli,
    within,
)
from gradwise import GradwiseError, gradient, parse, show
from gradwise.cli import main
from gradwise.errors import DomainError
from gradwise.language.functions import absolute, relu, signum

# -- parse: its own errors only, within its limits -------------------------------------------

def check_parse(text: str) -> None:
    with within(20):  # generous: the limits make every refusal take milliseconds
        for degrees in (False, True):
            with contextlib.suppress(GradwiseError):
                parse(text, degrees=degrees)


@quick
@given(st.one_of(expressions(), hostile_text()))
def test_parse_accepts_or_refuses_with_its_own_error(text):
    check_parse(text)


@pytest.mark.fuzz
@long
@given(st.one_of(expressions(max_leaves=30), hostile_text()))
def test_parse_accepts_or_refuses_with_its_own_error_long(text):
    check_parse(text)


# -- printed text reads back -------------------------------------------------------------------

def check_round_trip(text: str, degrees: bool) -> None:
    try:
        expr = parse(text, degrees=degrees).expr
    except GradwiseError:
        reject()
    printed = show(expr, degrees=degrees)
    # both sides as SymPy evaluates them: −(1/2)^n reads back as itself, and evaluates to
    # −2^(−n) on each side alike
    assert canonical(parse(printed).expr) == canonical(expr), (text, printed)


def canonical(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` rebuilt node by node, as SymPy evaluates them: its exact trigonometric tables
    (tan 3° in degrees mode) hold products such as −1·(1/8)·√5 that no text builds."""
    return expr.func(*map(canonical, expr.args)) if expr.args else expr


@quick
@given(expressions(), st.booleans())
def test_printed_text_reads_back_as_the_same_expression(text, degrees):
    check_round_trip(text, degrees)


@pytest.mark.fuzz
@long
@given(expressions(max_leaves=30), st.booleans())
def test_printed_text_reads_back_as_the_same_expression_long(text, degrees):
    check_round_trip(text, degrees)


# -- exact gradients against central differences -----------------------------------------------

def check_gradient(text: str, numerators: list[int]) -> None:
    try:
        f = parse(text)
    except GradwiseError:
        reject()
    assume(1 <= len(f.variables) <= 3)
    point = {v: sympy.Rational(numerators[i], 7) + sympy.Rational(1, 13)
             for i, v in enumerate(f.variables)}
    kinks = f.expr.atoms(sympy.Abs, absolute, relu, signum, sympy.sign)
    assume(all(k.args[0].xreplace(point) != 0 for k in kinks))  # not differentiable there
    try:
        value = gradient(f).at(point)
    except DomainError:
        reject()  # undefined or not real at this point
    for i, v in enumerate(f.variables):
        exact = mpmath.mpmathify(str(sympy.N(value.exact[i], 50)))
        slope = _central_difference(f.expr, point, v)
        assume(slope is not None)
        with mpmath.workdps(50):
            assert abs(exact - slope) <= mpmath.mpf(10) ** -12 * (1 + abs(exact)), (text, v)


def _central_difference(expr, point, v):
    """(f(x + h) − f(x − h)) / 2h at 60 digits past f's own size: SymPy's evalf, not our
    printers (x + sinh(300) is 10¹³⁰: at 60 digits its two sides were equal)."""
    try:
        size = abs(complex(expr.evalf(15, subs=point)))
    except (TypeError, ValueError):
        return None
    if not 0 <= size < float("inf"):
        return None
    digits = 60 + max(0, int(math.log10(size)) if size else 0)
    # with h = 10⁻²⁰ and 10⁻²⁵, kept only where the two agree: the error h²f‴/6 is not
    # small where f varies on a scale of 10⁻¹³ (csc(x^n) at x^n ≈ 5·10¹¹: 10⁴ off)
    slopes = [_difference(expr, point, v, digits + extra, 20 + extra // 2)
              for extra in (0, 10)]
    if None in slopes or abs(slopes[0] - slopes[1]) > mpmath.mpf(10) ** -14 * (1 + abs(slopes[1])):
        return None
    return slopes[1]


def _difference(expr, point, v, digits, exponent):
    """(f(x + h) − f(x − h)) / 2h with h = 10^−exponent, at ``digits`` digits."""
    with mpmath.workdps(digits):
        sides = []
        for sign in (1, -1):
            moved = dict(point)
            moved[v] = point[v] + sign * sympy.Rational(1, 10**exponent)
            value = complex(expr.evalf(digits, subs=moved))
            if value.imag or value.real != value.real or abs(value.real) == float("inf"):
                return None
            sides.append(mpmath.mpmathify(str(expr.evalf(digits, subs=moved))))
        return (sides[0] - sides[1]) / (2 * mpmath.mpf(10) ** -exponent)


@quick
@given(expressions(max_leaves=8), st.lists(st.integers(-30, 30), min_size=3, max_size=3))
def test_exact_gradients_match_central_differences(text, numerators):
    check_gradient(text, numerators)


@pytest.mark.fuzz
@long
@given(expressions(max_leaves=16), st.lists(st.integers(-300, 300), min_size=3, max_size=3))
def test_exact_gradients_match_central_differences_long(text, numerators):
    check_gradient(text, numerators)


# -- the command line: 0, 1 or 2, one line, no traceback, no hang --------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Data and model files the CLI arguments name as {good}, {model}, {big}, {out}."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "good.csv").write_text("x,y\n1,2\n2,4\n3,6\n4,8\n")
    (folder / "big.csv").write_text("x,y\n1,1\n1e308,2\n-1e308,3\n")
    assert CliRunner().invoke(main, ["train", str(folder / "good.csv"), "--target", "y",
                                     "--save", str(folder / "model.json")]).exit_code == 0
    return {name: str(folder / f"{name}.{ext}") for name, ext in
            (("good", "csv"), ("big", "csv"), ("model", "json"), ("out", "png"))}


def run_cli(arguments: list[str], files: dict[str, str]):
    filled = [a.format(**files) if "{" in a and "}" in a and a.count("{") == 1 else a
              for a in arguments]
    with within(120):
        result = CliRunner().invoke(main, filled)
    assert result.exit_code in (0, 1, 2), (arguments, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        (arguments, repr(result.exception))
    assert "Traceback" not in result.output, arguments
    verdict = arguments[0] == "check" and result.exit_code == 1  # "your ∇f is wrong"
    if result.exit_code and not verdict:  # gradwise's one red line, or Click's usage error
        assert result.output.startswith("error: ") or "\nError: " in result.output, \
            (arguments, result.output[:300])
    return result


@pytest.mark.parametrize(("arguments", "code", "fragment"), CLI_REPRODUCTIONS,
                         ids=[" ".join(a)[:60] for a, _, _ in CLI_REPRODUCTIONS])
def test_every_reproduction_of_issue_12_answers_in_one_line(files, arguments, code, fragment):
    result = run_cli(arguments, files)
    assert result.exit_code == code, (arguments, result.output[-1000:])
    assert fragment in result.output, (arguments, result.output[-1000:])
    assert "RuntimeWarning" not in result.output


@quick_cli
@given(cli_arguments())
def test_every_command_on_hostile_arguments_exits_0_1_or_2(files, arguments):
    run_cli(arguments, files)


@pytest.mark.fuzz
@long_cli
@given(cli_arguments())
def test_every_command_on_hostile_arguments_exits_0_1_or_2_long(files, arguments):
    run_cli(arguments, files)


# -- the web, long profile: bodies drawn at random, never a 500 --------------------------------

@pytest.mark.fuzz
@long_cli
@given(st.sampled_from(ENDPOINTS), json_bodies())
def test_random_bodies_never_get_a_500(client, endpoint, body):
    response = client.post(f"/api/{endpoint}", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 413, 422, 503), response.text[:300]
    if response.status_code != 200:
        assert isinstance(response.json()["error"], str)
