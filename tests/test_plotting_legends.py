"""Legends where they cover no data (issue 13): not the ∇f arrowhead in bowl.png, not the data
points of the training picture, not a path or a curve. Checked in pixels after layout, on the
artists themselves: each point of a line or scatter, and points along each ∇f arrow."""

import numpy as np
import pytest

import gradwise
from gradwise.plotting import plot_descent, plot_function, plot_training
from gradwise.plotting.style import settle_legends


def legend_box(ax):
    legend = ax.get_legend()
    assert legend is not None
    return legend.get_window_extent()


def inside(box, points, pad=2.0):
    x, y = np.asarray(points, dtype=float).T
    return (x > box.x0 - pad) & (x < box.x1 + pad) & (y > box.y0 - pad) & (y < box.y1 + pad)


def line_points(ax):
    points = []
    for line in ax.lines:
        path = line.get_path().interpolated(30)
        points.append(line.get_transform().transform(path.vertices))
    return np.vstack(points) if points else np.empty((0, 2))


def test_bowl_legend_leaves_the_gradient_arrow_clear():
    ax = plot_function("x^2 + y^2", at={"x": 2, "y": 2})
    settle_legends(ax.figure)
    arrow, = [c for c in ax.collections if c.get_gid() == "at-gradient"]
    base = np.array([2.0, 2.0])
    tip = base + np.array([arrow.U[0], arrow.V[0]]) / arrow.scale
    along = ax.transData.transform([base + t * (tip - base) for t in np.linspace(0, 1, 50)])
    assert not inside(legend_box(ax), along, pad=8).any()
    assert np.allclose(np.array([arrow.U[0], arrow.V[0]]), [4, 4])  # ∇f(2, 2), as drawn


def test_training_legends_hide_no_data_point(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 40)
    y = (x + rng.normal(0, 0.7, 40) > 0).astype(float)
    neuron = gradwise.NeuronClassifier(activation="sigmoid", learning_rate=0.5,
                                       max_epochs=100).fit(x[:, None], y)
    figure = plot_training(neuron, x[:, None], y)
    settle_legends(figure)
    for ax in figure.axes:
        if ax.get_legend() is None:
            continue
        box = legend_box(ax)
        for collection in ax.collections:
            if collection.get_gid() == "data":
                offsets = collection.get_offset_transform().transform(collection.get_offsets())
                assert not inside(box, offsets).any(), ax.get_title()
        assert not inside(box, line_points(ax)).any(), ax.get_title()


@pytest.mark.parametrize("make", [
    lambda: plot_descent(gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1)),
    lambda: plot_descent(gradwise.minimize("x^2 + 3y^2", {"x": 2, "y": 1}, learning_rate=0.3)),
    lambda: plot_function("x^2", at={"x": 5}),
    lambda: plot_function(gradwise.critical_points("x^3 - 3x")),
], ids=["descent 1-D", "descent 2-D", "slope", "critical"])
def test_no_legend_covers_a_line(make):
    ax = make()
    settle_legends(ax.figure)
    assert not inside(legend_box(ax), line_points(ax)).any()
