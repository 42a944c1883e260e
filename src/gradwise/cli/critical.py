"""``gradwise critical``: find and classify the critical points of an expression."""

from __future__ import annotations

from typing import Any

import click

from gradwise.cli._common import EXPRESSION_SETTINGS, check_expression, emit_json, handle_errors
from gradwise.cli.plot import STILL, check_plot_variables, plot_option_for, write_plot


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("--within", metavar="NAME=LOW:HIGH,...",
              help="Search this box, list only points in it, and give f's global minimum and "
              "maximum over it (boundary included), e.g. x=-5:5,y=-pi:pi.")
@click.option("--budget", type=float, default=5.0, show_default=True, metavar="SECONDS",
              help="Seconds for the whole call (exact solve, certified search, classification, "
              "extrema): it returns by then, saying what it proved.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@plot_option_for(*STILL, "html", description="Also draw the points, marked by kind, on the "
                 "curve or contours of EXPR (over the --within box) into FILE: .png, .svg, "
                 ".pdf, or .html (interactive).")
@handle_errors
def critical(expr: str, within: str | None, budget: float, as_json: bool,
             plot_path: str | None) -> None:
    """Every point of EXPR where ∇f = 0, classified (minimum, maximum, saddle, ...).

    With --within, the list is proven complete in the box by interval arithmetic where the
    budget allows (or the output says exactly what remains), and the global minimum and
    maximum over the box come with a certificate.

    \b
    Examples:
      gradwise critical "x^3 + x y - 3y^2"
      gradwise critical "(x^2 + y - 11)^2 + (x + y^2 - 7)^2" --within x=-5:5,y=-5:5
      gradwise critical "cos(z)" --within z=-7:7 --json
      gradwise critical "x^3 - 3x + y^2 - 2y" --plot critical.png
    """
    text = check_expression(expr)
    if plot_path:
        from gradwise.language.expressions import parse

        check_plot_variables(plot_path, parse(text))
    from gradwise.critical.extrema import points_and_extrema
    from gradwise.documents import critical_document

    result, extremes = points_and_extrema(text, within, budget)
    if as_json:
        emit_json(critical_document(result, extremes))
    else:
        _print_critical(result, extremes)
    if plot_path:
        write_plot(plot_path, result)


def _print_critical(result: Any, extremes: Any) -> None:
    click.echo(str(result))
    if not result.complete:
        click.secho("(the list may be incomplete: see the note above)", dim=True)
    if extremes:
        click.secho(str(extremes), fg="green")
