"""``gradwise graph``: the computation graph at a point, its forward and backward passes."""

from __future__ import annotations

from pathlib import Path

import click

from gradwise.cli._common import (
    EXPRESSION_SETTINGS,
    check_expression,
    emit_json,
    handle_errors,
    write_atomically,
)
from gradwise.cli.plot import NEEDS, plot_option_for, save
from gradwise.errors import GradwiseError

FORMATS = ("svg", "png", "pdf", "html", "dot")
GRAPH_NEEDS = {**NEEDS, "html": ("matplotlib",), "dot": ()}
"""The graph's page holds matplotlib's SVG; DOT is plain text."""


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("--at", "point", required=True, metavar="NAME=VALUE,...",
              help="The point: a value for every name, e.g. x=1,y=1,b=0,w=3.")
@click.option("--wrt", metavar="NAMES", help="The variables (comma-separated); the other "
              "names are parameters, held constant: no gradient flows to them.")
@click.option("--const", "constants", metavar="NAME=VALUE,...",
              help="Fix names to values first, e.g. y=1,b=0 (they become numbers).")
@click.option("--degrees", is_flag=True, help="Read trigonometric arguments in degrees.")
@click.option("--name", "names", multiple=True, metavar="NAME=EXPR",
              help="Name a subexpression, as the notes name z and ŷ: --name 'z=w x + b' "
              "--name 'ŷ=sigmoid(z)' (repeatable; a later one may use an earlier name).")
@click.option("--explain", multiple=True, metavar="NODE",
              help="Also write out this node's chain-rule line: a name (z, v3) or an id.")
@click.option("--highlight", metavar="VARIABLE",
              help="Mark the path of ∂f/∂VARIABLE, from its leaf to the output.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@plot_option_for(*FORMATS, description="Also draw the graph into FILE: .svg, .png, .pdf, "
                 ".html (click a node for its chain-rule line) or .dot (Graphviz).",
                 needs=GRAPH_NEEDS)
@handle_errors
def graph(expr: str, point: str, wrt: str | None, constants: str | None, degrees: bool,
          names: tuple[str, ...], explain: tuple[str, ...], highlight: str | None,
          as_json: bool, plot_path: str | None) -> None:
    """The computation graph of EXPR at a point: each node's value, then each adjoint ∂f/∂node.

    \b
    Examples:
      gradwise graph "(y - sigmoid(w x + b))^2" --at x=1,y=1,b=0,w=3 --plot neuron.svg
      gradwise graph "C(w, b) = (y - sigmoid(w x + b))^2" --at x=1,y=1,b=0,w=3 \\
          --name "z=w x + b" --name "ŷ=sigmoid(z)" --explain z
      gradwise graph "x^2 + 3x" --at x=1 --json
    """
    from gradwise.calculus.graph import graph as build
    from gradwise.language.expressions import parse

    f = parse(check_expression(expr), degrees=degrees, wrt=wrt or None,
              constants=constants or None)
    g = build(f, point, names=list(names))
    path = g.path(highlight) if highlight else frozenset()
    shown = [g.node(n) for n in explain]
    if as_json:
        from gradwise.documents import graph_document

        emit_json(graph_document(g, highlight))
    else:
        _print_graph(g, path, shown)
    if plot_path:
        write_picture(plot_path, g, highlight)


def _print_graph(g, path: frozenset[int], shown: list) -> None:
    from gradwise.calculus.graph_text import table
    from gradwise.language.notation import show

    where = ", ".join(f"{s.name} = {show(v)}" for s, v in g.point.items())
    click.echo(f"{g.function}  at {where}")
    click.echo(table(g, path))
    click.secho("backward pass:", bold=True)
    for variable in g.variables:
        click.secho("  " + g.chain_rule(variable.name), fg="green")
    for node in shown:
        click.echo("  " + g.chain_rule(node))


def write_picture(path: str, g, highlight: str | None) -> None:
    """The graph drawn into ``path`` (its extension picks the format), whole or not at all."""
    extension = Path(path).suffix.lower().lstrip(".")
    if extension == "dot":
        from gradwise.calculus.graph_text import dot_text

        write_atomically(path, dot_text(g, highlight))
    else:
        try:
            from gradwise.plotting.graph import graph_html, plot_graph
        except ModuleNotFoundError as error:
            raise GradwiseError(str(error)) from None
        if extension == "html":
            write_atomically(path, graph_html(g, highlight))
        else:
            save(plot_graph(g, highlight), path)
    click.secho(f"picture written to {path}", dim=True, err=True)
