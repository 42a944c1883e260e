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

from gradwise.cli.words import cli_words, without_limits
from gradwise.errors import (
    DataError,
    GradwiseError,
    InputError,
    ParseError,
    problem,
)

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 0 ok, 1 a math result that cannot be given (undefined at a point), 2 bad input
# (141, a closed stdout pipe, is the entry point's: gradwise.cli.LazyGroup.invoke).
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
        _check_paths(kwargs)
        try:
            return command(*args, **kwargs)
        except ParseError as error:  # its caret picture quotes the text as typed
            first, newline, picture = str(error).partition("\n")
            fail(without_limits(first) + newline + picture, EXIT_USAGE)
        except (InputError, DataError) as error:
            fail(cli_words(str(error)), EXIT_USAGE)
        except GradwiseError as error:  # DomainError and the rest: a mathematical error
            fail(cli_words(str(error)), EXIT_MATH)
        except RecursionError:
            fail("the expression is too deeply nested to handle", EXIT_USAGE)
        except BrokenPipeError:  # the reader of stdout stopped: the entry point ends quietly
            raise
        except OSError as error:  # a path the system refuses: too long, not allowed, ...
            fail(_os_problem(error), EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


PATHS = ("file", "model_path", "csv_path", "plot_path", "output", "save", "out")
"""The parameters of the commands that name files (arguments and options)."""


def _check_paths(values: dict[str, Any]) -> None:
    """A file name the system cannot take (a NUL byte, too long): say so before any work."""
    for name in PATHS:
        value = values.get(name)
        if isinstance(value, str) and value != "-":
            try:
                usable_path(value)
            except InputError as error:
                fail(str(error))


def usable_path(text: str) -> Path:
    """``text`` as a Path, refusing a name no file can have: a NUL byte, a name too long.

    Raises:
        InputError: the system cannot take the name (what it said, and the name).
    """
    if "\x00" in text:
        raise InputError(problem("a file name cannot hold a NUL byte (\\x00)",
                                 received=_short(text), fix="type the name again"))
    try:
        os.stat(text)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        pass  # a file still to be written, or one the command reports on itself
    except OSError as error:
        raise InputError(_os_problem(error)) from None
    return Path(text)


class FileName(click.Path):
    """``click.Path``, but a name the system cannot take is one red line, not a traceback."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            try:
                usable_path(value)
            except InputError as error:
                fail(str(error))
        return super().convert(value, param, ctx)


def _os_problem(error: OSError) -> str:
    what = error.strerror or type(error).__name__
    name = f" {_short(str(error.filename))!r}" if error.filename is not None else ""
    return f"the system refused the file{name}: {what}. Fix: check the path"


def _short(text: str, most: int = 80) -> str:
    return text if len(text) <= most else f"{text[:most - 1]}…"


def check_expression(text: str) -> str:
    """Refuse an option typo that ignore_unknown_options let through as the expression."""
    if text.startswith("--"):
        fail(f"unknown option {text.split('=')[0]!r}; see --help (an expression cannot "
             "start with '--')")
    return text


def function_options(command: F) -> F:
    """``--wrt`` and ``--const``: which names are the variables, and which are fixed first.

    Every command that reads a function takes them (grad, hessian, graph, descend, lr,
    critical, plot), so the notes' C(w, b) with data x = 1, y = 1 is
    ``--wrt w,b --const x=1,y=1`` everywhere.
    """
    command = click.option("--const", "constants", metavar="NAME=VALUE,...",
                           help="Fix names to values first, e.g. x=1,y=1.")(command)
    return click.option("--wrt", metavar="NAMES",
                        help="The variables, in this order (comma-separated); other names "
                        "are parameters, e.g. w,b.")(command)


def prepare(expr: str, wrt: str | None = None, constants: str | None = None,
            degrees: bool = False) -> Any:
    """The command's function: EXPR parsed, --const fixed, then --wrt chosen."""
    from gradwise.language.expressions import parse

    return parse(check_expression(expr), degrees=degrees, wrt=wrt or None,
                 constants=constants or None)


def require_values(f: Any, given: str | None = None, option: str | None = None) -> None:
    """Refuse, before any work, a parameter that neither --const nor ``option`` gives a value.

    Args:
        f: the prepared function.
        given: the text of ``option`` (``"w=3,a=1"``), whose names may fix parameters.
        option: the option that may also give them (``"--start"``), named in the fix.
    """
    from gradwise.language.expressions import parse_assignments

    named = set(parse_assignments(given, degrees=f.degrees)) if given else set()
    missing = [p.name for p in f.parameters if p.name not in named]
    if not missing:
        return
    plural = len(missing) > 1
    values = ",".join(f"{n}=..." for n in missing)
    also = f" (or in {option})" if option else ""
    them, value, variable = ("them", "values", "variables") if plural else \
        ("it", "a value", "a variable")
    fail(problem(f"{f.text!r} has the parameter{'s' * plural} {', '.join(missing)} without "
                 f"a value", fix=f"give {them} {value} with --const {values}{also}, or make "
                 f"{them} {variable} with --wrt"))


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
