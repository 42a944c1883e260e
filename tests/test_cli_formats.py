"""--plot formats as a learner meets them (issue 13.7-13.9).

Each command's help lists exactly the formats it draws; a missing ``plot`` extra is one line
and exit 2 before any work; HTML pages need Plotly but not matplotlib; MP4 works from the
``plot`` extra alone (imageio-ffmpeg's binary); a slow animation shows its frames' progress.
"""

import io
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import COMMANDS, main
from gradwise.cli.plot import FORMATS

ALL = (*FORMATS, "dot")
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "gif": b"GIF8", "svg": b"<svg", "dot": b"digraph",
         "html": b"<html", "mp4": b"ftyp"}

# one quick call of every command that draws; {file} is where its picture goes
CALLS = {
    "grad": ["grad", "x^2 + y^2", "--at", "x=2,y=2", "--plot", "{file}"],
    "descend": ["descend", "(1 - w)^2", "--start", "w=3", "--steps", "3", "--plot", "{file}"],
    "critical": ["critical", "x^3 - 3x", "--plot", "{file}"],
    "lr": ["lr", "(1 - w)^2", "--start", "w=3", "--steps", "5", "--plot", "{file}"],
    "train": ["train", "{csv}", "--target", "y", "--epochs", "3", "--plot", "{file}"],
    "graph": ["graph", "(1 - w)^2", "--at", "w=3", "--plot", "{file}"],
    "plot": ["plot", "x^2", "-o", "{file}"],
}


def listed_formats(command: str) -> set[str]:
    """The extensions that the help of ``command``'s picture option names."""
    target = COMMANDS[command].split(":")
    module = __import__(target[0], fromlist=[target[1]])
    option, = [p for p in getattr(module, target[1]).params
               if p.name in ("plot_path", "output")]
    return set(re.findall(r"\.(\w+)\b", option.help)) & set(ALL)


def call(command, folder, extension):
    (folder / "data.csv").write_text("x,y\n1,1\n2,3\n3,5\n")
    target = folder / f"picture.{extension}"
    args = [a.format(file=target, csv=folder / "data.csv") for a in CALLS[command]]
    return CliRunner().invoke(main, args), target


def test_every_command_that_draws_is_covered():
    drawing = {name for name in COMMANDS
               if name not in ("hessian", "check", "tour", "predict", "serve")}
    assert drawing == set(CALLS)


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(CALLS))
def test_the_help_lists_exactly_the_formats_the_command_draws(command, tmp_path):
    listed = listed_formats(command)
    assert listed, "the help names no format"
    for extension in ALL:
        folder = tmp_path / extension
        folder.mkdir()
        result, target = call(command, folder, extension)
        if extension in listed:
            assert result.exit_code == 0, (extension, result.output)
            assert MAGIC[extension] in target.read_bytes()[:400], extension
        else:
            assert result.exit_code == 2, (extension, result.output)
            assert result.output.count("\n") == 1 and result.output.startswith("error: ")
            assert not target.exists()


def test_grad_help_no_longer_promises_animations():
    assert listed_formats("grad") == {"png", "svg", "pdf", "html"}
    assert listed_formats("plot") == {"png", "svg", "pdf", "html"}


def test_plots_format_error_lists_only_what_it_draws(tmp_path):
    result = CliRunner().invoke(main, ["plot", "x^2", "-o", str(tmp_path / "x.gif")])
    assert result.exit_code == 2
    assert result.output.startswith("error: a function alone (only a descent is animated) is "
                                    "drawn as .png, .svg, .pdf or .html, not .gif")


# -- without the plot extra: a subprocess where matplotlib (or Plotly) cannot be imported --

def without(modules, *args, cwd):
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in modules)
    code = f"import sys; {blocked}; from gradwise.cli import main; main(prog_name='gradwise')"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})


@pytest.mark.parametrize("args", [
    ["train", "lin.csv", "--target", "score", "--plot", "t.png"],
    ["grad", "x^2 + y^2", "--at", "x=2,y=2", "--plot", "g.svg"],
    pytest.param(["descend", "(1 - w)^2", "--start", "w=3", "--plot", "run.gif"],
                 marks=pytest.mark.slow),
    pytest.param(["critical", "x^3 - 3x", "--plot", "c.pdf"], marks=pytest.mark.slow),
    pytest.param(["plot", "x^2", "-o", "x.png"], marks=pytest.mark.slow),
], ids=lambda a: a[0])
def test_a_missing_plot_extra_is_one_line_before_any_work(tmp_path, args):
    (tmp_path / "lin.csv").write_text("hours,score\n1,2\n2,4\n3,6\n")
    done = without(["matplotlib"], *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # nothing trained, computed or printed
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "matplotlib, which is not installed. Fix: pip install 'gradwise[plot]'" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lin.csv"]


def test_a_missing_plotly_is_named_for_html(tmp_path):
    done = without(["plotly"], "plot", "x^2", "-o", "x.html", cwd=tmp_path)
    assert done.returncode == 2 and "drawn with plotly, which is not installed" in done.stderr


@pytest.mark.parametrize("args", [
    ["plot", "x^2", "-o", "x.html"],
    pytest.param(["critical", "x^3 - 3x", "--plot", "x.html"], marks=pytest.mark.slow),
    pytest.param(["descend", "x^2 + 3y^2", "--start", "x=2,y=1", "--steps", "5", "--plot",
                  "x.html"], marks=pytest.mark.slow),
], ids=lambda a: a[0])
def test_html_needs_plotly_but_not_matplotlib(tmp_path, args):
    done = without(["matplotlib"], *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Plotly.newPlot" in (tmp_path / "x.html").read_bytes()


# -- MP4 from the plot extra, and the frames' progress -----------------------------------

def test_mp4_is_written_with_the_plot_extras_ffmpeg(tmp_path, monkeypatch):
    import imageio_ffmpeg

    monkeypatch.setenv("PATH", "")  # no system ffmpeg: only the wheel's binary
    target = tmp_path / "run.mp4"
    result = CliRunner().invoke(main, ["descend", "x^2 + 3y^2", "--start", "x=2,y=1",
                                       "--lr", "0.3", "--steps", "7", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[4:8] == b"ftyp"
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(target))
    assert frames == 8  # one frame per point: the start and 7 steps


def test_mp4_without_any_ffmpeg_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    result = CliRunner().invoke(main, ["descend", "(1 - w)^2", "--start", "w=3", "--plot",
                                       str(tmp_path / "run.mp4")])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "an .mp4 needs ffmpeg" in result.output and "gradwise[plot]" in result.output


def test_a_slow_animation_shows_its_frames_on_a_terminal(tmp_path, monkeypatch):
    from rich.console import Console

    from gradwise.cli.plot import FrameBar, _write_animation
    from gradwise.plotting import animate_descent

    monkeypatch.setattr(FrameBar, "AFTER_S", 0.0)
    screen = io.StringIO()
    run = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=4)
    _write_animation(animate_descent(run), str(tmp_path / "run.gif"), "gif",
                     console=Console(file=screen, force_terminal=True, width=80))
    assert "drawing frames" in screen.getvalue() and "5/5" in screen.getvalue()


def test_a_quick_or_piped_animation_stays_quiet(tmp_path):
    from rich.console import Console

    from gradwise.cli.plot import _write_animation
    from gradwise.plotting import animate_descent

    screen = io.StringIO()
    run = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=4)
    _write_animation(animate_descent(run), str(tmp_path / "run.gif"), "gif",
                     console=Console(file=screen, force_terminal=False))
    assert screen.getvalue() == ""
