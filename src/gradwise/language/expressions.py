"""The one door from user text to SymPy: a grammar of our own, with limits.

``parse`` checks the length, the characters and the nesting before any parsing,
parses with our own grammar (``_parser``, which also bounds the tree's size and
depth), and only then builds SymPy objects node by node (``_builder``). User text
never reaches ``eval``, ``sympify``, ``parse_expr`` or ``lambdify``.

Variables: with a signature (``f(z, w, b) = z*w + b``) the variables are the ones
it names, in its order, and other names are parameters; without one, every name is
a variable, in the order mathematicians use: alphabetical, with numbers read as numbers
(x, y, z; x1 < x2 < x10; w_2 < w_10), whatever order they appear in. ``wrt`` fixes
any other order, as a signature does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import sympy

from gradwise.errors import InputError, ParseError, problem
from gradwise.language._builder import FUNCTION_NAMES, Builder, Limits, is_call, symbol
from gradwise.language._parser import Parser, Token, tokenize
from gradwise.language.typed import Typed

__all__ = ["Expression", "Limits", "parse", "parse_assignments", "parse_value", "exact_number",
           "natural_order"]

_NAME = r"(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*|[α-ωΑ-Ω](?:[0-9]+|_[A-Za-z0-9]+)?)"
_SIGNATURE = re.compile(rf"\s*(?P<name>{_NAME})\s*\((?P<vars>[^()=]*)\)\s*=(?!=)")
_ALLOWED = re.compile(r"[^\x20-\x7e\t\r\n×·⋅∗−–÷°⁰¹²³⁴⁵⁶⁷⁸⁹⁻α-ωΑ-Ω]")
_ASCII_OPERATORS = str.maketrans({"×": "*", "·": "*", "⋅": "*", "∗": "*",
                                  "−": "-", "–": "-", "÷": "/"})


@dataclass(frozen=True)
class Expression:
    """A parsed function: the SymPy expression, its variables in order, and how it was written.

    Attributes:
        text: the text it was parsed from.
        expr: the SymPy expression (symbols are real).
        variables: the variables, in order: the signature's (or ``wrt``'s), else
            alphabetical with natural numbering (:func:`natural_order`).
        name: the function's name, ``f`` unless a signature names it.
        degrees: whether trigonometric arguments are in degrees.
        symbols: every free symbol, in order of first appearance in the text (after a
            signature's variables): the order the text reads in, where sums and products
            are shown as typed (``graph``).

    Example:
        >>> f = parse("f(w, b) = (1 - w)^2 + b")
        >>> f.name, f.names, f.expr
        ('f', ('w', 'b'), b + (1 - w)**2)
    """

    text: str
    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    name: str = "f"
    degrees: bool = False
    symbols: tuple[sympy.Symbol, ...] = field(default=())
    typed: Typed | None = field(default=None, compare=False, repr=False)
    """How the text was written, to print f in the order it was typed (None: SymPy's)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The variables' names, in order."""
        return tuple(v.name for v in self.variables)

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Free symbols that are not variables (they need values to evaluate)."""
        return tuple(s for s in self.symbols if s not in self.variables)

    def with_variables(self, wrt: Iterable[str] | str) -> Expression:
        """The same function seen as a function of ``wrt``; other names become parameters."""
        names = _split_names(wrt)
        known = {s.name: s for s in self.symbols}
        for name in names:
            if name not in known and name not in self.names:
                raise InputError(f"cannot differentiate with respect to {name!r}: it does not "
                                 f"appear in {self.text!r}; its names are {_listing(known)}")
        chosen = tuple(known.get(n) or symbol(n) for n in names)
        return replace(self, variables=chosen, symbols=_merge(chosen, self.symbols))

    def substitute(self, values: Mapping[str, Any] | str) -> Expression:
        """Fix some names to constants (the notes' "treat y as constant"), exactly."""
        point = parse_assignments(values, degrees=self.degrees) if isinstance(values, str) \
            else {k: exact_number(v, k) for k, v in values.items()}
        known = {s.name: s for s in self.symbols}
        for name in point:
            if name not in known:
                raise InputError(f"cannot set {name!r}: it does not appear in {self.text!r}; "
                                 f"its names are {_listing(known)}")
        expr = self.expr.xreplace({known[n]: v for n, v in point.items()})
        keep = tuple(s for s in self.symbols if s.name not in point)
        variables = tuple(v for v in self.variables if v.name not in point)
        typed = self.typed.with_values({known[n]: v for n, v in point.items()}) \
            if self.typed is not None else None
        return replace(self, expr=expr, variables=variables, symbols=keep, typed=typed)

    def __str__(self) -> str:
        from gradwise.language.notation import function_text

        return function_text(self)

    def _repr_latex_(self) -> str:
        from gradwise.language.notation import function_latex

        return f"${function_latex(self)}$"


def parse(
    text: str,
    *,
    degrees: bool = False,
    wrt: Iterable[str] | str | None = None,
    constants: Mapping[str, Any] | str | None = None,
    limits: Limits | None = None,
) -> Expression:
    """Parse text in gradwise's math language into an :class:`Expression`.

    Args:
        text: e.g. ``"x^2 + y^2"``, ``"f(z, w, b) = z*w + b"``, ``"sin(180°)"``.
        degrees: read trigonometric arguments in degrees (``sin(90) = 1``).
        wrt: names to treat as the variables; the others become parameters.
        constants: names to fix, e.g. ``{"y": 1, "b": 0}`` or ``"y=1, b=0"``.
        limits: bounds on size and cost; ``Limits()`` by default.

    Returns:
        The parsed expression.

    Raises:
        ParseError: the text is not valid or breaks a limit; the message has a caret.

    Example:
        >>> f = parse("x^2 + y^2")
        >>> f.names, f.expr
        (('x', 'y'), x**2 + y**2)
    """
    if not isinstance(text, str):
        raise ParseError(f"expected the expression as text; received {type(text).__name__}")
    result = _read(text, degrees, limits or Limits())
    if constants is not None:
        result = result.substitute(constants)
    if wrt is not None:
        result = result.with_variables(wrt)
    return result


@functools.lru_cache(maxsize=256)  # the same text again (the web, a notebook): read once
def _read(text: str, degrees: bool, limits: Limits) -> Expression:
    _check_text(text, limits)
    name, signature, body = _split_signature(text)
    tokens = tokenize(body.translate(_ASCII_OPERATORS), text)
    parsed = Parser(text, tokens, limits.max_depth, limits.max_nodes,
                    lambda word: is_call(word, signature)).parse()
    expr = Builder(text, limits, degrees, signature).build(parsed.tree)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ParseError("the expression is undefined everywhere (it contains a division by "
                         "zero or an infinity)", text)
    _check_real(expr, text)
    found = _appearance_order(parsed.names, expr)
    variables = tuple(symbol(n) for n in signature) if signature else natural_order(found)
    symbols = _merge(variables, found) if signature else found
    typed = Typed(text, parsed.tree, limits, degrees, signature)
    return Expression(text, expr, variables, name, degrees, symbols, typed)


def parse_value(text: str, *, degrees: bool = False, limits: Limits | None = None) -> sympy.Expr:
    """Parse a constant such as ``2``, ``-0.5``, ``pi/2`` or ``180°`` into an exact number."""
    expr = parse(text, degrees=degrees, limits=limits)
    if expr.symbols:
        raise ParseError(f"expected a number; received {text!r} which contains the name "
                         f"'{expr.symbols[0].name}'", text)
    return expr.expr


def parse_assignments(text: str, *, degrees: bool = False) -> dict[str, sympy.Expr]:
    """Parse ``"x=2, y=pi/4"`` into ``{"x": 2, "y": pi/4}`` (exact values)."""
    result: dict[str, sympy.Expr] = {}
    for part in _split_top_level(text):
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or not re.fullmatch(_NAME, name):
            raise ParseError(f"expected name=value; received {part.strip()!r}; "
                             "write for example x=2,y=-1.5", text)
        if name in result:
            raise ParseError(f"{name!r} is given twice", text)
        symbol(name, text)  # refuses reserved names
        try:
            result[name] = parse_value(value.strip(), degrees=degrees)
        except ParseError as error:
            raise ParseError(f"value of {name}: {error.reason}", value.strip(),
                             error.column) from None
    return result


def exact_number(value: Any, name: str = "value") -> sympy.Expr:
    """An exact SymPy number from an int, float (as written: 0.1 -> 1/10), str or SymPy number."""
    if isinstance(value, str):
        return parse_value(value)
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number; received {value!r}")
    if isinstance(value, int | Fraction):
        return sympy.Rational(value)
    if isinstance(value, float) or hasattr(value, "__float__") and not isinstance(
            value, sympy.Basic):
        as_float = float(value)
        if as_float != as_float or as_float in (float("inf"), float("-inf")):
            raise InputError(f"{name} must be finite; received {value!r}")
        return sympy.Rational(Fraction(repr(as_float)))
    if isinstance(value, sympy.Basic) and value.is_number and value.is_finite:
        return value
    raise InputError(f"{name} must be a number; received {value!r}")


# -- the steps of parse ---------------------------------------------------------------

def _check_text(text: str, limits: Limits) -> None:
    if len(text) > limits.max_length:
        raise ParseError(f"the expression has {len(text):,} characters; at most "
                         f"{limits.max_length:,} are allowed (Limits.max_length)")
    bad = _ALLOWED.search(text)
    if bad:
        char = bad.group()
        label = unicodedata.name(char, "control character")
        raise ParseError(f"character U+{ord(char):04X} ({label}) is not allowed at column "
                         f"{bad.start() + 1}. Fix: type plain text", _printable(text),
                         bad.start() + 1)
    if not text.strip():
        raise ParseError("the expression is empty. Fix: type for example x^2 + y^2", text)
    _check_nesting(text.translate(_ASCII_OPERATORS), text, limits.max_depth)


def _check_nesting(ascii_text: str, text: str, max_depth: int) -> None:
    """Bound the nesting before parsing: brackets, plus chains of signs and powers (-−-x, x^x^x).

    A cheap upper bound in one pass, so pathological input is refused in microseconds
    instead of being parsed token by token first.
    """
    chains = [0]
    previous = "("
    for column, char in enumerate(ascii_text, start=1):
        if char in " \t\r\n":
            continue
        if char == "(":
            chains.append(0)
        elif char == ")":
            chains.pop() if len(chains) > 1 else None
        elif char == "^" or char == "*" and previous == "*":
            chains[-1] += 1
        elif char in "+-":
            chains[-1] = chains[-1] + 1 if previous in "(^*/+-," else 0
        elif char in "*/,":
            chains[-1] = 0
        previous = char
        if len(chains) - 1 + chains[-1] > max_depth:
            raise ParseError(f"the expression nests deeper than {max_depth} (brackets, signs "
                             "or powers; Limits.max_depth)", text, column)


def _check_real(expr: sympy.Expr, text: str) -> None:
    """Refuse a constant that is not a real number (sqrt(-1), log(-1), asin(2), (-8)^(1/3)).

    The language is real, as evaluation is: sqrt(x) at x = −1 is refused there too.
    """
    for node in sympy.preorder_traversal(expr):
        if not node.free_symbols and node.is_real is False:
            value = sympy.sstr(node) + (", where I = √−1" if node.has(sympy.I) else "")
            raise ParseError(f"the expression has a constant that is not a real number "
                             f"({value}); gradwise works with real numbers only, as sqrt(x) "
                             "is undefined at x = −1. Fix: write a real number (the real cube "
                             "root of −8 is -(8^(1/3)))", text)


def _split_signature(text: str) -> tuple[str, tuple[str, ...], str]:
    match = _SIGNATURE.match(text)
    if not match:
        return "f", (), text
    names = [n.strip() for n in match["vars"].split(",")] if match["vars"].strip() else []
    offset = match.start("vars")
    for raw in match["vars"].split(","):
        if not re.fullmatch(_NAME, raw.strip()):
            raise ParseError(f"expected a variable name in the signature; received {raw.strip()!r}",
                             text, offset + 1 + len(raw) - len(raw.lstrip()))
        offset += len(raw) + 1
    if match["name"] in FUNCTION_NAMES:
        raise ParseError(f"'{match['name']}' is a built-in function. Fix: name yours f, g or C",
                         text, match.start("name") + 1)
    for name in names:
        symbol(name, text, text.index(name, match.start("vars")) + 1)
    if len(set(names)) != len(names):
        raise ParseError("a variable is named twice in the signature", text,
                         match.start("vars") + 1)
    # Blank the signature out, so columns in the body stay those of the full text.
    return match["name"], tuple(names), " " * match.end() + text[match.end():]


def _appearance_order(names: list[Token], expr: sympy.Expr) -> tuple[sympy.Symbol, ...]:
    free = {s.name: s for s in expr.free_symbols}
    ordered = dict.fromkeys(str(t) for t in names if str(t) in free)
    return tuple(free[n] for n in ordered)


def natural_order(symbols: Iterable[sympy.Symbol]) -> tuple[sympy.Symbol, ...]:
    """Names as mathematicians order them: alphabetical, numbers read as numbers.

    Example:
        >>> [s.name for s in natural_order(sympy.symbols("y x10 x2 b x1 w_10 w_2 B"))]
        ['b', 'B', 'w_2', 'w_10', 'x1', 'x2', 'x10', 'y']
    """
    return tuple(sorted(symbols, key=lambda s: _natural_key(s.name)))


def _natural_key(name: str) -> tuple:
    chunks = re.split(r"([0-9]+)", name)
    folded = tuple((int(c), "") if c.isdigit() else (-1, c.casefold()) for c in chunks if c)
    return folded, name.swapcase()  # ties (b, B): the small letter first


# -- small helpers -------------------------------------------------------------------

def _merge(first: tuple[sympy.Symbol, ...], rest: tuple[sympy.Symbol, ...]):
    return first + tuple(s for s in rest if s not in first)


def _split_names(names: Iterable[str] | str) -> tuple[str, ...]:
    items = names.split(",") if isinstance(names, str) else list(names)
    result = tuple(n.strip() for n in items if n.strip())
    if not result:
        raise InputError("no variable names given. Fix: write for example wrt='w,b'")
    twice = [n for i, n in enumerate(result) if n in result[:i]]
    if twice:
        raise InputError(problem(f"{twice[0]!r} is named twice in the variables",
                                 expected="each variable once", received=", ".join(result),
                                 fix=f"wrt='{','.join(dict.fromkeys(result))}'"))
    return result


def _split_top_level(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _listing(known: Mapping[str, Any]) -> str:
    return ", ".join(known) if known else "(none: it is a constant)"


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)
