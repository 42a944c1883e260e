"""What every command shares: error handling, exit codes, output helpers."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from gradwise.errors import DataError, DomainError, GradwiseError, InputError, ParseError

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 0 ok, 1 a math result that cannot be given (undefined at a point), 2 bad input.
EXIT_MATH = 1
EXIT_USAGE = 2

EXPRESSION_SETTINGS = {"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]}
"""Lets an expression start with '-' ("-x^2") without being taken for an option."""


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print one red line (plus a caret picture when there is one) and exit."""
    first, _, rest = message.partition("\n")
    click.secho(f"error: {first}", fg="red", err=True)
    if rest:
        click.echo(rest, err=True)
    sys.exit(code)


def handle_errors(command: F) -> F:
    """Turn gradwise's errors into one red line and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ParseError, InputError, DataError) as error:
            fail(str(error), EXIT_USAGE)
        except DomainError as error:
            fail(str(error), EXIT_MATH)
        except GradwiseError as error:
            fail(str(error), EXIT_MATH)
        except RecursionError:
            fail("the expression is too deeply nested to handle", EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def check_expression(text: str) -> str:
    """Refuse an option typo that ignore_unknown_options let through as the expression."""
    if text.startswith("--"):
        fail(f"unknown option {text.split('=')[0]!r}; see --help (an expression cannot "
             "start with '--')")
    return text


def emit_json(document: dict[str, Any]) -> None:
    import json  # only for --json: keeps start-up light

    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def write_atomically(path: str | Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    with replacing(path) as temporary:
        Path(temporary).write_text(text, encoding="utf-8", newline="")


@contextmanager
def replacing(path: str | Path, suffix: str = ".tmp") -> Iterator[str]:
    """Yield a temporary file's path beside ``path``; when the block succeeds it replaces
    ``path`` in one rename (with the mode a plain write would give), else it is removed."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{str(target)!r} is a directory. Fix: give a file name")
    if not target.parent.exists():
        raise InputError(f"the folder {str(target.parent)!r} does not exist. Fix: create it first")
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=suffix)
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, _file_mode(target))  # mkstemp makes 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The mode a plain ``open(target, "w")`` would give: the old file's, else 0666 less umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
