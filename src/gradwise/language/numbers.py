"""Numbers for people: the one formatter, and the minus sign (U+2212) the notes write.

Every front end (terminal, notebook, pictures, web text) shows numbers through
:func:`number_text`; every signed text goes through :func:`minus`, so ``−0.4`` never
appears as ``-0.4`` in one place and ``−0.4`` in another.

Example:
    >>> import sympy
    >>> number_text(sympy.Rational(13, 5)), number_text(2.5999999999999996), minus("-0.4")
    ('2.6', '2.6', '−0.4')
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["MINUS", "minus", "number_text", "float_text"]

MINUS = "−"
"""U+2212 MINUS SIGN, as the notes write it (not the ASCII hyphen-minus)."""


def minus(text: str) -> str:
    """``text`` with every ASCII hyphen-minus written as the minus sign.

    Example:
        >>> minus("2 - -3e-05")
        '2 − −3e−05'
    """
    return text.replace("-", MINUS)


def float_text(value: float, digits: int = 6) -> str:
    """A float to ``digits`` significant digits, minus sign included; 0 as ``0``.

    Example:
        >>> float_text(-0.000123456789), float_text(-0.0)
        ('−0.000123457', '0')
    """
    return minus(f"{value:.{digits}g}") if value != 0 else "0"


def number_text(x: Any, digits: int = 6) -> str:
    """A number for people: exact decimals or p/q for rationals, ``digits`` digits for floats.

    A rational whose denominator has only the factors 2 and 5 is a terminating decimal and
    is shown as one (13/5 as 2.6); other rationals as p/q; floats and irrational SymPy
    numbers (e, σ(1)) to ``digits`` significant digits, which hides float noise such as
    2.5999999999999996.

    Example:
        >>> number_text(sympy.Rational(-1, 3)), number_text(sympy.E), number_text(0.1 + 0.2)
        ('−1/3', '2.71828', '0.3')
    """
    if isinstance(x, sympy.Rational):
        if x.q != 1 and _terminates(int(x.q)):
            return minus(f"{sympy.Float(x, 40):.40f}".rstrip("0"))
        return minus(str(x.p) if x.q == 1 else f"{x.p}/{x.q}")
    return float_text(float(x), digits)


def _terminates(q: int) -> bool:
    """Whether 1/q is a terminating decimal: q has no prime factors but 2 and 5."""
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1
