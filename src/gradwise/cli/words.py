"""The command line speaks in its own options: library messages reworded for it.

The library's errors and findings name Python's spellings (``features=[...]``,
``cost='log_loss'``, ``gradwise.advise_learning_rate``); on the command line each becomes the
option or command that does the same (``--features``, ``--cost log_loss``, ``gradwise lr``).
Every message the CLI prints from the library passes through :func:`cli_words`: errors in
``fail``, findings and advice where they are printed. ``--json`` documents keep the
library's words, as ``/api/`` answers them.

Example:
    >>> cli_words("Fix: try 0.1 (gradwise.advise_learning_rate gives the stable range)")
    'Fix: try 0.1 (gradwise lr gives the stable range)'
    >>> cli_words("leave the column out with features=[...]")
    'leave the column out with --features (the columns to keep)'
    >>> cli_words("Fix: write for example within='x=-5:5, y=-5:5'")
    'Fix: write for example --within x=-5:5,y=-5:5'
"""

from __future__ import annotations

import re

from gradwise.descent.endings import outcome
from gradwise.errors import without_limits

__all__ = ["cli_words", "outcome", "without_limits", "OPTIONS"]

OPTIONS = {
    "learning_rate": "--lr", "max_steps": "--steps", "max_epochs": "--epochs", "tol": "--tol",
    "method": "--method", "schedule": "--schedule", "start": "--start", "within": "--within",
    "budget": "--budget", "wrt": "--wrt", "constants": "--const", "degrees": "--degrees",
    "features": "--features", "target": "--target", "activation": "--activation",
    "cost": "--cost", "batch_size": "--batch-size", "seed": "--seed", "engine": "--engine",
    "scheduler": "--scheduler", "chunk_rows": "--chunk-rows",
}
"""A keyword of the library -> the option of the command line that sets it."""

_PHRASES = (
    # whole phrases first: their meaning changes, not only their spelling
    (re.compile(r"\bstandardi[sz]e the features\b"), "drop --no-standardize"),
    (re.compile(r"\bstandardize=True\b"), "drop --no-standardize"),
    (re.compile(r"\bfit_intercept=True\b"), "drop --no-intercept"),
    (re.compile(r"\bfeatures=\[\.\.\.\]"), "--features (the columns to keep)"),
    (re.compile(r"\bconstants= in gradwise\.parse \(on the command line: (--const [^)]*)\)"),
     r"\1"),
    (re.compile(r"\bconstants= \(--const\)"), "--const"),
    (re.compile(r"\bparse\(text, constants='([^']*)'\)"), r"--const \1"),
    (re.compile(r"\bgradwise\.advise_learning_rate\b"), "gradwise lr"),
    (re.compile(r" or use plot_progress for a descent\b"),
     " (a descent of more variables draws f and |∇f| per step as .png, .svg or .pdf)"),
    (re.compile(r"\buse plot_function for its curve\b"), "draw it with gradwise plot"),
    (re.compile(r"\bfell to tol or below\b"), "fell to the tolerance (--tol) or below"),
)

_KEYWORD = re.compile(r"\b(?P<name>" + "|".join(sorted(OPTIONS, key=len, reverse=True)) +
                      r")=(?P<value>'[^']*'|\"[^\"]*\"|\[[^\]]*\]|[^\s,;)]*)")
# a keyword as the subject of a rule ("max_steps must be ...": not the status max_steps), and
# the keywords that are never anything else
_BARE = re.compile(r"\b(?P<name>" + "|".join(OPTIONS) + r")\b(?= must\b)|"
                   r"\b(?P<only>learning_rate|max_epochs|batch_size|chunk_rows)\b(?!=)")


def cli_words(message: str) -> str:
    """``message`` with the library's Python spellings replaced by the CLI's options."""
    message = without_limits(message)
    for pattern, replacement in _PHRASES:
        message = pattern.sub(replacement, message)
    message = _KEYWORD.sub(_option, message)
    return _BARE.sub(lambda m: OPTIONS[m["name"] or m["only"]], message)


def _option(match: re.Match[str]) -> str:
    """``cost='log_loss'`` -> ``--cost log_loss``; ``wrt='w,b'`` -> ``--wrt w,b``;
    a bare ``schedule=`` -> ``--schedule``."""
    option, value = OPTIONS[match["name"]], match["value"]
    if value[:1] in "'\"[" and len(value) >= 2:
        value = value[1:-1].replace("'", "").replace('"', "")
    value = re.sub(r",\s+", ",", value)  # one command-line word: x=-5:5,y=-5:5
    return f"{option} {value}" if value else option
