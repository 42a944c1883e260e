"""The neuron's per-sample cost and its derivative, derived once by SymPy.

For one sample the neuron predicts ŷ = φ(z) with z = w·x + b and pays
c(z, y) = (y − φ(z))² (the notes' cost), or the log-loss
c = −(y·ln ŷ + (1 − y)·ln(1 − ŷ)) for a classifier. The chain rule gives δ = ∂c/∂z, and then
∂c/∂w = δ·x and ∂c/∂b = δ. :func:`derive` lets ``sympy.diff`` find δ, so the
formula the CLI shows (:meth:`Derivation.explain`) and the one the kernel
compiles (:mod:`gradwise.neuron.kernel`) are the same SymPy object. The factors of the chain
rule that :meth:`Derivation.explain` prints, ∂C/∂ŷ and φ'(z), are derived rule by rule by
:func:`gradwise.steps`, the engine that shows any derivative's work (:meth:`Derivation.chain`);
δ itself stays the one ``sympy.diff`` found, which the kernel runs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

import sympy
from sympy.printing.str import StrPrinter

from gradwise.calculus.gradients import steps
from gradwise.calculus.step import assembled
from gradwise.calculus.steps import Steps
from gradwise.errors import InputError, problem
from gradwise.language.functions import absolute, relu, sigmoid, signum, softplus

ActivationName = Literal["identity", "sigmoid", "tanh", "relu", "softplus"]
Activation: TypeAlias = "ActivationName | sympy.Expr"
CostName = Literal["squared_error", "log_loss"]

z = sympy.Symbol("z", real=True)
y = sympy.Symbol("y", real=True)
y_hat = sympy.Symbol("ŷ", real=True)
w = sympy.Symbol("w", real=True)
x = sympy.Symbol("x", real=True)
b = sympy.Symbol("b", real=True)

COSTS: dict[str, sympy.Expr] = {
    "squared_error": (y - y_hat) ** 2,
    "log_loss": -(y * sympy.log(y_hat) + (1 - y) * sympy.log(1 - y_hat)),
}
"""The per-sample cost c(ŷ, y) of each ``cost`` name."""

_HAT = r"\hat{y}"  # ŷ in LaTeX; printed in, so −2(y − ŷ) keeps the shape the rules gave it

_COST_TEXT = {  # C as the notes write it; ∂C/∂ŷ is derived (Derivation.chain)
    "squared_error": "(y − ŷ)²",
    "log_loss": "−(y·ln ŷ + (1 − y)·ln(1 − ŷ))",
}

ACTIVATIONS: dict[str, sympy.Expr] = {
    "identity": z,
    "sigmoid": sigmoid(z),
    "tanh": sympy.tanh(z),
    "relu": relu(z),
    "softplus": softplus(z),
}

# Functions the kernel printer can compile; anything else in φ or δ is refused.
COMPILABLE = (
    sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.sinh, sympy.cosh,
    sympy.tanh, sympy.asin, sympy.acos, sympy.atan, sympy.Abs, sympy.sign,
    sympy.Max, sympy.Min, sympy.Heaviside, sigmoid, relu, softplus, absolute, signum,
)


@dataclass(frozen=True)
class Derivation:
    """φ, the per-sample cost c and its derivative δ = ∂c/∂z, as SymPy expressions.

    Attributes:
        name: the activation's name, or its text for a custom expression.
        phi: φ(z), the activation.
        cost: c(z, y), e.g. (y − φ(z))².
        delta: δ(z, y) = ∂c/∂z, found by ``sympy.diff``.
        loss: the cost's name, ``squared_error`` or ``log_loss``.

    Example:
        >>> d = derive("identity")
        >>> d.delta
        -2*y + 2*z
    """

    name: str
    phi: sympy.Expr
    cost: sympy.Expr
    delta: sympy.Expr
    loss: str = "squared_error"

    def explain(self) -> list[str]:
        """The chain rule for this activation, one line per step, in the notes' notation.

        Example:
            >>> print(derive("sigmoid").explain()[3])
            ∂C/∂z = ∂C/∂ŷ · φ'(z) = −2·(1 − σ(z))·(y − σ(z))·σ(z)
        """
        chain = self.chain()
        by_y_hat, dphi = (assembled(s.derivations[0]) for s in (chain.cost, chain.activation))
        cost = _COST_TEXT[self.loss]
        return [
            f"C = {cost},  ŷ = φ(z),  z = w·x + b",
            f"φ(z) = {notation(self.phi)}",
            f"∂C/∂ŷ = {notation(by_y_hat)},  φ'(z) = {notation(dphi)}",
            f"∂C/∂z = ∂C/∂ŷ · φ'(z) = {notation(self.delta)}",
            "∂C/∂w = mean(∂C/∂z · x),  ∂C/∂b = mean(∂C/∂z)",
        ]


    def chain(self, parameter: str = "w") -> ChainRule:
        """∂C/∂w = ∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂w, each factor derived rule by rule.

        Args:
            parameter: ``"w"`` or ``"b"``.

        Example:
            >>> rule = derive("sigmoid").chain()
            >>> [s.derivations[0].result for s in (rule.activation, rule.inner)]
            [(1 - sigmoid(z))*sigmoid(z), x]
        """
        if parameter not in ("w", "b"):
            raise InputError(problem("the neuron's chain rule ends on a weight or the bias",
                                     expected="'w' or 'b'", received=parameter))
        return ChainRule(steps(COSTS[self.loss], wrt="ŷ"), steps(self.phi, wrt="z"),
                         steps(w * x + b, wrt=parameter), self)

    def _repr_latex_(self) -> str:
        """The same chain rule as :meth:`explain`, for a notebook."""
        hat = sympy.Symbol(r"\hat{y}")
        chain = self.chain()
        by_y_hat, dphi = (assembled(s.derivations[0]) for s in (chain.cost, chain.activation))
        cost = sympy.latex(COSTS[self.loss].subs(y_hat, hat))
        rows = [rf"C &= {cost}, \quad \hat{{y}} = \varphi(z), \quad z = w \cdot x + b",
                rf"\varphi(z) &= {sympy.latex(self.phi)}",
                rf"\frac{{\partial C}}{{\partial \hat{{y}}}} &= "
                rf"{sympy.latex(by_y_hat).replace('ŷ', _HAT)}, \quad "
                rf"\varphi'(z) = {sympy.latex(dphi)}",
                rf"\frac{{\partial C}}{{\partial z}} &= {sympy.latex(self.delta)}",
                r"\nabla_w C &= X^\top \delta / N, \quad \partial C / \partial b = "
                r"\operatorname{mean}(\delta)"]
        return r"$\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$"


@dataclass(frozen=True)
class ChainRule:
    """The neuron's chain rule ∂C/∂w = ∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂w, each factor's work shown.

    Attributes:
        cost: C(ŷ) differentiated by ŷ, rule by rule.
        activation: φ(z) differentiated by z.
        inner: z = w·x + b differentiated by w (or b).
        derivation: the derivation whose δ = ∂C/∂ŷ · φ'(z) the kernel compiles.
    """

    cost: Steps
    activation: Steps
    inner: Steps
    derivation: Derivation

    def product(self) -> sympy.Expr:
        """∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂w at ŷ = φ(z): equal to δ·x (or δ for b), the kernel's."""
        by_y_hat = self.cost.derivations[0].result.xreplace({y_hat: self.derivation.phi})
        return by_y_hat * self.activation.derivations[0].result * \
            self.inner.derivations[0].result

    def lines(self) -> list[str]:
        """The notes' chain, one factor a line, then the product."""
        p = self.inner.variables[0].name
        factors = [assembled(s.derivations[0]) for s in (self.cost, self.activation, self.inner)]
        return [f"∂C/∂{p} = ∂C/∂ŷ · ∂ŷ/∂z · ∂z/∂{p}",
                f"∂C/∂ŷ = {notation(factors[0])},  ∂ŷ/∂z = φ'(z) = {notation(factors[1])},  "
                f"∂z/∂{p} = {notation(factors[2])}",
                f"∂C/∂{p} = {' · '.join(_bracketed(notation(f)) for f in factors)}  (ŷ = φ(z))"]


def _bracketed(text: str) -> str:
    return f"({text})" if " " in text else text


def derive(activation: Activation = "sigmoid", cost: CostName = "squared_error") -> Derivation:
    """Derive δ = ∂c/∂z for c = (y − φ(z))² (or the log-loss) with ``sympy.diff``.

    Args:
        activation: one of ``identity``, ``sigmoid``, ``tanh``, ``relu``, ``softplus``,
            or a SymPy expression in a single symbol named ``z``.
        cost: ``squared_error`` (the notes' (y − ŷ)²) or ``log_loss``
            (−(y·ln ŷ + (1 − y)·ln(1 − ŷ)), for ŷ in (0, 1): a sigmoid, say).

    Returns:
        The :class:`Derivation`, cached per activation.

    Raises:
        InputError: unknown name or cost, other free symbols, or a function the kernel
            cannot compile.

    Example:
        >>> derive("relu").delta
        -2*(y - relu(z))*Heaviside(z, 0)
        >>> derive("sigmoid", cost="log_loss").delta
        -y + sigmoid(z)
    """
    if cost not in COSTS:
        raise InputError(f"unknown cost {cost!r}; expected one of {', '.join(COSTS)}")
    if isinstance(activation, str):
        return _derive(activation, _named(activation), cost)
    if not isinstance(activation, sympy.Expr):
        raise InputError(
            f"activation must be a name or a SymPy expression in z; received {activation!r}. "
            f"Names: {', '.join(ACTIVATIONS)}"
        )
    return _derive(str(activation), _in_our_z(activation), cost)


@lru_cache(maxsize=64)
def _derive(name: str, phi: sympy.Expr, loss: str) -> Derivation:
    cost = COSTS[loss].subs(y_hat, phi)
    delta = sympy.diff(cost, z)
    if loss == "log_loss":
        delta = sympy.expand(delta)  # σ'/σ cancels: δ = σ(z) − y for the sigmoid
    _check_compilable(name, delta)
    return Derivation(name=name, phi=phi, cost=cost, delta=delta, loss=loss)


def stable_form(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite ln σ(u) as −softplus(−u) and ln(1 − σ(u)) as −softplus(u): equal, but finite.

    In floats σ(40) is exactly 1, so ln(1 − σ(40)) would be −inf; softplus never overflows.

    Example:
        >>> stable_form(derive("sigmoid", cost="log_loss").cost)
        y*softplus(-z) + (1 - y)*softplus(z)
    """

    def rewrite(log: sympy.Expr) -> sympy.Expr:
        inner = log.args[0]
        if isinstance(inner, sigmoid):
            return -softplus(-inner.args[0])
        if isinstance(1 - inner, sigmoid):
            return -softplus((1 - inner).args[0])
        return log

    return expr.replace(lambda e: isinstance(e, sympy.log), rewrite)


def _named(name: str) -> sympy.Expr:
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    close = difflib.get_close_matches(name, ACTIVATIONS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InputError(
        f"unknown activation {name!r}; {hint}expected one of {', '.join(ACTIVATIONS)} "
        "or a SymPy expression in z"
    )


def _in_our_z(expr: sympy.Expr) -> sympy.Expr:
    """Rename any symbol called z (whatever its assumptions) to the real z used here."""
    others = sorted(s.name for s in expr.free_symbols if s.name != "z")
    if others:
        raise InputError(
            f"a custom activation may use only the symbol z; {expr} also uses {', '.join(others)}. "
            "Fix: write φ as a function of z alone, e.g. 1/(1 + exp(-z))"
        )
    return expr.subs({s: z for s in expr.free_symbols})


def _check_compilable(name: str, expr: sympy.Expr) -> None:
    for applied in expr.atoms(sympy.Function):
        if not isinstance(applied, COMPILABLE):
            raise InputError(
                f"activation {name!r}: its cost derivative contains {applied}, which the kernel "
                f"cannot compile; allowed functions: {', '.join(f.__name__ for f in COMPILABLE)}"
            )


class _NotationPrinter(StrPrinter):
    """SymPy's str printer with σ for the sigmoid, as the lecture notes write it."""

    def _print_sigmoid(self, expr: sympy.Expr) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: sympy.Expr) -> str:
        return f"H({self._print(expr.args[0])})"


def notation(expr: sympy.Expr) -> str:
    """Print an expression the way the notes write it: σ(z), ·, −, ².

    Example:
        >>> notation(sympy.diff(sigmoid(z), z))
        '(1 − σ(z))·σ(z)'
    """
    text = _NotationPrinter().doprint(expr)
    for ascii_, maths in (("**2", "²"), ("**3", "³"), ("**", "^"), ("*", "·"), ("-", "−")):
        text = text.replace(ascii_, maths)
    return text
