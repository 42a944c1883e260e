"""Hostile input: every item must raise ParseError, run nothing, and never hang.

This is the one list of hostile inputs; the web playground's tests and
``benchmarks/bench_hostile.py`` (which times the refusals: goal ≤ 50 ms each) reuse it.
"""

import builtins
import time

import pytest
import sympy.parsing.sympy_parser as sympy_parser

from gradwise import InputError, ParseError, parse
from gradwise.calculus.check import check  # imported here: the fixture forbids exec

HOSTILE = {
    "dunder attribute": "().__class__.__bases__[0].__subclasses__()",
    "attribute access": "x.real",
    "import": "__import__('os').system('touch /tmp/gradwise-pwned')",
    "builtins": "__builtins__",
    "lambda": "lambda x: x",
    "lambda word": "lambda",
    "comprehension": "[x for x in range(10**9)]",
    "generator": "sum(x for x in range(10))",
    "statement": "import os",
    "assignment": "x = 1",
    "semicolon": "x; y",
    "exec": "exec('1')",
    "eval": "eval('1')",
    "string": "'abc'",
    "huge power": "9^9^9",
    "huge power stars": "9**9**9**9",
    "power of a number": "2^100000",
    "exponent tower": "x^(10^10)",
    "factorial": "99999!",
    "factorial call": "factorial(10^6)",
    "gamma": "gamma(10^6)",
    "deep nesting": "(" * 10_000 + "x" + ")" * 10_000,
    "deep signs": "-" * 10_000 + "x",
    "deep power": "x" + "^x" * 5_000,
    "deep calls": "sin(" * 500 + "x" + ")" * 500,
    "megabyte": "x+" * 500_000 + "x",
    "many digits": "1" * 5_000,
    "huge exponent literal": "1e999999",
    "nul byte": "x\x00+1",
    "zero width": "x\u200b+1",
    "right-to-left override": "x\u202e+1",
    "fullwidth": "ｘ+1",
    "emoji": "x + 🙂",
    "control": "x\x1b[31m",
    "zoo": "zoo",
    "oo": "oo + 1",
    "nan": "nan",
    "infinity": "inf",
    "NaN": "NaN*x",
    "keyword": "x if y else z",
    "format": "f'{x}'",
    "dict": "{1: 2}",
    "backslash": "x \\ y",
    "empty": "",
    "blank": "   ",
}


@pytest.fixture
def nothing_runs(monkeypatch, tmp_path):
    """Fail the test if the parser ever hands text to eval, exec or SymPy's parser."""

    def refuse(*args, **kwargs):
        raise AssertionError("user text reached eval/exec/parse_expr")

    parse("x")  # build the parser tables first: that is our own grammar, not user text
    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)


HANG = 2.0
"""Seconds no refusal may take: a guard against hangs (the speed is benchmarked)."""


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_refused_without_hanging(text, nothing_runs):
    start = time.perf_counter()
    with pytest.raises(ParseError):
        parse(text)
    assert time.perf_counter() - start < HANG


@pytest.fixture
def checked_once():
    """Run a check before nothing_runs: SymPy imports some modules on first use (exec)."""
    check("x^2 + y^2", "2x î + 2y ĵ")
    check("x^2 + y^2", "x=2x, y=2y")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_answer_is_refused_without_hanging(text, checked_once, nothing_runs):
    """An answer to check is user text too: alone, as a unit vector's coefficient, or named."""
    answers = [text, f"x={text}, y=2y", [f"x={text}", "y=2y"]]
    if text.strip():  # "î + 2y ĵ" is a fine answer: a bare unit vector has coefficient 1
        answers.append(f"{text} î + 2y ĵ")
    for answer in answers:
        start = time.perf_counter()
        with pytest.raises((ParseError, InputError)):
            check("x^2 + y^2", answer)
        assert time.perf_counter() - start < HANG, repr(answer)[:60]


def test_nothing_was_executed():
    import os

    assert not os.path.exists("/tmp/gradwise-pwned")


def test_non_text_is_refused():
    with pytest.raises(ParseError, match="as text"):
        parse(b"x^2")  # type: ignore[arg-type]
