"""The step-by-step engine: which rule applies to an expression, and the step it makes.

It reads the SymPy expression that ``parse`` builds as a student reads the text: a sum
with a negative term is a difference; constant factors make a constant multiple (another
variable or a parameter is "treated as a constant", in the notes' words); a factor with a
negative power makes a quotient (``x/(1 + y²)`` is ``x·(1 + y²)⁻¹`` to SymPy); a function
of anything but the variable itself is the chain rule, naming its inner function ``u``;
in degrees, a trigonometric argument's π/180 is the chain rule's inner derivative.
Every result is computed by the rule's formula (:func:`gradwise.calculus.step.combine`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sympy
from sympy import S

from gradwise.calculus.rules import ELEMENTARY, Elementary
from gradwise.calculus.step import Step, combine
from gradwise.errors import InputError, problem
from gradwise.language.notation import printed_terms, show

__all__ = ["differentiate"]

_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot)
_INNER_NAMES = ("u", "v", "t", "s", "r", "p", "q", "g", "h")
_DEGREE = S.Pi / 180
_GROUP = 3  # a sum's terms free of the variable are one step from this many on
_SORTED = 24  # a sum up to this many terms is read in the printed order; longer, in SymPy's


class Shared:
    """What every variable's derivation of one function asks again: each sum's terms in
    order, and each term's names. Sorting a 200-term sum once instead of once per variable is
    most of the time steps take on the 100-variable Rosenbrock function."""

    def __init__(self) -> None:
        self._terms: dict[sympy.Expr, list[sympy.Expr]] = {}
        self._names: dict[sympy.Expr, frozenset[sympy.Symbol]] = {}

    def terms(self, e: sympy.Expr) -> list[sympy.Expr]:
        if e not in self._terms:
            self._terms[e] = printed_terms(e) if len(e.args) <= _SORTED else list(e.args)
        return self._terms[e]

    def names(self, e: sympy.Expr) -> frozenset[sympy.Symbol]:
        """e's free symbols, built from its arguments' (SymPy would walk e again each time)."""
        found = self._names.get(e)
        if found is None:
            found = frozenset((e,)) if e.is_Symbol else frozenset().union(
                *(self.names(a) for a in e.args))
            self._names[e] = found
        return found


@dataclass(frozen=True)
class _Context:
    """With respect to what, and what the step's text must know around it."""

    variable: sympy.Symbol
    others: frozenset[str]  # the function's other variables (the rest are parameters)
    taken: frozenset[str]  # every name in the function: an inner function's name avoids them
    degrees: bool
    partial: bool = True  # ∂/∂x of the function; d/du of a chain rule's outer function
    depth: int = 0  # how many chain rules deep: u, then v, then t …
    shared: Shared = field(default_factory=Shared, compare=False)

    @property
    def op(self) -> str:
        name = self.variable.name
        return f"∂/∂{name}" if self.partial else f"d/d{name}"

    def d(self, what: str) -> str:
        name = self.variable.name
        return f"∂{what}/∂{name}" if self.partial else f"d{what}/d{name}"

    def inner_symbol(self) -> sympy.Symbol:
        free = [n for n in _INNER_NAMES if n not in self.taken]
        name = free[self.depth % len(free)] if free else f"u_{self.depth}"
        return sympy.Symbol(name, real=True)


def differentiate(expr: sympy.Expr, variable: sympy.Symbol, function,
                  shared: Shared | None = None) -> Step:
    """The tree of steps for ∂expr/∂variable, inside ``function`` (an ``Expression``).

    Args:
        expr: what to differentiate.
        variable: with respect to what.
        function: the ``Expression`` it belongs to (its variables, parameters and mode).
        shared: a cache shared by the derivations of one function (one is made if None).

    Example:
        >>> from gradwise.language.expressions import parse
        >>> f = parse("x^2 + y^2")
        >>> differentiate(f.expr, f.variables[0], f).result
        2*x
    """
    names = frozenset(s.name for s in function.symbols)
    others = frozenset(function.names) - {variable.name}
    return _step(expr, _Context(variable, others, names, function.degrees, shared=shared
                                or Shared()))


def _step(e: sympy.Expr, ctx: _Context) -> Step:
    v = ctx.variable
    if v not in ctx.shared.names(e):
        return _constant(e, ctx)
    if e == v:
        return Step("variable", e, v, S.One, f"{ctx.d(v.name)} = 1")
    if e.is_Add:
        return _sum(e, ctx)
    if e.is_Mul:
        return _mul(e, ctx)
    if e.is_Pow:
        return _pow(e, ctx)
    row = ELEMENTARY.get(type(e))
    if row is not None and len(e.args) == 1:
        return _function(e, row, ctx)
    raise InputError(problem(f"no differentiation rule for {type(e).__name__}",
                             expected="a function of gradwise's math language (gradwise.parse)",
                             received=str(e), fix="write the function as text"))


def _made(rule: str, e: sympy.Expr, ctx: _Context, why: str, substeps: tuple[Step, ...],
          detail: tuple[sympy.Expr, ...] = ()) -> Step:
    result = combine(rule, e, substeps, detail, [s.result for s in substeps])
    return Step(rule, e, ctx.variable, result, why, substeps, detail)


def _constant(e: sympy.Expr, ctx: _Context) -> Step:
    v = ctx.variable.name
    names = sorted(s.name for s in ctx.shared.names(e))
    if not names:
        return Step("constant", e, ctx.variable, S.Zero,
                    f"a number does not change with {v}: {ctx.op} c = 0")
    if e.is_Symbol:
        kind = "another variable" if e.name in ctx.others else "a parameter"
        why = f"{e.name} is {kind}: treat {e.name} as a constant, so {ctx.op} {e.name} = 0"
    else:
        them = " and ".join(names) if len(names) <= 3 else f"their {len(names)} names"
        kind = "constants" if len(names) > 1 else "a constant"
        if e.is_Add and len(e.args) > 3:  # a group of terms: printing them all says nothing
            why = f"these {len(e.args)} terms do not contain {v}: treat {them} as {kind}, " \
                  f"so their {ctx.op} is 0"
        else:
            why = f"{show(e)} does not contain {v}: treat {them} as {kind}, so its {ctx.op} is 0"
    return Step("treat as constant", e, ctx.variable, S.Zero, why)


def _sum(e: sympy.Expr, ctx: _Context) -> Step:
    terms = ctx.shared.terms(e)
    dependent = [ctx.variable in ctx.shared.names(t) for t in terms]
    constant = [t for t, d in zip(terms, dependent, strict=True) if not d]
    if len(constant) >= _GROUP:
        # a subset of a sum's own terms is already in SymPy's order: no need to sort again
        group = sympy.Add._from_args(constant) if len(terms) > _SORTED else sympy.Add(*constant)
        terms = [t for t, d in zip(terms, dependent, strict=True) if d] + [group]
        dependent = [True] * (len(terms) - 1) + [False]
    small = len(terms) <= _SORTED  # in a long sum only the terms with the variable are signed
    signs, substeps = [], []
    for term, depends in zip(terms, dependent, strict=True):
        negative = (small or depends) and not term.is_Add and term.could_extract_minus_sign()
        signs.append(S.NegativeOne if negative else S.One)
        substeps.append(_step(-term if negative else term, ctx))
    if S.NegativeOne in signs:
        why = f"difference rule: {ctx.op} (f − g) = {ctx.d('f')} − {ctx.d('g')}"
        return _made("difference", e, ctx, why, tuple(substeps), tuple(signs))
    why = f"sum rule: {ctx.op} (f + g) = {ctx.d('f')} + {ctx.d('g')}"
    return _made("sum", e, ctx, why, tuple(substeps), tuple(signs))


def _mul(e: sympy.Expr, ctx: _Context) -> Step:
    constant = [a for a in e.args if ctx.variable not in ctx.shared.names(a)]
    dependent = [a for a in e.args if ctx.variable in ctx.shared.names(a)]
    if constant:
        base = next((a for a in constant if _is_reciprocal_log(a)), None)
        if base is not None and len(dependent) == 1 and isinstance(dependent[0], sympy.log):
            constant.remove(base)
            if not constant:
                return _log_base(e, base, dependent[0], ctx)
            dependent.insert(0, base)
        return _constant_multiple(e, sympy.Mul(*constant), sympy.Mul(*dependent), ctx)
    ordered = sympy.Mul(*dependent).as_ordered_factors()
    below = [a for a in ordered if _is_reciprocal(a)]
    if below:
        top = sympy.Mul(*[a for a in ordered if not _is_reciprocal(a)])
        return _quotient(e, top, sympy.Mul(*[1 / a for a in below]), ctx)
    why = f"product rule: {ctx.op} (f·g) = {ctx.d('f')}·g + f·{ctx.d('g')}"
    return _made("product", e, ctx, why, tuple(_step(a, ctx) for a in ordered))


def _constant_multiple(e: sympy.Expr, c: sympy.Expr, rest: sympy.Expr, ctx: _Context) -> Step:
    why = f"constant multiple: {ctx.op} (c·f) = c·{ctx.d('f')} with c = {show(c)}"
    names = sorted(s.name for s in c.free_symbols)
    if names:
        kind = "constants" if len(names) > 1 else "a constant"
        why += f" (treat {' and '.join(names)} as {kind})"
    elif c == 1 / _DEGREE:
        why += " (an angle in radians times 180/π is in degrees)"
    return _made("constant multiple", e, ctx, why, (_step(rest, ctx),), (c,))


def _log_base(e: sympy.Expr, reciprocal: sympy.Expr, log: sympy.Expr, ctx: _Context) -> Step:
    base = show(reciprocal.base.args[0])
    why = (f"logarithm to base {base}: log_{base}(f) = ln(f)/ln({base}), so "
           f"{ctx.op} log_{base}(f) = {ctx.d('f')}/(f·ln({base}))")
    return _made("logarithm", e, ctx, why, (_step(log, ctx),), (reciprocal,))


def _quotient(e: sympy.Expr, top: sympy.Expr, bottom: sympy.Expr, ctx: _Context) -> Step:
    why = f"quotient rule: {ctx.op} (f/g) = ({ctx.d('f')}·g − f·{ctx.d('g')})/g²"
    return _made("quotient", e, ctx, why, (_step(top, ctx), _step(bottom, ctx)))


def _pow(e: sympy.Expr, ctx: _Context) -> Step:
    base, n = e.args
    v = ctx.variable
    if v not in ctx.shared.names(n):
        if n.is_Number and n < 0 and base != v:
            return _quotient(e, S.One, base ** -n, ctx)
        if base == v:
            return Step("power", e, v, n * v ** (n - 1), _power_why(n, ctx))
        return _chain(e, lambda u: u**n, base, ctx)
    if v not in ctx.shared.names(base):
        if n == v:
            why = f"exponential: {ctx.op} a^{v.name} = a^{v.name}·ln(a) with a = {show(base)}"
            return Step("exponential", e, v, e * sympy.log(base), why)
        return _chain(e, lambda u: base**u, n, ctx)
    why = (f"general power: f^g = e^(g·ln f), so {ctx.op} f^g = f^g·{ctx.op} (g·ln f)")
    return _made("general power", e, ctx, why, (_step(n * sympy.log(base), ctx),), (e,))


def _power_why(n: sympy.Expr, ctx: _Context) -> str:
    x = ctx.variable.name
    rule = f"power rule: {ctx.op} {x}ⁿ = n·{x}ⁿ⁻¹ with n = {show(n)}"
    if n == S.Half:
        return f"square root: sqrt({x}) = {x}^(1/2); {rule}"
    if n.is_Number and n < 0:
        return f"1/{x}^{show(-n)} = {x}^({show(n)}); {rule}"
    return rule


def _function(e: sympy.Expr, row: Elementary, ctx: _Context) -> Step:
    arg = e.args[0]
    if arg == ctx.variable:
        name = ctx.variable.name
        return Step(row.rule, e, ctx.variable, row.derivative(arg), row.why(ctx.op, name))
    angle = _degrees_angle(e, ctx)
    if angle is not None:
        why = (f"degrees: an angle of θ° is π·θ/180 radians, so {ctx.op} (θ°) = "
               f"(π/180)·{ctx.d('θ')}, the chain rule's inner factor")
        inner = _made("degrees", arg, ctx, why, (_step(angle, ctx),), (_DEGREE,))
        return _chain(e, type(e), arg, ctx, inner)
    return _chain(e, type(e), arg, ctx)


def _degrees_angle(e: sympy.Expr, ctx: _Context) -> sympy.Expr | None:
    """θ where a trigonometric argument is θ° (π·θ/180 radians): degrees mode, or ``x°``."""
    if not isinstance(e, _TRIG):
        return None
    arg = e.args[0]
    written = arg.is_Mul and S.Pi in arg.args and sympy.Rational(1, 180) in arg.args
    return arg / _DEGREE if ctx.degrees or written else None


def _chain(e: sympy.Expr, outer: Callable[[sympy.Expr], sympy.Expr], inner: sympy.Expr,
           ctx: _Context, inner_step: Step | None = None) -> Step:
    u = ctx.inner_symbol()
    deeper = replace(ctx, depth=ctx.depth + 1)
    outside = replace(deeper, variable=u, others=frozenset(), degrees=False, partial=False)
    first = _step(outer(u), outside)
    second = inner_step or _step(inner, deeper)
    why = (f"chain rule with {u.name} = {show(inner)}: {ctx.op} f({u.name}) = "
           f"df/d{u.name}·{ctx.d(u.name)}")
    return _made("chain", e, ctx, why, (first, second))


def _is_reciprocal(a: sympy.Expr) -> bool:
    return bool(a.is_Pow and a.exp.is_Number and a.exp < 0)


def _is_reciprocal_log(a: sympy.Expr) -> bool:
    return bool(_is_reciprocal(a) and a.exp == -1 and isinstance(a.base, sympy.log))
