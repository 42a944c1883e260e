"""The exceptions gradwise raises.

Every error derives from :class:`GradwiseError`, and every leaf also derives from
the builtin it resembles, so ``except ValueError`` keeps working for callers who
do not know gradwise.
"""

from __future__ import annotations


class GradwiseError(Exception):
    """Base class of every error gradwise raises on purpose."""


class ParseError(GradwiseError, ValueError):
    """The text is not a valid expression, or breaks one of the parser's limits.

    Attributes:
        text: the text that was parsed.
        column: 1-based column of the problem in ``text`` (``None``: the whole text).
        reason: the one-line explanation, without the caret picture.
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
    """A value is undefined or not real at the requested point (``1/x`` at 0, ``log(0)``)."""


class InputError(GradwiseError, ValueError):
    """An argument is invalid: a learning rate of 0, a point missing a variable, and so on."""


class DataError(GradwiseError, ValueError):
    """A data file cannot be used: it says which file, line and column, and what was found."""


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
