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
