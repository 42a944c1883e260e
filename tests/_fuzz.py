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
    "quick", max_examples=60, derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile(
    "long", max_examples=2_000, derandomize=False, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

quick = settings.get_profile("quick")
long = settings.get_profile("long")
quick_cli = settings(quick, max_examples=25)  # each example runs a whole command
long_cli = settings(long, max_examples=400)

NAMES = ("x", "y", "z", "w", "b", "w_1", "x1", "yhat", "η", "θ")
CONSTANTS = ("pi", "π", "e")
NUMBERS = ("0", "1", "2", "3", "10", "0.5", "2.25", ".5", "1e-3", "3e2", "7")
POSTFIX = ("²", "³", "⁻¹", "°", " deg")
PRODUCTS = ("*", "/", "×", "·", "÷", "⋅")
SUMS = ("+", "-", "−")
POWERS = ("^", "**")

def _atoms(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(names), st.sampled_from(CONSTANTS), st.sampled_from(NUMBERS))


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


def expressions(max_leaves: int = 12, names: tuple[str, ...] = NAMES) -> st.SearchStrategy[str]:
    """Text in gradwise's math language, written from its grammar (most of it parses)."""
    return st.recursive(_atoms(names), _extend, max_leaves=max_leaves)


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


# -- the command line: the reproductions, and hostile arguments -------------------------

CLI_REPRODUCTIONS: list[tuple[list[str], int, str]] = [
    (["critical", "abs(x)"], 0, "minimum"),
    (["critical", "relu(x) + y^2", "--budget", "2"], 0, "critical point"),
    (["descend", "relu(w)", "--start", "w=0"], 0, "converged"),
    (["descend", "x^2 + relu(x)", "--start", "x=1"], 0, "reached: a minimum"),
    (["descend", "abs(log(w))", "--start", "w=3"], 0,
     "stopped after the 1,000 steps allowed (--steps)"),
    (["descend", "abs(sqrt(w) - 2)", "--start", "w=3"], 0, "steps"),
    (["lr", "abs(x/y)", "--start", "x=1,y=1"], 0, "stable for 0 < η"),
    (["hessian", "abs(log(x))", "--at", "x=2"], 0, "Hf(2) = [ −1/4 ]"),
    (["grad", "(x^1000)^1000", "--at", "x=1.0000001"], 2, "exponent 1000000 is too large"),
    (["grad", "x^y", "--at", "x=0.0837,y=0.30000000000000004"], 0, "≈ 1.703î − 1.17858ĵ"),
    (["grad", "x sin(e^(e^(e^3)))", "--at", "x=1"], 2, "too large; at most 1000 is allowed\n"),
    (["grad", "x^1000", "--at", "x=1.0000001"], 0, "to 50 digits"),
    (["grad", "x^1000", "--at", "x=1.0000001", "--json"], 0, '"approximate": ['),
    (["hessian", "x^1000", "--at", "x=1.0000001"], 0, "≈ [ 999100 ]"),
    (["hessian", "x^1000", "--at", "x=1.0000001", "--json"], 0, '"approximate": ['),
    (["grad", "y^z", "--at", "y=0.0837,z=-2.4863"], 0, "≈ −14166.3î − 1182.96ĵ"),
    (["grad", "x e^(e^(e^(e^10)))", "--at", "x=1"], 2, "too large; at most 1000 is allowed\n"),
    (["descend", "x^2 + e^(e^(e^(e^10)))", "--start", "x=1"], 2,
     "too large; at most 1000 is allowed\n"),
    *[(["descend", "x^(pi/4)", "--start", "x=0.1", "--lr", "1", *extra], 0, "stopped")
      for extra in (["--method", "momentum"], ["--method", "adam"], ["--line-search"],
                    ["--schedule", "exponential:0.9"], [])],
    (["grad", "1/x(y+1)"], 0, "f(x, y) = (y + 1)/x"),
    (["grad", "e^x(1+y)"], 0, "f(x, y) = (y + 1)e^x"),
    (["grad", "x1*y^2"], 0, "∇f(x1, y) = y² î + 2x1·y ĵ"),
    (["grad", "w_1 x"], 0, "f(w_1, x) = w_1·x"),
    (["plot", "x^2", "-o", "{out}", "--within", "x=-1e308:1e308"], 2, "reaches past ±1e300"),
    (["critical", "x^2 + y*log(10^20)"], 0, "∇f = 0 has no real solution"),
    (["grad", "log(x, 0)"], 2, "base must be a positive number other than 1"),
    (["critical", "cos(z)", "--within", "z=-1e308:1e308"], 2, "reaches past ±1e300"),
    (["train", "{big}", "--target", "y"], 2, "expected a number within ±1e+150"),
    (["grad", "x^2 + y", "--wrt", "x,x", "--at", "x=1,y=2"], 2, "'x' is named twice"),
    (["train", "{good}", "--target", "y", "--lr", "1e308"], 0, "stopped (not a finite number)"),
    (["train", "/dev/null", "--target", "y"], 2, "not a regular file"),
    (["predict", "/dev/null", "{good}"], 2, "not a regular file"),
]
"""Issue 12's reproductions through the CLI: (arguments, exit code, a fragment of the output).
``{good}``, ``{big}``, ``{model}`` and ``{out}`` name files the test makes."""

HOSTILE_VALUES = ("1e308", "-1e308", "1e-308", "0", "-0", "0.30000000000000004", "1" * 90,
                  "nan", "inf", "pi/0", "9^9^9", "e^(e^(e^3))", "180°", "", "x", "1/3", "-1",
                  "2^-1074", "10^300", "√2", "1,2", "=", "1e999")
HOSTILE_EXPRESSIONS = ("abs(x)", "relu(x)", "x^(pi/4)", "abs(log(x))", "x^1000", "1/x", "log(x)",
                       "x^x", "sqrt(x) - 1", "e^(e^x)", "log(x, 0)", "sin(1/x)", "x^y",
                       "--at", "-x^2", "(x", "x)", "σ(x)σ(-x)", "x1(x)", "1/x(x+1)")


def _one_variable() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_EXPRESSIONS), expressions(6, names=("x",)))


def cli_arguments() -> st.SearchStrategy[list[str]]:
    """A command line of some gradwise command with hostile expressions and values."""
    e, v = _one_variable(), st.sampled_from(HOSTILE_VALUES)
    method = st.sampled_from(("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"))
    return st.one_of(
        st.builds(lambda f, a, j: ["grad", f, "--at", f"x={a}", *j], e, v,
                  st.sampled_from(([], ["--json"], ["--degrees"], ["--steps"]))),
        st.builds(lambda f, a: ["graph", f, "--at", f"x={a}"], e, v),
        st.builds(lambda f, answer: ["check", f, "--answer", answer], e, e),
        st.builds(lambda f, a: ["hessian", f, "--at", f"x={a}"], e, v),
        st.builds(lambda f, a, eta, m: ["descend", f, "--start", f"x={a}", "--lr", eta,
                                        "--method", m, "--steps", "50"], e, v, v, method),
        st.builds(lambda f, a: ["lr", f, "--start", f"x={a}", "--sweep", "0.1:2:5",
                                "--steps", "50"], e, v),
        st.builds(lambda f, lo, hi: ["critical", f, "--within", f"x={lo}:{hi}", "--budget",
                                     "1"], e, v, v),
        st.builds(lambda f, lo, hi: ["plot", f, "-o", "{out}", "--within", f"x={lo}:{hi}"],
                  e, v, v),
        st.builds(lambda eta, n: ["train", "{good}", "--target", "y", "--lr", eta, "--epochs",
                                  n], v, st.sampled_from(("0", "1", "20", "-1", "1e9"))),
        st.builds(lambda path: ["predict", "{model}", path],
                  st.sampled_from(("{good}", "{big}", "/dev/null", "{model}", "/nonexistent"))),
    )


# -- the web, at random -------------------------------------------------------------------------

def json_bodies() -> st.SearchStrategy[bytes]:
    """Request bodies: objects of the API's fields with hostile values, and broken JSON."""
    import json

    from gradwise.web.schema import FIELDS

    scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                        st.sampled_from(HOSTILE_VALUES + HOSTILE_EXPRESSIONS))
    values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.text(max_size=4), c, max_size=3), max_leaves=8)
    fields = st.dictionaries(st.sampled_from((*FIELDS, "__proto__")), values, max_size=6)
    usual = st.builds(lambda f, a, extra: {"expr": f, "at": f"x={a}", "start": f"x={a}",
                                           **extra}, _one_variable(),
                      st.sampled_from(HOSTILE_VALUES), fields)
    objects = st.one_of(fields, usual).map(lambda d: json.dumps(d).encode())
    return st.one_of(objects, st.sampled_from(tuple(MALFORMED_BODIES.values())),
                     st.binary(max_size=64))
