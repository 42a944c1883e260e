"""A learner's answer for ∇f, read component by component.

Three ways to write it, as on paper: by position (``"2x, 2y"``, or ``"(2x, 2y)"``), with
the notes' unit vectors (``"2x î + 2y ĵ"``, up to k̂; a missing unit is a 0 component), or
per variable (``"x=2x, y=2y"``, or one ``name=…`` text per component). A leading label
such as ``∇f =`` is allowed. The unit vectors are not part of the math language: the
text is split at them here, and each coefficient is read by ``parse``, the one door from
user text, so an error in a component points at its column in the whole answer.

Example:
    >>> from gradwise.language.expressions import parse
    >>> f = parse("x^2 + y^2")
    >>> [str(c.expr) for c in read_answer("2x î + 2y ĵ", f)]
    ['2*x', '2*y']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy

from gradwise.errors import InputError, ParseError, problem
from gradwise.language.expressions import Expression, Limits, parse

__all__ = ["Component", "read_answer", "UNITS"]

UNITS = ("î", "ĵ", "k̂")
_UNIT = re.compile(r"î|i\u0302|ĵ|j\u0302|k\u0302")
_UNIT_INDEX = {"î": 0, "i\u0302": 0, "ĵ": 1, "j\u0302": 1, "k\u0302": 2}
_LABEL = re.compile(r"\s*∇\s*[A-Za-zα-ωΑ-Ω]\w*\s*(\([^()=]*\))?\s*=(?!=)")
_NAMED = re.compile(r"\s*(?:∂\w*/∂)?(?P<name>[A-Za-z][A-Za-z0-9_]*|[α-ωΑ-Ω]\w*)\s*=(?!=)")

Answer = str | Sequence[str] | Mapping[str, str]


@dataclass(frozen=True)
class Component:
    """One component of the answer: its variable, the text read, and the expression.

    Attributes:
        variable: the variable this component differentiates by.
        text: the text it was read from (``"0"`` for a missing unit vector).
        expr: the parsed expression.
        missing: True when the unit-vector form had no term for it (read as 0).
    """

    variable: sympy.Symbol
    text: str
    expr: sympy.Expr
    missing: bool = False


def read_answer(answer: Answer, f: Expression, known: Iterable[str] = ()) -> list[Component]:
    """Read an answer into one component per variable of ``f``, in variable order.

    Args:
        answer: the text (or texts, or ``{name: text}``) to read.
        f: the function whose gradient it answers.
        known: names the answer may use besides ``f``'s (constants fixed in ``f``).

    Raises:
        ParseError: a component is not valid text (the column is in the whole answer).
        InputError: the wrong number of components, a name that is not a variable, a
            variable given twice, or a name in a component that is not in ``f``.
    """
    _check_size(answer, f)
    reader = _Reader(f, frozenset(known) | {s.name for s in f.symbols})
    if isinstance(answer, Mapping):
        return reader.by_name([_Piece(str(v), 0, str(k)) for k, v in answer.items()], "")
    if not isinstance(answer, str):
        items = [str(item) for item in answer]
        if len(items) != 1:
            return reader.from_pieces([_piece(text, 0) for text in items], "")
        answer = items[0]
    label = _LABEL.match(answer)
    start = label.end() if label else 0
    if _UNIT.search(answer, start):
        return reader.by_unit(answer, start)
    return reader.from_pieces([_piece(p, offset) for p, offset in _split(answer, start)],
                              answer)


@dataclass(frozen=True)
class _Piece:
    """A component's text, where it starts in the whole answer, and the name given to it."""

    text: str
    offset: int
    name: str | None = None


def _piece(text: str, offset: int) -> _Piece:
    match = _NAMED.match(text)
    if match is None:
        return _Piece(text, offset)
    return _Piece(text[match.end():], offset + match.end(), match["name"])


class _Reader:
    """Reads the components of one answer for ``f``; ``known``: the names it may use."""

    def __init__(self, f: Expression, known: frozenset[str]) -> None:
        self.f = f
        self.known = known

    def from_pieces(self, pieces: list[_Piece], text: str) -> list[Component]:
        f = self.f
        named = [p.name is not None for p in pieces]
        if all(named):
            return self.by_name(pieces, text)
        if any(named):
            raise InputError(problem("the answer mixes named components (x=...) and plain "
                                     "ones", fix=f"write all of them one way, e.g. "
                                     f"{_example(f)}"))
        _expect_count(len(pieces), f)
        return [self.component(v, p.text, p.offset, text)
                for v, p in zip(f.variables, pieces, strict=True)]

    def by_name(self, pieces: list[_Piece], text: str) -> list[Component]:
        f = self.f
        found: dict[str, Component] = {}
        for p in pieces:
            if p.name not in f.names:
                raise InputError(problem(f"the answer names {p.name!r}, which is not a "
                                         f"variable of {f.name}",
                                         expected=f"one of its variables: {', '.join(f.names)}",
                                         received=p.name, fix=f"name them as {_example(f)}"))
            if p.name in found:
                raise InputError(problem(f"the answer gives the component for {p.name} twice",
                                         fix="give each component once"))
            v = f.variables[f.names.index(p.name)]
            found[p.name] = self.component(v, p.text, p.offset, text)
        missing = [n for n in f.names if n not in found]
        if missing:
            raise InputError(problem(f"the answer gives no component for "
                                     f"{', '.join(missing)}", expected=_expected(f),
                                     fix=f"add it, e.g. {_example(f)}"))
        return [found[n] for n in f.names]

    def by_unit(self, text: str, start: int) -> list[Component]:
        f = self.f
        if len(f.variables) > len(UNITS):
            raise InputError(problem("î, ĵ, k̂ name only 3 components",
                                     expected=_expected(f),
                                     fix=f"write them separated by commas: {_example(f)}"))
        coefficients: dict[int, tuple[str, int]] = {}
        for match in _UNIT.finditer(text, start):
            index = _UNIT_INDEX[match.group()]
            if index >= len(f.variables):
                raise InputError(problem(f"{UNITS[index]} is component {index + 1}",
                                         expected=_expected(f), received=match.group(),
                                         fix=f"use {', '.join(UNITS[:len(f.variables)])}"))
            if index in coefficients:
                raise InputError(problem(f"the answer has two {UNITS[index]} terms",
                                         fix="add them into one"))
            coefficients[index] = (text[start:match.start()], start)
            start = match.end()
        if text[start:].strip():
            raise InputError(problem("a term after the last unit vector has no unit",
                                     received=text[start:].strip(), fix=f"end each term with "
                                     f"{', '.join(UNITS[:len(f.variables)])}"))
        return [self.component(v, _coefficient(coefficients[i][0]), coefficients[i][1], text)
                if i in coefficients else Component(v, "0", sympy.Integer(0), missing=True)
                for i, v in enumerate(f.variables)]

    def component(self, v: sympy.Symbol, piece: str, offset: int, text: str) -> Component:
        f = self.f
        try:
            expr = parse(piece, degrees=f.degrees).expr
        except ParseError as error:
            column = None if error.column is None else offset + error.column
            raise ParseError(f"in the answer for ∂{f.name}/∂{v.name}: {error.reason}",
                             text or piece, column if text else error.column) from None
        strange = sorted(s.name for s in expr.free_symbols if s.name not in self.known)
        if strange:
            raise InputError(problem(f"the answer for ∂{f.name}/∂{v.name} uses {strange[0]!r}, "
                                     f"which is not a name of {f.name}",
                                     expected=f"its names: {', '.join(sorted(self.known))}",
                                     received=strange[0],
                                     fix="check the spelling, or write x y for a product"))
        return Component(v, piece.strip(), expr)


def _coefficient(piece: str) -> str:
    """The text before a unit vector, as an expression: ``+ 2y`` is 2y, ``−`` is −1."""
    body = piece.strip()
    body = body[1:].lstrip() if body.startswith("+") else body
    return body + "1" if body in ("", "-", "−") else body


def _split(text: str, start: int) -> list[tuple[str, int]]:
    """Top-level commas split the components; one pair of brackets around them all goes."""
    begin, end = start, len(text)
    body = text[start:].strip()
    if body[:1] in ("(", "[") and _closing(body) == len(body) - 1:
        opening = text.index(body[0], start)
        if _commas(text, opening + 1, text.rindex(body[-1])):
            begin, end = opening + 1, text.rindex(body[-1])
    cuts = _commas(text, begin, end)
    return [(text[a:b], a) for a, b in zip([begin, *[c + 1 for c in cuts]], [*cuts, end])]


def _commas(text: str, begin: int, end: int) -> list[int]:
    """Where the commas outside brackets are in ``text[begin:end]``."""
    found, depth = [], 0
    for i in range(begin, end):
        depth += (text[i] in "([") - (text[i] in ")]")
        if text[i] == "," and depth == 0:
            found.append(i)
    return found


def _closing(text: str) -> int:
    """Where the bracket that opens ``text`` closes (−1: never)."""
    depth = 0
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if depth == 0:
            return i
    return -1


def _check_size(answer: Answer, f: Expression) -> None:
    """Refuse a huge answer before any work on it: ``parse``'s length limit per component."""
    texts = answer.values() if isinstance(answer, Mapping) else \
        [answer] if isinstance(answer, str) else answer
    size = sum(len(str(t)) for t in texts)
    allowed = Limits().max_length * max(1, len(f.variables))
    if size > allowed:
        raise ParseError(problem(f"the answer has {size:,} characters",
                                 expected=f"at most {allowed:,} for {len(f.variables)} "
                                 "component(s) (Limits.max_length each)",
                                 fix="shorten it"))


def _expect_count(count: int, f: Expression) -> None:
    n = len(f.variables)
    if count != n:
        raise InputError(problem(f"the answer has {count} component{'s' * (count != 1)}",
                                 expected=_expected(f), fix=f"give one per variable, e.g. "
                                 f"{_example(f)}"))


def _expected(f: Expression) -> str:
    n = len(f.variables)
    return f"{n} component{'s' * (n != 1)}, one per variable of ∇{f.name} ({', '.join(f.names)})"


def _example(f: Expression) -> str:
    return "'" + ", ".join(f"{n}=..." for n in f.names) + "'"
