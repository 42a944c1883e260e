"""Turns a checked parse tree into SymPy objects; private to ``expressions``.

Every SymPy object built from user text is built here, node by node, from our own
grammar: nothing reaches ``sympify``, ``parse_expr`` or ``eval``. Chains of
+ − and * / are flattened and built with one ``Add``/``Mul`` each, so a long sum
neither recurses deeply nor costs quadratic time.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import S

from gradwise.errors import ParseError, problem
from gradwise.language import functions as fn
from gradwise.language._parser import Node, Token

_TRIG = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
         "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot}
_INVERSE_TRIG = {"asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
                 "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan}
_OTHER: dict[str, Callable[..., sympy.Expr]] = {
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "exp": sympy.exp, "ln": sympy.log, "sqrt": sympy.sqrt, "abs": fn.absolute,
    "log10": lambda a: sympy.log(a, 10), "log2": lambda a: sympy.log(a, 2),
    "sigmoid": fn.sigmoid, "σ": fn.sigmoid, "relu": fn.relu, "softplus": fn.softplus,
}
FUNCTION_NAMES = ("log", *_TRIG, *_INVERSE_TRIG, *_OTHER)
CONSTANT_NAMES = ("pi", "π", "e", "deg")
_FORBIDDEN = {"zoo", "oo", "nan", "inf", "infinity"}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@dataclass(frozen=True)
class Limits:
    """Bounds on what the parser accepts; every one of them is configurable.

    Attributes:
        max_length: characters of input.
        max_depth: nesting of brackets, function calls, signs and powers.
        max_nodes: nodes of the parse tree.
        max_digits: digits in one number literal.
        max_exponent: magnitude of a constant exponent on a symbolic base (x^1000).
        max_power_digits: digits of a power of numbers (2^3000 has 904).

    Example:
        >>> from gradwise import parse
        >>> parse("x^2 + y^2 + z^2", limits=Limits(max_length=10))
        Traceback (most recent call last):
        ...
        gradwise.errors.ParseError: the expression has 15 characters; at most 10 are allowed ...
    """

    max_length: int = 20_000
    max_depth: int = 100
    max_nodes: int = 20_000
    max_digits: int = 100
    max_exponent: int = 1_000
    max_power_digits: int = 1_000


class Builder:
    """Builds one SymPy expression from one parse tree."""

    def __init__(self, text: str, limits: Limits, degrees: bool, signature: tuple[str, ...]):
        self.text = text
        self.limits = limits
        self.degrees = degrees
        self.signature = signature

    def fail(self, reason: str, column: int | None) -> ParseError:
        return ParseError(reason, self.text, column)

    def build(self, node: Node) -> sympy.Expr:
        return getattr(self, "_" + node.rule)(node)

    # -- chains: a + b − c ..., a · b / c ..., each built with one Add or Mul
    def _sum(self, node: Node) -> sympy.Expr:
        terms = [self.build(child) for _, child in node.children]
        signs = [op for op, _ in node.children]
        return sympy.Add(*[-t if op == "-" else t for op, t in zip(signs, terms, strict=True)])

    def _product(self, node: Node) -> sympy.Expr:
        factors = []
        for op, child in node.children:
            value = self.build(child)
            if op == "/":
                if value.is_Number and value == 0:
                    raise self.fail("division by zero", child.column)
                value = sympy.Pow(value, -1)
            factors.append(value)
        product = sympy.Mul(*factors)
        self._check_powers(product, node.column)
        return product

    # -- leaves
    def _number(self, node: Node) -> sympy.Expr:
        token = node.children[0]
        mantissa, _, exponent = token.lower().partition("e")
        digits = sum(ch.isdigit() for ch in mantissa)
        if digits > self.limits.max_digits:
            raise self.fail(f"number with {digits} digits; at most "
                            f"{self.limits.max_digits} are allowed", token.column)
        if exponent and abs(int(exponent)) > 308:
            raise self.fail(f"exponent {exponent} is out of range. Fix: use |exponent| <= 308",
                            token.column)
        value = Fraction(str(token))
        return sympy.Rational(value.numerator, value.denominator)

    def _name(self, node: Node) -> sympy.Expr:
        token = node.children[0]
        name = str(token)
        if name in ("pi", "π"):
            return S.Pi
        if name == "e":
            return S.Exp1
        if name == "deg":
            return self._degree_unit()
        if name in FUNCTION_NAMES:
            raise self.fail(f"'{name}' is a function. Fix: write it with brackets: {name}(x)",
                            token.column)
        return symbol(name, self.text, token.column)

    # -- operators
    def _neg(self, node: Node) -> sympy.Expr:
        return -self.build(node.children[0])

    def _pos(self, node: Node) -> sympy.Expr:
        return self.build(node.children[0])

    def _pow(self, node: Node) -> sympy.Expr:
        exponent = self.build(node.children[1])
        return self._raise(node.children[0], exponent, _column(node.children[1]))

    def _superscript(self, node: Node) -> sympy.Expr:
        token = node.children[1]
        exponent = sympy.Integer(int(str(token).translate(_SUPERSCRIPT)))
        return self._raise(node.children[0], exponent, token.column)

    def _raise(self, base_node: Node, exponent: sympy.Expr, column: int | None) -> sympy.Expr:
        return self._power(self.build(base_node), exponent, column)

    def _degrees(self, node: Node) -> sympy.Expr:
        return self.build(node.children[0]) * self._degree_unit()

    def _degree_unit(self) -> sympy.Expr:
        # In degrees mode angles are already in degrees, so the unit is 1.
        return S.One if self.degrees else S.Pi / 180

    def _angle_scale(self) -> sympy.Expr:
        # Radians per unit of a trigonometric argument: π/180 in degrees mode, else 1.
        return S.Pi / 180 if self.degrees else S.One

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, column: int | None) -> sympy.Expr:
        if exponent.is_number:  # constant exponents count, nested ones too: e^(e^(e^3))
            self._check_power(base, exponent, column)
            if base.is_Number and base == 0 and exponent.is_negative:
                raise self.fail("0 to a negative power is undefined (division by zero)", column)
        value = sympy.Pow(base, exponent)
        self._check_powers(value, column)  # (x^1000)^1000 is x^1000000
        return self._real(value, "this power", column)

    def _check_powers(self, value: sympy.Expr, column: int | None) -> None:
        """The powers SymPy made by combining ours (x^600·x^600 = x^1200) obey the limits too."""
        for part in sympy.Mul.make_args(value):
            if part.is_Pow and part.exp.is_Number:
                self._check_power(part.base, part.exp, column)

    def _check_power(self, base: sympy.Expr, exponent: sympy.Expr, column: int | None) -> None:
        size = abs(complex(exponent.evalf(15)))  # its own parts are already within the limits
        if base.is_Rational:
            p, q = abs(int(base.p)), int(base.q)
            if max(p, q) <= 1:
                return
            digits = size * math.log10(max(p, q))
            if digits > self.limits.max_power_digits:
                raise self.fail(
                    f"this power of numbers would have about {digits:.3g} digits; at most "
                    f"{self.limits.max_power_digits} are allowed", column)
        elif size > self.limits.max_exponent:
            shown = str(exponent) if exponent.is_Integer else f"≈ {size:.3g}"
            raise self.fail(f"exponent {shown} is too large; at most "
                            f"{self.limits.max_exponent} is allowed (Limits.max_exponent)",
                            column)

    def _real(self, value: sympy.Expr, what: str, column: int | None) -> sympy.Expr:
        if value.has(S.ImaginaryUnit):
            raise self.fail(f"{what} is not a real number (gradwise works in the real "
                            "numbers)", column)
        return value

    # -- calls: sin(x), log(x, 2); w(x + 1) is w·(x + 1), parsed as a product (see is_call)
    def _call(self, node: Node) -> sympy.Expr:
        token, *arg_nodes = node.children
        name = str(token)
        if name not in FUNCTION_NAMES:
            raise self.fail(_unknown_function(name), token.column)
        return self._apply(name, [self.build(a) for a in arg_nodes], token)

    def _apply(self, name: str, args: list[sympy.Expr], token: Token) -> sympy.Expr:
        allowed = (1, 2) if name == "log" else (1,)
        if len(args) not in allowed:
            raise self.fail(f"{name}() takes {' or '.join(map(str, allowed))} argument(s), "
                            f"received {len(args)}", token.column)
        if name in _TRIG:
            value = _TRIG[name](args[0] * self._angle_scale())
        elif name in _INVERSE_TRIG:
            value = _INVERSE_TRIG[name](args[0]) / self._angle_scale()
        elif name == "log":
            if len(args) == 2 and args[1].is_number and not (args[1].is_positive
                                                             and args[1] != 1):
                raise self.fail(problem("log's base must be a positive number other than 1",
                                        received=str(args[1]), fix="log(x, 10) or ln(x)"),
                                token.column)
            value = sympy.log(*args)
        elif name == "exp":  # e^a and exp(a) obey the same limits
            value = self._power(S.Exp1, args[0], token.column)
        else:
            value = _OTHER[name](args[0])
        if value.has(S.ComplexInfinity, S.NaN, S.Infinity, S.NegativeInfinity):
            raise self.fail(f"{name} is undefined at this argument", token.column)
        return self._real(value, f"{name} at this argument", token.column)


def symbol(name: str, text: str = "", column: int | None = None) -> sympy.Symbol:
    """The real SymPy symbol for a checked name; reserved names are refused."""
    if name.lower() in _FORBIDDEN:
        raise ParseError(f"'{name}' is not allowed: infinite and undefined values cannot be "
                         "written as literals", text, column)
    if keyword.iskeyword(name):
        raise ParseError(f"'{name}' is a Python keyword and cannot be a variable; pick "
                         "another name (for λ write lambda as 'λ' or 'lam')", text, column)
    if name in FUNCTION_NAMES or name in CONSTANT_NAMES:
        raise ParseError(f"'{name}' is reserved and cannot be a variable", text, column)
    return sympy.Symbol(name, real=True)


def is_call(name: str, signature: tuple[str, ...] = ()) -> bool:
    """Whether ``name(...)`` is a function call rather than ``name·(...)``.

    A bracket after a constant, a one-letter name, a w_1-style name or a declared variable
    multiplies, as after a number; a longer unknown name before a bracket is more likely a
    misspelt function, so it is read as a call (and refused as an unknown function).

    Example:
        >>> is_call("sin"), is_call("x"), is_call("w_1"), is_call("e"), is_call("sinn")
        (True, False, False, False, True)
    """
    if name in FUNCTION_NAMES:
        return True
    variable_like = name in signature or len(name) == 1 or \
        "_" in name and len(name.split("_")[0]) == 1
    return not (variable_like or name in CONSTANT_NAMES)


def _unknown_function(name: str) -> str:
    import difflib  # only on this error path: keeps start-up light

    close = difflib.get_close_matches(name, FUNCTION_NAMES, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (f"unknown function '{name}'; {hint}Allowed: {', '.join(FUNCTION_NAMES)}. "
            f"For multiplication write {name}*(...)")


def _column(node: Node | Token) -> int:
    return node.column
