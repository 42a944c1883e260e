"""The derivative of each function of the math language, with the rule's name and its formula.

One row per function: what a student looks up in a table of derivatives. The step-by-step
engine (:mod:`gradwise.calculus.steps`) uses a row wherever it meets the function, directly
(``sin x``) or as the outer function of the chain rule (``sin u`` with ``u = x²``).

Example:
    >>> import sympy
    >>> u = sympy.Symbol("u", real=True)
    >>> row = ELEMENTARY[sympy.sin]
    >>> row.rule, row.derivative(u), row.why("d/du", "u")
    ('trigonometric', cos(u), 'd/du sin(u) = cos(u)')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy import S

from gradwise.language.functions import absolute, relu, sigmoid, signum, softplus

__all__ = ["Elementary", "ELEMENTARY", "RULES"]

RULES = ("constant", "treat as constant", "variable", "constant multiple", "sum", "difference",
         "power", "product", "quotient", "chain", "exponential", "logarithm", "trigonometric",
         "inverse trigonometric", "hyperbolic", "absolute value", "sigmoid", "relu", "softplus",
         "degrees", "general power", "simplify")
"""Every rule name a step can carry."""


@dataclass(frozen=True)
class Elementary:
    """One row of the table: f'(u) and the formula that justifies it.

    Attributes:
        rule: the rule's name, one of :data:`RULES`.
        derivative: u ↦ f'(u).
        formula: the rule in symbols, ``{d}`` standing for ``d/du`` and ``{u}`` for the argument.
    """

    rule: str
    derivative: Callable[[sympy.Expr], sympy.Expr]
    formula: str

    def why(self, d: str, u: str) -> str:
        """The formula with the derivative's operator and the argument's name filled in."""
        return self.formula.format(d=d, u=u)


_ABSOLUTE = ("{d} |{u}| = sign({u}): −1 where {u} < 0, 1 where {u} > 0, undefined where "
             "{u} = 0")


def _row(rule: str, derivative: Callable[[sympy.Expr], sympy.Expr], formula: str) -> Elementary:
    return Elementary(rule, derivative, formula)


ELEMENTARY: dict[type, Elementary] = {
    sympy.exp: _row("exponential", sympy.exp, "{d} e^{u} = e^{u}"),
    sympy.log: _row("logarithm", lambda u: 1 / u, "{d} ln({u}) = 1/{u}, for {u} > 0"),
    sympy.sin: _row("trigonometric", sympy.cos, "{d} sin({u}) = cos({u})"),
    sympy.cos: _row("trigonometric", lambda u: -sympy.sin(u), "{d} cos({u}) = −sin({u})"),
    sympy.tan: _row("trigonometric", lambda u: sympy.sec(u) ** 2, "{d} tan({u}) = sec²({u})"),
    sympy.sec: _row("trigonometric", lambda u: sympy.sec(u) * sympy.tan(u),
                    "{d} sec({u}) = sec({u})·tan({u})"),
    sympy.csc: _row("trigonometric", lambda u: -sympy.csc(u) * sympy.cot(u),
                    "{d} csc({u}) = −csc({u})·cot({u})"),
    sympy.cot: _row("trigonometric", lambda u: -sympy.csc(u) ** 2, "{d} cot({u}) = −csc²({u})"),
    sympy.asin: _row("inverse trigonometric", lambda u: 1 / sympy.sqrt(1 - u**2),
                     "{d} asin({u}) = 1/sqrt(1 − {u}²), for |{u}| < 1"),
    sympy.acos: _row("inverse trigonometric", lambda u: -1 / sympy.sqrt(1 - u**2),
                     "{d} acos({u}) = −1/sqrt(1 − {u}²), for |{u}| < 1"),
    sympy.atan: _row("inverse trigonometric", lambda u: 1 / (1 + u**2),
                     "{d} atan({u}) = 1/(1 + {u}²)"),
    sympy.sinh: _row("hyperbolic", sympy.cosh, "{d} sinh({u}) = cosh({u})"),
    sympy.cosh: _row("hyperbolic", sympy.sinh, "{d} cosh({u}) = sinh({u})"),
    sympy.tanh: _row("hyperbolic", lambda u: 1 - sympy.tanh(u) ** 2,
                     "{d} tanh({u}) = 1 − tanh²({u})"),
    sympy.Abs: _row("absolute value", sympy.sign, _ABSOLUTE),
    absolute: _row("absolute value", signum, _ABSOLUTE),  # |u| of a u not provably real
    sigmoid: _row("sigmoid", lambda u: sigmoid(u) * (1 - sigmoid(u)),
                  "{d} σ({u}) = σ({u})(1 − σ({u})), since σ' = σ(1 − σ)"),
    relu: _row("relu", lambda u: sympy.Heaviside(u, S.Zero),
               "{d} relu({u}) = H({u}): 1 where {u} > 0, 0 where {u} < 0 (0 at {u} = 0, "
               "as PyTorch takes it)"),
    softplus: _row("softplus", sigmoid,
                   "{d} softplus({u}) = σ({u}), since softplus({u}) = ln(1 + e^{u})"),
}
"""Each function of the language (as SymPy builds it) mapped to its row."""
