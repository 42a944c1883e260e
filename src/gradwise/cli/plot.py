"""``gradwise plot``, and ``--plot FILE`` for the other commands: pictures written to files.

The format comes from the file's extension: ``png``, ``svg``, ``pdf`` (a picture), ``gif``
or ``mp4`` (an animation of a descent; mp4 with the ffmpeg that the ``imageio-ffmpeg`` wheel
of the ``plot`` extra ships, or one on PATH) and ``html`` (an interactive, self-contained
page). Each command draws only some of them (``plot_option_for``), and its help lists
exactly those. Every file is written whole or not at all: a temporary file beside it, then
a rename. matplotlib loads only when a picture is drawn; whether the packages a format needs
are installed is checked before any work.

A command gains ``--plot`` in two lines::

    @plot_option                       # --plot FILE, its path checked before any work
    def descend(..., plot_path): ...
        if plot_path:
            write_plot(plot_path, result)   # a Result, Gradient, CriticalPoints, runs, ...
"""

from __future__ import annotations

import importlib.util
import shutil
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
    usable_path,
)
from gradwise.errors import GradwiseError, InputError

__all__ = ["plot", "plot_option", "plot_option_for", "write_plot", "save", "check_plot_path",
           "check_plot_variables", "ffmpeg_path", "FORMATS", "STILL", "FUNCTION", "NEEDS"]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = {"png": "picture", "svg": "picture", "pdf": "picture", "gif": "animation",
           "mp4": "animation", "html": "interactive"}
"""Extension -> what is drawn: a still picture, an animation of a descent, or a Plotly page."""

STILL = ("png", "svg", "pdf")
"""The formats of a still picture, the only ones for runs compared side by side."""

FUNCTION = (*STILL, "html")
"""What a function, its gradient or its critical points are drawn as (no animation)."""

NEEDS = {"png": ("matplotlib",), "svg": ("matplotlib",), "pdf": ("matplotlib",),
         "gif": ("matplotlib", "PIL"), "mp4": ("matplotlib",), "html": ("plotly",)}
"""The modules each format is drawn with (Plotly pages need no matplotlib), all in the
``plot`` extra."""

DPI = 120
FPS = 6


def check_plot_path(path: str | Path, formats: Sequence[str] = tuple(FORMATS),
                    what: str = "this picture",
                    needs: Mapping[str, Sequence[str]] = NEEDS) -> str:
    """The format named by ``path``'s extension, after checking the file can be written.

    Args:
        path: the file to write.
        formats: the extensions allowed (by default every one in ``FORMATS``).
        what: what is drawn, for the message when a known format is not allowed.
        needs: extension -> the modules it is drawn with, which must be installed.

    Raises:
        InputError: an unknown or disallowed extension, a missing folder, a directory, a
            module the format needs that is not installed, or mp4 without ffmpeg.
    """
    target = usable_path(str(path))
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
    _check_installed(extension, needs.get(extension, ()))
    return extension


def _check_installed(extension: str, modules: Sequence[str]) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        names = " and ".join({"PIL": "Pillow"}.get(m, m) for m in missing)
        verb = "is" if len(missing) == 1 else "are"
        raise InputError(f"a .{extension} is drawn with {names}, which {verb} not installed. "
                         "Fix: pip install 'gradwise[plot]'")
    if extension == "mp4" and ffmpeg_path() is None:
        raise InputError("an .mp4 needs ffmpeg: neither the imageio-ffmpeg package nor an "
                         "ffmpeg on PATH was found. Fix: pip install 'gradwise[plot]', or "
                         "write a .gif instead")


def ffmpeg_path() -> str | None:
    """The ffmpeg to write .mp4 with: the one on PATH, else the imageio-ffmpeg wheel's."""
    found = shutil.which("ffmpeg")
    if found is not None or importlib.util.find_spec("imageio_ffmpeg") is None:
        return found
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:  # a platform the wheel ships no binary for
        return None


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
    """Add ``--plot FILE`` (passed as ``plot_path``) for a descent: every format, animations
    included; a bad path is refused before any work."""
    return plot_option_for(*FORMATS, description="Also draw the run into FILE: .png, .svg, "
                           ".pdf, .gif or .mp4 (an animation of the descent), or .html "
                           "(interactive).")(command)


def plot_option_for(*extensions: str, description: str | None = None,
                    needs: Mapping[str, Sequence[str]] = NEEDS) -> Callable[[F], F]:
    """``--plot FILE`` for a command that draws only these formats, e.g. ``*STILL``.

    Args:
        *extensions: the formats the command can draw; any other is refused before any
            work, naming the ones it can. The help must name exactly these (a test checks).
        description: the option's help text (by default, the formats).
        needs: extension -> the modules it is drawn with (checked before any work).
    """

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            try:
                check_plot_path(value, extensions, what=f"{ctx.info_name}'s picture",
                                needs=needs)
            except InputError as error:
                fail(str(error))
        return value

    if description is None:
        description = f"Also draw a picture into FILE: {_listing(extensions)}."

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
        with quietly():
            picture = _draw(subject, FORMATS[extension], options)
            save(picture, path)
    except ModuleNotFoundError as error:
        raise GradwiseError(str(error)) from None
    click.secho(f"picture written to {path}", dim=True, err=True)


@contextmanager
def quietly() -> Iterator[None]:
    """Draw without NumPy's overflow warnings (a function near 1e308 overflows while its axes
    are scaled) or matplotlib's note that a long title left no room to lay the figure out:
    the picture shows what can be shown, and a command prints results, not warnings."""
    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", message="constrained_layout not applied")
        yield


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
        _write_animation(picture, path, extension)
        return
    if is_animation:
        raise InputError(f"an animation cannot be written as .{extension}. Fix: use .gif or .mp4")
    from gradwise.plotting.style import settle_legends

    figure = getattr(picture, "figure", picture)
    settle_legends(figure)  # laid out at last: each legend where it covers no data
    figure.savefig(path, format=extension, dpi=DPI)


def _write_animation(animation: Any, path: str, extension: str, console: Any = None) -> None:
    """A .gif (Pillow) or .mp4 (ffmpeg), frame by frame, with a progress bar when slow."""
    import matplotlib
    from matplotlib.animation import FFMpegWriter, PillowWriter

    writer = PillowWriter(fps=FPS) if extension == "gif" else FFMpegWriter(fps=FPS)
    # FFMpegWriter runs rcParams' ffmpeg: point it at the one found, for this save only
    settings: Any = {} if extension == "gif" else {"animation.ffmpeg_path": ffmpeg_path()}
    with matplotlib.rc_context(settings), FrameBar(console) as bar:
        animation.save(path, writer=writer, dpi=DPI, progress_callback=bar.update)


class FrameBar:
    """A Rich progress bar of the frames written, on stderr, shown only after ``AFTER_S``
    and only on a terminal (a short animation, a pipe or a test stays quiet)."""

    AFTER_S = 0.5

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.began = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> FrameBar:
        return self

    def update(self, frame: int, total: int) -> None:
        """Matplotlib's progress_callback: ``frame`` (0-based) of ``total`` is being drawn."""
        if self.progress is None and self.console.is_terminal and \
                time.monotonic() - self.began >= self.AFTER_S:
            from rich.progress import MofNCompleteColumn, Progress

            self.progress = Progress(*Progress.get_default_columns(), MofNCompleteColumn(),
                                     console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("drawing frames", total=total)
        if self.progress is not None:
            self.progress.update(self.task, completed=frame + 1)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


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
    check_plot_path(output, FUNCTION, "a function alone (only a descent is animated)")
    f = prepare(expr, wrt, constants, degrees)
    require_values(f, point, "--at")
    critical = None
    if find_critical:
        from gradwise.critical.search import critical_points

        critical = critical_points(f, within)
    write_plot(output, f, within=within, at=point, critical=critical, surface=surface,
               arrows=arrows)
