"""``gradwise grad`` and ``gradwise hessian``."""

from __future__ import annotations

import click
import sympy

from gradwise import calculus as calc
from gradwise.calculus.exact import EXACT_DIGITS, PRECISE_DIGITS
from gradwise.calculus.gradients import Gradient
from gradwise.cli._common import EXPRESSION_SETTINGS, check_expression, emit_json, handle_errors
from gradwise.cli.plot import plot_option, write_plot
from gradwise.documents import gradient_document, hessian_document
from gradwise.language.expressions import Expression, parse
from gradwise.language.notation import show, vector_text

_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot,
         sympy.asin, sympy.acos, sympy.atan)


def expression_options(command):
    """The options grad and hessian share, in the order --help shows them."""
    options = [
        click.argument("expr"),
        click.option("--wrt", metavar="NAMES", help="Differentiate with respect to these names "
                     "(comma-separated); the others are constants."),
        click.option("--const", "constants", metavar="NAME=VALUE,...",
                     help="Fix names to values before differentiating, e.g. y=1,b=0."),
        click.option("--at", "point", metavar="NAME=VALUE,...",
                     help="Evaluate at this point, e.g. x=2,y=2 or z=180° (or z=180deg)."),
        click.option("--degrees", is_flag=True,
                     help="Read trigonometric arguments in degrees: sin(90) = 1."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def prepare(expr: str, wrt: str | None, constants: str | None, degrees: bool) -> Expression:
    return parse(check_expression(expr), degrees=degrees, wrt=wrt or None,
                 constants=constants or None)


@click.command(context_settings=EXPRESSION_SETTINGS)
@expression_options
@click.option("--along", metavar="V1,V2,...", help="With --at: the directional derivative "
              "along this vector (normalised), in variable order.")
@click.option("--steps", "show_steps", is_flag=True, help="Show the work: each partial "
              "derivative derived rule by rule (with --at, evaluated as the notes do).")
@plot_option
@handle_errors
def grad(expr: str, wrt: str | None, constants: str | None, point: str | None, degrees: bool,
         as_json: bool, along: str | None, show_steps: bool, plot_path: str | None) -> None:
    """The gradient of EXPR, exactly, in the notes' notation (2x î + 2y ĵ).

    \b
    Examples:
      gradwise grad "x^2 + y^2" --at x=2,y=2
      gradwise grad "x^2 + y^2" --steps --at x=2,y=2
      gradwise grad "sin(z)" --at z=180°
      gradwise grad "(y - sigmoid(w x + b))^2" --wrt w,b --at x=1,y=1,b=0,w=3
      gradwise grad "x^2" --at x=2 --plot slope.png
    """
    if along and not point:
        raise click.UsageError("--along needs --at: a directional derivative is taken at a point")
    g, value, slope = calc.evaluate_gradient(prepare(expr, wrt, constants, degrees), point, along)
    if show_steps:
        _show_steps(g, point, slope, as_json)
    elif as_json:
        emit_json(gradient_document(g, value, slope))
    else:
        _print_gradient(g, value, slope)
    if plot_path:
        write_plot(plot_path, g, at=point)


def _show_steps(g: Gradient, point: str | None, slope, as_json: bool) -> None:
    from gradwise.cli.steps import print_steps
    from gradwise.documents import steps_document

    s = g.steps()
    value = s.at(point) if point else None
    if as_json:
        emit_json(steps_document(s, value, slope))
        return
    print_steps(s, value)
    if slope is not None:
        click.echo(f"directional derivative = {show(slope)} ≈ {float(slope.evalf(17)):.6g}")


def _print_gradient(g: Gradient, value, slope) -> None:
    f = g.function
    click.echo(str(f))
    click.secho(str(g), bold=True)
    if value is not None:
        click.secho(str(value), fg="green", bold=True)
        if not value.approximate and not all(c.is_Rational for c in value.exact):
            label = " " * len(str(value).partition(" = ")[0])
            click.echo(vector_text(label, [sympy.Float(v, 6) for v in value.values],
                                   relation="≈"))
        size = value.magnitude
        if value.approximate:
            click.echo(f"|∇{f.name}| ≈ {show(size)}")
        else:
            approx = "" if size.is_Rational else f" ≈ {float(size.evalf(17)):.6g}"
            click.echo(f"|∇{f.name}| = {show(size)}{approx}")
        if size != 0:
            click.echo("steepest ascent along (" + ", ".join(show(c) for c in value.direction)
                       + ")")
    if slope is not None:
        click.echo(f"directional derivative = {show(slope)} ≈ {float(slope.evalf(17)):.6g}")
    if value is not None and value.approximate:
        click.secho(_approximate_note(value.approximate), dim=True)
    if f.degrees or f.expr.has(*_TRIG) or "°" in f.text or "deg" in f.text:
        click.secho(f"(angles in {'degrees' if f.degrees else 'radians'})", dim=True)


@click.command(context_settings=EXPRESSION_SETTINGS)
@expression_options
@handle_errors
def hessian(expr: str, wrt: str | None, constants: str | None, point: str | None,
            degrees: bool, as_json: bool) -> None:
    """The Hessian matrix of EXPR (second partial derivatives), exactly.

    \b
    Example:
      gradwise hessian "x^3 + x y - 3y^2" --at x=0,y=0
    """
    f = prepare(expr, wrt, constants, degrees)
    h = calc.hessian(f)
    value = h.at(point) if point else None
    if as_json:
        emit_json(hessian_document(h, value))
        return
    click.echo(str(f))
    click.secho(str(h), bold=True)
    if value is not None:
        click.secho(str(value), fg="green", bold=True)
        if value.approximate:
            click.secho(_approximate_note(value.approximate), dim=True)


def _approximate_note(labels: tuple[str, ...]) -> str:
    return (f"({', '.join(labels)} to {PRECISE_DIGITS} digits: the exact value would take more "
            f"than {EXACT_DIGITS:,} digits, or radicals SymPy cannot expand in reasonable time)")
