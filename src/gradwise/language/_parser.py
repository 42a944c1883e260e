"""The grammar of gradwise's math language, and its parser; private to ``expressions``.

The language, loosest binding first::

    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary | factor)*      # a bare factor is implicit multiplication
    unary    := ("-" | "+") unary | power
    power    := postfix (("^" | "**") unary)?           # right-associative; x^-2 is allowed
    factor   := power                                   # one that starts with a NAME or "("
    postfix  := atom ("°" | SUPERSCRIPT)*
    atom     := NUMBER | call | NAME | "(" sum ")"
    call     := FUNCTION "(" sum ("," sum)* ")"

    NUMBER      := digits with an optional decimal part and exponent: 2, 0.5, .5, 1e-3
    NAME        := a Latin letter, then letters and digits, then _suffixes (w_1, x1, yhat);
                   or one Greek letter with an optional digit or _suffix (η, w, θ_1)
    SUPERSCRIPT := ⁻? followed by superscript digits (x², x⁻¹)
    FUNCTION    := a NAME that ``calls`` says is a function: a built-in one (sin, log, σ, ...),
                   or a name that cannot be a variable (``sinn(x)``: an unknown function)

So ``1/2x`` is ``(1/2)·x``, ``x -y`` subtracts, and ``2 3`` is an error. One rule for numbers
and names: a variable or a constant before a bracket is an implicit factor, exactly as a
number is, so ``1/x(y+1)`` is ``(y+1)/x`` as ``1/2(y+1)`` is ``(y+1)/2``, ``e^x(1+y)`` is
``e^x·(1+y)`` as ``e^2(1+y)`` is ``e²·(1+y)``, and in ``x(1 - y)^2`` the power belongs to
the bracket as in ``2(1 - y)^2``. The parser is
hand-written (a recursive descent that mirrors the rules above): it loads in a
millisecond, which keeps the command line's start-up close to SymPy's own. Chains of
``+ −`` and ``* /`` are loops, not recursion; every other level of nesting is counted
and refused past ``max_depth``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gradwise.errors import ParseError

_TOKEN = re.compile(r"""
    (?P<NUMBER>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<NAME>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*|[α-ωΑ-Ω](?:[0-9]+|_[A-Za-z0-9]+)?)
  | (?P<POW>\*\*|\^)
  | (?P<OP>[-+*/(),])
  | (?P<DEGREE>°)
  | (?P<SUPERSCRIPT>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
  | (?P<SPACE>[ \t\r\n]+)
""", re.VERBOSE)

_HINTS = {"_": "names start with a letter", "!": "factorials are not supported",
          "|": "write abs(x) for |x|", "=": "a signature looks like f(x, y) = x^2 + y^2",
          "[": "use round brackets", "{": "use round brackets", ";": "one expression only",
          ".": "attribute access is not part of the language; decimals look like 0.5"}


class Token(str):
    """A token's text, with its kind (``NUMBER``, ``NAME``, ``OP``, ...) and 1-based column."""

    kind: str
    column: int

    def __new__(cls, text: str, kind: str, column: int) -> Token:
        token = super().__new__(cls, text)
        token.kind = kind
        token.column = column
        return token


@dataclass
class Node:
    """A parse-tree node: its rule, children (nodes or tokens) and the column it starts at."""

    rule: str
    children: list
    column: int


@dataclass
class Parsed:
    """The tree, and every name token in order of appearance."""

    tree: Node
    names: list[Token] = field(default_factory=list)


def tokenize(source: str, text: str) -> list[Token]:
    """Split ``source`` into tokens; an unknown character is a ParseError at its column.

    ``source`` is ``text`` with its signature blanked and unicode operators made ASCII,
    column for column, so errors quote ``text`` itself.
    """
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            char = text[position]
            hint = _HINTS.get(char)
            reason = f"unexpected character {char!r} at column {position + 1}"
            raise ParseError(f"{reason}; {hint}" if hint else reason, text, position + 1)
        kind = match.lastgroup or ""
        if kind != "SPACE":
            tokens.append(Token(match.group(), kind, position + 1))
        position = match.end()
    return tokens


class Parser:
    """Recursive descent over the token list, counting nodes and nesting as it goes."""

    def __init__(self, text: str, tokens: list[Token], max_depth: int, max_nodes: int,
                 calls: Callable[[str], bool] = lambda name: True):
        self.text = text
        self.calls = calls
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.nodes = 0
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.names: list[Token] = []

    def parse(self) -> Parsed:
        if not self.tokens:
            raise ParseError("the expression is empty. Fix: type for example x^2 + y^2", self.text)
        tree = self.sum()
        if self.peek() is not None:
            self.unexpected("an operator or the end")
        return Parsed(tree, self.names)

    # -- the rules ------------------------------------------------------------------
    def sum(self) -> Node:
        column = self.column()
        items = [("+", self.product())]
        while self.at("+", "-"):
            items.append((self.take(), self.product()))
        return items[0][1] if len(items) == 1 else self.node("sum", items, column)

    def product(self) -> Node:
        column = self.column()
        items = [("*", self.unary())]
        while True:
            if self.at("*", "/"):
                items.append((self.take(), self.unary()))
            elif self.starts_factor():  # implicit multiplication: 2x, w x, 3(x + 1)
                items.append(("*", self.power()))
            else:
                break
        return items[0][1] if len(items) == 1 else self.node("product", items, column)

    def unary(self) -> Node:
        if self.at("-", "+"):
            column = self.column()
            sign = self.take()
            with self.nested():
                operand = self.unary()
            return self.node("neg" if sign == "-" else "pos", [operand], column)
        return self.power()

    def power(self) -> Node:
        column = self.column()
        base = self.postfix()
        if self.peek_kind() == "POW":
            self.take()
            with self.nested():
                exponent = self.unary()
            return self.node("pow", [base, exponent], column)
        return base

    def postfix(self) -> Node:
        column = self.column()
        node = self.atom()
        while self.peek_kind() in ("DEGREE", "SUPERSCRIPT"):
            token = self.tokens[self.index]
            self.index += 1
            kind = "degrees" if token.kind == "DEGREE" else "superscript"
            node = self.node(kind, [node, token], column)
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise ParseError("the expression ends too early; expected a number, a name or '('",
                             self.text, len(self.text) + 1)
        if token.kind == "NUMBER":
            self.index += 1
            return self.node("number", [token], token.column)
        if token.kind == "NAME":
            self.index += 1
            self.names.append(token)
            if self.at("(") and self.calls(str(token)):
                return self.call(token)
            return self.node("name", [token], token.column)
        if token == "(":
            self.index += 1
            with self.nested():
                inner = self.sum()
            self.expect(")")
            return inner
        return self.unexpected("a number, a name or '('")

    def call(self, name: Token) -> Node:
        self.take()  # "("
        with self.nested():
            args = [self.sum()]
            while self.at(","):
                self.take()
                args.append(self.sum())
        self.expect(")")
        return self.node("call", [name, *args], name.column)

    # -- helpers ----------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def peek_kind(self) -> str | None:
        token = self.peek()
        return token.kind if token is not None else None

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "OP" and token in texts

    def starts_factor(self) -> bool:
        token = self.peek()
        return token is not None and (token.kind == "NAME" or token == "(")

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def column(self) -> int:
        token = self.peek()
        return token.column if token is not None else len(self.text) + 1

    def expect(self, text: str) -> None:
        if not self.at(text):
            self.unexpected(f"'{text}'")
        self.index += 1

    def unexpected(self, wanted: str):
        token = self.peek()
        if token is None:
            raise ParseError(f"the expression ends too early; expected {wanted}", self.text,
                             len(self.text) + 1)
        raise ParseError(f"unexpected {str(token)!r} at column {token.column}; expected {wanted}",
                         self.text, token.column)

    def node(self, rule: str, children: list, column: int) -> Node:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise ParseError(f"the expression has more than {self.max_nodes:,} parts "
                             "(Limits.max_nodes)", self.text)
        return Node(rule, children, column)

    def nested(self) -> _Nesting:
        return _Nesting(self)


class _Nesting:
    """Counts one level of nesting for the duration of a ``with`` block."""

    def __init__(self, parser: Parser):
        self.parser = parser

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > self.parser.max_depth:
            raise ParseError(f"the expression nests deeper than {self.parser.max_depth} "
                             "(Limits.max_depth)", self.parser.text, self.parser.column())

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1
