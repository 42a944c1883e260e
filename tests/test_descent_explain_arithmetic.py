"""The printed arithmetic of an explained step adds up (issue 13.2).

An independent check reads each printed equation back: every chain ``a = b = c`` whose
neighbouring sides are both plain arithmetic (numbers, + − × · / √ ²) is worked out exactly
by gradwise's own parser from the text as printed, and must round to the printed right side
at the number of digits printed there. ≈ marks an equation that is not claimed exactly.
"""

import re

import pytest

from gradwise import maximize, minimize, parse
from gradwise.descent.explain import explain_step
from gradwise.descent.optimizers import METHODS

NUMERIC = re.compile(r"^[\d\s.e+−()×·/√²]+$")


def value(text):
    """The exact value of printed arithmetic, read by gradwise's parser."""
    text = re.sub(r"√(\d[\d.e−]*|\([^()]*\))", r"sqrt(\1)", text)
    return parse(text.replace("−", "-")).expr


def digits(text):
    mantissa = text.replace("−", "").split("e")[0].replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


def agrees(left, right):
    """Whether the printed right side is the left side's value at the right side's digits."""
    if "/" in right:  # an exact fraction
        return value(left) == value(right)
    exact = float(value(left).evalf(40))
    shown = float(right.replace("−", "-"))
    return f"{exact:.{digits(right)}g}" == f"{shown:.{digits(right)}g}" or exact == shown


def claims(line):
    """Every (left, right) pair of neighbouring plain-arithmetic sides joined by '='."""
    for part in line.split(";  "):
        sides = part.split(" = ")
        for left, right in zip(sides, sides[1:]):
            if "≈" in right:
                continue
            if NUMERIC.match(left) and NUMERIC.match(right) and re.search(r"[+−×·/√²]", left):
                yield left, right


def runs():
    for method in METHODS:
        for function, start in [("C(w) = (1 - w)^2", {"w": 3.0}), ("x^2 + 3y^2",
                                                                    {"x": 2.0, "y": 1.0})]:
            eta = 0.1 if method != "adagrad" else 0.5
            steps = 100 if method == "gd" else 40  # gd reaches its last, closest steps
            yield f"{method} {function}", minimize(function, start, learning_rate=eta,
                                                   method=method, max_steps=steps)
    yield "ascent", maximize("-(x - 1)^2", {"x": 3.0}, learning_rate=0.1, max_steps=100)


@pytest.mark.parametrize("name, run", list(runs()), ids=lambda x: x if isinstance(x, str)
                         else "")
def test_every_printed_equation_of_every_step_adds_up(name, run):
    checked = 0
    for k in range(run.trace.n_steps):
        for line in explain_step(run, k).splitlines():
            for left, right in claims(line):
                assert agrees(left, right), f"step {k + 1}: {left} = {right}\n{line}"
                checked += 1
    assert checked >= 2 * run.trace.n_steps  # the check read the steps' arithmetic


@pytest.mark.parametrize("function, start", [("(1 - w)^2", {"w": 3.0}),
                                             ("x^2 + 3y^2", {"x": 2.0, "y": 1.0})])
def test_plain_descent_needs_no_approximate_sign(function, start):
    run = minimize(function, start, learning_rate=0.1)
    assert run.status == "converged"
    assert not any("≈" in explain_step(run, k) for k in range(run.trace.n_steps))


def test_the_issue_step_88_prints_the_digits_its_arithmetic_needs():
    run = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1)
    line = explain_step(run, 87)
    w = float(run.trace.coordinates[0][87])
    assert line.startswith(f"∂f/∂w({w:.14g}) = 2·{w:.14g} − 2 = 1.48214e−08;")
    assert "≈" not in line
    # the notes' first steps keep their short numbers
    assert explain_step(run, 0) == ("∂f/∂w(3) = 2·3 − 2 = 4;  Δw = −η·∂f/∂w = −0.1 × 4 = "
                                    "−0.4;  w = 3 + (−0.4) = 2.6")
