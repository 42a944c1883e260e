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

__all__ = ["MINUS", "LONGEST", "minus", "number_text", "float_text", "abbreviated",
           "number_length", "count_text"]

MINUS = "−"
"""U+2212 MINUS SIGN, as the notes write it (not the ASCII hyphen-minus)."""


def minus(text: str) -> str:
    """``text`` with every ASCII hyphen-minus written as the minus sign.

    Example:
        >>> minus("2 - -3e-05")
        '2 − −3e−05'
    """
    return text.replace("-", MINUS)


LONGEST = 100
"""Digits of an exact number shown in full (what the language reads back: ``Limits.max_digits``);
a longer one is abbreviated to ``digits`` significant digits, ``≈`` marking a value the text
does not give exactly."""

_FLOATS = (1e-300, 1e300)  # magnitudes Python's own formatting handles


def float_text(value: Any, digits: int = 6) -> str:
    """A number to ``digits`` significant digits, minus sign included; 0 as ``0``.

    Floats, SymPy Floats and mpmath numbers alike, also beyond the range of floats
    (a 50-digit value of 1e3000 is ``1e+3000``, not ``inf``).

    Example:
        >>> float_text(-0.000123456789), float_text(-0.0), float_text(sympy.Float("1e3000", 50))
        ('−0.000123457', '0', '1e+3000')
    """
    if not isinstance(value, float) and _beyond_floats(value):
        return minus(_scientific(value, digits))
    value = float(value)
    return minus(f"{value:.{digits}g}") if value != 0 else "0"


def number_text(x: Any, digits: int = 6) -> str:
    """A number for people: exact decimals or p/q for rationals, ``digits`` digits for floats.

    A rational whose denominator has only the factors 2 and 5 is a terminating decimal and
    is shown as one (13/5 as 2.6) when it has at most 40 decimals; other rationals as p/q;
    floats and irrational SymPy numbers (e, σ(1)) to ``digits`` significant digits, which
    hides float noise such as 2.5999999999999996. A rational of more than :data:`LONGEST`
    digits is abbreviated (10^308 as ``1e+308``), never printed digit by digit.

    Example:
        >>> number_text(sympy.Rational(-1, 3)), number_text(sympy.E), number_text(0.1 + 0.2)
        ('−1/3', '2.71828', '0.3')
        >>> number_text(sympy.Integer(10)**308), number_text(sympy.Rational(1, 3**300))
        ('1e+308', '≈7.30506e−144')
    """
    if isinstance(x, sympy.Rational):
        if number_length(x) > LONGEST:
            return abbreviated(x, digits)
        decimals = _decimals(int(x.q))
        if x.q != 1 and decimals is not None and decimals <= 40:
            return minus(f"{sympy.Float(x, 60):.{decimals}f}")
        return minus(str(x.p) if x.q == 1 else f"{x.p}/{x.q}")
    return float_text(x, digits)


def abbreviated(x: sympy.Rational, digits: int = 6) -> str:
    """A long rational as ``digits`` significant digits, with ``≈`` unless the text is exact.

    Example:
        >>> abbreviated(sympy.Integer(10)**400), abbreviated(sympy.Integer(10)**400 + 1)
        ('1e+400', '≈1e+400')
    """
    text = _scientific(x, digits)
    mantissa, _, exponent = text.partition("e")
    exact = sympy.Rational(mantissa) * sympy.Integer(10) ** int(exponent or 0) == x
    return minus(text if exact else "≈" + text)


def count_text(n: int) -> str:
    """A count with thousands separators; past :data:`LONGEST` digits, abbreviated.

    Example:
        >>> count_text(4457), count_text(10**300 // 7)
        ('4,457', '≈1.42857e+299')
    """
    return f"{n:,}" if abs(n) < 10**LONGEST else abbreviated(sympy.Integer(n))


def _scientific(value: Any, digits: int) -> str:
    """%g-style text of a real number of any size (mpmath: no float overflow)."""
    import mpmath

    with mpmath.workdps(digits + 5):
        number = mpmath.mpf(value.p) / value.q if isinstance(value, sympy.Rational) else \
            mpmath.mpf(getattr(value, "_mpf_", value))
        if _FLOATS[0] <= abs(number) <= _FLOATS[1]:
            return f"{float(number):.{digits}g}"
        return mpmath.nstr(number, digits).replace(".0e", "e")


def _beyond_floats(value: Any) -> bool:
    if isinstance(value, sympy.Float) or type(value).__name__ == "mpf":
        size = abs(value)
        return bool(size != 0 and not _FLOATS[0] <= size <= _FLOATS[1])
    return False


def number_length(x: sympy.Rational) -> int:
    """Decimal digits of the longer of p and q, to within one, without printing them."""
    bits = max(abs(int(x.p)).bit_length(), int(x.q).bit_length())
    return int(bits * 0.30103) + 1


def _decimals(q: int) -> int | None:
    """The decimals of 1/q when it terminates (q = 2^a·5^b: max(a, b)), else None."""
    count = {2: 0, 5: 0}
    for p in (2, 5):
        while q % p == 0:
            q //= p
            count[p] += 1
    return max(count.values()) if q == 1 else None
