"""SymPy functions that SymPy lacks and the notes use: the sigmoid σ, ReLU and softplus;
and |u| and sign(u) of an argument SymPy cannot prove real.

They are real SymPy ``Function`` classes, so derivatives stay compact
(``σ'(z) = σ(z)(1 − σ(z))``) and print in the notes' notation; ``standard_form``
rewrites them into SymPy's own functions wherever another tool must read them.
"""

from __future__ import annotations

import sympy
from sympy import Abs, DiracDelta, Function, Heaviside, Max, S, exp, log, sign


class sigmoid(Function):  # noqa: N801 - SymPy function classes are named like functions
    """The logistic sigmoid σ(z) = 1 / (1 + e^(−z))."""

    nargs = 1

    @classmethod
    def eval(cls, z):  # type: ignore[override]
        if z is S.Zero:
            return S.Half
        if z is S.Infinity:
            return S.One
        if z is S.NegativeInfinity:
            return S.Zero
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)  # σ' = σ(1 − σ)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + exp(-z))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_evalf(self, prec):
        return self._eval_rewrite_as_exp(self.args[0])._eval_evalf(prec)

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class relu(Function):  # noqa: N801
    """The rectifier relu(z) = max(0, z); its derivative at 0 is taken as 0, as PyTorch does."""

    nargs = 1

    @classmethod
    def eval(cls, z):  # type: ignore[override]
        if z.is_Number:
            return Max(S.Zero, z)
        return None

    def fdiff(self, argindex=1):
        return Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return Max(S.Zero, z)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return Max(S.Zero, self.args[0])._eval_evalf(prec)

    def _latex(self, printer):
        return rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"


class softplus(Function):  # noqa: N801
    """softplus(z) = ln(1 + e^z), a smooth ReLU whose derivative is σ(z)."""

    nargs = 1

    @classmethod
    def eval(cls, z):  # type: ignore[override]
        if z is S.Zero:
            return log(2)
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, z, **kwargs):
        return log(1 + exp(z))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):  # ln(1 + e^z) > 0 for every real z
        return True if self.args[0].is_real else None

    def _eval_is_zero(self):
        return False if self.args[0].is_real else None

    def _eval_evalf(self, prec):
        # ln(1 + e^z) as log1p: SymPy's sign test evaluates at 2 digits, where 1 + e^(−13)
        # rounds to 1 and softplus(−93/7) read as 0 (so relu(softplus(x))' = 0 there)
        import mpmath

        z = self.args[0]._eval_evalf(prec + 10)
        if z is None or not z.is_Float:
            return self._eval_rewrite_as_log(self.args[0])._eval_evalf(prec)
        with mpmath.workprec(prec + 10):
            value = mpmath.log1p(mpmath.exp(mpmath.mpf(z._mpf_)))
        return sympy.Float(value, precision=prec)

    def _latex(self, printer):
        return rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"


class absolute(Function):  # noqa: N801
    """|u| where SymPy cannot prove u real (abs(log(w)), abs(sqrt(w) − 2)): |u|' = sign(u)·u'.

    The language is real, so the derivative is the one on paper; SymPy's own Abs would split
    such a u into real and imaginary parts (ln(w/sign(w))·sign(w)²/…) and leave its second
    derivative unevaluated. Where u is provably real (abs(x)) this is SymPy's Abs itself.
    """

    nargs = 1

    @classmethod
    def eval(cls, u):  # type: ignore[override]
        if u.is_extended_real or u.is_number:
            return Abs(u)
        return None

    def fdiff(self, argindex=1):
        return signum(self.args[0])

    def _eval_rewrite_as_Abs(self, u, **kwargs):
        return Abs(u)

    def _eval_is_extended_real(self):
        return True

    def _eval_is_extended_nonnegative(self):
        return True

    def _eval_evalf(self, prec):
        return Abs(self.args[0])._eval_evalf(prec)

    def _latex(self, printer):
        return rf"\left|{printer._print(self.args[0])}\right|"


class signum(Function):  # noqa: N801
    """sign(u) where SymPy cannot prove u real: its derivative is 2δ(u)·u', 0 but where u = 0."""

    nargs = 1

    @classmethod
    def eval(cls, u):  # type: ignore[override]
        if u.is_extended_real or u.is_number:
            return sign(u)
        return None

    def fdiff(self, argindex=1):
        return 2 * DiracDelta(self.args[0])

    def _eval_rewrite_as_sign(self, u, **kwargs):
        return sign(u)

    def _eval_evalf(self, prec):
        return sign(self.args[0])._eval_evalf(prec)

    def _latex(self, printer):
        return rf"\operatorname{{sign}}\left({printer._print(self.args[0])}\right)"


CUSTOM_FUNCTIONS = (sigmoid, relu, softplus, absolute, signum)


def standard_form(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite σ, relu, softplus, |u| and sign(u) into SymPy's own functions (exp, Max, log,
    Abs, sign).

    Used wherever text must be read back by plain SymPy, e.g. the CLI's ``--json``.
    """
    return expr.replace(sigmoid, lambda z: 1 / (1 + exp(-z))).replace(
        relu, lambda z: Max(S.Zero, z)
    ).replace(softplus, lambda z: log(1 + exp(z))).replace(absolute, Abs).replace(signum, sign)
