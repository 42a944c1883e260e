"""--plot FILE on descend, critical and lr: what is drawn equals what the command computed."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import gradwise
import gradwise.cli.plot as plot_module
from gradwise.cli import main
from gradwise.cli.descent import FACTORS, PANELS, plot_rates
from gradwise.descent.advice import parse_range, sweep
from gradwise.plotting.descent import panel_title


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one(ax, gid):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, (gid, found)
    return found[0]


def panels(figure):
    return [ax for ax in figure.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


@pytest.fixture
def drawn(monkeypatch):
    """Every picture the command saves (an Axes, Figure, animation or Plotly figure)."""
    pictures = []
    real = plot_module.save

    def keep(picture, path):
        pictures.append(picture)
        real(picture, path)

    monkeypatch.setattr(plot_module, "save", keep)
    return pictures


# -- descend --------------------------------------------------------------------------

def test_descend_draws_the_run_it_printed(tmp_path, drawn):
    target = tmp_path / "run.png"
    result = run("descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.9", "--steps", "20",
                 "--plot", target)
    assert result.exit_code == 0, result.output
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=20)
    (ax,) = drawn
    path = one(ax, "path")
    np.testing.assert_allclose(path.get_xdata(), [float(w) for w in r.trace.coordinates[0]])
    np.testing.assert_allclose(path.get_ydata(), r.trace.float_values())
    assert len([a for a in ax.get_lines() if a.get_gid() == "tangent"]) == 10
    assert target.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.png"]


def test_descend_in_two_variables_draws_its_path_on_the_contours(tmp_path, drawn):
    result = run("descend", "x^2 + 3y^2", "--start", "x=2,y=1", "--lr", "0.3", "--steps", "15",
                 "--method", "momentum", "--plot", tmp_path / "run.svg")
    assert result.exit_code == 0, result.output
    r = gradwise.minimize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3, method="momentum",
                          max_steps=15)
    path = one(drawn[0], "path")
    np.testing.assert_allclose(np.column_stack(path.get_data()),
                               np.array(r.trace.points, dtype=float))
    assert b"<svg" in (tmp_path / "run.svg").read_bytes()[:500]


def test_descend_gif_has_a_frame_per_step_and_html_the_path(tmp_path, drawn):
    result = run("descend", "x^2 + 3y^2", "--start", "x=2,y=1", "--lr", "0.3", "--steps", "6",
                 "--plot", tmp_path / "run.gif")
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == 7
    result = run("descend", "x^2 + 3y^2", "--start", "x=2,y=1", "--lr", "0.3", "--steps", "6",
                 "--ascent", "--plot", tmp_path / "run.html")
    assert result.exit_code == 0, result.output
    r = gradwise.maximize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3, max_steps=6)
    path = next(t for t in drawn[1].data if t.name == "path")
    np.testing.assert_allclose(np.column_stack([path.x, path.y]),
                               np.array(r.trace.points, dtype=float))
    assert b"Plotly.newPlot" in (tmp_path / "run.html").read_bytes()


def test_descend_in_three_variables_draws_progress_but_no_animation(tmp_path, drawn):
    f = "x^2 + y^2 + z^2"
    result = run("descend", f, "--start", "x=1,y=1,z=1", "--steps", "5", "--plot",
                 tmp_path / "run.pdf")
    assert result.exit_code == 0, result.output
    r = gradwise.minimize(f, {"x": 1, "y": 1, "z": 1}, max_steps=5)
    np.testing.assert_allclose(one(drawn[0].axes[0], "value").get_ydata(), r.trace.float_values())
    result = run("descend", f, "--start", "x=1,y=1,z=1", "--plot", tmp_path / "run.gif")
    assert result.exit_code == 2
    assert result.output == ("error: a .gif shows a function of 1 or 2 variables, but "
                             "'x^2 + y^2 + z^2' has 3 (x, y, z). Fix: write .png, .svg or .pdf for "
                             "f and |∇f| per step\n")  # before the run: nothing else printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pdf"]


def test_descend_json_stays_clean_with_plot(tmp_path):
    target = tmp_path / "run.png"
    result = CliRunner().invoke(main, ["descend", "(1 - w)^2", "--start", "w=3", "--steps", "5",
                                       "--json", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["steps"]) == 6
    assert result.stderr == f"picture written to {target}\n"
    assert target.exists()


# -- critical -------------------------------------------------------------------------

def test_critical_marks_the_points_it_listed(tmp_path, drawn):
    f = "x^3 - 3x + y^2 - 2y"
    result = run("critical", f, "--plot", tmp_path / "c.png")
    assert result.exit_code == 0, result.output
    assert "saddle" in result.output
    ax = drawn[0]
    np.testing.assert_allclose(one(ax, "critical:saddle").get_offsets(), [[-1, 1]])
    np.testing.assert_allclose(one(ax, "critical:minimum").get_offsets(), [[1, 1]])
    assert not [a for a in ax.get_children() if a.get_gid() == "critical:maximum"]


def test_critical_within_draws_its_box_with_every_point_in_it(tmp_path, drawn):
    result = run("critical", "cos(z)", "--within", "z=-7:7", "--plot", tmp_path / "c.svg")
    assert result.exit_code == 0, result.output
    ax = drawn[0]
    assert ax.get_xlim() == pytest.approx((-7, 7))
    np.testing.assert_allclose(one(ax, "critical:maximum").get_offsets(),
                               [[-2 * np.pi, 1], [0, 1], [2 * np.pi, 1]])  # z = 2kπ
    np.testing.assert_allclose(one(ax, "critical:minimum").get_offsets(),
                               [[-np.pi, -1], [np.pi, -1]])


def test_critical_json_stays_clean_with_an_interactive_page(tmp_path):
    target = tmp_path / "c.html"
    result = CliRunner().invoke(main, ["critical", "x^3 - 3x", "--json", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    kinds = sorted(p["kind"] for p in json.loads(result.stdout)["points"])
    assert kinds == ["maximum", "minimum"]
    assert b"Plotly.newPlot" in target.read_bytes()


def test_critical_refuses_an_animation_and_three_variables_before_any_work(tmp_path):
    result = run("critical", "x^3 - 3x", "--plot", tmp_path / "c.gif")
    assert result.exit_code == 2
    assert result.output == ("error: critical's picture is drawn as .png, .svg, .pdf or "
                             f".html, not .gif; write {str(tmp_path / 'c.png')!r}, say\n")
    result = run("critical", "x y z", "--plot", tmp_path / "c.png")
    assert result.exit_code == 2
    assert result.output == ("error: a .png shows a function of 1 or 2 variables, but 'x y z' "
                             "has 3 (x, y, z)\n")
    assert list(tmp_path.iterdir()) == []


# -- lr -------------------------------------------------------------------------------

def test_lr_compares_multiples_of_the_stable_limit(tmp_path, drawn):
    result = run("lr", "(1 - w)^2", "--start", "w=3", "--steps", "100", "--plot",
                 tmp_path / "rates.png")
    assert result.exit_code == 0, result.output
    assert "stable for 0 < η < 2/λ = 1" in result.output
    runs = [gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=factor * 1.0, max_steps=100)
            for factor in FACTORS]
    axes = panels(drawn[0])
    assert [ax.get_title() for ax in axes] == [panel_title(r) for r in runs]
    assert [r.status for r in runs] == ["converged", "converged", "converged", "max_steps",
                                       "diverged"]
    for ax, r in zip(axes, runs):
        np.testing.assert_allclose(one(ax, "path").get_xdata(),
                                   [float(w) for w in r.trace.coordinates[0]])


def test_lr_with_a_sweep_draws_an_even_sample_that_agrees_with_the_table(tmp_path, drawn):
    result = run("lr", "(1 - w)^2", "--start", "w=3", "--sweep", "0.01:2:50", "--steps", "200",
                 "--plot", tmp_path / "rates.pdf")
    assert result.exit_code == 0, result.output
    rates = parse_range("0.01:2:50")
    shown = [rates[i] for i in (0, 12, 24, 37, 49)]
    rows = {r.learning_rate: r for r in sweep("(1 - w)^2", {"w": 3}, shown, max_steps=200)}
    axes = panels(drawn[0])
    assert len(axes) == PANELS
    for ax, eta in zip(axes, shown):
        r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=200)
        assert ax.get_title() == panel_title(r)
        assert (r.status, r.codes, r.n_steps) == (rows[eta].status, list(rows[eta].findings),
                                                  rows[eta].n_steps)
    assert (tmp_path / "rates.pdf").read_bytes().startswith(b"%PDF")


def test_lr_plot_rates_take_a_short_sweep_whole_and_sample_a_long_one_evenly():
    assert plot_rates(None, [0.1, 0.2, 0.3]) == [0.1, 0.2, 0.3]
    assert plot_rates(None, [float(k) for k in range(9)]) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert plot_rates(gradwise.advise_learning_rate("x^2 + 10y^2", {"x": 1, "y": 1}), None) == \
        pytest.approx([0.01, 0.05, 0.09, 0.1, 0.11])


def test_lr_two_variables_and_json(tmp_path, drawn):
    result = CliRunner().invoke(main, ["lr", "x^2 + 10y^2", "--start", "x=2,y=1", "--steps",
                                       "50", "--json", "--plot", str(tmp_path / "r.svg")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["max_stable"] == pytest.approx(0.1)
    assert "picture written to" in result.stderr
    axes = panels(drawn[0])
    r = gradwise.minimize("x^2 + 10y^2", {"x": 2, "y": 1}, learning_rate=0.05, max_steps=50)
    np.testing.assert_allclose(np.column_stack(one(axes[1], "path").get_data()),
                               np.array(r.trace.points, dtype=float))


@pytest.mark.parametrize("name", ["rates.html", "rates.gif"])
def test_lr_refuses_formats_it_cannot_draw_before_any_work(tmp_path, name):
    result = run("lr", "(1 - w)^2", "--start", "w=3", "--plot", tmp_path / name)
    assert result.exit_code == 2
    assert result.output.startswith("error: lr's picture is drawn as .png, .svg or .pdf, not ")
    assert result.output.count("\n") == 1 and list(tmp_path.iterdir()) == []


def test_lr_without_curvature_asks_for_a_sweep(tmp_path):
    result = run("lr", "1 - w^2", "--start", "w=3", "--plot", tmp_path / "r.png")
    assert result.exit_code == 2
    assert result.output == ("error: no positive curvature here, so no stable range to pick "
                             "learning rates from for --plot. Fix: name them with --sweep "
                             "FROM:TO:COUNT\n")
    result = run("lr", "1 - w^2", "--start", "w=3", "--sweep", "0.1:0.3:2", "--steps", "5",
                 "--plot", tmp_path / "r.png")
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "r.png"]


def test_lr_help_states_the_sample():
    text = " ".join(run("lr", "--help").output.split())
    assert "5 of its rates evenly spaced" in text and "0.1, 0.5, 0.9, 1, 1.1 × 2/λ" in text


# -- every command: a bad path is one line, exit 2, no file, no work --------------------

COMMANDS = [
    ["descend", "(1 - w)^2", "--start", "w=3"],
    ["critical", "x^3 - 3x"],
    ["lr", "(1 - w)^2", "--start", "w=3"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("name, message", [
    ("picture.jpg", "cannot tell the picture's format from"),
    ("missing/picture.png", "does not exist. Fix: create it first"),
    ("", "is a directory"),
])
def test_bad_plot_paths_are_one_red_line_before_any_work(tmp_path, command, name, message):
    target = tmp_path / name if name else tmp_path
    result = run(*command, "--plot", target)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert result.output.count("\n") == 1  # nothing computed, nothing printed
    assert list(tmp_path.iterdir()) == []
