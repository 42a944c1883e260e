"""The neuron's pictures: cost per epoch, data and fitted curve, cost surface with the path."""


import numpy as np
import pytest

from gradwise.cli.plot import write_plot
from gradwise.errors import InputError
from gradwise.neuron.estimators import NeuronClassifier, NeuronRegressor
from gradwise.plotting.neuron import (
    FittedNeuron,
    cost_grid,
    plot_cost,
    plot_cost_surface,
    plot_fit,
    plot_training,
    training_path,
)


def one(ax, gid):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, (gid, found)
    return found[0]


@pytest.fixture(scope="module")
def notes():
    # the notes: C = (1 − w)² from w = 3 with η = 0.1, x = 1, y = 1, b = 0
    neuron = NeuronRegressor(learning_rate=0.1, max_epochs=3, standardize=False,
                             fit_intercept=False, start=[3.0, 0.0], tol=None)
    return neuron.fit([[1.0]], [1.0])


@pytest.fixture(scope="module")
def classifier():
    rng = np.random.default_rng(1)
    X = rng.normal(2.0, 3.0, (150, 1))
    y = np.where(X[:, 0] + rng.normal(0, 1.5, 150) > 2, "yes", "no")
    return NeuronClassifier(learning_rate=0.5, max_epochs=60).fit(X, y), X, y


def test_cost_per_epoch_is_the_history(notes):
    ax = plot_cost(notes)
    epochs, cost = one(ax, "cost").get_data()
    assert epochs.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(cost, [4.0, 2.56, 1.6384, 1.048576])
    # the run's ending in words, as the CLI says it, not the status max_steps
    assert notes.status_ == "max_steps"
    assert ax.get_title() == "cost per epoch: stopped after the 3 epochs allowed" + \
        (f" ({', '.join(f.code for f in notes.findings_)})" if notes.findings_ else "")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "C")


def test_notes_path_on_the_cost_surface(notes):
    path = training_path(notes)
    np.testing.assert_allclose(path, [[3, 0], [2.6, 0], [2.28, 0], [2.024, 0]])
    ax = plot_cost_surface(notes, [[1.0]], [1.0])
    np.testing.assert_allclose(np.column_stack(one(ax, "path").get_data()), path)
    # the surface's C at the path's points is the history: C(3, 0) = (1 − 3)² = 4
    costs = cost_grid(notes, np.array([1.0]), np.array([1.0]), path[:, :1], path[:, 1:])
    np.testing.assert_allclose(costs[:, 0], notes.history_["cost"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w", "b")


def test_standardised_training_maps_back_to_raw_units(classifier):
    neuron, X, y = classifier
    path = training_path(neuron)
    np.testing.assert_allclose(path[-1], [*neuron.weights_, neuron.bias_])
    encoded = (y == neuron.classes_[1]).astype(float)
    costs = cost_grid(neuron, X[:, 0], encoded, path[:, :1], path[:, 1:])
    np.testing.assert_allclose(costs[:, 0], neuron.history_["cost"], rtol=1e-9)


def test_fit_draws_the_data_and_the_predicted_probability(classifier):
    neuron, X, y = classifier
    ax = plot_fit(neuron, X, y)
    data = one(ax, "data").get_offsets()
    np.testing.assert_allclose(data[:, 0], X[:, 0])
    np.testing.assert_allclose(data[:, 1], y == "yes")
    grid, curve = one(ax, "fit").get_data()
    np.testing.assert_allclose(curve, neuron.predict_proba(grid[:, None])[:, 1])
    assert ax.get_ylabel() == "P(y = yes)" and ax.get_title().startswith("ŷ = σ(w·x + b)")


def test_regressor_fit_is_its_prediction(notes):
    grid, curve = one(plot_fit(notes, [[1.0]], [1.0]), "fit").get_data()
    np.testing.assert_allclose(curve, notes.predict(grid[:, None]))


def test_fitted_neuron_from_a_training_run_matches_the_estimator():
    from gradwise.neuron.api import train

    X, y = np.array([[0.0], [1.0], [2.0], [4.0]]), np.array([1.0, 3.0, 5.0, 9.0])
    options = dict(max_epochs=40, tol=None, start=[0.5, 0.0])
    fit = train((X, y), activation="identity", standardize=True, **options)
    view = FittedNeuron.from_fit(fit, fit.scaling, "identity", "squared_error")
    estimator = NeuronRegressor(**options).fit(X, y)
    np.testing.assert_allclose(view.weights_, estimator.weights_)
    np.testing.assert_allclose(training_path(view), training_path(estimator))
    assert len(plot_training(view, X, y).axes) == 3  # cost, fit, surface


def test_many_features_get_the_cost_only(classifier):
    X = np.random.default_rng(0).normal(size=(40, 2))
    neuron = NeuronRegressor(max_epochs=5).fit(X, X @ [1.0, -2.0])
    assert len(plot_training(neuron, X, X @ [1.0, -2.0]).axes) == 1
    with pytest.raises(InputError, match="one feature"):
        plot_fit(neuron, X, X @ [1.0, -2.0])


def test_unfitted_and_mismatched_data_are_refused(notes):
    with pytest.raises(InputError, match="fit it first"):
        plot_cost(NeuronRegressor())
    with pytest.raises(InputError, match="X has 2 rows but y has 1"):
        plot_fit(notes, [[1.0], [2.0]], [1.0])


def test_write_plot_draws_a_training_run(tmp_path, notes):
    write_plot(tmp_path / "train.png", notes, X=[[1.0]], y=[1.0])
    assert (tmp_path / "train.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(InputError, match=r"\.png, \.svg or \.pdf"):
        write_plot(tmp_path / "train.gif", notes)


def test_plot_training_of_an_unfitted_neuron_is_a_clear_error():
    """It read ``weights_`` before checking, an AttributeError; now the one-line InputError."""
    with pytest.raises(InputError, match="fit it first"):
        plot_training(NeuronRegressor(), np.zeros((3, 1)), np.zeros(3))
