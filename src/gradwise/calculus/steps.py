"""Show the work: every partial derivative of a function, derived rule by rule.

:class:`Steps` holds one tree of :class:`~gradwise.calculus.step.Step` per variable. Each
root's result is exactly the component that :func:`gradwise.gradient` reports: where the
rules assemble it in another form (``2·x¹ + 0`` is ``2x`` at once, but a product rule's
sum may not be), a last ``simplify`` step says so. ``gradwise.steps(f)`` and
``gradient(f).steps()`` make one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy

from gradwise.calculus.differentiate import Shared, differentiate
from gradwise.calculus.step import Step

if TYPE_CHECKING:
    from gradwise.language.expressions import Expression

__all__ = ["Steps", "StepsValue", "steps_of"]


@dataclass(frozen=True)
class Steps:
    """The derivation of every partial derivative of one function.

    Attributes:
        gradient: the :class:`~gradwise.Gradient` derived; its components are the roots'
            results.
        derivations: one tree per variable, in the function's variable order.

    Example:
        >>> import gradwise
        >>> s = gradwise.steps("x^2 + y^2")
        >>> [d.rule for d in s.derivations], s["y"].result
        (['sum', 'sum'], 2*y)
    """

    gradient: Any
    derivations: tuple[Step, ...]

    @property
    def function(self) -> Expression:
        return self.gradient.function

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        return self.function.variables

    def __getitem__(self, name: str) -> Step:
        if name not in self.function.names:
            raise KeyError(f"{name!r} is not a variable of {self.function.text!r}; its "
                           f"variables are {', '.join(self.function.names)}")
        return self.derivations[self.function.names.index(name)]

    def at(self, point: Any) -> StepsValue:
        """The notes' last step: each ∂f/∂v at a point, exactly (``∂f/∂x(2, 2) = 2·2 = 4``).

        Args:
            point: as :meth:`gradwise.Gradient.at` takes it: ``{"x": 2}``, ``[2, 2]``,
                ``"x=2, y=2"``.
        """
        value = self.gradient.at(point)
        return StepsValue(self, value.point, value.exact)

    def __str__(self) -> str:
        from gradwise.calculus.steps_text import steps_text

        return steps_text(self)

    def _repr_latex_(self) -> str:
        from gradwise.notebook import steps_latex

        return steps_latex(self)



@dataclass(frozen=True)
class StepsValue:
    """The derivation and its value at a point, as the notes end it.

    Attributes:
        steps: the derivation.
        point: every name's exact value.
        exact: each ∂f/∂v at the point, exactly.
    """

    steps: Steps
    point: dict[sympy.Symbol, sympy.Expr]
    exact: tuple[sympy.Expr, ...]

    def __str__(self) -> str:
        from gradwise.calculus.steps_text import steps_text

        return steps_text(self.steps, self)

    def _repr_latex_(self) -> str:
        from gradwise.notebook import steps_latex

        return steps_latex(self.steps, self)



def steps_of(gradient: Any) -> Steps:
    """Derive a :class:`~gradwise.Gradient`'s components rule by rule (``Gradient.steps``)."""
    f = gradient.function
    shared = Shared()
    derivations = []
    for v, component in zip(f.variables, gradient.components, strict=True):
        root = differentiate(f.expr, v, f, shared)
        if root.result != component:
            root = Step("simplify", f.expr, v, component,
                        "collect and simplify: the form ∇f shows", (root,))
        derivations.append(root)
    return Steps(gradient, tuple(derivations))
