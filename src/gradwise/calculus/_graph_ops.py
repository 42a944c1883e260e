"""The operations of a computation graph: how SymPy's forms are read as the notes write them.

SymPy stores ``x − y`` as ``x + (−1)·y`` and ``a/b`` as ``a·b⁻¹``; a learner wrote neither.
So a sum with subtracted terms is one ``−`` node whose inputs carry signs (``y − σ(z)``
has inputs y and σ(z) with local derivatives +1 and −1), a negation is a ``−`` node of one
input, and a product with a denominator (negative powers, or a coefficient p/q) is a ``÷``
node of numerator and denominator (``x/2``, ``1/x²``, ``ln(x)/ln(10)``). ``x^½`` is
``sqrt``; every other power is ``^`` of base and exponent. A subexpression without names
(``π/180``, ``2``) is one constant leaf.

Each operation knows its value from its inputs' values (the forward pass), its local
derivatives ∂node/∂input (the backward pass), and how it reads with its inputs' names or
values in place (``v₃ = σ(v₂)``, ``σ(3)``).

Example:
    >>> import sympy
    >>> x, y = sympy.symbols("x y", real=True)
    >>> operation = operation_of(x - 2 * y, rank=str)
    >>> operation.op, operation.inputs, operation.signs
    ('−', (x, 2*y), (1, -1))
    >>> local_derivatives(operation, (sympy.Integer(3), sympy.Integer(4)))
    (1, -1)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy
from sympy import S

from gradwise.language.functions import absolute, relu, sigmoid, softplus

__all__ = ["Operation", "operation_of", "evaluate", "local_derivatives", "definition",
           "product_text", "is_loose", "LEAVES"]

LEAVES = ("variable", "parameter", "constant")

_FUNCTION_NAMES = {sigmoid: "σ", relu: "relu", softplus: "softplus", sympy.log: "ln",
                   sympy.Abs: "abs", absolute: "abs", sympy.exp: "exp"}


@dataclass(frozen=True)
class Operation:
    """One node's operation.

    Attributes:
        op: ``"+"``, ``"−"``, ``"×"``, ``"÷"``, ``"^"``, ``"sqrt"``, a function's name
            (``"σ"``, ``"sin"``, ``"ln"``, ``"exp"``, ...) or, for a leaf, ``"symbol"`` or
            ``"constant"``.
        inputs: the input subexpressions, in reading order.
        signs: for ``+`` and ``−``, the sign of each input; else empty.
        function: for a function, the SymPy class applied to the inputs.
    """

    op: str
    inputs: tuple[sympy.Expr, ...] = ()
    signs: tuple[int, ...] = ()
    function: Any = None


def operation_of(expr: sympy.Expr, rank: Callable[[sympy.Expr], Any]) -> Operation:
    """The operation that computes ``expr`` from its inputs.

    Args:
        expr: a SymPy expression (one node of the graph).
        rank: orders the inputs of sums and products (the graph passes the first
            appearance of their names in the text, so ``w·x + b`` reads as written).
    """
    if not expr.free_symbols:
        return Operation("constant")
    if expr.is_Symbol:
        return Operation("symbol")
    if expr.is_Add:
        return _sum(expr, rank)
    if expr.is_Mul and expr.as_coeff_Mul()[0] == -1:
        return Operation("−", (-expr,), (-1,))
    if expr.is_Mul or expr.is_Pow:
        numerator, denominator = sympy.fraction(expr, exact=True)
        if denominator != 1:
            return Operation("÷", (numerator, denominator))
    if expr.is_Mul:
        return _product(expr, rank)
    if expr.is_Pow:
        base, exponent = expr.args
        return Operation("sqrt", (base,)) if exponent == S.Half else Operation("^", expr.args)
    return Operation(_FUNCTION_NAMES.get(expr.func, expr.func.__name__), expr.args,
                     function=expr.func)


def _sum(expr: sympy.Expr, rank: Callable[[sympy.Expr], Any]) -> Operation:
    constants = sympy.Add(*[t for t in expr.args if not t.free_symbols])
    terms = [t for t in expr.args if t.free_symbols] + ([constants] if constants != 0 else [])
    signed = [(-1, -t) if t.could_extract_minus_sign() else (1, t) for t in terms]
    # added terms first, then subtracted ones (a − b, as written); names in text order
    signed.sort(key=lambda pair: (pair[0] < 0, not pair[1].free_symbols, rank(pair[1])))
    op = "−" if any(sign < 0 for sign, _ in signed) else "+"
    return Operation(op, tuple(t for _, t in signed), tuple(s for s, _ in signed))


def _product(expr: sympy.Expr, rank: Callable[[sympy.Expr], Any]) -> Operation:
    constant = sympy.Mul(*[f for f in expr.args if not f.free_symbols])
    factors = sorted((f for f in expr.args if f.free_symbols), key=rank)
    return Operation("×", ((constant,) if constant != 1 else ()) + tuple(factors))


def evaluate(operation: Operation, values: Sequence[sympy.Expr]) -> sympy.Expr:
    """The node's value from its inputs' values (exact in, exact out)."""
    op = operation.op
    if op in ("+", "−"):
        return sympy.Add(*[sign * v for sign, v in zip(operation.signs, values)])
    if op == "×":
        return sympy.Mul(*values)
    if op == "÷":
        return values[0] / values[1]
    if op == "^":
        return sympy.Pow(values[0], values[1])
    if op == "sqrt":
        return sympy.sqrt(values[0])
    return operation.function(*values)


def local_derivatives(operation: Operation, values: Sequence[Any],
                      wanted: Sequence[bool] | None = None) -> tuple[Any, ...]:
    """∂node/∂input for each input, at the inputs' ``values`` (``None`` where not ``wanted``).

    ``values`` may be numbers (the backward pass) or symbols (the formulas beside the
    edges: ∂v₃/∂v₂ = σ(v₂)(1 − σ(v₂))): the rules are the same SymPy arithmetic.
    """
    wanted = [True] * len(values) if wanted is None else wanted
    return tuple(_local(operation, values, i) if want else None
                 for i, want in enumerate(wanted))


def _local(operation: Operation, values: Sequence[Any], i: int) -> Any:
    op = operation.op
    if op in ("+", "−"):
        return sympy.Integer(operation.signs[i])
    if op == "×":
        return sympy.Mul(*values[:i], *values[i + 1:])
    if op == "÷":
        numerator, denominator = values
        return 1 / denominator if i == 0 else -numerator / denominator**2
    if op == "^":
        base, exponent = values
        return exponent * base ** (exponent - 1) if i == 0 else base**exponent * sympy.log(base)
    if op == "sqrt":
        return 1 / (2 * sympy.sqrt(values[0]))
    return _derivative(operation.function, len(values), i).xreplace(
        dict(zip(_dummies(len(values)), values)))


@cache
def _dummies(n: int) -> tuple[sympy.Dummy, ...]:
    return tuple(sympy.Dummy(f"u{i}", real=True) for i in range(n))


@cache
def _derivative(function: Any, n: int, i: int) -> sympy.Expr:
    """d function(u₀, …)/d uᵢ with real dummies (so d|u|/du is sign(u)), once per function."""
    dummies = _dummies(n)
    return sympy.diff(function(*dummies), dummies[i])


def definition(operation: Operation, texts: Sequence[str]) -> str:
    """How the node reads with ``texts`` (its inputs' names or values) in place.

    Example:
        >>> definition(Operation("−", (S.One, S.One), (1, -1)), ["y", "v₃"])
        'y − v₃'
        >>> definition(Operation("^", (S.One, S(2))), ["1 − w", "2"])
        '(1 − w)²'
    """
    op = operation.op
    if op in ("+", "−"):
        return _sum_text(operation.signs, texts)
    if op == "×":
        return product_text(texts)
    if op == "÷":
        top, bottom = texts
        return f"{_wrap(top, is_loose(top) or '/' in top)}/{_wrap(bottom, not _is_atom(bottom))}"
    if op == "^":
        return _power_text(_wrap(texts[0], not _is_atom(texts[0])), texts[1])
    if op == "exp":
        return _power_text("e", texts[0])
    return f"{op}({', '.join(texts)})"


def _sum_text(signs: Sequence[int], texts: Sequence[str]) -> str:
    result = ""
    for sign, text in zip(signs, texts):
        term = _wrap(text, is_loose(text) and sign < 0 or _is_negative(text))
        if not result:
            result = ("−" if sign < 0 else "") + term
        else:
            result += (" − " if sign < 0 else " + ") + term
    return result


def product_text(texts: Sequence[str]) -> str:
    result = ""
    for i, text in enumerate(texts):
        wrapped = _wrap(text, is_loose(text) or "/" in text or _is_negative(text) and i > 0)
        glue = result[-1:] in _DIGITS and wrapped[0] not in _DIGITS or wrapped[0] == "("
        result += wrapped if not result or glue else "·" + wrapped
    return result


def _power_text(base: str, exponent: str) -> str:
    if exponent.isascii() and exponent.isdigit() and exponent not in ("0", "1"):
        return base + exponent.translate(_SUPERSCRIPTS)
    return f"{base}^{_wrap(exponent, not _is_atom(exponent) or _is_negative(exponent))}"


_DIGITS = "0123456789"
_SUPERSCRIPTS = str.maketrans(_DIGITS, "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _wrap(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


def is_loose(text: str) -> bool:
    """A sum at the top level: ``1 − w``, but not ``σ(1 − w)``."""
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in "+−" and 0 < i < len(text) - 1 and text[i - 1] == " ":
            return True
    return False


def _is_negative(text: str) -> bool:
    return text.startswith("−") and len(text) > 1


def _is_atom(text: str) -> bool:
    """A name, a number, or one call such as ``σ(3)``: nothing to bracket."""
    if text.replace("_", "").replace(".", "").isalnum():
        return text[0] not in _DIGITS or text.replace(".", "").isdigit()  # 2x is a product
    name, bracket, rest = text.partition("(")
    return bool(bracket) and name.isalnum() and rest.endswith(")") and _closes_last(text)


def _closes_last(text: str) -> bool:
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char == ")":
            return i == len(text) - 1
    return False
