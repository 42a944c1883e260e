"""The ``gradwise`` command line: a thin layer of parse -> library call -> render.

Commands are imported only when run (``LazyGroup``), so ``gradwise grad`` loads
SymPy and Click but not NumPy, matplotlib or the web stack.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from typing import Any, NoReturn

import click

# name -> "module:attribute"; a command's module is imported only when it runs.
COMMANDS = {
    "grad": "gradwise.cli.calculus:grad",
    "hessian": "gradwise.cli.calculus:hessian",
    "graph": "gradwise.cli.graph:graph",
    "check": "gradwise.cli.steps:check",
    "critical": "gradwise.cli.critical:critical",
    "tour": "gradwise.cli.tour:tour",
    "plot": "gradwise.cli.plot:plot",
    "descend": "gradwise.cli.descent:descend",
    "lr": "gradwise.cli.descent:lr",
    "train": "gradwise.cli.neuron:train",
    "predict": "gradwise.cli.neuron:predict",
    "serve": "gradwise.cli.serve:serve",
}


class LazyGroup(click.Group):
    """A group whose subcommands live in modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """The command, with a "did you mean" for a typo, and its arguments with an
        expression after '--' moved last, so options may follow it (grad -- "-x^2" --at x=1).
        """
        name = args[0] if args else ""
        if name not in COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {close[0]!r}?")
        found, command, rest = super().resolve_command(ctx, args)
        return found, command, _expression_last(command, rest)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that stops reading (``gradwise graph ... | head -1``)
        ends it quietly, as it ends other Unix tools: no message, exit code 141."""
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # what is still buffered meets a closed pipe here, not at exit
        except BrokenPipeError:
            _closed_output()


EXIT_CLOSED_OUTPUT = 141
"""128 + SIGPIPE: the exit code of a Unix tool whose reader stopped reading."""


def _closed_output() -> NoReturn:
    """End quietly: stdout points at /dev/null, so nothing left to flush raises at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout without a descriptor (tests)
        pass
    sys.exit(EXIT_CLOSED_OUTPUT)


def _expression_last(command: click.Command | None, args: list[str]) -> list[str]:
    """``-- EXPR --at x=1`` as ``--at x=1 -- EXPR`` for a command of one argument (EXPR or
    FILE): after '--' Click reads everything as arguments, options included."""
    arguments = [p for p in getattr(command, "params", []) if isinstance(p, click.Argument)]
    if len(arguments) != 1 or "--" not in args:
        return args
    i = args.index("--")
    if i + 1 >= len(args):
        return args
    return [*args[:i], *args[i + 2:], "--", args[i + 1]]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gradwise")
def main() -> None:
    """Gradients and gradient descent, in the lecture notes' notation.

    An expression that starts with '-' works as it is (gradwise grad "-x^2"),
    or after '--' (gradwise grad -- "-x^2").
    """
