"""Numbers as an explained step prints them, and whether its printed arithmetic adds up.

A step of a float run is printed with rounded numbers; each printed equation must still hold
for the numbers as printed (``2·1.0000000074107 − 2 = 1.48214e−08``, never ``2·1 − 2 =
1.48214e−08``). :class:`Shown` prints the numbers with the digits chosen for a step and
checks each equation exactly (``read`` turns a printed number back into the Fraction it
says); :mod:`gradwise.descent.explain` chooses the digits.

Example:
    >>> shown = Shown(inputs=14)
    >>> w = 1.0000000074107136
    >>> shown.state(w), shown.equals(2 * read(shown.state(w)) - 2, 2 * w - 2)
    ('1.0000000074107', '= 1.48214e−08')
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import sympy

from gradwise.language.numbers import number_text

__all__ = ["Shown", "read", "root", "wrapped", "fraction"]


class Shown:
    """How one step's numbers are printed, and whether its printed arithmetic holds.

    What the step starts from (the point, an optimizer's sums) is printed with ``inputs``
    significant digits; what it works out on the way (∂f/∂v, the new sums, Δ) with
    ``worked``; the new point, η and the hyper-parameters with six. ``equals(computed,
    value)`` writes ``= value`` after an equation whose left side, worked out exactly from
    the numbers as printed, is ``computed``; where that does not print as ``value``, the
    equation does not hold: it counts in ``misses`` and, with ``approximate``, its sign is ≈.
    """

    def __init__(self, inputs: int = 6, worked: int = 6, approximate: bool = False) -> None:
        self.inputs, self.worked, self.approximate, self.misses = inputs, worked, \
            approximate, 0

    def state(self, x: Any) -> str:
        return number_text(x, self.inputs)

    def value(self, x: Any) -> str:
        return number_text(x, self.worked)

    def constant(self, x: Any) -> str:
        """η, β, ρ, ε as given; and the new point, the step's answer."""
        return number_text(x)

    def equals(self, computed: Fraction, value: Any, answer: bool = False) -> str:
        exact = isinstance(value, sympy.Basic)  # an exact run: exact numbers throughout
        left = sympy.Rational(computed.numerator, computed.denominator) if exact \
            else float(computed)
        write = self.constant if answer else self.value
        text = write(value)
        if write(left) == text:
            return f"= {text}"
        self.misses += 1
        return f"{'≈' if self.approximate else '='} {text}"


def read(text: str) -> Fraction:
    """A printed number back as the exact number it says: ``−1.48214e−08``, ``2.6``, ``1/3``."""
    text = text.strip("()").replace("−", "-")
    return Fraction(text) if "/" in text else Fraction(Decimal(text))


def root(x: Fraction) -> Fraction:
    """√x to 40 digits, as a Fraction (enough to check 17 printed digits)."""
    with localcontext() as context:
        context.prec = 40
        return Fraction((Decimal(x.numerator) / Decimal(x.denominator)).sqrt())


def wrapped(text: str) -> str:
    """A printed number in brackets where it follows an operator: ``(−0.4)``, ``(1/3)``."""
    return f"({text})" if text.startswith("−") or "/" in text else text


def fraction(value: sympy.Expr) -> Fraction:
    """An exact SymPy value as a Fraction: a rational exactly, anything else to 40 digits."""
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return Fraction(Decimal(str(sympy.re(value.evalf(40)))))
