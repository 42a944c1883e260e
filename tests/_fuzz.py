"""What the fuzz tests generate: text from the grammar, hostile text, and the two profiles.

``expressions()`` writes text in gradwise's math language from its grammar (every function and
operator, implicit multiplication, unicode operators, superscripts and degrees), so most of it
parses; ``hostile_text()`` mixes that with arbitrary characters, fragments of the grammar and
oversized numbers, so it mostly does not. The quick profile runs in the default suite (seconds,
derandomized, so CI is stable); the long one under ``pytest -m fuzz`` (minutes).
"""

from __future__ import annotations

import contextlib
import os
import signal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from gradwise.language._builder import FUNCTION_NAMES

LONG = os.environ.get("GRADWISE_FUZZ") == "long"

settings.register_profile(
    "quick", max_examples=60, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile(
    "long", max_examples=2_000, derandomize=False, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

quick = settings.get_profile("quick")
long = settings.get_profile("long")

NAMES = ("x", "y", "z", "w", "b", "w_1", "x1", "yhat", "η", "θ")
CONSTANTS = ("pi", "π", "e")
NUMBERS = ("0", "1", "2", "3", "10", "0.5", "2.25", ".5", "1e-3", "3e2", "7")
POSTFIX = ("²", "³", "⁻¹", "°", " deg")
PRODUCTS = ("*", "/", "×", "·", "÷", "⋅")
SUMS = ("+", "-", "−")
POWERS = ("^", "**")

_names = st.sampled_from(NAMES)
_atoms = st.one_of(_names, st.sampled_from(CONSTANTS), st.sampled_from(NUMBERS))


def _call(arguments):
    def build(name, args):
        if name == "log" and len(args) == 2:
            return f"log({args[0]}, {args[1]})"
        return f"{name}({args[0]})"

    return st.builds(build, st.sampled_from(FUNCTION_NAMES), st.lists(arguments, min_size=1,
                                                                      max_size=2))


def _implicit(left: str, right: str) -> str:
    # juxtaposition is a product only before a name or a bracket; "2 3" is not one
    starts = right[:1]
    return f"{left} {right}" if starts.isalpha() or starts == "(" else f"{left}*{right}"


def _extend(children):
    small = st.sampled_from(("2", "3", "-1", "1/2", "n", "x", "(y - 1)", "-2"))
    return st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", children, st.sampled_from(SUMS), children),
        st.builds(lambda a, op, b: f"{a}{op}{b}", children, st.sampled_from(PRODUCTS), children),
        st.builds(_implicit, children, children),
        st.builds(lambda a: f"({a})", children),
        st.builds(lambda a: f"-{a}", children),
        st.builds(lambda a, op, p: f"({a}){op}{p}", children, st.sampled_from(POWERS), small),
        st.builds(lambda a, p: f"({a}){p}", children, st.sampled_from(POSTFIX)),
        _call(children),
    )


def expressions(max_leaves: int = 12) -> st.SearchStrategy[str]:
    """Text in gradwise's math language, written from its grammar (most of it parses)."""
    return st.recursive(_atoms, _extend, max_leaves=max_leaves)


def _mutated(text: str, position: int, insert: str) -> str:
    at = position % (len(text) + 1)
    return text[:at] + insert + text[at:]


def hostile_text() -> st.SearchStrategy[str]:
    """Text a hostile or careless user might type: the grammar, broken and oversized."""
    fragments = st.sampled_from(("(", ")", "^", "**", "9^9^9", "e^(e^(e^(e^10)))", "1" * 400,
                                 "1e308", "1e-400", "x" * 60, "°", "⁻", ".", "..", ",", "=",
                                 "f(x) =", "__", "'", "\\", "\x00", "\u202e", "|", "!"))
    return st.one_of(
        st.text(max_size=60),
        st.builds(_mutated, expressions(), st.integers(0, 200), fragments),
        st.builds(lambda a, b: a + b, fragments, expressions()),
        st.lists(fragments, max_size=8).map("".join),
    )


# -- the web: bodies no endpoint may answer with anything but a JSON 4xx ----------------------

ENDPOINTS = ("gradient", "hessian", "surface", "descend", "lr", "critical", "train")

MALFORMED_BODIES: dict[str, bytes] = {
    "arrays nested 20,000 deep": b"[" * 20_000 + b"]" * 20_000,
    "objects nested 5,000 deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "an integer of 5,000 digits": b'{"expr": "x^2", "at": ' + b"7" * 5_000 + b"}",
    "NaN": b'{"expr": "x^2", "learning_rate": NaN, "start": "x=1"}',
    "Infinity": b'{"expr": "x^2", "box": [-Infinity, Infinity], "start": "x=1"}',
    "1e999": b'{"expr": "x^2", "budget": 1e999, "start": "x=1"}',
    "not UTF-8": b'{"expr": "\xff\xfe"}',
    "empty": b"",
    "truncated": b'{"expr": "x^2"',
    "a list": b'["x^2"]',
    "a string": b'"x^2"',
    "null": b"null",
    "a number": b"12",
    "expr a number": b'{"expr": 12}',
    "expr an object": b'{"expr": {"__class__": 1}}',
    "expr null": b'{"expr": null}',
    "unknown field": b'{"expr": "x^2", "__proto__": {}}',
    "a lone surrogate": b'{"expr": "x\\ud800"}',
}
"""Bodies malformed for every endpoint: not JSON, not an object, or without a usable ``expr``."""

FIELD_ATTACKS: dict[str, dict[str, object]] = {
    "surface": {"expr": "x^2 + y^2", "box": [-1e308, 1e308, 0, 1]},
    "surface 400-digit bound": {"expr": "x^2 + y^2", "box": [0, 10**400, 0, 1]},
    "surface empty box": {"expr": "x^2", "box": [1, 0]},
    "surface huge resolution": {"expr": "x^2", "resolution": 10**400},
    "gradient duplicate wrt": {"expr": "x^2 + y", "wrt": "x,x", "at": "x=1,y=2"},
    "gradient nested power": {"expr": "x sin(e^(e^(e^3)))", "at": "x=1"},
    "hessian nested power": {"expr": "(x^1000)^1000", "at": "x=1.0000001"},
    "critical huge box": {"expr": "cos(z)", "within": "z=-1e308:1e308"},
    "critical negative budget": {"expr": "x^2", "budget": -1},
    "descend huge steps": {"expr": "x^2", "start": "x=1", "steps": 10**400},
    "descend nan start": {"expr": "x^2", "start": "x=nan"},
    "lr empty sweep": {"expr": "x^2", "start": "x=1", "sweep": "1:0:0"},
    "train no rows": {"csv": "x,y\n", "target": "y"},
    "train lr 10^400": {"csv": "x,y\n1,1\n2,2\n", "target": "y", "learning_rate": 10**400},
}
"""Field values each endpoint must refuse with a JSON 4xx (``name`` starts with the endpoint)."""


# -- a guard against hangs: a test fails after its budget instead of waiting forever -----------

@contextlib.contextmanager
def within(seconds: float):
    """Raise TimeoutError in the block after ``seconds`` (main thread; SIGALRM interrupts
    Python code and blocking system calls such as opening a pipe, not one C computation)."""
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds:g} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
