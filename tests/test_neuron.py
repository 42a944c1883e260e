"""The neuron estimators: the notes' numbers first, then independent references, then sklearn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from gradwise.descent.run import minimize
from gradwise.errors import InputError, ParseError
from gradwise.neuron.api import train
from gradwise.neuron.estimators import NeuronClassifier, NeuronRegressor

ONE = np.array([[1.0]]), np.array([1.0])  # the notes' single sample x = 1, y = 1


def notes_neuron(**kwargs):
    """The notes' set-up: raw x, b held at 0, start w = 3, η = 0.1."""
    options = dict(learning_rate=0.1, standardize=False, fit_intercept=False, start=[3.0, 0.0])
    return NeuronRegressor(**{**options, **kwargs})


# -- 1. hand-worked answers: the lecture notes -------------------------------------------------

def test_identity_takes_the_notes_steps_3_then_2_6():
    neuron = notes_neuron(max_epochs=3, tol=None).fit(*ONE)
    w = neuron.trace_.coordinates[0]
    assert w[:3] == pytest.approx((3.0, 2.6, 2.28), rel=1e-15)
    assert neuron.history_["cost"][0] == 4.0  # C(3) = (1 − 3)²
    assert neuron.trace_.gradients[0][0] == 4.0  # ∂C/∂w(3) = 2·3 − 2, mean over N = 1, no ½
    assert neuron.bias_ == 0.0 and neuron.n_iter_ == 3


def test_identity_steps_equal_descent_on_one_minus_w_squared():
    # the neuron and the descent engine are independent paths to the same steps
    neuron = notes_neuron(max_epochs=25, tol=None).fit(*ONE)
    by_hand = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=25, tol=0)
    np.testing.assert_allclose(neuron.trace_.coordinates[0], by_hand.trace.coordinates[0],
                               rtol=1e-13)
    np.testing.assert_allclose(neuron.history_["cost"], by_hand.trace.values, rtol=1e-12)


def test_sigmoid_first_gradient_and_vanishing_gradient_finding():
    neuron = notes_neuron(activation="sigmoid", max_epochs=50).fit(*ONE)
    s = 1 / (1 + math.exp(-3))
    assert neuron.trace_.gradients[0][0] == pytest.approx(-2 * (1 - s) * s * (1 - s), rel=1e-14)
    assert round(neuron.trace_.gradients[0][0], 5) == -0.00429
    assert neuron.history_["gradient_norm"][0] == pytest.approx(0.0042850850699686, rel=1e-12)
    codes = [f.code for f in neuron.findings_]
    assert "vanishing_gradient" in codes
    assert neuron.status_ == "max_steps"  # |∇C| ≈ 0.004 never reaches tol: honest, not converged
    message = next(f.message for f in neuron.findings_ if f.code == "vanishing_gradient")
    assert message.startswith("at the start (w = 3, b = 0), the error reached the weights "
                              "scaled by 0.0452")


def test_log_loss_does_not_saturate_the_sigmoid():
    neuron = notes_neuron(activation="sigmoid", cost="log_loss", max_epochs=50).fit(*ONE)
    assert neuron.trace_.gradients[0][0] == pytest.approx(1 / (1 + math.exp(-3)) - 1)
    assert "vanishing_gradient" not in [f.code for f in neuron.findings_]


def test_the_derivation_shown_is_the_one_trained_on():
    neuron = notes_neuron(activation="sigmoid", max_epochs=1).fit(*ONE)
    assert neuron.derivation_.explain()[3] == \
        "∂C/∂z = ∂C/∂ŷ · φ'(z) = −2·(1 − σ(z))·(y − σ(z))·σ(z)"
    latex = neuron.derivation_._repr_latex_()
    assert latex.startswith(r"$\begin{aligned}C &= \left(- \hat{y} + y\right)^{2}")
    assert r"\sigma\left(z\right)" in latex


def test_eta_1_cycles_between_3_and_minus_1():
    neuron = notes_neuron(learning_rate=1.0, max_epochs=40).fit(*ONE)
    assert neuron.trace_.coordinates[0][:4] == (3.0, -1.0, 3.0, -1.0)
    assert neuron.status_ == "max_steps"
    assert "cycle" in [f.code for f in neuron.findings_]


@pytest.mark.parametrize("batch_size", [None, 1])
def test_too_large_a_rate_is_a_diverged_result_not_an_exception(batch_size):
    neuron = notes_neuron(learning_rate=1.5, max_epochs=10_000, batch_size=batch_size).fit(*ONE)
    assert neuron.status_ == "diverged"
    assert "divergence" in [f.code for f in neuron.findings_] or batch_size == 1
    assert np.isfinite(neuron.weights_).all()


def test_overflow_is_a_non_finite_result():
    neuron = notes_neuron(activation="exp(z)", start=[800.0, 0.0]).fit(*ONE)
    assert neuron.status_ == "non_finite" and neuron.n_iter_ == 0


# -- 2./3. independent references --------------------------------------------------------------

@pytest.fixture
def regression():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 1.0]
    y = X @ [1.5, -0.2, 4.0, 0.7] + 2.0 + rng.normal(scale=0.3, size=300)
    return X, y


@pytest.mark.parametrize("method", ["gd", "momentum", "adam"])
def test_identity_converges_to_lstsq(regression, method):
    X, y = regression
    rate = 0.01 if method == "adam" else 0.1
    neuron = NeuronRegressor(learning_rate=rate, method=method, tol=1e-10,
                             max_epochs=50_000).fit(X, y)
    solution = np.linalg.lstsq(np.column_stack((X, np.ones(len(y)))), y, rcond=None)[0]
    assert neuron.status_ == "converged"
    np.testing.assert_allclose(neuron.weights_, solution[:-1], rtol=1e-7)
    assert neuron.bias_ == pytest.approx(solution[-1], rel=1e-7)


def test_mini_batches_of_the_whole_data_equal_full_batch(regression):
    X, y = regression
    full = NeuronRegressor(max_epochs=30, tol=None).fit(X, y)
    whole = NeuronRegressor(max_epochs=30, tol=None, batch_size=len(y), shuffle=False).fit(X, y)
    np.testing.assert_allclose(whole.weights_, full.weights_, rtol=1e-14)
    np.testing.assert_allclose(whole.history_["cost"], full.history_["cost"], rtol=1e-14)
    assert whole.n_steps_ == full.n_steps_ == 30


def test_stochastic_gradient_descent_gets_near_lstsq(regression):
    X, y = regression
    neuron = NeuronRegressor(learning_rate=0.01, batch_size=8, max_epochs=40).fit(X, y)
    solution = np.linalg.lstsq(np.column_stack((X, np.ones(len(y)))), y, rcond=None)[0]
    np.testing.assert_allclose(neuron.weights_, solution[:-1], rtol=0.05, atol=0.05)
    assert neuron.n_steps_ == neuron.n_iter_ * math.ceil(300 / 8)


def test_same_seed_same_run_other_seed_other_run(regression):
    X, y = regression
    runs = [NeuronRegressor(batch_size=16, max_epochs=5, seed=s).fit(X, y).weights_
            for s in (1, 1, 2)]
    assert runs[0].tolist() == runs[1].tolist() != runs[2].tolist()


def test_weights_are_in_the_raw_units_of_the_features(regression):
    X, y = regression
    neuron = NeuronRegressor(activation="tanh", max_epochs=20).fit(X, y / 10)
    np.testing.assert_allclose(neuron.predict(X), np.tanh(X @ neuron.weights_ + neuron.bias_),
                               rtol=1e-12)


def test_fit_intercept_false_keeps_b_at_its_start(regression):
    X, y = regression
    neuron = NeuronRegressor(fit_intercept=False, start=[0, 0, 0, 0, 0.5]).fit(X, y)
    assert neuron.bias_ == 0.5


@pytest.mark.parametrize("batch_size", [None, 5])
def test_the_estimator_makes_the_updates_of_a_file_streamed_in_chunks(tmp_path, regression,
                                                                      batch_size):
    # one loop, one chunk rule: the estimator on arrays and gradwise.train streaming a CSV
    # (chunks of 7 rows, shuffled within each chunk) take the same steps, bit for bit
    X, y = regression
    path = tmp_path / "train.csv"
    lines = (",".join(repr(float(v)) for v in [*x, t]) for x, t in zip(X, y, strict=True))
    path.write_text("\n".join(["a,b,c,d,y", *lines]) + "\n")
    options = dict(max_epochs=6, tol=None, batch_size=batch_size, seed=4, start=np.zeros(5))
    neuron = NeuronRegressor(chunk_rows=7, **options).fit(X, y)
    streamed = train(path, "y", engine="stream", chunk_rows=7, activation="identity",
                     standardize=True, **options)
    assert streamed.engine == "stream" and streamed.n_steps == neuron.n_steps_
    assert neuron.n_steps_ == 6 * (1 if batch_size is None else 43 * 2)  # 300 = 42·7 + 6
    weights, bias = streamed.scaling.to_raw(streamed.weights, streamed.bias)
    assert weights.tolist() == neuron.weights_.tolist() and bias == neuron.bias_
    assert list(streamed.history) == neuron.history_["cost"].tolist()


def test_mini_batches_shuffle_within_chunks_by_the_documented_seeds(regression):
    # chunk k of epoch e is shuffled by default_rng([seed, e, k]); batches stop at its end
    X, y = regression
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    neuron = NeuronRegressor(max_epochs=2, tol=None, batch_size=16, seed=9, chunk_rows=100,
                             standardize=False, start=np.zeros(5), learning_rate=0.05).fit(X, y)
    theta = np.zeros(5)
    for epoch in range(2):
        for chunk in range(3):
            Xc, yc = X[100 * chunk : 100 * (chunk + 1)], y[100 * chunk : 100 * (chunk + 1)]
            order = np.random.default_rng([9, epoch, chunk]).permutation(100)
            for lo in range(0, 100, 16):
                rows = order[lo : lo + 16]
                delta = 2 * (Xc[rows] @ theta[:-1] + theta[-1] - yc[rows])  # δ = 2(ŷ − y)
                theta = theta - 0.05 * np.append(Xc[rows].T @ delta, delta.sum()) / len(rows)
    assert neuron.n_steps_ == 2 * 3 * 7
    np.testing.assert_allclose(neuron.weights_, theta[:-1], rtol=1e-12)
    assert neuron.bias_ == pytest.approx(theta[-1], rel=1e-12)


def test_custom_activation_goes_through_the_safe_parser(regression):
    X, y = regression
    custom = NeuronRegressor(activation="z/(1 + abs(z))", max_epochs=20).fit(X, y / 50)
    z = X @ custom.weights_ + custom.bias_
    np.testing.assert_allclose(custom.predict(X), z / (1 + np.abs(z)), rtol=1e-12)
    with pytest.raises(ParseError):
        NeuronRegressor(activation="__import__('os').system('true')").fit(X, y)


@pytest.mark.parametrize(("option", "message"), [
    ({"learning_rate": 0}, "learning_rate must be a positive number; received 0"),
    ({"batch_size": 0}, "batch_size must be a whole number >= 1; received 0"),
    ({"max_epochs": 2.5}, "max_epochs must be a whole number >= 0; received 2.5"),
    ({"method": "sgd"}, "unknown method 'sgd'. Fix: choose one of gd, momentum"),
    ({"activation": "sigmod"}, "unknown activation 'sigmod'; did you mean 'sigmoid'?"),
    ({"cost": "hinge"}, "unknown cost 'hinge'"),
    ({"start": [1.0]}, r"start must be 5 finite numbers \(w1, ..., w4, b\) for 4 feature"),
])
def test_bad_settings_say_what_was_expected(regression, option, message):
    with pytest.raises(InputError, match=message):
        NeuronRegressor(**option).fit(*regression)


# -- the classifier ----------------------------------------------------------------------------

def test_breast_cancer_within_two_points_of_logistic_regression():
    X, y = load_breast_cancer(return_X_y=True)
    ours = cross_val_score(NeuronClassifier(), X, y, cv=5).mean()
    theirs = cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y,
                             cv=5).mean()
    assert ours >= theirs - 0.02, (ours, theirs)


def test_classifier_labels_probabilities_and_decision_agree():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    clf = NeuronClassifier().fit(X, ["no", "no", "yes", "yes"])
    assert clf.predict([[0.2], [2.9]]).tolist() == ["no", "yes"]
    p = clf.predict_proba(X)[:, 1]
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-(X @ clf.weights_ + clf.bias_))), rtol=1e-12)
    assert ((clf.decision_function(X) >= 0) == (p >= 0.5)).all()


def test_more_than_two_classes_is_refused_with_the_fix():
    with pytest.raises(InputError, match=r"received 3 class\(es\): \[0, 1, 2\]\. Fix: "
                       r"OneVsRestClassifier"):
        NeuronClassifier().fit(np.arange(6.0).reshape(-1, 1), [0, 1, 2, 0, 1, 2])


# -- scikit-learn's own conformance checks (no expected failures) ------------------------------

SKLEARN_CHECKS = parametrize_with_checks([NeuronRegressor(), NeuronClassifier()])


# scikit-learn < 1.8 (the newest on Python 3.10) hands pytest a generator, which pytest 9
# deprecates (an error here): the same checks, as a list
@pytest.mark.parametrize(SKLEARN_CHECKS.args[0], list(SKLEARN_CHECKS.args[1]),
                         **SKLEARN_CHECKS.kwargs)
def test_scikit_learn_conventions(estimator, check):
    check(estimator)

