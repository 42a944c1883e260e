"""The ``gradwise`` command line: a thin layer of parse -> library call -> render.

Commands are imported only when run (``LazyGroup``), so ``gradwise grad`` loads
SymPy and Click but not NumPy, matplotlib or the web stack.
"""

from __future__ import annotations

import importlib

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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gradwise")
def main() -> None:
    """Gradients and gradient descent, in the lecture notes' notation.

    An expression that starts with '-' works as it is (gradwise grad "-x^2"),
    or after '--' (gradwise grad -- "-x^2").
    """
