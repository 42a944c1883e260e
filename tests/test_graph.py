"""The computation graph: the notes' neuron by hand, every operation against the exact gradient
and finite differences, every intermediate adjoint against SymPy, and bad input."""

import random

import pytest
import sympy

import gradwise
from gradwise import DomainError, InputError, ParseError, gradient, graph, parse, value_at
from gradwise.calculus._graph_ops import operation_of
from gradwise.language import _builder
from test_calculus import BATTERY, _central_difference

SIGMA_3 = 1 / (1 + sympy.exp(-3))
NEURON = "C(w, b) = (y - sigmoid(w x + b))^2"
NOTES_POINT = "x=1, y=1, b=0, w=3"


def ops(g):
    return [n.op for n in g.nodes]


# -- the notes' neuron, by hand --------------------------------------------------------------

def test_identity_neuron_gives_the_notes_numbers():
    # the notes: φ(z) = z, y = 1, x = 1, b = 0, w = 3: C = (1 − 3)² = 4 and ∂C/∂w = 4
    g = graph("C(w, b) = (y - (w x + b))^2", at=NOTES_POINT)
    assert g.output.value == 4 and g.output.name == "C"
    assert g.gradient == (4, 4) and g.gradient_values == (4.0, 4.0)
    assert g.chain_rule("w") == "∂C/∂w = ∂C/∂v₁ · ∂v₁/∂w = 4 · 1 = 4"


def test_sigmoid_neuron_the_issue_line_word_for_word():
    g = graph(NEURON, at=NOTES_POINT, names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    assert g.chain_rule("z") == ("∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = −2(1 − σ(3)) · σ(3)(1 − σ(3)) "
                                 "= −2σ(3)(1 − σ(3))² ≈ −0.00428509")
    y_hat = g.node("ŷ")
    # σ'(3) = σ(3)(1 − σ(3)) ≈ 0.045: where the gradient vanishes
    (local,) = y_hat.local_derivatives
    assert float(local) == pytest.approx(float(SIGMA_3 * (1 - SIGMA_3)), rel=1e-15)
    assert round(float(local), 3) == 0.045
    assert g.output.float_value == pytest.approx(float((1 - SIGMA_3) ** 2), rel=1e-15)
    assert g.gradient_values == pytest.approx(gradient(NEURON, "w,b").at(NOTES_POINT).values,
                                              rel=1e-15)


def test_the_neuron_table_in_forward_order():
    g = graph(NEURON, at=NOTES_POINT, names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    assert str(g).splitlines() == [
        "#  node        op         value                     local derivatives       ∂C/∂node",
        "0  w           variable   3                                                 "
        "−2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "1  b           variable   0                                                 "
        "−2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "2  y           parameter  1                                                 —",
        "3  x           parameter  1                                                 —",
        "4  v₁ = w·x    ×          3                         ∂v₁/∂w = 1              "
        "−2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "5  z = v₁ + b  +          3                         ∂z/∂v₁ = 1, ∂z/∂b = 1   "
        "−2σ(3)(1 − σ(3))² ≈ −0.00428509",
        "6  ŷ = σ(z)    σ          σ(3) ≈ 0.952574           ∂ŷ/∂z = σ(3)(1 − σ(3))  "
        "−2(1 − σ(3)) ≈ −0.0948517",
        "7  v₂ = y − ŷ  −          1 − σ(3) ≈ 0.0474259      ∂v₂/∂ŷ = −1             "
        "2(1 − σ(3)) ≈ 0.0948517",
        "8  2           constant   2                                                 —",
        "9  C = v₂²     ^          (1 − σ(3))² ≈ 0.00224921  ∂C/∂v₂ = 2(1 − σ(3))    1",
    ]


def test_forward_order_is_topological_and_the_output_is_last():
    g = graph("sin(x y) + x^2 / (1 + y^2)", at="x=1, y=2")
    for node in g.nodes:
        assert all(i < node.id for i in node.inputs)
        assert node.id == g.nodes.index(node)
    assert g.output is g.nodes[-1] and g.output.name == "f"


# -- how SymPy's forms are shown ----------------------------------------------------------

@pytest.mark.parametrize(("text", "op", "definition", "locals_"), [
    ("x - y", "−", "f = x − y", (1, -1)),
    ("1 - w", "−", "f = 1 − w", (None, -1)),
    ("-x - y", "−", "f = −x − y", (-1, -1)),
    ("-x", "−", "f = −x", (-1,)),
    ("x / y", "÷", "f = x/y", (sympy.Rational(1, 3), sympy.Rational(-2, 9))),
    ("x / 2", "÷", "f = x/2", (sympy.Rational(1, 2), None)),
    ("x^-2", "÷", "f = 1/v₁", (None, sympy.Rational(-1, 16))),
    ("log10(x)", "÷", "f = v₁/ln(10)", (1 / sympy.log(10), None)),
    ("sqrt(x)", "sqrt", "f = sqrt(x)", (sympy.sqrt(2) / 4,)),
    ("x^y", "^", "f = x^y", (12, 8 * sympy.log(2))),
    ("w x + b", "+", "f = v₁ + b", (1, 1)),
    ("3 w x", "×", "f = 3w·x", (None, 6, 6)),
    ("exp(x)", "exp", "f = e^x", (sympy.exp(2),)),
    ("sigmoid(x)", "σ", "f = σ(x)", (sympy.exp(-2) / (1 + sympy.exp(-2)) ** 2,)),
])
def test_subtraction_and_division_read_as_written(text, op, definition, locals_):
    values = {"x": 2, "y": 3, "w": 2, "b": 1}
    g = graph(text, at={s.name: values[s.name] for s in parse(text).symbols})
    out = g.output
    assert (out.op, g.definition(out)) == (op, definition)
    for local, expected in zip(out.local_derivatives, locals_, strict=True):
        assert (local is None) == (expected is None)
        if expected is not None:
            assert abs((local - expected).evalf(40)) < 1e-35, (local, expected)


def test_shared_subexpressions_appear_once_and_constants_where_used():
    g = graph("sin(x)^2 + sin(x) + x^2", at="x=1")
    sines = [n for n in g.nodes if n.op == "sin"]
    assert len(sines) == 1 and len(g.parents(sines[0])) == 2
    assert len([n for n in g.nodes if n.op == "variable"]) == 1
    twos = [n for n in g.nodes if n.op == "constant" and n.value == 2]
    assert len(twos) == 2 and all(len(g.parents(t)) == 1 for t in twos)  # one per use


def test_a_variable_that_does_not_occur_has_gradient_zero():
    g = graph("f(x, y) = x^2", at="x=1, y=3")
    assert g.gradient == (2, 0) and g.node("y").adjoint == 0 and not g.parents("y")


def test_parameters_get_no_adjoint_and_the_path_of_a_variable():
    g = graph(NEURON, at=NOTES_POINT)
    assert g.node("x").adjoint is None and g.node("x").op == "parameter"
    assert "no gradient flows" in g.chain_rule("x")
    path = {g.nodes[i].name for i in g.path("w")}
    assert path == {"w", "v₁", "v₂", "v₃", "v₄", "C"}
    with pytest.raises(InputError, match="not a variable"):
        g.path("x")


def test_nodes_by_name_id_and_ascii_name():
    g = graph("(1 - w)^2", at="w=3")
    assert g.node("v1") is g.node("v₁") is g.node(2)
    assert g.chain_rule("w") == "∂f/∂w = ∂f/∂v₁ · ∂v₁/∂w = −4 · (−1) = 4"
    assert g.chain_rule("v₁") == "∂f/∂v₁ = 2v₁ = −4"
    with pytest.raises(InputError, match=r"no node 'q'; expected one of its nodes \(w, v₁, f\) "
                       r"or an id from 0 to 4; received 'q'$"):
        g.node("q")


def test_a_node_used_twice_by_one_operation():
    g = graph("x^x", at="x=2")
    assert g.gradient == (4 + 4 * sympy.log(2),)
    assert "∂f/∂x (base) = 4, ∂f/∂x (exponent) = 4ln(2)" in str(g)


# -- every operation of the language: adjoints = the exact gradient = finite differences ---

def _language_operations():
    z = sympy.Symbol("z", real=True)
    functions = [*_builder._TRIG.values(), *_builder._INVERSE_TRIG.values(),
                 *_builder._OTHER.values()]
    found = {operation_of(function(z), rank=str).op for function in functions}
    return found | {"+", "−", "×", "÷", "^", "sqrt"}


def test_battery_covers_every_operation_of_the_language():
    seen = set()
    for text, _ in BATTERY:
        g = graph(text, at={s.name: sympy.Rational(1, 7) for s in parse(text).symbols})
        seen |= set(ops(g))
    expected = _language_operations()
    assert {"sin", "asin", "σ", "relu", "softplus", "abs", "ln", "exp", "tanh"} <= expected
    assert expected <= seen, expected - seen


@pytest.mark.parametrize(("text", "names"), BATTERY, ids=[t for t, _ in BATTERY])
def test_adjoints_of_the_leaves_are_the_exact_gradient(text, names):
    f = parse(text)
    g_exact = gradient(f)
    rng = random.Random(text)
    for _ in range(3):
        point = {s: sympy.Rational(rng.randint(-150, 150), 100) + sympy.Rational(1, 7)
                 for s in f.variables}
        g = graph(f, at={s.name: v for s, v in point.items()})
        assert g.output.value == value_at(f, {s.name: v for s, v in point.items()})
        for i, (adjoint, exact) in enumerate(zip(g.gradient, g_exact.components)):
            expected = exact.xreplace(point)
            if adjoint.is_Rational and expected.is_Rational:
                assert adjoint == expected
            else:
                assert abs((adjoint - expected).evalf(50)) < 1e-40 * max(1, abs(expected.evalf()))
            numeric = _central_difference(f.expr, f.variables, point, i)
            assert g.gradient_values[i] == pytest.approx(float(numeric), rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("text", [NEURON, "sin(x y) + x^2 / (1 + y^2)",
                                  "exp(-(x^2 + y^2)/2) sin(3x)", "softplus(x y) - relu(x - y)"])
def test_every_intermediate_adjoint_is_the_derivative_through_that_node(text):
    """An independent oracle: replace a node's subexpression by t in f and differentiate by t."""
    values = {"x": "1/2", "y": "1/3", "w": 3, "b": 0}
    g = graph(text, at={s.name: values[s.name] for s in parse(text).symbols})
    t = sympy.Dummy("t", real=True)
    checked = 0
    for node in g.nodes:
        cut = g.function.expr.xreplace({node.expr: t})
        if node.adjoint is None or node.is_leaf or cut == g.function.expr:
            continue
        slope = sympy.diff(cut, t).xreplace({t: node.value}).xreplace(g.point)
        assert abs((node.adjoint - slope).evalf(40)) < 1e-30, node.name
        checked += 1
    assert checked >= 3


def test_a_hundred_variables_match_the_gradient():
    text = " + ".join(f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 100))
    point = {f"x{i}": sympy.Rational(i, 100) for i in range(1, 101)}
    g = graph(text, at=point)
    assert g.gradient == gradient(text).at(point).exact


# -- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "point", "error", "pattern"), [
    ("x y", "x=1", InputError, "no value for 'y'"),
    ("x y", "x=1, y=2, q=3", InputError, "'q', which is not in"),
    ("x y", [1], InputError, "1 coordinates"),
    ("log(x)", "x=0", DomainError,
     r"^the forward pass fails at f = ln\(x\): ln\(0\) is undefined \(at x = 0\)$"),
    ("log(x - 1) + x", "x=1", DomainError,
     r"fails at v₂ = ln\(v₁\), that is ln\(x − 1\): ln\(0\) is undefined"),
    ("1/(x - 1)", "x=1", DomainError, r"fails at f = 1/v₁, that is 1/\(x − 1\): 1/0 is undefined"),
    ("sqrt(x) + y", "x=-1, y=0", DomainError, r"v₁ = sqrt\(x\): sqrt\(−1\) is not real"),
    ("sqrt(x)", "x=0", DomainError, r"backward pass fails at f = sqrt\(x\): ∂f/∂x is undefined"),
    ("exp(exp(x))", "x=1000", DomainError, "too large to represent"),
])
def test_bad_points_name_the_node(text, point, error, pattern):
    with pytest.raises(error, match=pattern):
        graph(text, at=point)


def test_size_limits_as_for_every_expression():
    with pytest.raises(ParseError, match="digits"):
        graph("9^9^9", at="")
    with pytest.raises(ParseError, match="max_length"):
        graph("x+" * 20_000 + "x", at="x=1")
    with pytest.raises(InputError, match="no variables"):
        graph("2 + 3", at="")


@pytest.mark.slow
def test_deep_nesting_is_walked_without_recursion():
    text = "sin(" * 90 + "x" + ")" * 90
    g = graph(text, at="x=1/10")
    assert len(g.nodes) == 91
    assert g.gradient_values[0] == pytest.approx(gradient(text).at("x=1/10").values[0])


@pytest.mark.parametrize(("names", "pattern"), [
    ({"z": "x + b"}, "not a node"),
    ({"x": "w x + b"}, "already taken"),
    ({"v9": "w x + b"}, "not starting with v"),
    ({"a b": "w x + b"}, "without spaces"),
    ({"z": 3}, "as text"),
])
def test_bad_node_names(names, pattern):
    with pytest.raises(InputError, match=pattern):
        graph("(y - sigmoid(w x + b))^2", at=NOTES_POINT, names=names)


def test_graph_is_public():
    assert "graph" in gradwise.__all__ and gradwise.graph is graph


@pytest.mark.parametrize("name", ["gradwise.calculus.graph", "gradwise.calculus.graph_text",
                                  "gradwise.calculus._graph_ops", "gradwise.calculus._graph_build",
                                  "gradwise.calculus.graph_layout"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
