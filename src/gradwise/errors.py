"""The exceptions gradwise raises.

Every error derives from :class:`GradwiseError`, and every leaf also derives from
the builtin it resembles, so ``except ValueError`` keeps working for callers who
do not know gradwise.
"""

from __future__ import annotations

import re


class GradwiseError(Exception):
    """Base class of every error gradwise raises on purpose.

    Attributes:
        args: one item, the message: what was wrong; expected …; received …. Fix: …
            (the dialect of :func:`problem`).

    Example:
        >>> import gradwise
        >>> try:
        ...     gradwise.gradient("x^")
        ... except gradwise.GradwiseError as error:
        ...     print(type(error).__name__)
        ParseError
    """


class ParseError(GradwiseError, ValueError):
    """The text is not a valid expression, or breaks one of the parser's limits.

    Attributes:
        text: the text that was parsed.
        column: 1-based column of the problem in ``text`` (``None``: the whole text).
        reason: the one-line explanation, without the caret picture.

    Example:
        >>> error = ParseError("unexpected '*'", "x^2 +* y", 6)
        >>> print(error)
        unexpected '*'
          x^2 +* y
               ^
        >>> error.column, isinstance(error, ValueError)
        (6, True)
    """

    def __init__(self, reason: str, text: str = "", column: int | None = None) -> None:
        self.reason = reason
        self.text = text
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        if self.column is None or not self.text or len(self.text) > 200 or "\n" in self.text:
            return self.reason
        caret = " " * (self.column - 1) + "^"
        return f"{self.reason}\n  {self.text}\n  {caret}"


class DomainError(GradwiseError, ValueError):
    """A value is undefined or not real at the requested point (``1/x`` at 0, ``log(0)``).

    Attributes:
        args: one item, the message: which value is undefined, and where.

    Example:
        >>> import gradwise
        >>> gradwise.gradient("1/x").at("x=0")
        Traceback (most recent call last):
          ...
        gradwise.errors.DomainError: ∂f/∂x is undefined at (x=0)
    """


class InputError(GradwiseError, ValueError):
    """An argument is invalid: a learning rate of 0, a point missing a variable, and so on.

    Attributes:
        args: one item, the message: what was wrong; expected …; received …. Fix: …

    Example:
        >>> import gradwise
        >>> gradwise.minimize("x^2", {"x": 1}, learning_rate=0)
        Traceback (most recent call last):
          ...
        gradwise.errors.InputError: learning_rate must be > 0; received 0. Fix: try 0.1 ...
    """


class DataError(GradwiseError, ValueError):
    """A data file cannot be used: it says which file, line and column, and what was found.

    Attributes:
        args: one item, the message: the file, the line and column, what was found and
            what was expected.

    Example:
        >>> import gradwise, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.csv"
        >>> _ = path.write_text("x,y\\n1,1\\n2,abc\\n")
        >>> gradwise.load(path, target="y")
        Traceback (most recent call last):
          ...
        gradwise.errors.DataError: .../bad.csv: line 3, column 2 ('y'): found 'abc'; ...
    """


_UNSET = object()


def problem(what: str, *, where: str | None = None, expected: str | None = None,
            received: object = _UNSET, fix: str | None = None) -> str:
    """One error message in gradwise's one dialect: what, where, expected, received, fix.

    Example:
        >>> problem("tol is negative", expected="a number >= 0", received=-1, fix="tol=1e-8")
        'tol is negative; expected a number >= 0; received -1. Fix: tol=1e-8'
    """
    text = what + (f" {where}" if where else "")
    if expected:
        text += f"; expected {expected}"
    if received is not _UNSET:
        text += f"; received {received!r}"
    return text + (f". Fix: {fix}" if fix else "")


def whole_number(value: object, name: str, low: int = 0, high: int | None = None,
                 fix: str | None = None) -> int:
    """``value`` as an int in [low, high], else an InputError in the one dialect.

    Booleans are refused (``True`` is not a count); NumPy integers are accepted.

    Example:
        >>> whole_number(3, "max_steps", 1, 10)
        3
        >>> whole_number(2.5, "batch_size", 1)
        Traceback (most recent call last):
        ...
        gradwise.errors.InputError: batch_size must be a whole number >= 1; received 2.5
    """
    import numbers

    within = isinstance(value, numbers.Integral) and not isinstance(value, bool) and \
        low <= value and (high is None or value <= high)  # type: ignore[operator]
    if not within:
        bounds = f"from {low:,} to {high:,}" if high is not None else f">= {low:,}"
        raise InputError(problem(f"{name} must be a whole number {bounds}", received=value,
                                 fix=fix))
    return int(value)  # type: ignore[call-overload]


# the Limits attribute a parse limit names for Python users, which no option sets:
# "(Limits.max_exponent)", "(Limits.max_length each)", "(brackets ...; Limits.max_depth)"
_LIMITS = re.compile(r" \(Limits\.\w+(?: each)?\)|; Limits\.\w+(?=\))")


def without_limits(message: str) -> str:
    """``message`` without the name of the ``Limits`` attribute it names, for the command line
    and the web, where no option sets one (Python users keep it in ``ParseError.reason``).

    Example:
        >>> without_limits("exponent 2000 is too large; at most 1000 is allowed "
        ...                "(Limits.max_exponent)")
        'exponent 2000 is too large; at most 1000 is allowed'
    """
    return _LIMITS.sub("", message)
