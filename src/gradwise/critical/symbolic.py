"""Solving ∇f = 0 exactly with SymPy: the part that may run for hours.

Everything here is pure and runs inside the killable worker (``_solve_worker``),
never on the caller's clock. The strategy, strongest first:

* polynomial (or rational) systems: a lex Gröbner basis, then back-substitution
  from the univariate polynomial it ends with. Exact and complete; SymPy's own
  ``solve`` silently misses roots of systems such as the six-hump camel's gradient.
* one variable, or a separable system (∂f/∂xᵢ depends on xᵢ only): ``solveset`` over
  the reals per variable; periodic answers come back as families b + k·a.
* anything else: ``solve``'s candidates, marked incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy import S

__all__ = ["Answer", "CoordinateSet", "solve_gradient"]


@dataclass(frozen=True)
class CoordinateSet:
    """The values one coordinate takes: finitely many, plus families ``offset + k·step``, k ∈ ℤ."""

    values: tuple[sympy.Expr, ...] = ()
    families: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()  # (offset, step), step > 0


@dataclass(frozen=True)
class Answer:
    """What the symbolic solve found.

    Attributes:
        points: isolated real solutions, exact, each a tuple in variable order.
        grid: for separable or one-variable systems, one set per variable; the
            solutions are their Cartesian product (used when it has families).
        curves: positive-dimensional solution sets as ``{symbol: expression}``.
        complete: whether the real solutions are all here.
        note: how they were found, or why the answer is incomplete.
    """

    points: tuple[tuple[sympy.Expr, ...], ...] = ()
    grid: tuple[CoordinateSet, ...] | None = None
    curves: tuple[dict, ...] = ()
    complete: bool = False
    note: str = ""


def solve_gradient(components: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol],
                   general: bool = True) -> Answer:
    """Every real solution of ∇f = 0 that SymPy can certify, or the candidates it can find.

    ``general=False`` skips SymPy's general ``solve`` (which only guesses, and may run for
    minutes): used when a box is certified numerically anyway.

    Example:
        >>> x, y = sympy.symbols("x y", real=True)
        >>> solve_gradient([3*x**2 + y, x - 6*y], [x, y]).points
        ((-1/18, -1/108), (0, 0))
    """
    numerators = [sympy.fraction(sympy.together(c))[0] for c in components]
    fallback = _solve_general if general else _no_general
    if all(_is_polynomial(n, variables) for n in numerators):
        return _solve_polynomial(components, numerators, variables, fallback)
    if _is_separable(components, variables):
        return _solve_separable(components, variables, fallback)
    return fallback(components, variables)


# -- polynomial systems -----------------------------------------------------------------

def _is_polynomial(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> bool:
    return expr.is_polynomial(*variables) and not (expr.free_symbols - set(variables))


def _solve_polynomial(components, numerators, variables, fallback) -> Answer:
    basis = sympy.groebner([n for n in numerators if n != 0], *variables, order="lex")
    if list(basis.exprs) == [1]:
        return Answer(complete=True, note="∇f = 0 has no real solution")
    if not basis.is_zero_dimensional:
        return _curves(components, variables)
    points = _back_substitute(list(basis.exprs), tuple(variables), len(variables), {})
    if points is None:
        return fallback(components, variables)
    kept = tuple(p for p in points if _defined(components, variables, p))
    return Answer(points=tuple(sorted(set(kept), key=_float_key)), complete=True,
                  note="solved exactly (Gröbner basis)")


def _back_substitute(basis, variables, depth, known) -> list[tuple] | None:
    """Real solutions of a lex basis, last variable first; None where it cannot go on exactly."""
    if depth == 0:
        return [tuple(known[v] for v in variables)]
    v, rest = variables[depth - 1], set(variables[:depth - 1])
    here = [p.xreplace(known) for p in basis
            if v in p.free_symbols and not (p.free_symbols & rest)]
    roots = _common_real_roots(here, v)
    if roots is None:
        return None
    solutions: list[tuple] = []
    for root in roots:
        deeper = _back_substitute(basis, variables, depth - 1, {**known, v: root})
        if deeper is None:
            return None
        solutions.extend(deeper)
    return solutions


def _common_real_roots(polys, v) -> list[sympy.Expr] | None:
    if not polys:
        return None  # a free variable: not zero-dimensional after all
    linear = [p for p in polys if sympy.degree(p, v) == 1]
    if linear:
        a, b = sympy.Poly(linear[0], v).all_coeffs()
        if _is_zero(a):
            return None  # not in shape position at this root
        root = sympy.expand(-b / a)
        return [root] if all(_is_zero(p.xreplace({v: root})) for p in polys) else []
    if any(not sympy.Poly(p, v).domain.is_Numerical for p in polys):
        return None  # algebraic coefficients: leave it to the numeric search
    common = sympy.Poly(polys[0], v)
    for p in polys[1:]:
        common = sympy.gcd(common, sympy.Poly(p, v))
    return [_radical(r) for r in dict.fromkeys(common.real_roots())]


def _radical(root: sympy.Expr) -> sympy.Expr:
    """A quadratic's CRootOf as sqrt's; higher degrees stay CRootOf (casus irreducibilis)."""
    if isinstance(root, sympy.CRootOf) and root.poly.degree() == 2:
        value = root.evalf(30)
        return min(sympy.roots(root.poly, multiple=True), key=lambda r: abs(r.evalf(30) - value))
    return root


def _is_zero(value: sympy.Expr) -> bool:
    return abs(complex(value.evalf(40))) < 1e-30


def _is_real(value: sympy.Expr) -> bool:
    return abs(sympy.im(value.evalf(30))) < 1e-25


def _defined(components, variables, point) -> bool:
    values = dict(zip(variables, point, strict=True))
    for c in components:
        denominator = sympy.fraction(sympy.together(c))[1]
        if denominator.xreplace(values).evalf(30) == 0:
            return False
    return True


def _curves(components, variables) -> Answer:
    try:
        found = sympy.solve(list(components), list(variables), dict=True)
    except NotImplementedError:
        found = []
    return Answer(curves=tuple(found), complete=bool(found),
                  note="infinitely many: the critical points are not isolated")


# -- one variable and separable systems ---------------------------------------------------

def _is_separable(components, variables) -> bool:
    return all(c.free_symbols <= {v} for c, v in zip(components, variables, strict=True))


def _solve_separable(components, variables, fallback) -> Answer:
    sets = []
    for c, v in zip(components, variables, strict=True):
        found = _coordinate_set(c, v)
        if found is None:
            return fallback(components, variables, f"no closed form for ∂f/∂{v} = 0")
        sets.append(found)
    if all(not s.families for s in sets):
        from itertools import product

        points = tuple(product(*[s.values for s in sets]))
        return Answer(points=points, complete=True, note="solved exactly (solveset)")
    return Answer(grid=tuple(sets), complete=True, note="solved exactly (solveset)")


def _coordinate_set(component, v) -> CoordinateSet | None:
    if component == 0:
        return None
    solutions = sympy.solveset(component, v, S.Reals)
    parts = solutions.args if isinstance(solutions, sympy.Union) else (solutions,)
    values, families = [], []
    for part in parts:
        if isinstance(part, sympy.FiniteSet):
            values.extend(part.args)
        elif isinstance(part, sympy.ImageSet) and part.base_sets == (S.Integers,):
            family = _linear_family(part.lamda)
            if family is None:
                return None
            families.append(family)
        elif part is not S.EmptySet:
            return None
    return CoordinateSet(tuple(values), tuple(families))


def _linear_family(lamda: sympy.Lambda) -> tuple[sympy.Expr, sympy.Expr] | None:
    (n,), body = lamda.variables, lamda.expr
    step = sympy.diff(body, n)
    if step.free_symbols or not step.is_real or step == 0:
        return None
    offset = body.xreplace({n: 0})
    step = abs(step)
    return sympy.Mod(offset, step) if offset.is_number else offset, step


# -- everything else ---------------------------------------------------------------------

def _solve_general(components, variables, why: str = "") -> Answer:
    try:
        found = sympy.solve(list(components), list(variables), dict=True)
    except NotImplementedError:
        found = []
    points = tuple(tuple(s.get(v) for v in variables) for s in found
                   if all(v in s for v in variables))
    points = tuple(p for p in points if all(_is_real(x) for x in p))
    reason = why or "the system is not polynomial, so SymPy's solve may miss solutions"
    return Answer(points=points, complete=False, note=reason)


def _no_general(components, variables, why: str = "") -> Answer:
    return Answer(complete=False, note=why or "no closed form found")


def _float_key(point: tuple) -> tuple[float, ...]:
    return tuple(float(sympy.re(x.evalf(20))) for x in point)
