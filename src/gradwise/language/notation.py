"""Rendering in the lecture notes' notation: ``2x î + 2y ĵ``, ``(2w − 2) î``, column vectors.

The printed text is also valid input to ``gradwise.parse`` (superscripts, implicit
products, ``−``), except for the step function ``H(z)`` that ReLU's derivative needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy
from sympy import S
from sympy.printing.str import StrPrinter

from gradwise.language._builder import is_call
from gradwise.language.functions import absolute, relu, sigmoid, signum, softplus
from gradwise.language.numbers import LONGEST, abbreviated, float_text, minus, number_length
from gradwise.language.typed import Typed, factor_ranks, typed_sort

_UNITS = ("î", "ĵ", "k̂")
_EXPONENT = re.compile(r"[eE][-+−]?[0-9]")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot)
_NAMES = {sigmoid: "σ", relu: "relu", softplus: "softplus", sympy.log: "ln", sympy.Abs: "abs",
          sympy.Heaviside: "H", sympy.DiracDelta: "δ", absolute: "abs", signum: "sign"}


class NotesPrinter(StrPrinter):
    """SymPy's string printer, speaking the notes' notation."""

    def __init__(self, degrees: bool = False, digits: int = 6,
                 typed: Typed | None = None) -> None:
        super().__init__()
        self.degrees = degrees
        self.digits = digits
        # how f's sums and products were typed (language.typed): they keep that order
        self.orders = typed.orders() if typed is not None else None
        self.ranks = factor_ranks(self.orders) if self.orders is not None else {}

    def _terms(self, expr) -> list:
        if self.orders is not None and expr in self.orders:
            return typed_sort(expr.as_ordered_terms(), expr, self.orders)
        return printed_terms(expr)

    def _factors(self, factors) -> list:
        ordered = sympy.Mul(*factors, evaluate=False).as_ordered_factors()
        if not self.ranks:
            return ordered
        return sorted(ordered, key=lambda f: (not f.is_Number, self.ranks.get(f, 1 << 30)))

    def doprint(self, expr) -> str:
        return super().doprint(sympy.sympify(expr)) if not isinstance(expr, str) else expr

    def _print_Float(self, expr) -> str:
        return float_text(expr, self.digits)

    def _print_Rational(self, expr) -> str:
        if number_length(expr) > LONGEST:  # 10^308 as 1e+308, never 309 digits
            return abbreviated(expr, self.digits)
        return minus(f"{expr.p}/{expr.q}")

    def _print_Integer(self, expr) -> str:
        return self._print_Rational(expr) if number_length(expr) > LONGEST else minus(str(expr.p))

    def _print_Pi(self, expr) -> str:
        return "π"

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_Add(self, expr, order=None) -> str:
        parts: list[str] = []
        for term in self._terms(expr):
            negative = _negative(term)
            if parts:
                parts.append(("− " if negative else "+ ") + self._print(-term if negative
                                                                        else term))
            else:  # a leading sign is the term's own (see _print_Mul)
                parts.append(self._print(term))
        return " ".join(parts)

    def _print_Mul(self, expr) -> str:
        if _negative(expr):
            text = self._print(-expr)
            # −(a + b)/c would read back as (−a − b)/c, another product: keep the −1 apart
            distributes = isinstance(sympy.Mul.make_args(-expr)[0], sympy.Add) or \
                text.startswith("(") and any(isinstance(f, sympy.Add)
                                             for f in sympy.Mul.make_args(-expr))
            return ("−1·" if distributes and text.startswith("(") else "−") + text
        numerator, denominator = sympy.fraction(expr, exact=True)
        top = self._product(numerator)
        if denominator == 1:
            return top
        factors = sympy.Mul.make_args(denominator)
        if len(factors) == 2 and factors[0].is_Number and isinstance(factors[1], sympy.Add):
            # 2(3 − x) would read back as 6 − 2x (SymPy distributes a number over a sum)
            return f"{top}/{self._print(factors[0])}/({self._print(factors[1])})"
        bottom = self._product(denominator)  # a lone sum is bracketed there already
        if len(factors) > 1:
            bottom = f"({bottom})"
        return f"{top}/{bottom}"

    def _product(self, expr) -> str:
        factors = sympy.Mul.make_args(expr)
        if len(factors) == 1:
            return self._factor(factors[0])
        ordered = self._factors(factors)
        text, previous = "", None
        for factor in ordered:
            piece = self._factor(factor)
            if previous is not None and not _glues(previous, factor, text, piece):
                text += "·"
            text += piece
            previous = factor
        return text

    def _factor(self, expr) -> str:
        text = self._print(expr)
        if isinstance(expr, sympy.Add) or expr.is_Rational and expr.q != 1 or \
                isinstance(expr, sympy.Mul) and "/" in text:
            return f"({text})"
        return text

    def _print_Pow(self, expr, rational=False) -> str:
        base, exponent = expr.args  # not as_base_exp(): (1/2)^x must not come back as 2^(−x)
        if exponent == S.Half:
            return f"sqrt({self._print(base)})"
        if exponent.is_Number and exponent < 0:
            return f"1/{self._factor(sympy.Pow(base, -exponent))}"
        base_text = self._print(base)
        if not (base.is_Symbol or base.is_Integer and base > 0 or base in (S.Exp1, S.Pi)
                or isinstance(base, sympy.Function) and not isinstance(base, sympy.exp)):
            base_text = f"({base_text})"
        if exponent.is_Integer and exponent > 1:
            return base_text + str(exponent).translate(_SUPERSCRIPTS)
        exp_text = self._print(exponent)
        if not (exponent.is_Symbol or exponent.is_Integer and exponent > 0):
            exp_text = f"({exp_text})"
        return f"{base_text}^{exp_text}"

    def _print_exp(self, expr) -> str:
        return self._print_Pow(sympy.Pow(S.Exp1, expr.args[0], evaluate=False))

    def _print_Function(self, expr) -> str:
        name = _NAMES.get(expr.func, expr.func.__name__)
        args = expr.args[:1] if expr.func is sympy.Heaviside else expr.args
        if self.degrees and expr.func in _TRIG:
            return f"{name}({self._degrees(args[0])})"
        return f"{name}({', '.join(self._print(a) for a in args)})"

    def _degrees(self, radians) -> str:
        angle = radians * 180 / S.Pi
        text = self._print(angle)
        simple = angle.is_Symbol or angle.is_Integer or angle.is_Float
        return f"{text}°" if simple and not text.startswith("−") else f"({text})°"

    _print_sigmoid = _print_relu = _print_softplus = _print_Function
    _print_Heaviside = _print_DiracDelta = _print_Abs = _print_log = _print_Function
    _print_absolute = _print_signum = _print_Function


def show(expr: sympy.Basic | float | str, degrees: bool = False, digits: int = 6,
         typed: Typed | None = None) -> str:
    """One expression in the notes' notation: ``2w − 2``, ``σ(z)(1 − σ(z))``.

    Args:
        expr: a SymPy expression or a number (text is printed as it is: parse it first
            with :func:`gradwise.parse`).
        degrees: write trigonometric arguments in degrees (``sin(30°)``).
        digits: significant digits for floats.
        typed: ``Expression.typed``: its sums and products are printed in the order they
            were typed (default: a conventional order).

    Returns:
        The text: Unicode minus, superscript powers, ``σ`` for the sigmoid, ``π``.

    Raises:
        sympy.SympifyError: ``expr`` is an object SymPy cannot read.

    Example:
        >>> import sympy
        >>> w = sympy.Symbol("w")
        >>> show(2 * w - 2), show(sympy.pi * w / 3), show(sympy.Float(0.123456789), digits=3)
        ('2w − 2', 'π·w/3', '0.123')
    """
    return NotesPrinter(degrees, digits, typed).doprint(expr)


def vector_text(label: str, components: Sequence[sympy.Expr], degrees: bool = False,
                digits: int = 6, relation: str = "=") -> str:
    """``label = 2x î + 2y ĵ`` up to three components, a column vector beyond."""
    texts = [show(c, degrees, digits) for c in components]
    if len(texts) > 3:
        return column_text(label, texts, relation)
    parts: list[str] = []
    for c, text, unit in zip(components, texts, _UNITS, strict=False):
        negative = _negative(c) and not isinstance(c, sympy.Add)
        if negative:
            text = show(-c, degrees, digits)
        term = _unit_term(c, text, unit)
        if parts:
            parts.append(("− " if negative else "+ ") + term)
        else:
            parts.append(("−" if negative else "") + term)
    return f"{label} {relation} {' '.join(parts)}"


def column_text(label: str, rows: Sequence[str], relation: str = "=") -> str:
    """A column vector drawn with bracket characters, the label beside its middle row."""
    width = max(len(r) for r in rows)
    middle = len(rows) // 2
    lines = []
    for i, row in enumerate(rows):
        left, right = ("⎡", "⎤") if i == 0 else ("⎣", "⎦") if i == len(rows) - 1 else ("⎢", "⎥")
        prefix = f"{label} {relation} " if i == middle else " " * (len(label) + 3)
        lines.append(f"{prefix}{left} {row.ljust(width)} {right}")
    return "\n".join(lines)


def matrix_text(label: str, rows: Sequence[Sequence[str]], relation: str = "=") -> str:
    """A matrix drawn with bracket characters, columns aligned."""
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if len(lines) == 1:
        return f"{label} {relation} [ {lines[0]} ]"
    return column_text(label, lines, relation)


def function_text(f) -> str:
    return f"{f.name}({', '.join(f.names)}) = {show(f.expr, f.degrees, typed=f.typed)}"


def gradient_text(g) -> str:
    f = g.function
    return vector_text(f"∇{f.name}({', '.join(f.names)})", g.components, f.degrees)


def gradient_value_text(v, digits: int = 6) -> str:
    f = v.gradient.function
    at = ", ".join(show(v.point[s]) for s in f.variables)
    relation = "≈" if v.approximate else "="  # some components are 50-digit floats
    return vector_text(f"∇{f.name}({at})", v.exact, False, digits, relation)


def hessian_text(h) -> str:
    f = h.function
    rows = [[show(c, f.degrees) for c in row] for row in h.rows]
    return matrix_text(f"H{f.name}({', '.join(f.names)})", rows)


def hessian_value_text(v) -> str:
    f = v.hessian.function
    at = ", ".join(show(v.point[s]) for s in f.variables)
    return matrix_text(f"H{f.name}({at})", [[show(c) for c in row] for row in v.exact.tolist()],
                       "≈" if v.approximate else "=")


def function_latex(f) -> str:
    return f"{f.name}({', '.join(sympy.latex(v) for v in f.variables)}) = {sympy.latex(f.expr)}"


def gradient_latex(g) -> str:
    f = g.function
    label = rf"\nabla {f.name}({', '.join(sympy.latex(v) for v in f.variables)})"
    if len(g.components) > 3:
        return f"{label} = {sympy.latex(sympy.Matrix(g.components))}"
    units = (r"\hat{i}", r"\hat{j}", r"\hat{k}")
    terms = [rf"\left({sympy.latex(c)}\right) {u}" if isinstance(c, sympy.Add)
             else rf"{sympy.latex(c)}\, {u}" for c, u in zip(g.components, units, strict=False)]
    return f"{label} = " + " + ".join(terms).replace("+ -", "- ")


def hessian_latex(h) -> str:
    f = h.function
    return rf"H_{{{f.name}}} = {sympy.latex(h.matrix)}"


def _negative(term) -> bool:
    """Whether a term's numeric coefficient is negative (−2x, −x/3): then "−" and −term read
    back as the term. (−a − b)/c is not such a term: written −(a + b)/c it reads back as
    −1·(a + b)/c, another product."""
    return bool(term.as_coeff_Mul()[0].is_negative)


def _glues(previous, factor, text: str, piece: str) -> bool:
    """Whether two factors are written side by side (2x, 3(x + 1), σ(z)(1 − σ(z))) rather
    than with ``·``: only where the text reads back as the same product. After a name, a
    letter would lengthen the name (x1y, w_1x) and a bracket could call it (yhat(x)); after
    a number, ``e1`` would read as an exponent (2e1 is 20)."""
    if piece.startswith("("):
        if previous.is_Symbol:
            return not is_call(previous.name)
        if previous.is_Pow:
            return bool(previous.exp.is_Integer)  # x²(y + 1), but 2^x·(x + 1)
        return True  # 3(x + 1), (x + 1)(x − 1), σ(z)(1 − σ(z))
    superscript = previous.is_Pow and previous.exp.is_Integer and previous.exp > 1
    if previous.is_Number and text[-1:].isdigit() or superscript:  # 2x, x²y
        simple = factor.is_Symbol or factor.is_NumberSymbol or \
            factor.is_Pow and factor.base.is_Symbol
        return bool(simple) and not _EXPONENT.match(piece)
    return text.endswith(")") and isinstance(factor, sympy.Function)


def _is_plain_number(c) -> bool:
    return bool(c.is_Number)


def _wrap(c, text: str) -> str:
    return f"({text})" if isinstance(c, sympy.Add) or "/" in text else text


def _unit_term(c, text: str, unit: str) -> str:
    """A component beside its unit vector: ``2x î``, ``(x + 1) î``; a number glued, ``4î``,
    a fraction in brackets, ``(6/25)î`` (never read as 6/(25î)), and 1 not written: ``k̂``."""
    if not _is_plain_number(c):
        return f"{_wrap(c, text)} {unit}"
    if text == "1":
        return unit
    return f"({text}){unit}" if "/" in text else text + unit


def printed_terms(expr: sympy.Expr) -> list:
    """A derived sum's terms in the order :func:`show` prints them: descending degree,
    constants last, a positive term first (what a rule-by-rule derivation splits it into).

    Example:
        >>> x, b = sympy.symbols("x b")
        >>> printed_terms(b + 3 * x**2 - 1)
        [3*x**2, b, -1]
    """
    return _positive_first(sorted(expr.as_ordered_terms(), key=_descending_degree))


def _descending_degree(term) -> int:
    """The sort key of a term of a derived result: its degree, highest first; constants last.

    The degree counts powers of names through products and sums (4x(x² + y − 11) is of degree
    3); a function of the names (sin(x)) counts 0, as a constant factor does.
    """
    if not term.free_symbols:
        return 1
    return -_degree(term)


def _degree(expr) -> int:
    if expr.is_Symbol:
        return 1
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return _degree(expr.base) * int(expr.exp)
    if expr.is_Mul:
        return sum(_degree(f) for f in expr.args)
    if expr.is_Add:
        return max(_degree(t) for t in expr.args)
    return 0


def _positive_first(terms: list) -> list:
    """A sum opens with a positive term where it has one: 1 − w, not −w + 1."""
    if terms and _negative(terms[0]):
        for i, term in enumerate(terms):
            if not _negative(term):
                return [term, *terms[:i], *terms[i + 1:]]
    return terms
