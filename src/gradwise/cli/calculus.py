"""``gradwise grad`` and ``gradwise hessian``."""

from __future__ import annotations

from typing import Any

import click
import sympy

from gradwise import calculus as calc
from gradwise.calculus.exact import EXACT_DIGITS, PRECISE_DIGITS
from gradwise.calculus.gradients import Gradient
from gradwise.cli._common import (
    EXPRESSION_SETTINGS,
    emit_json,
    function_options,
    handle_errors,
    prepare,
)
from gradwise.cli.plot import FUNCTION, plot_option_for, write_plot
from gradwise.documents import gradient_document, hessian_document
from gradwise.language.notation import matrix_text, show, vector_text
from gradwise.language.numbers import float_text

_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot,
         sympy.asin, sympy.acos, sympy.atan)


def expression_options(command):
    """The options grad and hessian share, in the order --help shows them."""
    options = [
        click.argument("expr"),
        function_options,
        click.option("--at", "point", metavar="NAME=VALUE,...",
                     help="Evaluate at this point, e.g. x=2,y=2 or z=180° (or z=180deg)."),
        click.option("--degrees", is_flag=True,
                     help="Read trigonometric arguments in degrees: sin(90) = 1."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command(context_settings=EXPRESSION_SETTINGS)
@expression_options
@click.option("--along", metavar="V1,V2,...", help="With --at: the directional derivative "
              "along this vector (normalised), in variable order.")
@click.option("--steps", "show_steps", is_flag=True, help="Show the work: each partial "
              "derivative derived rule by rule (with --at, evaluated as the notes do).")
@plot_option_for(*FUNCTION, description="Also draw f with ∇f into FILE: .png, .svg, .pdf, or "
                 ".html (interactive); with --at, ∇f there.")
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
        for kink in value.kinks:
            click.secho(kink_text(f.name, kink, value.point[kink.variable]), fg="yellow")
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


_SHAPES = {"positive definite": " (curving up every way: a bowl)",
           "negative definite": " (curving down every way: a dome)",
           "indefinite": " (up one way, down another: a saddle's shape)",
           "positive semidefinite": " (up or flat: the test is inconclusive here)",
           "negative semidefinite": " (down or flat: the test is inconclusive here)",
           "zero": " (flat to second order)"}
"""What each definiteness means for the shape of f near the point."""


def _decimals(value: Any) -> str:
    """The Hessian at an irrational point again, as decimals, under its exact form (≈)."""
    rows = [[float_text(x) for x in row] for row in value.values]
    middle = str(value).splitlines()[len(rows) // 2]  # where the exact matrix has its label
    label = " " * middle.index(" = ")
    return matrix_text(label, rows).replace(f"{label} = ", f"{label} ≈ ", 1)


def kink_text(name: str, kink: Any, at: Any) -> str:
    """``∂f/∂x does not exist at x = 0: ... −1 from the left and 1 from the right; ...``."""
    v = kink.variable.name
    sides = "differ" if kink.left is None or kink.right is None else \
        f"are {show(kink.left)} from the left and {show(kink.right)} from the right"
    return (f"∂{name}/∂{v} does not exist at {v} = {show(at)}: the one-sided derivatives "
            f"{sides}; the value shown takes the convention {kink.convention}")


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
        if not value.approximate and not all(c.is_Rational for c in value.exact):
            click.echo(_decimals(value))  # (an approximate matrix is in decimals already)
        shown = ", ".join(float_text(e) for e in value.eigenvalues)
        click.echo(f"eigenvalues ≈ {shown}: {value.definiteness}{_SHAPES[value.definiteness]}")
        if value.approximate:
            click.secho(_approximate_note(value.approximate), dim=True)


def _approximate_note(labels: tuple[str, ...]) -> str:
    return (f"({', '.join(labels)} to {PRECISE_DIGITS} digits: the exact value would take more "
            f"than {EXACT_DIGITS:,} digits, or radicals SymPy cannot expand in reasonable time)")
