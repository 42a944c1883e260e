"""Exact calculus on parsed expressions: gradient, Hessian, values at a point.

No printing happens here (see ``notation``) and no loops over steps (see ``descent``).
Values at a point are exact SymPy numbers first; floats are derived from them, and a
component that is undefined or not real there is a :class:`DomainError` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.calculus.exact import digits, value_at_point
from gradwise.calculus.steps import Steps, steps_of
from gradwise.errors import DomainError, InputError
from gradwise.language.expressions import Expression, exact_number, parse, parse_assignments
from gradwise.language.notation import show

__all__ = ["Gradient", "Hessian", "GradientValue", "HessianValue", "Kink", "gradient", "hessian",
           "as_expression", "resolve_point", "value_at", "directional_derivative",
           "evaluate_gradient", "steps"]

PointLike = Mapping[str, Any] | Sequence[Any] | str

_BAD = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def as_expression(f: Expression | str | sympy.Expr, wrt: Iterable[str] | str | None = None,
                  degrees: bool = False) -> Expression:
    """Accept an Expression, text (parsed safely) or a SymPy expression built in code."""
    if isinstance(f, str):
        expression = parse(f, degrees=degrees)
    elif isinstance(f, Expression):
        expression = f
    elif isinstance(f, sympy.Expr):
        ordered = tuple(sorted(f.free_symbols, key=lambda s: s.name))
        expression = Expression(str(f), f, ordered, symbols=ordered)
    else:
        raise InputError(f"expected an expression (text or gradwise.parse(...)); received "
                         f"{type(f).__name__}")
    return expression.with_variables(wrt) if wrt is not None else expression


@dataclass(frozen=True)
class Gradient:
    """∇f: one partial derivative per variable, exact.

    Attributes:
        function: the differentiated expression.
        components: ∂f/∂v for each variable v, in the function's variable order.

    Example:
        >>> g = gradient("x^2 + y^2")
        >>> g.components
        (2*x, 2*y)
        >>> print(g.at("x=2, y=2"))
        ∇f(2, 2) = 4î + 4ĵ
    """

    function: Expression
    components: tuple[sympy.Expr, ...]

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        return self.function.variables

    def at(self, point: PointLike, exact: bool = True) -> GradientValue:
        """∇f at a point, e.g. ``{"x": 2, "y": 2}``, ``[2, 2]`` or ``"x=2, y=2"``."""
        values = resolve_point(self.function, point, exact)
        approximate: list[str] = []
        exacts = tuple(_checked(c, values, f"∂{self.function.name}/∂{v.name}", self.function,
                                approximate)
                       for c, v in zip(self.components, self.variables, strict=True))
        _checked(self.function.expr, values, self.function.name, self.function)
        kinks = tuple(k for c, v in zip(self.components, self.variables, strict=True)
                      if (k := _kink(c, v, values)) is not None)
        return GradientValue(self, values, exacts, kinks, tuple(approximate))

    def steps(self) -> Steps:
        """Each component derived rule by rule (see :func:`steps`)."""
        return steps_of(self)

    def __str__(self) -> str:
        from gradwise.language.notation import gradient_text

        return gradient_text(self)

    @property
    def latex(self) -> str:
        from gradwise.language.notation import gradient_latex

        return gradient_latex(self)

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


@dataclass(frozen=True)
class Kink:
    """A partial derivative that does not exist at the point: |x| or relu at 0.

    The two one-sided derivatives differ there (``left`` ≠ ``right``; None where SymPy
    could not take the limit), and the value ∇f shows comes from a ``convention``
    (``sign(0) = 0``, ``H(0) = 0``: relu'(0) = 0, as PyTorch takes it).
    """

    variable: sympy.Symbol
    left: sympy.Expr | None
    right: sympy.Expr | None
    convention: str


@dataclass(frozen=True)
class GradientValue:
    """∇f at one point: exact components, floats, magnitude and direction of steepest ascent.

    ``kinks`` lists the components that do not exist there (one-sided derivatives differ),
    whose values are conventions.

    Attributes:
        gradient: the :class:`Gradient` evaluated.
        point: each variable's exact value.
        exact: the components there, exact (``values`` has them as floats).

    Example:
        >>> at = gradient("x^2 + y^2").at("x=3, y=4")
        >>> at.exact, at.values, at.magnitude, at.direction
        ((6, 8), (6.0, 8.0), 10, (3/5, 4/5))
    """

    gradient: Gradient
    point: dict[sympy.Symbol, sympy.Expr]
    exact: tuple[sympy.Expr, ...]
    kinks: tuple[Kink, ...] = ()
    approximate: tuple[str, ...] = ()
    """The components given to 50 digits because their exact values are over budget."""

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(_float(c) for c in self.exact)

    @property
    def magnitude(self) -> sympy.Expr:
        """|∇f|, exact."""
        return sympy.sqrt(sum(c**2 for c in self.exact))

    @property
    def direction(self) -> tuple[sympy.Expr, ...]:
        """The unit vector of steepest ascent ∇f/|∇f|; an error where ∇f = 0."""
        size = self.magnitude
        if size == 0:
            raise DomainError("the gradient is zero here, so there is no direction of steepest "
                              "ascent (this is a critical point)")
        return tuple(c / size for c in self.exact)

    def __str__(self) -> str:
        from gradwise.language.notation import gradient_value_text

        return gradient_value_text(self)


@dataclass(frozen=True)
class Hessian:
    """The matrix of second partial derivatives ``H[i][j]`` = ∂²f/∂vᵢ∂vⱼ, exact.

    Attributes:
        function: the differentiated expression.
        matrix: the SymPy matrix (``rows`` has it as lists).

    Example:
        >>> h = hessian("x^2 y")
        >>> h.rows
        [[2*y, 2*x], [2*x, 0]]
        >>> h.at("x=1, y=2").values
        [[4.0, 2.0], [2.0, 0.0]]
    """

    function: Expression
    matrix: sympy.Matrix

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        return self.function.variables

    @property
    def rows(self) -> list[list[sympy.Expr]]:
        return self.matrix.tolist()

    def at(self, point: PointLike, exact: bool = True) -> HessianValue:
        """The Hessian at a point, e.g. ``"x=1, y=2"``; a :class:`DomainError` where a
        second derivative is undefined there."""
        values = resolve_point(self.function, point, exact)
        _checked(self.function.expr, values, self.function.name, self.function)
        names = self.function.names
        approximate: list[str] = []
        matrix = sympy.Matrix(len(names), len(names), lambda i, j: _checked(
            self.matrix[i, j], values, f"∂²{self.function.name}/∂{names[i]}∂{names[j]}",
            self.function, approximate))
        return HessianValue(self, values, matrix, tuple(approximate))

    def __str__(self) -> str:
        from gradwise.language.notation import hessian_text

        return hessian_text(self)

    def _repr_latex_(self) -> str:
        from gradwise.language.notation import hessian_latex

        return f"${hessian_latex(self)}$"


@dataclass(frozen=True)
class HessianValue:
    """The Hessian at one point, exact, with float values.

    Attributes:
        hessian: the :class:`Hessian` evaluated.
        point: each variable's exact value.
        exact: the matrix there, exact (``values`` has it as lists of floats).

    Example:
        >>> print(hessian("x^2 y").at("x=1, y=2"))
                   ⎡ 4  2 ⎤
        Hf(1, 2) = ⎣ 2  0 ⎦
    """

    hessian: Hessian
    point: dict[sympy.Symbol, sympy.Expr]
    exact: sympy.Matrix
    approximate: tuple[str, ...] = ()
    """The entries given to 50 digits because their exact values are over budget."""

    @property
    def values(self) -> list[list[float]]:
        return [[_float(c) for c in row] for row in self.exact.tolist()]

    @property
    def eigenvalues(self) -> tuple[float, ...]:
        """The eigenvalues, ascending (floats of the symmetric matrix)."""
        import numpy as np

        return tuple(float(e) for e in np.linalg.eigvalsh(np.array(self.values, dtype=float)))

    @property
    def definiteness(self) -> str:
        """``positive definite``, ``negative definite``, ``indefinite`` or ``positive`` /
        ``negative semidefinite`` (a zero eigenvalue, decided exactly: det = 0), or ``zero``.

        Example:
            >>> hessian("x^2 - y^2").at("x=0, y=0").definiteness
            'indefinite'
        """
        eigenvalues = self.eigenvalues
        scale = max((abs(e) for e in eigenvalues), default=0.0)
        if scale == 0 or all(c == 0 for c in self.exact):
            return "zero"
        singular = _is_zero(self.exact.det(), sympy.Float(scale) ** len(eigenvalues))
        positive = any(e > 1e-12 * scale for e in eigenvalues)
        negative = any(e < -1e-12 * scale for e in eigenvalues)
        if positive and negative:
            return "indefinite"
        sign = "positive" if positive else "negative"
        return f"{sign} semidefinite" if singular else f"{sign} definite"

    def __str__(self) -> str:
        from gradwise.language.notation import hessian_value_text

        return hessian_value_text(self)


def _is_zero(value: sympy.Expr, size: sympy.Expr) -> bool:
    """Whether an exact number is 0: exactly where it is rational, else to 60 digits relative
    to ``size`` (its eigenvalues' product). ``simplify`` decided it once, and ran for hours on
    the Hessian of csc(x°)·π³/x at x = 1e308, entries of 600-digit numbers and csc(4π/9)."""
    if value.is_Rational:
        return bool(value == 0)
    number = value.evalf(60)
    if not number.is_number:
        return False
    return bool(abs(number) <= sympy.Float(10) ** -45 * size)


def gradient(f: Expression | str | sympy.Expr, wrt: Iterable[str] | str | None = None) -> Gradient:
    """The exact gradient ∇f.

    Args:
        f: an expression, or text to parse.
        wrt: differentiate with respect to these names only; the others are constants.

    Returns:
        The :class:`Gradient`: its ``components``, and ``at(point)`` for its value.

    Raises:
        ParseError: ``f`` is text that is not a valid expression.
        InputError: ``f`` has no variables, or ``wrt`` names one it does not have.

    Example:
        >>> str(gradient("x^2 + y^2"))
        '∇f(x, y) = 2x î + 2y ĵ'
        >>> gradient("x^2 + y^2", wrt="x").components
        (2*x,)
    """
    expression = as_expression(f, wrt)
    if not expression.variables:
        raise InputError(f"{expression.text!r} has no variables to differentiate with respect to")
    return Gradient(expression, tuple(sympy.diff(expression.expr, v)
                                      for v in expression.variables))


def steps(f: Expression | str | sympy.Expr, wrt: Iterable[str] | str | None = None) -> Steps:
    """Show the work: every partial derivative of ``f`` derived rule by rule.

    Args:
        f: an expression, or text to parse.
        wrt: differentiate with respect to these names only; the others are constants.

    Returns:
        One tree of steps per variable; each root's result is that component of
        :func:`gradient`.

    Raises:
        ParseError: ``f`` is text that is not a valid expression.
        InputError: ``f`` has no variables, or ``wrt`` names one it does not have.

    Example:
        >>> root = steps("x^2 + y^2")["x"]
        >>> root.rule, root.result, [sub.rule for sub in root.substeps]
        ('sum', 2*x, ['power', 'treat as constant'])
        >>> root.substeps[1].why
        'y² does not contain x: treat y as a constant, so its ∂/∂x is 0'
    """
    return gradient(f, wrt).steps()


def hessian(f: Expression | str | sympy.Expr, wrt: Iterable[str] | str | None = None) -> Hessian:
    """The exact Hessian matrix of second partial derivatives (symmetric).

    Args:
        f: an expression, or text to parse.
        wrt: differentiate with respect to these names only; the others are constants.

    Returns:
        The :class:`Hessian`: its ``rows``, and ``at(point)`` for its value.

    Raises:
        ParseError: ``f`` is text that is not a valid expression.
        InputError: ``f`` has no variables, or ``wrt`` names one it does not have.

    Example:
        >>> hessian("x^2 + 3x y").rows
        [[2, 3], [3, 0]]
    """
    grad = gradient(f, wrt)
    variables = grad.variables
    n = len(variables)
    cells: dict[tuple[int, int], sympy.Expr] = {}
    for i in range(n):
        for j in range(i, n):
            cells[i, j] = cells[j, i] = sympy.diff(grad.components[i], variables[j])
    return Hessian(grad.function, sympy.Matrix(n, n, lambda i, j: cells[i, j]))


def value_at(f: Expression | str, point: PointLike, exact: bool = True) -> sympy.Expr:
    """f at a point, exact (or a SymPy Float with ``exact=False``).

    Args:
        f: an expression, or text to parse.
        point: every variable's value: ``"x=2, y=1"``, ``{"x": 2, "y": 1}`` or ``[2, 1]``.
        exact: False to evaluate in floating point (the values are then SymPy Floats).

    Returns:
        f at the point, a SymPy number.

    Raises:
        ParseError: ``f`` or the point is text that is not valid.
        InputError: the point misses a variable or names one f does not have.
        DomainError: f is undefined or not real there.

    Example:
        >>> value_at("x^2 + y", "x=2, y=1")
        5
        >>> value_at("sin(x)", "x=1", exact=False)
        0.84147098480789651
        >>> value_at("log(x)", "x=0")
        Traceback (most recent call last):
        ...
        gradwise.errors.DomainError: f is undefined at (x=0)
    """
    expression = as_expression(f)
    values = resolve_point(expression, point, exact)
    return _checked(expression.expr, values, expression.name, expression)


def directional_derivative(f: Expression | str, point: PointLike,
                           direction: Mapping[str, Any] | Sequence[Any]) -> sympy.Expr:
    """D_u f = ∇f · u with u the unit vector along ``direction``, exact.

    Args:
        f: an expression, or text to parse.
        point: where: ``"x=1, y=1"``, a mapping or a sequence in the variables' order.
        direction: the vector u points along (any length but zero), a mapping or a sequence.

    Returns:
        The slope of f along ``direction`` at ``point``, exact.

    Raises:
        ParseError: ``f`` is text that is not a valid expression.
        InputError: the direction is the zero vector, or a point misses a variable.
        DomainError: a component of ∇f is undefined or not real at the point.

    Example:
        >>> directional_derivative("x^2 + y^2", "x=1, y=1", [1, 1])
        2*sqrt(2)
    """
    grad = gradient(f)
    vector = resolve_point(grad.function, direction, exact=True, what="direction")
    u = [vector[v] for v in grad.variables]
    size = sympy.sqrt(sum(c**2 for c in u))
    if size == 0:
        raise InputError("the direction must not be the zero vector")
    slope = sum(g * c for g, c in zip(grad.at(point).exact, u, strict=True)) / size
    return slope


def evaluate_gradient(f: Expression | str, at: PointLike | None = None,
                      along: str | Sequence[Any] | None = None
                      ) -> tuple[Gradient, GradientValue | None, sympy.Expr | None]:
    """∇f, and at a point its value and the directional derivative along a vector.

    What ``gradwise grad`` and ``POST /api/gradient`` compute.

    Args:
        f: the function.
        at: a point, or None for ∇f alone.
        along: a direction (``"1,1"`` or a sequence), only with ``at``.

    Returns:
        ``(gradient, value at the point or None, directional derivative or None)``.

    Raises:
        InputError: ``along`` without ``at``.

    Example:
        >>> g, value, slope = evaluate_gradient("x^2 + y^2", "x=2, y=2", "1,0")
        >>> str(value), slope
        ('∇f(2, 2) = 4î + 4ĵ', 4)
    """
    g = gradient(f)
    if along is not None and at is None:
        raise InputError("'along' needs a point ('at'): a directional derivative is taken at "
                         "a point")
    value = g.at(at) if at is not None else None
    slope = None
    if along is not None:
        direction = [s.strip() for s in along.split(",")] if isinstance(along, str) else along
        slope = directional_derivative(g.function, at, direction)  # type: ignore[arg-type]
    return g, value, slope


def resolve_point(f: Expression, point: PointLike, exact: bool = True,
                  what: str = "point") -> dict[sympy.Symbol, sympy.Expr]:
    """Map every free symbol of ``f`` to an exact number, with clear errors.

    A sequence gives the variables in order; a mapping or ``"x=2, y=2"`` names them
    and may also give parameters (the other names).
    """
    if isinstance(point, str):
        given = parse_assignments(point, degrees=f.degrees)
    elif isinstance(point, Mapping):
        given = {str(k): exact_number(v, str(k)) for k, v in point.items()}
    else:
        items = list(point)
        if len(items) != len(f.variables):
            raise InputError(f"the {what} has {len(items)} coordinates but {f.name} has "
                             f"{len(f.variables)} variables ({', '.join(f.names)})")
        given = {v.name: exact_number(x, v.name) for v, x in zip(f.variables, items, strict=True)}
    known = {s.name: s for s in f.symbols}
    unknown = [n for n in given if n not in known]
    if unknown:
        raise InputError(f"the {what} names {unknown[0]!r}, which is not in {f.text!r}; its "
                         f"names are {', '.join(known) or '(none)'}")
    missing = [n for n in known if n not in given]
    if missing:
        raise InputError(f"the {what} gives no value for {missing[0]!r}. Fix: add {missing[0]}=... "
                         "(or fix it as a constant)")
    if not exact:
        return {known[n]: sympy.Float(v, 17) for n, v in given.items()}
    return {known[n]: v for n, v in given.items()}


def _checked(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr], label: str,
             f: Expression, approximate: list[str] | None = None) -> sympy.Expr:
    """``expr`` at the point, exact, or to 50 digits where the exact value is over budget
    (then ``label`` is added to ``approximate``); a DomainError where it is undefined."""
    where = ", ".join(f"{s.name}={show(v)}" for s, v in values.items())
    try:
        value, exact = value_at_point(expr, values)
    except ValueError:  # SymPy's own refusal: H(ln(−1/2)), "defined only for real values"
        raise DomainError(f"{label} is not real at ({where})") from None
    if value.has(*_BAD) or value.has(sympy.DiracDelta):
        raise DomainError(f"{label} is undefined at ({where})")
    try:
        numeric = value.evalf(30)
        number = complex(numeric)
        # SymPy's own parts: Python's complex() flushes 1.6e−380i (and all else) to 0
        real, imag = abs(sympy.re(numeric)), abs(sympy.im(numeric))
    except (TypeError, ValueError):
        raise DomainError(f"{label} is undefined at ({where})") from None
    if imag != 0:  # noise of the evaluation shrinks with more digits; an imaginary part does
        # not, however small beside the real part ((x + x^x)² at x = −220/13: 6e−21 of it)
        fine = value.evalf(60)
        real, imag = abs(sympy.re(fine)), abs(sympy.im(fine))
    if imag != 0 and imag > 1e-45 * (real + imag):  # relative: −1.5e−12 + 3.1e−13i is as
        # complex as −1.5 + 0.31i
        raise DomainError(f"{label} is not real at ({where}): it is {_brief(value)}")
    if number.real != number.real or abs(number.real) == float("inf"):
        raise DomainError(f"{label} is too large to represent at ({where})")
    if not exact:
        value = sympy.re(value)  # a float's round-off imaginary part is not kept
        if approximate is not None:
            approximate.append(label)
    return value


_CONVENTIONS = {sympy.sign: "sign(0) = 0", sympy.Heaviside: "H(0) = 0"}
"""What SymPy's derivatives of |x| and relu take at the kink (the value shown there)."""


def _kink(component: sympy.Expr, v: sympy.Symbol,
          values: Mapping[sympy.Symbol, sympy.Expr]) -> Kink | None:
    """A Kink where ``component`` (∂f/∂v) holds sign(0) or H(0) at the point and its limits
    from the two sides along v differ; None where ∂f/∂v exists (x·|x| at 0, say)."""
    at_kink = [a for a in component.atoms(sympy.sign, sympy.Heaviside)
               if a.args[0].xreplace(dict(values)) == 0]
    if not at_kink:
        return None
    along = component.xreplace({s: x for s, x in values.items() if s != v})
    try:
        left, right = (sympy.limit(along, v, values[v], side) for side in "-+")
    except (NotImplementedError, ValueError, TypeError):  # SymPy's limit gave up
        left = right = None
    if left is not None and left == right:
        return None
    convention = " and ".join(sorted({_CONVENTIONS[type(a)] for a in at_kink}))
    return Kink(v, left, right, convention)


def _brief(value: sympy.Expr) -> str:
    text = str(value)
    if digits(value) > 100 or len(text) > 80:
        text = f"≈ {value.evalf(6)}"  # SymPy's number: complex() would flush 1.6e−380i to 0
    return text if len(text) <= 200 else text[:200] + " …"


def _float(value: sympy.Expr) -> float:
    return float(complex(value.evalf(17)).real)
