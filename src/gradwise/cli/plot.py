"""``gradwise plot``, and ``--plot FILE`` for the other commands: pictures written to files.

The format comes from the file's extension: ``png``, ``svg``, ``pdf`` (a picture), ``gif``
or ``mp4`` (an animation of a descent; mp4 needs ffmpeg) and ``html`` (an interactive,
self-contained page). Every file is written whole or not at all: a temporary file beside
it, then a rename. matplotlib loads only when a picture is drawn.

A command gains ``--plot`` in two lines::

    @plot_option                       # --plot FILE, its path checked before any work
    def descend(..., plot_path): ...
        if plot_path:
            write_plot(plot_path, result)   # a Result, Gradient, CriticalPoints, runs, ...
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from gradwise.cli._common import (
    EXPRESSION_SETTINGS,
    fail,
    function_options,
    handle_errors,
    prepare,
    replacing,
    require_values,
)
from gradwise.errors import GradwiseError, InputError

__all__ = ["plot", "plot_option", "plot_option_for", "write_plot", "save", "check_plot_path",
           "check_plot_variables", "FORMATS", "STILL"]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = {"png": "picture", "svg": "picture", "pdf": "picture", "gif": "animation",
           "mp4": "animation", "html": "interactive"}
"""Extension -> what is drawn: a still picture, an animation of a descent, or a Plotly page."""

STILL = ("png", "svg", "pdf")
"""The formats of a still picture, the only ones for runs compared side by side."""

DPI = 120
FPS = 6


def check_plot_path(path: str | Path, formats: Sequence[str] = tuple(FORMATS),
                    what: str = "this picture") -> str:
    """The format named by ``path``'s extension, after checking the file can be written.

    Args:
        path: the file to write.
        formats: the extensions allowed (by default every one in ``FORMATS``).
        what: what is drawn, for the message when a known format is not allowed.

    Raises:
        InputError: an unknown or disallowed extension, a missing folder, a directory, or
            mp4 without ffmpeg.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{str(target)!r} is a directory. Fix: give a file name such as "
                         f"{str(target / 'picture.png')!r}")
    extension = target.suffix.lower().lstrip(".")
    if extension in FORMATS and extension not in formats:
        raise InputError(f"{what} is drawn as {_listing(formats)}, not .{extension}; "
                         f"write {str(target.with_suffix('.' + formats[0]))!r}, say")
    if extension not in formats:
        raise InputError(f"cannot tell the picture's format from {str(path)!r}: end the file "
                         f"name in {_listing(formats)}")
    if not target.parent.exists():
        raise InputError(f"the folder {str(target.parent)!r} does not exist. Fix: create it first")
    if extension == "mp4" and shutil.which("ffmpeg") is None:
        raise InputError("an .mp4 needs ffmpeg, which is not on PATH. Fix: install ffmpeg or "
                         "write a .gif instead")
    return extension


def check_plot_variables(path: str | Path, f: Any, *, progress: bool = False) -> None:
    """Refuse, before any work, a function of more variables than ``path``'s format shows.

    Pictures, animations and pages show functions of one or two variables; with
    ``progress=True`` (a descent) a still picture of more is f and |∇f| per step instead.
    No variables at all is left for the command itself to refuse.

    Raises:
        InputError: f has more than two variables and the format cannot show that.
    """
    n = len(f.variables)
    extension = Path(path).suffix.lower().lstrip(".")
    if n <= 2 or (progress and FORMATS.get(extension) == "picture"):
        return
    instead = ". Fix: write .png, .svg or .pdf for f and |∇f| per step" if progress else ""
    raise InputError(f"a .{extension} shows a function of 1 or 2 variables, but {f.text!r} has "
                     f"{n} ({', '.join(f.names)}){instead}")


def plot_option(command: F) -> F:
    """Add ``--plot FILE`` (passed as ``plot_path``), refusing a bad path before any work."""
    return plot_option_for(*FORMATS)(command)


def plot_option_for(*extensions: str, description: str | None = None) -> Callable[[F], F]:
    """``--plot FILE`` for a command that draws only these formats, e.g. ``*STILL``.

    Args:
        *extensions: the formats the command can draw; any other is refused before any
            work, naming the ones it can.
        description: the option's help text (by default, the formats).
    """

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            try:
                check_plot_path(value, extensions, what=f"{ctx.info_name}'s picture")
            except InputError as error:
                fail(str(error))
        return value

    if description is None:
        description = "Also draw a picture into FILE: .png, .svg, .pdf, .gif or .mp4 (an " \
            "animation of a descent), or .html (interactive)." if set(extensions) == \
            set(FORMATS) else f"Also draw a picture into FILE: {_listing(extensions)}."

    def decorate(command: F) -> F:
        return click.option("--plot", "plot_path", metavar="FILE", callback=check,
                            help=description)(command)

    return decorate


def write_plot(path: str | Path, subject: Any, **options: Any) -> None:
    """Draw ``subject`` in the format ``path`` names, and write the file atomically.

    Args:
        path: the file, e.g. ``"run.png"``, ``"run.gif"``, ``"run.html"``.
        subject: a descent Result; a list of Results (learning rates compared); a
            Gradient (with ``at=`` a point, its ∇f there is drawn); CriticalPoints; an
            Expression or text; a fitted neuron (an estimator, or
            ``gradwise.plotting.neuron.FittedNeuron.from_fit(...)``) with ``X=`` and ``y=``.
        **options: passed to the drawing function: ``within``, ``at``, ``critical``,
            ``surface=True`` for a 3-D surface, ``progress=True`` for f and |∇f| per step,
            ``X`` and ``y`` for a neuron (cost per epoch; with one feature also the fitted
            curve and the cost surface).

    Raises:
        InputError: the subject cannot be drawn in that format (an animation of a
            function alone, say), or cannot be drawn at all.
        GradwiseError: matplotlib or plotly is missing (the message says what to install).
    """
    extension = check_plot_path(path)
    try:
        picture = _draw(subject, FORMATS[extension], options)
        save(picture, path)
    except ModuleNotFoundError as error:
        raise GradwiseError(str(error)) from None
    click.secho(f"picture written to {path}", dim=True, err=True)


def _listing(extensions: Sequence[str]) -> str:
    """``.png, .svg or .pdf``."""
    named = [f".{e}" for e in extensions]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"


def save(picture: Any, path: str | Path) -> None:
    """Write a Figure, Axes, FuncAnimation or Plotly figure to ``path``, whole or not at all."""
    extension = check_plot_path(path)
    with replacing(path, suffix=f".{extension}") as temporary:
        _write(picture, temporary, extension)


def _write(picture: Any, path: str, extension: str) -> None:
    if FORMATS[extension] == "interactive":
        if not hasattr(picture, "to_html"):
            raise InputError(f"an .html page needs an interactive (Plotly) figure; received "
                             f"{type(picture).__name__}")
        Path(path).write_text(picture.to_html(include_plotlyjs=True, full_html=True),
                              encoding="utf-8")
        return
    is_animation = hasattr(picture, "new_frame_seq")
    if FORMATS[extension] == "animation":
        if not is_animation:
            raise InputError(f"a .{extension} is an animation, and only a descent is animated; "
                             "write .png, .svg, .pdf or .html for this picture")
        from matplotlib.animation import FFMpegWriter, PillowWriter

        writer = PillowWriter(fps=FPS) if extension == "gif" else FFMpegWriter(fps=FPS)
        picture.save(path, writer=writer, dpi=DPI)
        return
    if is_animation:
        raise InputError(f"an animation cannot be written as .{extension}. Fix: use .gif or .mp4")
    figure = getattr(picture, "figure", picture)
    figure.savefig(path, format=extension, dpi=DPI)


def _draw(subject: Any, kind: str, options: dict[str, Any]) -> Any:
    from gradwise import plotting

    if kind != "picture" and (isinstance(subject, list | tuple) or hasattr(subject, "history_")):
        raise InputError("learning rates compared and training runs are drawn as .png, .svg "
                         "or .pdf")
    if kind == "interactive":
        options.pop("surface", None)
        return plotting.interactive_figure(subject, options.get("within"),
                                           critical=options.get("critical"))
    if kind == "animation":
        if not hasattr(subject, "trace"):
            raise InputError("only a descent is animated (gradwise descend ... --plot run.gif); "
                             "write .png, .svg, .pdf or .html for this picture")
        return plotting.animate_descent(subject, options.get("within"),
                                        critical=options.get("critical"))
    return _still(plotting, subject, options)


def _still(plotting: Any, subject: Any, options: dict[str, Any]) -> Any:
    within, critical = options.get("within"), options.get("critical")
    if hasattr(subject, "history_"):
        from gradwise.plotting.neuron import plot_training

        return plot_training(subject, options.get("X"), options.get("y"))
    if isinstance(subject, list | tuple):
        return plotting.plot_learning_rates(subject, within)
    if hasattr(subject, "trace"):
        dimension = len(subject.trace.names)
        if options.get("progress") or dimension > 2 or subject.function is None:
            return plotting.plot_progress(subject)
        if options.get("surface") and dimension == 2:
            return plotting.plot_surface(subject.function, within, result=subject,
                                         critical=critical)
        return plotting.plot_descent(subject, within, critical=critical)
    if options.get("surface"):
        return plotting.plot_surface(subject, within, critical=critical)
    return plotting.plot_function(subject, within, critical=critical, at=options.get("at"),
                                  arrows=options.get("arrows", "auto"))


@click.command(context_settings=EXPRESSION_SETTINGS)
@click.argument("expr")
@click.option("-o", "--output", "--plot", "output", required=True, metavar="FILE",
              help="Where to draw: .png, .svg, .pdf, or .html (interactive).")
@click.option("--within", metavar="NAME=LOW:HIGH,...",
              help="The window, e.g. x=-2:2,y=-2:2 (default: [-3, 3], widened to hold "
              "the points drawn).")
@click.option("--at", "point", metavar="NAME=VALUE,...",
              help="Mark this point and draw ∇f there: the tangent in 1-D, an arrow in 2-D.")
@click.option("--critical", "find_critical", is_flag=True,
              help="Find the critical points in the window and mark them by kind.")
@click.option("--surface", is_flag=True, help="Draw z = f(x, y) as a 3-D surface.")
@click.option("--arrows", type=click.Choice(["auto", "gradient", "direction", "none"]),
              default="auto", show_default=True,
              help="∇f on a grid (2-D): true vectors, unit directions, or none.")
@function_options
@click.option("--degrees", is_flag=True, help="Read trigonometric arguments in degrees.")
@handle_errors
def plot(expr: str, output: str, within: str | None, point: str | None, find_critical: bool,
         surface: bool, arrows: str, wrt: str | None, constants: str | None,
         degrees: bool) -> None:
    """Draw EXPR alone: a curve with its tangent, or contours with ∇f arrows uphill.

    \b
    Examples:
      gradwise plot "x^2" --at x=2 -o slope.png
      gradwise plot "x^3 - 3x + y^2 - 2y" --critical -o critical.png
      gradwise plot "x^2 - y^2" --surface -o saddle.svg
      gradwise plot "x^2 + y^2" -o bowl.html
    """
    check_plot_path(output)
    f = prepare(expr, wrt, constants, degrees)
    require_values(f, point, "--at")
    critical = None
    if find_critical:
        from gradwise.critical.search import critical_points

        critical = critical_points(f, within)
    write_plot(output, f, within=within, at=point, critical=critical, surface=surface,
               arrows=arrows)
