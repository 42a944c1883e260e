"""Derivation steps: every step checked against sympy.diff, every rule and function covered."""

import random
import time

import pytest
import sympy

import gradwise
from gradwise import InputError, ParseError, gradient, parse, steps
from gradwise.calculus.rules import RULES
from gradwise.calculus.step import recombine
from gradwise.language._builder import FUNCTION_NAMES

# (text, degrees): together they use every rule, function and operator of the language
BATTERY = [
    ("x^2 + y^2", False), ("x**3 - 2x y + y^4", False), ("sin(x) cos(y)", False),
    ("tan(x/3) + sec(y/3)", False), ("csc(x + 2) + cot(y + 2)", False),
    ("asin(x/2) + acos(y/2)", False), ("atan(x y)", False),
    ("arcsin(x/3) + arccos(y/3) + arctan(x - y)", False),
    ("sinh(x) + cosh(y) + tanh(x y)", False), ("exp(x) e^y", False),
    ("log(x + 3) + ln(y + 3)", False), ("log10(x + 4) + log2(y + 4)", False),
    ("log(x + 3, y + 4)", False), ("sqrt(x^2 + y^2 + 1)", False),
    ("abs(x - 7) + abs(y + 7)", False), ("sigmoid(w x + b)", False),
    ("σ(2z)(1 - σ(z))", False), ("relu(x + 5) + relu(y - 5)", False), ("softplus(x y)", False),
    ("(y - sigmoid(w x + b))^2", False), ("x / (1 + y^2)", False),
    ("(x + 1)(y - 1)(x - y)", False), ("2^x + (x + 3)^y", False), ("x² y³ − 3·x × y", False),
    ("-x^-2 + +y", False), ("sin(30°) x + cos(x deg)", False),
    ("100(y - x^2)^2 + (1 - x)^2", False), ("(x + 2y - 7)^2 + (2x + y - 5)^2", False),
    ("(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2", False), ("pi x + e y", False),
    ("exp(-(x^2 + y^2)/2) sin(3x)", False), ("x y z + z^2 / (1 + x^2)", False),
    ("f(a, b, c, d) = a b + c d + a^2 d", False), ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", False),
    ("x^x", False), ("x^y", False), ("(x^2 + 1)^x", False), ("sqrt(x) + x^(1/3) + 1/x^2", False),
    ("1/sqrt(1 + x^2)", False), ("sin(z)", True), ("cos(2z + 30)", True),
    ("tan(z) sin(w)", True), ("asin(x)", True), ("f(x) = a x^2 + b x + c", False),
    ("exp(sin(x^2))", False), ("ln(cosh(x))", False), ("x sin(x) cos(x)", False),
    ("(x^2 + 1)/(x - 1)", False), ("sin(x)/x", False), ("e^(x y)", False), ("3^(x^2)", False),
    ("x e^x", False), ("abs(x)", False), ("relu(x)", False), ("softplus(x)", False),
    ("sigmoid(x)", False), ("tanh(w x + b)", False), ("log(x) log(y)", False),
    ("(1 - w)^2", False), ("sin(z)", False), ("x^2", False), ("-(x - y)^3", False),
    ("sqrt(abs(x) + 1)", False), ("cot(x)^2 + csc(x)^2", False), ("atan(1/x)", False),
    ("w x + b", False), ("f(x) = 7", False), ("1/(x (x + 1))", False), ("x/y - y/x", False),
    ("2^x · 3^y", False), ("sec(x)^3 / 3", False), ("x^2 + y^2 + z^2 + w^2 + v^2", False),
]


def _values_agree(a, b, symbols, seed):
    """a and b agree at three random points (30 digits) where both are defined and real."""
    rng = random.Random(seed)
    checked = 0
    for _ in range(30):
        point = {s: sympy.Rational(rng.randint(-3000, 3000), 997) for s in symbols}
        x, y = (sympy.N(e.xreplace(point), 30) for e in (a, b))
        if not (x.is_real and y.is_real and x.is_finite and y.is_finite):
            continue
        assert abs(x - y) <= 1e-20 * max(1, abs(x)), (a, b, point)
        checked += 1
        if checked == 3:
            return
    raise AssertionError(f"no point to compare {a} and {b}")


def equal(a, b, symbols, seed=""):
    """Exactly equal, or equal at random points (an independent oracle: evaluation)."""
    if a == b or sympy.expand(a - b) == 0:
        return True
    _values_agree(a, b, symbols, seed)
    return True


@pytest.mark.parametrize(("text", "degrees"), BATTERY, ids=[t for t, _ in BATTERY])
def test_every_step_is_sympy_diff_of_its_expression(text, degrees):
    f = parse(text, degrees=degrees)
    s = steps(f)
    g = gradient(f)
    for root, component in zip(s.derivations, g.components, strict=True):
        assert root.variable in f.variables
        assert root.result == component  # exactly the gradient's component, as ∇f shows it
        assembled = root.substeps[0].result if root.rule == "simplify" else root.result
        assert equal(assembled, component, f.symbols, text)
        for step in root.walk():
            assert step.rule in RULES and step.why
            symbols = sorted(step.expression.free_symbols | {step.variable}, key=str)
            expected = sympy.diff(step.expression, step.variable)
            assert equal(step.result, expected, symbols, f"{text}|{step.rule}"), step
            if step.rule != "simplify":  # the rule's formula made it, from the sub-steps
                assert step.result == recombine(step, [sub.result for sub in step.substeps])


def test_battery_covers_every_rule_function_and_operator():
    seen = {step.rule for text, degrees in BATTERY
            for root in steps(parse(text, degrees=degrees)).derivations for step in root.walk()}
    assert seen == set(RULES)
    assert len(BATTERY) >= 60
    text = " ".join(t for t, _ in BATTERY)
    for name in FUNCTION_NAMES:
        assert f"{name}(" in text, name
    for operator in ["^", "**", "²", "³", "−", "·", "×", "/", "°", "deg", "pi", " e ", "f("]:
        assert operator in text, operator


def test_no_step_falls_back_to_sympy():
    """A function without a rule is refused with a message, never derived by 'SymPy says'."""
    x = sympy.Symbol("x", real=True)
    with pytest.raises(InputError, match="no differentiation rule for erf; expected a function"):
        steps(sympy.erf(x))


# -- how the rules read: as the student wrote it ------------------------------------------


def rules(step):
    return [s.rule for s in step.walk()]


def assembled(root):
    """The tree under a final simplify step (the rules' own result)."""
    return root.substeps[0] if root.rule == "simplify" else root


def test_the_notes_sum_treats_y_as_a_constant():
    root = steps("x^2 + y^2")["x"]
    assert root.rule == "sum" and root.result == 2 * sympy.Symbol("x", real=True)
    power, constant = root.substeps
    assert power.rule == "power" and power.why == "power rule: ∂/∂x xⁿ = n·xⁿ⁻¹ with n = 2"
    assert constant.rule == "treat as constant"
    assert "treat y as a constant" in constant.why


def test_other_variable_and_parameter_are_named_as_such():
    s = steps("f(x) = a x^2 + y")  # one variable; a and y are parameters
    whys = [step.why for step in s["x"].walk()]
    assert any("a is a parameter" in w or "treat a as a constant" in w for w in whys)
    assert "y is a parameter: treat y as a constant, so ∂/∂x y = 0" in whys
    assert "y is another variable" in steps("x + y")["x"].substeps[1].why


def test_a_difference_is_a_difference_and_a_quotient_a_quotient():
    assert steps("x - y")["x"].rule == "difference"
    root = steps("x / (1 + y^2)")["y"]  # x·(1 + y²)⁻¹ to SymPy; a quotient as written
    assert rules(root)[:2] == ["constant multiple", "quotient"]
    assert assembled(steps("sin(x)/x")["x"]).rule == "quotient"
    assert assembled(steps("(x^2 + 1)/(x - 1)")["x"]).rule == "quotient"
    assert steps("1/x^2")["x"].rule == "power"  # a power of the variable: n = −2
    assert "n = −2" in steps("1/x^2")["x"].why


def test_power_in_every_form():
    assert "square root" in steps("sqrt(x)")["x"].why
    assert "n = 1/3" in steps("x^(1/3)")["x"].why
    chain = steps("sqrt(x^2 + 1)")["x"]
    assert chain.rule == "chain" and chain.substeps[0].rule == "power"


def test_chain_rule_names_its_inner_function():
    root = steps("sigmoid(w x + b)")["w"]
    assert root.rule == "chain"
    assert root.why.startswith("chain rule with u = ")
    outer, inner = root.substeps
    assert outer.variable.name == "u" and outer.rule == "sigmoid"
    assert "σ' = σ(1 − σ)" in outer.why
    assert inner.expression == parse("w x + b").expr
    nested = steps("exp(sin(x^2))")["x"]
    assert [c.substeps[0].variable.name for c in nested.walk() if c.rule == "chain"] == ["u", "v"]


def test_inner_function_name_avoids_the_functions_names():
    root = steps("u sin(u^2)")["u"]
    chain = next(s for s in root.walk() if s.rule == "chain")
    assert chain.substeps[0].variable.name not in ("u",)


def test_degrees_factor_is_a_chain_step():
    root = steps(parse("sin(z)", degrees=True))["z"]
    assert rules(root) == ["chain", "trigonometric", "degrees", "variable"]
    z = sympy.Symbol("z", real=True)
    assert root.substeps[1].result == sympy.pi / 180
    assert root.result == sympy.pi * sympy.cos(sympy.pi * z / 180) / 180
    assert "degrees" in rules(steps("cos(x deg)")["x"])


def test_abs_says_where_it_is_undefined():
    leaf = steps("abs(x)")["x"]
    assert leaf.rule == "absolute value" and "undefined where x = 0" in leaf.why


def test_logarithm_to_any_base():
    root = steps("log10(x + 4)")["x"]
    assert root.rule == "logarithm" and "base 10" in root.why
    assert steps("log(x, 2)")["x"].rule == "logarithm"


def test_simplify_step_only_when_the_form_differs():
    assert steps("x^2 + y^2")["x"].rule != "simplify"
    root = steps("1/(x (x + 1))")["x"]
    assert root.rule == "simplify" and root.result == gradient("1/(x (x + 1))").components[0]


def test_many_constant_terms_are_one_step():
    root = steps("x^2 + y^2 + z^2 + w^2 + v^2")["x"]
    assert [s.rule for s in root.substeps] == ["power", "treat as constant"]
    assert "treat" in root.substeps[1].why and root.substeps[1].expression.is_Add


def test_gradient_method_and_public_function_agree():
    g = gradient("x^2 y")
    assert g.steps().derivations == steps("x^2 y").derivations
    assert "steps" in gradwise.__all__ and "Steps" in gradwise.__all__
    assert steps("x^2 + y^2", wrt="y").function.names == ("y",)
    with pytest.raises(KeyError, match="'q' is not a variable"):
        g.steps()["q"]


def test_at_a_point_gives_the_notes_values():
    value = steps("x^2 + y^2").at({"x": 2, "y": 2})
    assert value.exact == (4, 4)


# -- limits: the same as parse's, and never a hang ----------------------------------------


def test_over_the_limits_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(ParseError):
        steps("x+" * 500_000 + "x")
    assert time.perf_counter() - start < 5  # a generous guard against a hang


def test_deepest_nesting_allowed_derives():
    text = "sin(" * 90 + "x" + ")" * 90
    root = steps(text)["x"]
    assert len([s for s in root.walk() if s.rule == "chain"]) == 89


def test_rosenbrock_in_100_variables_finishes():
    text = " + ".join(f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 100))
    start = time.perf_counter()
    s = steps(text)
    assert len(s.derivations) == 100
    assert time.perf_counter() - start < 60  # a guard against a hang; speed is benchmarked



def test_a_sum_is_split_in_the_order_it_is_printed():
    # the printer writes w·x + b (descending degree): the sum rule takes its terms in that
    # order, not SymPy's b + w·x (the neuron's ∂z/∂w read "∂/∂w (b) + ∂/∂w (w·x)")
    from gradwise.language.notation import show

    derivation = gradient("w x + b", wrt="w").steps()
    root = derivation["w"]
    assert show(root.expression) == "w·x + b"
    assert [show(s.expression) for s in root.substeps] == ["w·x", "b"]
    assert "∂/∂w (w·x + b) = ∂/∂w (w·x) + ∂/∂w (b) = x + 0 = x" in str(derivation)
