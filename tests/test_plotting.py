"""Pictures: what is drawn equals what was computed (curve, tangents, arrows, path, markers)."""

import math

import numpy as np
import pytest
from matplotlib.colors import to_rgb

import gradwise
from gradwise.descent.endings import outcome
from gradwise.errors import InputError
from gradwise.plotting import (
    COLOURS,
    plot_descent,
    plot_function,
    plot_learning_rates,
    plot_progress,
    plot_surface,
)
from gradwise.plotting.descent import overshooting_steps, panel_title
from gradwise.plotting.functions import ARROW_GRID


def artists(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def one(ax, gid):
    found = artists(ax, gid)
    assert len(found) == 1, (gid, found)
    return found[0]


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def slope_of(line):
    x, y = line.get_data()
    return (y[1] - y[0]) / (x[1] - x[0])


# -- a function alone -----------------------------------------------------------------

def test_curve_is_f_and_the_tangent_has_the_notes_slope():
    # the notes: f(x) = x², ∇f = 2x î, so at x = 5 the slope is 10
    ax = plot_function("x^2", at="x=5")
    x, y = one(ax, "function").get_data()
    np.testing.assert_allclose(y, x**2)
    tangent = one(ax, "tangent")
    assert slope_of(tangent) == pytest.approx(10)
    tx, ty = tangent.get_data()
    assert np.mean(tx) == pytest.approx(5) and np.mean(ty) == pytest.approx(25)
    np.testing.assert_allclose(one(ax, "at").get_offsets(), [[5, 25]])
    assert ax.get_title() == "f(x) = x²"
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
    assert "tangent at x = 5: slope ∇f = 10" in legend_labels(ax)


@pytest.mark.parametrize("mode", ["gradient", "direction"])
def test_arrows_are_the_gradient_at_their_grid_points(mode):
    f = gradwise.parse("x^2 y - y^3/3 + x")
    ax = plot_function(f, "x=-2:2, y=-1:3", arrows=mode)
    arrows = one(ax, "gradient")
    assert len(arrows.X) == ARROW_GRID**2
    g = gradwise.gradient(f)
    for x, y, u, v in zip(arrows.X, arrows.Y, arrows.U, arrows.V):
        expected = np.array(g.at([float(x), float(y)], exact=False).values)
        if mode == "direction":
            expected = expected / np.linalg.norm(expected)
        np.testing.assert_allclose([u, v], expected, rtol=1e-9, atol=1e-12)
    assert (ax.get_xlim(), ax.get_ylim()) == ((-2.0, 2.0), (-1.0, 3.0))


def test_auto_arrows_show_directions_only_when_lengths_spread_widely():
    bowl = plot_function("x^2 + y^2", "x=1:2, y=1:2")  # |∇f| from 2.8 to 5.7
    assert "∇f, uphill" in legend_labels(bowl)
    rosenbrock = plot_function("100(y - x^2)^2 + (1 - x)^2")
    assert "∇f/|∇f|, uphill direction" in legend_labels(rosenbrock)
    np.testing.assert_allclose(np.hypot(one(rosenbrock, "gradient").U,
                                        one(rosenbrock, "gradient").V), 1.0)


def test_the_notes_gradient_at_2_2_is_drawn_as_4_4():
    ax = plot_function("x^2 + y^2", at="x=2, y=2")
    arrow = one(ax, "at-gradient")
    assert (arrow.X[0], arrow.Y[0], arrow.U[0], arrow.V[0]) == (2, 2, 4, 4)
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"


def test_critical_points_are_marked_where_they_are_with_their_kind():
    points = gradwise.critical_points("x^3 - 3x + y^2 - 2y", within="x=-3:3, y=-3:3")
    ax = plot_function(points)
    np.testing.assert_allclose(one(ax, "critical:saddle").get_offsets(), [[-1, 1]])
    np.testing.assert_allclose(one(ax, "critical:minimum").get_offsets(), [[1, 1]])
    assert artists(ax, "critical:maximum") == []
    assert {"saddle", "minimum"} <= set(legend_labels(ax))
    assert one(ax, "critical:saddle").get_facecolor()[0][:3] == \
        pytest.approx(to_rgb(COLOURS["saddle"]))


def test_critical_points_in_one_variable_sit_on_the_curve():
    ax = plot_function("x^3 - 3x", critical=gradwise.critical_points("x^3 - 3x"))
    np.testing.assert_allclose(one(ax, "critical:maximum").get_offsets(), [[-1, 2]])
    np.testing.assert_allclose(one(ax, "critical:minimum").get_offsets(), [[1, -2]])


def test_parameters_are_fixed_from_the_point():
    # the neuron's cost with x = 1, y = 1 is a function of (w, b) alone
    g = gradwise.gradient("(y - sigmoid(w x + b))^2", wrt="w,b")
    ax = plot_function(g, at="x=1, y=1, b=0, w=3")
    arrow = one(ax, "at-gradient")
    expected = g.at("x=1, y=1, b=0, w=3").values
    np.testing.assert_allclose([arrow.U[0], arrow.V[0]], expected)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w", "b")


@pytest.mark.parametrize("text, call, message", [
    ("x + y + z", {}, "1 or 2 variables"),
    ("(y - w)^2", {"critical": None}, None),
])
def test_what_cannot_be_drawn_says_why(text, call, message):
    if message is None:
        f = gradwise.parse(text, wrt="w")
        with pytest.raises(InputError, match="--const y="):
            plot_function(f)
        return
    with pytest.raises(InputError, match=message):
        plot_function(text)


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="arrows must be"):
        plot_function("x^2 + y^2", arrows="sideways")
    with pytest.raises(InputError, match="empty"):
        plot_function("x^2", "x=2:1")
    with pytest.raises(InputError, match="critical= takes"):
        plot_function("x^2", critical=[1, 2])


def test_undefined_regions_are_gaps_not_errors():
    ax = plot_function("log(x)", "x=-1:2")
    _, y = one(ax, "function").get_data()
    assert np.isnan(y[0]) and np.isfinite(y[-1])


@pytest.mark.parametrize("text", ["exp(700 - x^2 - y^2)", "x - exp(700 - x^2 - y^2)"])
def test_values_near_the_largest_float_are_contoured(text):
    # f up to e^700 ≈ 10^304: matplotlib reads a level past ±10^250 as ±∞ when it extends
    # the colour bar, and raised "upper_level must be larger than lower_level"
    ax = plot_function(text, "x=-3:3, y=-3:3")
    filled = next(c for c in ax.collections if hasattr(c, "levels"))
    assert filled.levels.max() > 1e250 or filled.levels.min() < -1e250
    assert np.all(np.diff(filled.levels) > 0)


# -- a descent ------------------------------------------------------------------------

def test_one_variable_path_tangents_and_steps_equal_the_trace():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate="1/10", exact=True, max_steps=6)
    ax = plot_descent(r, tangents=4)
    trace = r.trace
    x, y = one(ax, "path").get_data()
    np.testing.assert_allclose(x, [float(w) for w in trace.coordinates[0]])
    np.testing.assert_allclose(y, trace.float_values())
    assert x[:2].tolist() == [3, 2.6]  # the notes: 3 − 0.1 × 4 = 2.6
    tangents = artists(ax, "tangent")
    assert [slope_of(t) for t in tangents] == pytest.approx(
        [float(g) for g in trace.gradients[0][:4]])
    steps = artists(ax, "step")
    assert len(steps) == 6
    for k, arrow in enumerate(steps):
        assert arrow.xyann == pytest.approx((x[k], y[k]))
        assert arrow.xy == pytest.approx((x[k + 1], y[k + 1]))
    np.testing.assert_allclose(one(ax, "start").get_offsets(), [[3, 4]])
    np.testing.assert_allclose(one(ax, "end").get_offsets(), [[x[-1], y[-1]]])
    assert ax.get_title() == ("f(w) = (1 − w)²\ngradient descent, η = 0.1: stopped after the 6 "
                              "steps allowed")  # in words, not the status max_steps
    assert {"start", "end", "tangent: slope = ∇f", "step Δ = −η∇f"} <= set(legend_labels(ax))


def test_overshooting_steps_are_the_diagnostics_overshoots():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=30)
    ax = plot_descent(r)
    flips = overshooting_steps(r.trace)
    finding = next(f for f in r.findings if f.code == "overshoot")
    assert flips[0] == finding.step
    assert f"{len(flips)} of {r.n_steps} steps did" in finding.message
    drawn = artists(ax, "step:overshoot")
    assert len(drawn) == len(flips) and "overshoot (jumped past)" in legend_labels(ax)


def test_ascent_is_labelled_and_climbs():
    # the notes: Δw = +∂C/∂w = 4, new w = 3 + 4 = 7 (gradient ascent)
    r = gradwise.maximize("(1 - w)^2", {"w": 3}, learning_rate=1, max_steps=1)
    ax = plot_descent(r)
    assert one(ax, "path").get_xdata().tolist() == [3, 7]
    assert "step Δ = +η∇f (ascent)" in legend_labels(ax)
    assert "gradient ascent" in ax.get_title()


def test_two_variable_path_equals_the_trace_with_critical_points():
    f = "x^2 + 3y^2"
    r = gradwise.minimize(f, {"x": 2.5, "y": 1.5}, learning_rate=0.3, max_steps=40)
    ax = plot_descent(r, critical=gradwise.critical_points(f))
    x, y = one(ax, "path").get_data()
    np.testing.assert_allclose(np.column_stack([x, y]), np.array(r.trace.points, dtype=float))
    np.testing.assert_allclose(one(ax, "start").get_offsets(), [[2.5, 1.5]])
    np.testing.assert_allclose(one(ax, "end").get_offsets(), [r.x])
    np.testing.assert_allclose(one(ax, "critical:minimum").get_offsets(), [[0, 0]])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")


def test_three_variables_are_refused_with_the_way_out():
    r = gradwise.minimize("x^2 + y^2 + z^2", [1, 1, 1], max_steps=3)
    with pytest.raises(InputError, match="plot_progress"):
        plot_descent(r)
    plot_progress(r)  # works in any dimension


def test_progress_shows_value_and_gradient_norm_per_step():
    r = gradwise.minimize("x^2 + 3y^2", {"x": 2.5, "y": 1.5}, learning_rate=0.3)
    figure = plot_progress(r)
    top, bottom = figure.axes
    steps, values = one(top, "value").get_data()
    assert steps.tolist() == list(range(len(r.trace)))
    np.testing.assert_allclose(values, r.trace.float_values())
    np.testing.assert_allclose(one(bottom, "gradient-norm").get_ydata(), r.trace.gradient_norms())
    assert top.get_yscale() == "log" and bottom.get_yscale() == "log"  # 20 decades


def test_progress_stays_linear_over_a_narrow_range():
    r = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=2)
    top, bottom = plot_progress(r).axes
    assert top.get_yscale() == "linear" and bottom.get_yscale() == "linear"


def test_learning_rate_panels_are_titled_with_their_runs():
    # the comparison: η = 0.1, 0.5, 0.9, 1.0, 1.1 on (1 − w)²
    runs = [gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=100)
            for eta in (0.1, 0.5, 0.9, 1.0, 1.1)]
    figure = plot_learning_rates(runs)
    axes = [ax for ax in figure.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert len(axes) == 5
    for ax, run in zip(axes, runs):
        assert ax.get_title() == panel_title(run)
        assert outcome(run.status, run.n_steps) in ax.get_title()  # in words,
        assert "max_steps" not in ax.get_title()  # not the status's Python spelling
        assert all(code in ax.get_title() for code in run.codes)
        np.testing.assert_allclose(one(ax, "path").get_xdata(),
                                   [float(w) for w in run.trace.coordinates[0]])
    assert [r.status for r in runs] == ["converged", "converged", "converged", "max_steps",
                                       "diverged"]
    assert axes[4].get_title().endswith("divergence, overshoot")
    assert figure.get_suptitle() == "f(w) = (1 − w)², from w = 3"


def test_learning_rate_panels_need_one_problem():
    a = gradwise.minimize("(1 - w)^2", {"w": 3}, max_steps=2)
    b = gradwise.minimize("(1 - w)^2", {"w": 2}, max_steps=2)
    with pytest.raises(InputError, match="one start"):
        plot_learning_rates([a, b])
    with pytest.raises(InputError, match="at least one"):
        plot_learning_rates([])


def test_surface_carries_the_path_at_its_values():
    r = gradwise.minimize("x^2 - y^2", {"x": 2, "y": 0.01}, learning_rate=0.1, max_steps=10)
    ax = plot_surface(r.function, result=r, critical=gradwise.critical_points("x^2 - y^2"))
    xs, ys, zs = one(ax, "path").get_data_3d()
    np.testing.assert_allclose(np.column_stack([xs, ys]), np.array(r.trace.points, dtype=float))
    np.testing.assert_allclose(zs, r.trace.float_values())
    assert ax.get_zlabel() == "f(x, y)"
    assert artists(ax, "critical:saddle")


def test_a_python_function_run_has_no_picture_of_f_but_has_progress():
    r = gradwise.minimize(lambda w: (1 - w) ** 2, [3.0], gradient=lambda w: (2 * w - 2,),
                          max_steps=5)
    with pytest.raises(InputError, match="Python function"):
        plot_descent(r)
    assert one(plot_progress(r).axes[0], "value").get_ydata()[0] == 4


def test_pictures_are_not_shown_and_pyplot_is_never_loaded():
    import subprocess
    import sys

    code = ("import sys, gradwise; from gradwise.plotting import plot_descent; "
            "r = gradwise.minimize('(1 - w)^2', {'w': 3}, max_steps=3); plot_descent(r); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"MPLBACKEND": "Agg", "PATH": ""})
    assert out.stdout.strip() == "False"


def test_a_missing_matplotlib_gives_the_install_hint():
    import subprocess
    import sys

    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import gradwise.plotting\n"  # the package loads: Plotly pages need no matplotlib
            "try:\n    gradwise.plotting.plot_descent\n"
            "except ModuleNotFoundError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "pip install 'gradwise[plot]'" in out.stdout


def test_tangent_segments_have_the_same_length_on_screen():
    from gradwise.plotting.functions import tangent_half_width

    for slope in (0.0, 1.0, -30.0):
        half = tangent_half_width(slope, 4.0, 8.0)
        # in units of the axes' spans the half-segment is 0.1 long whatever the slope
        assert math.hypot(half / 4.0, slope * half / 8.0) == pytest.approx(0.1)


RUN_3 = ("x^2 + y^2 + z^2", {"x": 1, "y": 1, "z": 1})
CRITICAL_3 = "x^2 + y^2 + z^2 - 2x"


@pytest.mark.parametrize("call, message", [
    (lambda: plot_surface("x^2 + y^2", result=gradwise.minimize(*RUN_3, max_steps=3)),
     "result= is a run of 3 variables (x, y, z), but 'x^2 + y^2' has 2 variables (x, y). "
     "Fix: pass a run of the function drawn"),
    (lambda: plot_surface("x^2 + y^2", result=gradwise.minimize("x^2", {"x": 1}, max_steps=3)),
     "result= is a run of 1 variable (x), but 'x^2 + y^2' has 2 variables (x, y)."),
    (lambda: plot_surface("x^2 + y^2", result=5), "result= takes a descent Result"),
    (lambda: plot_surface("x^2 + y^2", critical=gradwise.critical_points(CRITICAL_3)),
     "critical= has points of 3 coordinates, but 'x^2 + y^2' has 2 variables (x, y). Fix: "
     "pass gradwise.critical_points of the function drawn"),
    (lambda: plot_function("x^2 + y^2", critical=gradwise.critical_points("x^2 - 2x")),
     "critical= has points of 1 coordinate, but 'x^2 + y^2' has 2 variables"),
    (lambda: plot_function("x^2", critical=gradwise.critical_points(CRITICAL_3)),
     "critical= has points of 3 coordinates, but 'x^2' has 1 variable (x)."),
    (lambda: plot_descent(gradwise.minimize("x^2 + y^2", {"x": 1, "y": 1}, max_steps=3),
                          critical=gradwise.critical_points("x^2 - 2x")),
     "critical= has points of 1 coordinate"),
], ids=["surface-run-3", "surface-run-1", "surface-not-a-run", "surface-critical-3",
        "function-critical-1", "curve-critical-3", "descent-critical-1"])
def test_a_run_or_points_of_another_dimension_is_one_input_error(call, message):
    """Not numpy's "setting an array element with a sequence" (issue 12)."""
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
