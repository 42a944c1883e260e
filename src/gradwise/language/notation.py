"""Rendering in the lecture notes' notation: ``2x î + 2y ĵ``, ``(2w − 2) î``, column vectors.

The printed text is also valid input to ``gradwise.parse`` (superscripts, implicit
products, ``−``), except for the step function ``H(z)`` that ReLU's derivative needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy import S
from sympy.printing.str import StrPrinter

from gradwise.language.functions import relu, sigmoid, softplus
from gradwise.language.numbers import minus

_UNITS = ("î", "ĵ", "k̂")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot)
_NAMES = {sigmoid: "σ", relu: "relu", softplus: "softplus", sympy.log: "ln", sympy.Abs: "abs",
          sympy.Heaviside: "H", sympy.DiracDelta: "δ"}


class NotesPrinter(StrPrinter):
    """SymPy's string printer, speaking the notes' notation."""

    def __init__(self, degrees: bool = False, digits: int = 6) -> None:
        super().__init__()
        self.degrees = degrees
        self.digits = digits

    def doprint(self, expr) -> str:
        return super().doprint(sympy.sympify(expr)) if not isinstance(expr, str) else expr

    def _print_Float(self, expr) -> str:
        return minus(f"{float(expr):.{self.digits}g}")

    def _print_Rational(self, expr) -> str:
        return minus(f"{expr.p}/{expr.q}")

    def _print_Integer(self, expr) -> str:
        return minus(str(expr.p))

    def _print_Pi(self, expr) -> str:
        return "π"

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_Add(self, expr, order=None) -> str:
        parts: list[str] = []
        for term in expr.as_ordered_terms():
            negative = term.could_extract_minus_sign()
            text = self._print(-term if negative else term)
            if parts:
                parts.append(("− " if negative else "+ ") + text)
            else:
                parts.append(("−" if negative else "") + text)
        return " ".join(parts)

    def _print_Mul(self, expr) -> str:
        if expr.could_extract_minus_sign():
            return "−" + self._print(-expr)
        numerator, denominator = sympy.fraction(expr, exact=True)
        top = self._product(numerator)
        if denominator == 1:
            return top
        bottom = self._product(denominator)  # a lone sum is bracketed there already
        if len(sympy.Mul.make_args(denominator)) > 1:
            bottom = f"({bottom})"
        return f"{top}/{bottom}"

    def _product(self, expr) -> str:
        factors = sympy.Mul.make_args(expr)
        if len(factors) == 1:
            return self._factor(factors[0])
        ordered = sympy.Mul(*factors, evaluate=False).as_ordered_factors()
        text, previous = "", S.One  # (previous is read only once text is not empty)
        for factor in ordered:
            piece = self._factor(factor)
            # glued, the text must parse back: 2x (a number before a name), but x1·x2 (not
            # the name x1x2), and x(1 − y) but x1·(1 − y) (x1( reads as a call of x1)
            glue = not text or piece.startswith("(") and not _reads_as_call(previous) or (
                (previous.is_Number or text[-1] in _SUPERSCRIPT_DIGITS)  # 2x, x²y
                and (factor.is_Symbol or factor.is_NumberSymbol
                     or factor.is_Pow and factor.base.is_Symbol)
            ) or (text[-1] == ")" and isinstance(factor, sympy.Function))
            if text and not glue:
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
        base, exponent = expr.as_base_exp()
        if exponent == S.Half:
            return f"sqrt({self._print(base)})"
        if exponent.is_Number and exponent < 0:
            return f"1/{self._factor(sympy.Pow(base, -exponent))}"
        base_text = self._print(base)
        if not (base.is_Symbol or base.is_Integer and base > 0 or base in (S.Exp1, S.Pi)
                or isinstance(base, sympy.Function)):
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
        return f"{text}°" if angle.is_Symbol or angle.is_Number else f"({text})°"

    _print_sigmoid = _print_relu = _print_softplus = _print_Function
    _print_Heaviside = _print_DiracDelta = _print_Abs = _print_log = _print_Function


def _reads_as_call(factor) -> bool:
    """Whether ``factor`` glued to a bracket would read as a function call: a name of more
    than one letter without an underscore (the parser multiplies for x( and w_1( only)."""
    if not factor.is_Symbol:
        return False
    return len(factor.name) > 1 and "_" not in factor.name


def show(expr: sympy.Basic | float | str, degrees: bool = False, digits: int = 6) -> str:
    """One expression in the notes' notation: ``2w − 2``, ``σ(z)(1 − σ(z))``.

    Args:
        expr: a SymPy expression or a number (text is printed as it is: parse it first
            with :func:`gradwise.parse`).
        degrees: write trigonometric arguments in degrees (``sin(30°)``).
        digits: significant digits for floats.

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
    return NotesPrinter(degrees, digits).doprint(expr)


def vector_text(label: str, components: Sequence[sympy.Expr], degrees: bool = False,
                digits: int = 6, relation: str = "=") -> str:
    """``label = 2x î + 2y ĵ`` up to three components, a column vector beyond."""
    texts = [show(c, degrees, digits) for c in components]
    if len(texts) > 3:
        return column_text(label, texts, relation)
    parts: list[str] = []
    for c, text, unit in zip(components, texts, _UNITS, strict=False):
        negative = c.could_extract_minus_sign() and not isinstance(c, sympy.Add)
        if negative:
            text = show(-c, degrees, digits)
        term = text + unit if _is_plain_number(c) else f"{_wrap(c, text)} {unit}"
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


def matrix_text(label: str, rows: Sequence[Sequence[str]]) -> str:
    """A matrix drawn with bracket characters, columns aligned."""
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if len(lines) == 1:
        return f"{label} = [ {lines[0]} ]"
    return column_text(label, lines)


def function_text(f) -> str:
    return f"{f.name}({', '.join(f.names)}) = {show(f.expr, f.degrees)}"


def gradient_text(g) -> str:
    f = g.function
    return vector_text(f"∇{f.name}({', '.join(f.names)})", g.components, f.degrees)


def gradient_value_text(v, digits: int = 6) -> str:
    f = v.gradient.function
    at = ", ".join(show(v.point[s]) for s in f.variables)
    return vector_text(f"∇{f.name}({at})", v.exact, False, digits)


def hessian_text(h) -> str:
    f = h.function
    rows = [[show(c, f.degrees) for c in row] for row in h.rows]
    return matrix_text(f"H{f.name}({', '.join(f.names)})", rows)


def hessian_value_text(v) -> str:
    f = v.hessian.function
    at = ", ".join(show(v.point[s]) for s in f.variables)
    return matrix_text(f"H{f.name}({at})", [[show(c) for c in row] for row in v.exact.tolist()])


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


def _is_plain_number(c) -> bool:
    return bool(c.is_Number)


def _wrap(c, text: str) -> str:
    return f"({text})" if isinstance(c, sympy.Add) or "/" in text else text
