"""``gradwise grad --steps`` (the work shown) and ``gradwise check`` (a learner's answer checked).

On a terminal the derivation is a Rich tree, each step's justification dimmed beside it;
piped or redirected, it is the same tree as plain text (:mod:`gradwise.calculus.steps_text`).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from gradwise.calculus.steps_text import (
    Notation,
    evaluation_line,
    gradient_lines,
    rows_of,
    steps_text,
)
from gradwise.cli._common import (
    EXIT_MATH,
    EXPRESSION_SETTINGS,
    check_expression,
    emit_json,
    handle_errors,
)

__all__ = ["print_steps", "check"]


def print_steps(s: Any, value: Any = None) -> None:
    """The derivation on stdout: a Rich tree on a terminal, plain text otherwise."""
    if not sys.stdout.isatty():
        click.echo(steps_text(s, value))
        return
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    console = Console(highlight=False)
    f = s.function
    console.print(str(f))
    notation = Notation(f)
    for i, (v, root) in enumerate(zip(f.variables, s.derivations, strict=True)):
        tree = Tree(Text(f"∂{f.name}/∂{v.name}", style="bold"))
        branches: list[Any] = [tree]
        for prefix, line, why in rows_of(root, notation):
            depth = len(prefix) // 3
            label = Text(line)
            label.append(f"   {why}", style="dim")
            del branches[depth + 1:]
            branches.append(branches[depth].add(label))
        console.print()
        console.print(tree)
        if value is not None:
            console.print(Text(evaluation_line(f, v, root.result, value.point, value.exact[i]),
                               style="bold green"))
    console.print()
    for line, style in zip(gradient_lines(s, value), ("bold", "bold green"), strict=False):
        console.print(Text(line, style=style))


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("--answer", "answers", metavar="TEXT", multiple=True, required=True,
              help="Your ∇f: '2x, 2y', '2x î + 2y ĵ', 'x=2x, y=2y', or one --answer per "
                   "component (--answer x=2x --answer y=2y).")
@click.option("--wrt", metavar="NAMES", help="Differentiate with respect to these names "
              "(comma-separated); the others are constants.")
@click.option("--const", "constants", metavar="NAME=VALUE,...",
              help="Fix names to values, in EXPR and in the answer, e.g. y=1,b=0.")
@click.option("--degrees", is_flag=True,
              help="Read trigonometric arguments in degrees: sin(90) = 1.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@handle_errors
def check(expr: str, answers: tuple[str, ...], wrt: str | None, constants: str | None,
          degrees: bool, as_json: bool) -> None:
    """Check your gradient of EXPR, component by component, and name the likely slip.

    Exit code 0 when every component is right, 1 when any is wrong, 2 for a parse error
    in EXPR or in the answer.

    \b
    Examples:
      gradwise check "x^2 + y^2" --answer "2x, 2y"
      gradwise check "x^2 + y^2" --answer "2x î + 2y ĵ"
      gradwise check "x^2 + y^2" --answer x=2x --answer y=2y
      gradwise check "sin(w x + b)" --wrt w --answer "cos(w x + b)"
    """
    from gradwise.calculus.check import check as check_answer  # not loaded by grad --steps
    from gradwise.documents import check_document

    answer: str | list[str] = answers[0] if len(answers) == 1 else list(answers)
    result = check_answer(check_expression(expr), answer, wrt=wrt or None,
                          constants=constants or None, degrees=degrees)
    if as_json:
        emit_json(check_document(result))
    else:
        _print_check(str(result))
    if not result.correct:
        sys.exit(EXIT_MATH)


def _print_check(text: str) -> None:
    for line in text.splitlines():
        if line.startswith("✓") or line == "all right":
            click.secho(line, fg="green", bold=line == "all right")
        elif line.startswith("✗") or line.endswith(" wrong"):
            click.secho(line, fg="red", bold=line.endswith(" wrong"))
        else:
            click.echo(line)
