"""Animations, interactive pages and files: frames per step, self-contained HTML, --plot FILE."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import gradwise
from gradwise.cli import main
from gradwise.cli.plot import save, write_plot
from gradwise.errors import InputError
from gradwise.plotting import (
    animate_descent,
    frame_steps,
    interactive_figure,
    interactive_html,
    plot_function,
)
from gradwise.plotting.animate import descent_frames
from gradwise.plotting.style import new_figure

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "gif": b"GIF8"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


# -- animation ------------------------------------------------------------------------

def test_frame_steps_take_every_step_or_an_even_sample_with_both_ends():
    assert frame_steps(5) == [0, 1, 2, 3, 4]
    sample = frame_steps(1001, max_frames=11)
    assert sample == list(range(0, 1001, 100))
    with pytest.raises(InputError, match="at least 2"):
        frame_steps(10, max_frames=1)


def test_frame_k_draws_the_path_to_step_k_and_the_tangent_there():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=8)
    ax = new_figure().add_subplot()
    update = descent_frames(r, ax)
    xs = [float(w) for w in r.trace.coordinates[0]]
    for k in (0, 3, 8):
        path, current, tangent, caption = update(k)
        assert path.get_gid() == "path"
        np.testing.assert_allclose(path.get_xdata(), xs[:k + 1])
        np.testing.assert_allclose(path.get_ydata(), r.trace.float_values()[:k + 1])
        assert current.get_xdata().tolist() == [xs[k]]
        tx, ty = tangent.get_data()
        assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(float(r.trace.gradients[0][k]))
        assert caption.get_text().startswith(f"step {k}: w = ")


def test_a_gif_has_one_frame_per_step(tmp_path):
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=5)
    target = tmp_path / "run.gif"
    write_plot(target, r)
    with Image.open(target) as gif:
        assert gif.n_frames == len(r.trace) == 6
    assert leftovers(tmp_path) == []


def test_a_long_run_is_sampled_as_stated(tmp_path):
    r = gradwise.minimize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3, max_steps=40)
    animation = animate_descent(r, max_frames=5)
    save(animation, tmp_path / "run.gif")
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == len(frame_steps(len(r.trace), 5)) == 5


def test_mp4_without_ffmpeg_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # nor the plot extra's
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, max_steps=2)
    with pytest.raises(InputError, match="needs ffmpeg"):
        write_plot(tmp_path / "run.mp4", r)


# -- interactive ----------------------------------------------------------------------

def test_interactive_path_is_the_trace_and_the_page_is_self_contained():
    r = gradwise.minimize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3, max_steps=20)
    figure = interactive_figure(r, critical=gradwise.critical_points("x^2 + 3y^2"))
    path = next(t for t in figure.data if t.name == "path")
    np.testing.assert_allclose(np.column_stack([path.x, path.y]),
                               np.array(r.trace.points, dtype=float))
    np.testing.assert_allclose(path.z, r.trace.float_values())
    assert [t.name for t in figure.data if t.name == "minimum"] == ["minimum"]
    page = interactive_html("x^2")
    assert "<script src=" not in page and "https://cdn" not in page.split("<body>")[1][:2000]
    assert "Plotly.newPlot" in page


def test_interactive_curve_in_one_variable():
    figure = interactive_figure(gradwise.critical_points("x^3 - 3x"))
    names = [t.name for t in figure.data]
    assert names[1:] == ["maximum", "minimum"]
    assert list(figure.data[1].x) == [-1.0] and list(figure.data[1].y) == [2.0]


# -- files ----------------------------------------------------------------------------

@pytest.mark.parametrize("extension", ["png", "svg", "pdf", "html"])
def test_plot_command_writes_each_format(tmp_path, extension):
    target = tmp_path / f"bowl.{extension}"
    result = run("plot", "x^2 + y^2", "--at", "x=2,y=2", "-o", target)
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    if extension in MAGIC:
        assert data.startswith(MAGIC[extension])
    elif extension == "svg":
        assert b"<svg" in data[:500]
    else:
        assert b"Plotly.newPlot" in data
    assert leftovers(tmp_path) == []
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_plot_command_marks_critical_points_and_draws_surfaces(tmp_path):
    result = run("plot", "x^3 - 3x + y^2 - 2y", "--critical", "--within", "x=-3:3,y=-3:3",
                 "-o", tmp_path / "c.png")
    assert result.exit_code == 0, result.output
    result = run("plot", "x^2 - y^2", "--surface", "-o", tmp_path / "s.png")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name, message", [
    ("picture.jpg", "cannot tell the picture's format from"),
    ("missing/picture.png", "does not exist. Fix: create it first"),
    ("", "is a directory"),
])
def test_bad_paths_are_one_red_line_before_any_work(tmp_path, name, message):
    target = tmp_path / name if name else tmp_path
    result = run("grad", "x^2", "--plot", target)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert "∇f" not in result.output  # refused before the gradient was computed


def test_a_function_alone_is_not_animated(tmp_path):
    result = run("plot", "x^2", "-o", tmp_path / "f.gif")
    assert result.exit_code == 2 and "(only a descent is animated) is drawn as .png, .svg, " \
        ".pdf or .html, not .gif" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_failed_drawing_leaves_no_file(tmp_path):
    result = run("grad", "x + y + z", "--plot", tmp_path / "g.png")
    assert result.exit_code == 2 and "1 or 2 variables" in result.output
    assert list(tmp_path.iterdir()) == []


def test_grad_plot_keeps_json_on_stdout(tmp_path):
    target = tmp_path / "g.svg"
    result = CliRunner().invoke(main, ["grad", "x^2 + y^2", "--at", "x=2,y=2", "--json",
                                       "--plot", str(target)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["value"] == [4.0, 4.0]
    assert "picture written to" in result.stderr
    assert target.exists()


def test_save_refuses_a_mismatched_picture(tmp_path):
    with pytest.raises(InputError, match="interactive"):
        save(plot_function("x^2"), tmp_path / "f.html")
    with pytest.raises(InputError, match="animation"):
        save(plot_function("x^2"), tmp_path / "f.gif")
    assert list(tmp_path.iterdir()) == []


def test_grad_without_plot_does_not_import_matplotlib():
    code = ("import sys; from click.testing import CliRunner; from gradwise.cli import main; "
            "r = CliRunner().invoke(main, ['grad', 'x^2', '--at', 'x=2']); "
            "assert r.exit_code == 0, r.output; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.stdout.strip() == "False"


def test_every_gallery_picture_is_made_and_shown_in_the_docs():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("make_gallery", root / "docs" / "make_gallery.py")
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    how_to = (root / "docs" / "how-to" / "plot-and-animate.md").read_text(encoding="utf-8")
    guide = "".join(p.read_text(encoding="utf-8") for p in (root / "docs" / "guide").glob("*.md"))
    for name in gallery.PICTURES:
        assert f"(../gallery/{name}.png)" in how_to, name
        assert f"(../gallery/{name}.png)" in guide, name
        assert (root / "docs" / "gallery" / f"{name}.png").is_file(), name


def test_write_plot_draws_critical_points_and_learning_rates(tmp_path):
    write_plot(tmp_path / "critical.png", gradwise.critical_points("x^3 - 3x + y^2 - 2y"))
    runs = [gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=20)
            for eta in (0.1, 1.1)]
    write_plot(tmp_path / "rates.svg", runs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["critical.png", "rates.svg"]
    with pytest.raises(InputError, match="learning rates compared"):
        write_plot(tmp_path / "rates.html", runs)
