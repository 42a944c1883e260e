"""``gradwise descend`` and ``gradwise lr``: parse -> minimize/maximize or advice -> render."""

from __future__ import annotations

import csv
import io
from typing import Any

import click

from gradwise.cli._common import (
    EXPRESSION_SETTINGS,
    emit_json,
    function_options,
    handle_errors,
    prepare,
    require_values,
    write_atomically,
)
from gradwise.cli.plot import STILL, check_plot_variables, plot_option, plot_option_for, write_plot
from gradwise.cli.words import cli_words, outcome
from gradwise.descent.optimizers import METHODS
from gradwise.documents import descent_document, lr_document
from gradwise.errors import InputError

TABLE_HEAD = 10  # a long run shows its first points, '⋮', and its last ones
TABLE_TAIL = 5

PANELS = 5
"""``lr --plot`` compares at most this many runs: one row of panels."""

HYPER = ("beta", "beta1", "beta2")
"""The hyper-parameters the command line takes: momentum's and Nesterov's β, Adam's β₁, β₂."""


def hyper_options(command):
    """--beta (momentum, nesterov), --beta1 and --beta2 (adam)."""
    for name, helptext in reversed([
            ("beta", "momentum and nesterov: β in v ← βv + ∇f [default: 0.9]."),
            ("beta1", "adam: β₁, the decay of the mean gradient [default: 0.9]."),
            ("beta2", "adam: β₂, the decay of the mean squared gradient [default: 0.999].")]):
        command = click.option(f"--{name}", name, type=float, default=None,
                               help=helptext)(command)
    return command


def chosen_hyper(values: dict[str, Any]) -> dict[str, Any]:
    """The hyper-parameters given (None: the optimizer's default)."""
    return {name: values[name] for name in HYPER if values.get(name) is not None}


FACTORS = (0.1, 0.5, 0.9, 1.0, 1.1)
"""Without --sweep, ``lr --plot`` runs η = factor × 2/λ: well inside the stable range, the
fastest (1/λ), near its edge, on it (a cycle, in a quadratic) and past it (divergence)."""


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("--start", required=True, metavar="NAME=VALUE,...",
              help="Where to start, e.g. w=3 or x=-1.2,y=1 (may also fix parameters).")
@function_options
@click.option("--lr", "--eta", "--learning-rate", "learning_rate", default="0.1",
              show_default=True, metavar="η", help="The learning rate η > 0 (1/10 is exact).")
@click.option("--steps", "max_steps", type=int, default=1000, show_default=True,
              help="The most updates to take.")
@click.option("--tol", type=float, default=1e-8, show_default=True,
              help="Converged when |∇f| <= tol.")
@click.option("--method", type=click.Choice(list(METHODS)), default="gd", show_default=True)
@click.option("--schedule", metavar="SPEC",
              help="η by step: step:0.5:100, exponential:0.99 or inverse-time:0.01.")
@click.option("--line-search", is_flag=True, help="Backtrack each step (Armijo).")
@click.option("--ascent", is_flag=True, help="Gradient ascent: Δw = +η·∂f/∂w (maximize).")
@click.option("--exact", is_flag=True, help="Rational arithmetic: 3 → 2.6 → 2.28, no float "
              "noise (gd, momentum, nesterov on rational functions).")
@click.option("--explain", is_flag=True, help="Write each step as the notes do.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--csv", "csv_path", metavar="FILE", help="Write every step to a CSV file "
              "('-': print it instead of the table).")
@hyper_options
@plot_option
@handle_errors
def descend(expr: str, start: str, wrt: str | None, constants: str | None, learning_rate: str,
            max_steps: int, tol: float, method: str, schedule: str | None, line_search: bool,
            ascent: bool, exact: bool, explain: bool, as_json: bool, csv_path: str | None,
            plot_path: str | None, **hyper: float | None) -> None:
    """Gradient descent (or ascent) on EXPR, step by step, with a diagnosis.

    \b
    Examples:
      gradwise descend "(1 - w)^2" --start w=3 --lr 0.1 --exact --explain
      gradwise descend "(1 - w)^2" --start w=3 --lr 1 --ascent --steps 1
      gradwise descend "f(x, y) = (1 - x)^2 + 100(y - x^2)^2" --start x=-1.2,y=1 \\
        --method adam --lr 0.02
      gradwise descend "x^2 + 3y^2" --start x=2,y=1 --lr 0.3 --plot run.gif
      gradwise descend "(y - (w x + b))^2" --wrt w,b --const x=1,y=1 --start w=3,b=0

    --plot draws the run: in one variable the curve, tangents and steps; in two the
    contours and the path; in more, f and |∇f| per step (.png, .svg, .pdf only).
    """
    from gradwise.descent.run import maximize, minimize

    if csv_path == "-" and as_json:
        raise InputError("--csv - and --json both print to stdout. Fix: give --csv a file "
                         "name, or drop one of them")
    f = prepare(expr, wrt, constants)
    require_values(f, start, "--start")
    if plot_path:
        check_plot_variables(plot_path, f, progress=True)
    run = maximize if ascent else minimize
    result = run(f, start, learning_rate, method, max_steps=max_steps, tol=tol, exact=exact,
                 schedule=schedule, line_search=line_search, **chosen_hyper(hyper))
    if csv_path == "-":  # the steps on stdout, for a pipe, instead of the usual text
        click.echo(_csv_text(result), nl=False)
    elif csv_path:
        write_atomically(csv_path, _csv_text(result))
    if as_json:
        emit_json(descent_document(result))
    elif csv_path != "-":
        _print_run(result, explain)
    if plot_path:
        write_plot(plot_path, result)


def _csv_text(result: Any) -> str:
    trace = result.trace
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["step", *trace.names, "value", *(f"grad_{n}" for n in trace.names),
                     "gradient_norm"])
    norms = trace.gradient_norms()
    for k in range(len(trace)):
        writer.writerow([k, *(repr(float(x)) for x in trace.point(k)),
                         repr(float(trace.values[k])),
                         *(repr(float(g)) for g in trace.gradient(k)), repr(norms[k])])
    return buffer.getvalue()


def _print_run(result: Any, explain: bool) -> None:
    from gradwise.descent.explain import explain as explain_lines
    from gradwise.language.numbers import number_text

    trace = result.trace
    f = result.function
    click.echo(str(f))
    direction = "gradient ascent" if trace.ascent else "gradient descent"
    start = ", ".join(f"{n} = {number_text(x)}" for n, x in zip(trace.names, trace.point(0)))
    extra = "" if result.schedule == "constant" else f", schedule {result.schedule}"
    click.echo(f"{direction} ({result.method}), η = {number_text(result.learning_rate)}"
               f"{extra}, from {start}{'  [exact]' if result.exact else ''}")
    if explain and trace.n_steps:
        for line in explain_lines(result):
            click.echo(line)
    else:
        _print_table(result)
    color = {"converged": "green", "max_steps": "yellow"}.get(result.status, "red")
    end = ", ".join(f"{n} = {number_text(x)}" for n, x in result.point.items())
    if result.status == "max_steps":
        how = f"{outcome(result.status, trace.n_steps, option='--steps')} without converging"
    else:
        how = f"{cli_words(result.message)}; {trace.n_steps} steps"
    click.secho(f"{how}; at {end}, "
                f"{f.name} = {number_text(result.value)}", fg=color, bold=True)
    for finding in result.findings:
        click.echo(f"  {cli_words(str(finding))}")
    reached = result.reached()
    if reached is not None:
        click.echo(f"reached: a {reached.kind} at {reached.coordinates}, "
                   f"{f.name} = {number_text(reached.value)}")


def _print_table(result: Any) -> None:
    from gradwise.language.numbers import number_text

    trace = result.trace
    name = result.function.name
    head = ["step", *trace.names, f"{name}", *(f"∂{name}/∂{n}" for n in trace.names)]
    rows = []
    n = len(trace)
    shown = range(n) if n <= TABLE_HEAD + TABLE_TAIL + 1 else \
        [*range(TABLE_HEAD), -1, *range(n - TABLE_TAIL, n)]
    for k in shown:
        if k < 0:
            rows.append(["⋮"] + [""] * (len(head) - 1))
            continue
        rows.append([str(k), *(number_text(x) for x in trace.point(k)),
                     number_text(trace.values[k]), *(number_text(g) for g in trace.gradient(k))])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    click.echo("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for row in rows:
        click.echo("  ".join(c.rjust(w) for c, w in zip(row, widths)))


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("--start", required=True, metavar="NAME=VALUE,...", help="Where descent starts.")
@function_options
@click.option("--sweep", "sweep_spec", metavar="FROM:TO:COUNT",
              help="Also run COUNT learning rates from FROM to TO at once, e.g. 0.01:2:50.")
@click.option("--steps", "max_steps", type=int, default=1000, show_default=True,
              help="Steps per learning rate in the sweep and the --plot runs.")
@click.option("--tol", type=float, default=1e-8, show_default=True)
@click.option("--ascent", is_flag=True, help="Advice for gradient ascent (maximizing).")
@click.option("--method", type=click.Choice(list(METHODS)), default="gd", show_default=True,
              help="Also give this optimizer's own stable range.")
@hyper_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@plot_option_for(*STILL, description="Also draw the runs side by side into FILE (.png, .svg "
                 "or .pdf), each panel titled with η, status and findings: with --sweep, "
                 f"{PANELS} of its rates evenly spaced from FROM to TO (both ends included); "
                 "else η = " + ", ".join(f"{x:g}" for x in FACTORS) + " × 2/λ.")
@handle_errors
def lr(expr: str, start: str, wrt: str | None, constants: str | None, sweep_spec: str | None,
       max_steps: int, tol: float, ascent: bool, method: str, as_json: bool,
       plot_path: str | None, **hyper: float | None) -> None:
    """Which learning rate? The stable range 0 < η < 2/λ from the curvature λ.

    \b
    Examples:
      gradwise lr "(1 - w)^2" --start w=3
      gradwise lr "(1 - w)^2" --start w=3 --sweep 0.01:2:50
      gradwise lr "(1 - w)^2" --start w=3 --plot rates.png
      gradwise lr "x^2 - y^2" --start x=2,y=1 --method momentum --beta 0.5
    """
    from gradwise.descent.advice import advise_learning_rate, parse_range, sweep

    f = prepare(expr, wrt, constants)
    require_values(f, start, "--start")
    if plot_path:
        check_plot_variables(plot_path, f)
    advice = advise_learning_rate(f, start, ascent=ascent, method=method,
                                  **chosen_hyper(hyper))
    rates = parse_range(sweep_spec) if sweep_spec else None
    rows = None if rates is None else sweep(f, start, rates, max_steps=max_steps, tol=tol,
                                            ascent=ascent)
    shown = plot_rates(advice, rates) if plot_path else []
    if as_json:
        emit_json(lr_document(advice, rows))
    else:
        click.echo(str(f))
        click.secho(cli_words(str(advice)), bold=True)
        if rows is not None:
            _print_sweep(rows)
    if plot_path:
        _plot_runs(plot_path, f, start, shown, max_steps=max_steps, tol=tol, ascent=ascent)


def plot_rates(advice: Any, swept: list[float] | None) -> list[float]:
    """The learning rates ``lr --plot`` compares: a sample of the sweep, else factors of 2/λ.

    Raises:
        InputError: no sweep, and no positive curvature to scale by.
    """
    if swept is not None:
        n = len(swept)
        if n <= PANELS:
            return list(swept)
        return [swept[round(i * (n - 1) / (PANELS - 1))] for i in range(PANELS)]
    if advice.max_stable is None:
        raise InputError("no positive curvature here, so no stable range to pick learning "
                         "rates from for --plot. Fix: name them with --sweep FROM:TO:COUNT")
    return [factor * advice.max_stable for factor in FACTORS]


def _plot_runs(plot_path: str, f: Any, start: str, rates: list[float], **options: Any) -> None:
    from gradwise.descent.run import maximize, minimize

    run = maximize if options.pop("ascent") else minimize
    write_plot(plot_path, [run(f, start, eta, **options) for eta in rates])


def _print_sweep(rows: Any) -> None:
    from gradwise.language.numbers import number_text

    click.echo(f"{'η':>10}  {'status':<10}  {'steps':>6}  {'final value':>12}  findings")
    for r in rows:
        color = {"converged": "green", "max_steps": "yellow"}.get(r.status, "red")
        click.secho(f"{number_text(r.learning_rate):>10}  {r.status:<10}  {r.n_steps:>6}  "
                    f"{number_text(r.final_value):>12}  {', '.join(r.findings)}", fg=color)
