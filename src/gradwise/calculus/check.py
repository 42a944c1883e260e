"""Check my answer: is a learner's ∇f right, and if not, where did it go wrong?

Each component of the answer is compared with gradwise's own partial derivative: exactly
where SymPy can decide (simplification and a zero test), else at random points to 50
digits, which the result says. A wrong component gets a point where the two differ, with
both values, and, where the mistake is recognisable, the likely slip: the derivation's
tree recomputed with one rule misapplied (:mod:`gradwise.calculus.slips`) that gives the
learner's answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.calculus.answers import UNITS, Answer, Component, read_answer
from gradwise.calculus.compare import agree, same, value
from gradwise.calculus.differentiate import Shared, differentiate
from gradwise.calculus.gradients import as_expression, gradient
from gradwise.calculus.slips import slips
from gradwise.language.expressions import Expression, exact_number, parse_assignments

__all__ = ["Check", "ComponentCheck", "Counterexample", "check"]


@dataclass(frozen=True)
class Counterexample:
    """A point where the answer and the derivative differ, with both values there, exactly."""

    point: dict[sympy.Symbol, sympy.Expr]
    expected: sympy.Expr
    answer: sympy.Expr


@dataclass(frozen=True)
class ComponentCheck:
    """The verdict on one component ∂f/∂v.

    Attributes:
        variable: v.
        correct: whether the answer is ∂f/∂v.
        expected: ∂f/∂v as ``gradient`` gives it.
        answer: the learner's component, parsed.
        method: ``exact`` (proved equal by simplification, or shown different at a point),
            ``numerical`` (equal at several random points to 50 digits; SymPy could not
            simplify the difference to 0) or ``undecided`` (no point where both are real).
        counterexample: where they differ, or None.
        hint: the likely slip, or None when correct or not recognised.
        text: the text the component was read from.
    """

    variable: sympy.Symbol
    correct: bool
    expected: sympy.Expr
    answer: sympy.Expr
    method: str
    counterexample: Counterexample | None
    hint: str | None
    text: str


@dataclass(frozen=True)
class Check:
    """The verdict on a whole answer: one :class:`ComponentCheck` per variable, in order."""

    function: Expression
    components: tuple[ComponentCheck, ...]

    @property
    def correct(self) -> bool:
        return all(c.correct for c in self.components)

    def __str__(self) -> str:
        from gradwise.calculus.steps_text import check_text

        return check_text(self)


def check(f: Expression | str | sympy.Expr, answer: Answer, *,
          wrt: Iterable[str] | str | None = None,
          constants: Mapping[str, Any] | str | None = None, degrees: bool = False) -> Check:
    """Check a learner's gradient of ``f``, component by component.

    Args:
        f: the function, as text or an expression.
        answer: ``"2x, 2y"``, ``"2x î + 2y ĵ"``, ``"x=2x, y=2y"``, a list of components
            (each may be ``name=...``) or a mapping ``{"x": "2x", ...}``; read by ``parse``.
        wrt: differentiate with respect to these names only; the others are constants.
        constants: names fixed to values (in ``f`` and in the answer), e.g. ``"y=1"``.
        degrees: read trigonometric arguments (in ``f`` and the answer) in degrees.

    Returns:
        The verdict; ``.correct`` is True when every component is right.

    Raises:
        ParseError: the function or a component is not valid text.
        InputError: the answer has the wrong number of components, or names a variable
            that is not one (the message says how many and which are expected).

    Example:
        >>> result = check("x^2 + y^2", "2x, 2y^2")
        >>> result.correct, [c.correct for c in result.components]
        (False, [True, False])
        >>> result.components[1].hint
        'the power rule lowers the exponent by one: ∂/∂y y² = 2y, not 2y²'
    """
    base = as_expression(f, wrt, degrees)
    fixed = _constants(base, constants)
    function = base.substitute({s.name: v for s, v in fixed.items()}) if fixed else base
    components = read_answer(answer, function, known=[s.name for s in base.symbols])
    expected = gradient(function).components
    shared = Shared()  # one cache for every component's derivation (the hints need them)
    return Check(function, tuple(_verdict(function, c, e, fixed, shared)
                                 for c, e in zip(components, expected, strict=True)))


def _constants(f: Expression, constants: Mapping[str, Any] | str | None
               ) -> dict[sympy.Symbol, sympy.Expr]:
    if not constants:
        return {}
    given = parse_assignments(constants, degrees=f.degrees) if isinstance(constants, str) \
        else {str(k): exact_number(v, str(k)) for k, v in constants.items()}
    f.substitute(given)  # refuses a name that is not in f, with its message
    known = {s.name: s for s in f.symbols}
    return {known[n]: v for n, v in given.items()}


def _verdict(f: Expression, component: Component, expected: sympy.Expr,
             fixed: dict[sympy.Symbol, sympy.Expr], shared: Shared) -> ComponentCheck:
    answer = component.expr.xreplace(fixed)
    v = component.variable
    verdict = same(expected, answer, f.symbols, seed=f"{f.text}|{v.name}")
    counterexample = hint = None
    if not verdict.equal and verdict.point is not None:
        point = verdict.point
        counterexample = Counterexample(point, expected.xreplace(point), answer.xreplace(point))
    if not verdict.equal:
        hint = _hint(f, component, answer, verdict.points, shared)
    return ComponentCheck(v, verdict.equal, expected, answer, verdict.method, counterexample,
                          hint, component.text)


def _hint(f: Expression, component: Component, answer: sympy.Expr,
          points: tuple[dict[sympy.Symbol, sympy.Expr], ...], shared: Shared) -> str | None:
    v = component.variable
    if component.missing:
        unit = UNITS[f.variables.index(v)]
        return f"the answer has no {unit} term, so it says ∂{f.name}/∂{v.name} = 0"
    if not points:
        return "no point was found where both are defined and real, so they were not compared"
    said = [value(answer, p) for p in points]
    for slip in slips(differentiate(f.expr, v, f, shared), f):
        if all(_matches(slip.result, p, a) for p, a in zip(points, said)):
            return slip.hint
    return None


def _matches(wrong: sympy.Expr, point: dict[sympy.Symbol, sympy.Expr], said: Any) -> bool:
    """Whether a slip gives the answer's value at a point (``all`` stops at the first no)."""
    got = value(wrong, point)
    return said is not None and got is not None and agree(said, got)
