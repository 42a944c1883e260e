"""The notes' neuron ŷ = φ(w·x + b) as scikit-learn estimators: a regressor and a classifier.

Two classes, because scikit-learn's conventions differ by task: ``NeuronRegressor`` predicts
φ(w·x + b) itself (``score`` is R²); ``NeuronClassifier`` is binary (one neuron, one
probability), encodes the two labels as 0 and 1, and predicts the second where φ >= 0.5
(``score`` is accuracy). Both train by :func:`gradwise.neuron.training.train`, the one loop that
also runs ``gradwise train`` and :func:`gradwise.train`, on any of its engines: the
gradient comes from δ = ∂C/∂z, derived once by SymPy, compiled into the kernel
(:mod:`gradwise.neuron.kernel`), and the steps from the descent's optimizers. Mini-batches follow
the engines' rule: chunk k is rows [k·R, (k + 1)·R) for ``chunk_rows`` R, batches never
cross a chunk, and chunk k of epoch e is shuffled by ``default_rng([seed, e, k])``.

scikit-learn is an optional dependency (``pip install 'gradwise[sklearn]'``); this module is
imported only when a ``Neuron*`` name is used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError("the Neuron estimators need scikit-learn. Fix: pip install "
                              "'gradwise[sklearn]'") from error

from gradwise.errors import InputError
from gradwise.neuron.api import CHUNK_ROWS, open_engine
from gradwise.neuron.derivation import CostName, derive
from gradwise.neuron.kernel import phi_cost_delta
from gradwise.neuron.settings import DEFAULTS, Settings, resolve_activation
from gradwise.neuron.training import train


class _Neuron(BaseEstimator):
    """What both estimators share: parameters, fit on 0/1 or real targets, the raw-unit map."""

    def __init__(self, activation: str = DEFAULTS.activation, *, cost: CostName = DEFAULTS.cost,
                 learning_rate: float = DEFAULTS.learning_rate,  # type: ignore[assignment]
                 max_epochs: int = DEFAULTS.max_epochs,
                 batch_size: int | None = DEFAULTS.batch_size,
                 shuffle: bool = DEFAULTS.shuffle, tol: float | None = DEFAULTS.tol,
                 n_iter_no_change: int = DEFAULTS.n_iter_no_change,
                 method: str = DEFAULTS.method, seed: int | None = DEFAULTS.seed,
                 standardize: bool = DEFAULTS.standardize,
                 fit_intercept: bool = DEFAULTS.fit_intercept, start: Any = DEFAULTS.start,
                 engine: str = "memory", scheduler: str | None = None,
                 chunk_rows: int = CHUNK_ROWS) -> None:
        self.activation = activation
        self.cost = cost
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.method = method
        self.seed = seed
        self.standardize = standardize
        self.fit_intercept = fit_intercept
        self.start = start
        self.engine = engine
        self.scheduler = scheduler
        self.chunk_rows = chunk_rows

    def _settings(self) -> Settings:
        return Settings(activation=resolve_activation(self.activation), cost=self.cost,
                        learning_rate=self.learning_rate, max_epochs=self.max_epochs,
                        batch_size=self.batch_size, shuffle=self.shuffle, tol=self.tol,
                        n_iter_no_change=self.n_iter_no_change, method=self.method,
                        seed=self.seed, standardize=self.standardize,
                        fit_intercept=self.fit_intercept, start=self.start).checked()

    def _fit_numeric(self, X: np.ndarray, y: np.ndarray) -> None:
        settings = self._settings()
        with open_engine(self.engine, (X, y), chunk_rows=self.chunk_rows,
                         scheduler=self.scheduler) as engine:
            fit = train(engine, settings)
        self.weights_, self.bias_ = fit.scaling.to_raw(fit.weights, fit.bias)
        self.scaling_ = fit.scaling
        self.history_ = {"cost": np.array(fit.history),
                         "gradient_norm": np.array(fit.gradient_norms)}
        self.status_, self.findings_, self.trace_ = fit.status, fit.findings, fit.trace
        self.derivation_ = derive(settings.activation, settings.cost)
        self.n_iter_, self.n_steps_ = fit.n_epochs, fit.n_steps

    def _output(self, X: Any) -> np.ndarray:
        """φ(X·w + b) on the raw features, shape (N,)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        z = X @ self.weights_ + self.bias_
        return phi_cost_delta(z, np.zeros_like(z), resolve_activation(self.activation),
                              self.cost)[0]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class NeuronRegressor(RegressorMixin, _Neuron):
    """One neuron ŷ = φ(w·x + b) fitted by gradient descent on C = mean((y − ŷ)²).

    Args:
        activation: ``identity`` (default: linear regression), ``sigmoid``, ``tanh``,
            ``relu``, ``softplus``, or an expression in z such as ``"z/(1 + abs(z))"``.
        cost: ``squared_error``: the notes' C = (y − ŷ)², averaged over samples, no ½.
        learning_rate: η in θ ← θ − η·∇C (for ``gd``).
        max_epochs: the most passes over the data.
        batch_size: ``None`` full batch (one step an epoch), 1 stochastic, k mini-batches.
        shuffle: reshuffle each chunk's rows every epoch (mini-batches only).
        tol: converged when |∇C| <= tol for ``n_iter_no_change`` epochs running; ``None``
            runs all ``max_epochs``.
        n_iter_no_change: see ``tol``.
        method: a descent optimizer: ``gd``, ``momentum``, ``nesterov``, ``adagrad``,
            ``rmsprop`` or ``adam``.
        seed: the random start and the shuffles (same seed, same run).
        standardize: train on (x − mean)/std; ``weights_`` and ``bias_`` are still in the
            raw units. On by default: one η then suits any data's scale, and large features
            do not saturate φ. Off reproduces hand calculations on the raw features.
        fit_intercept: learn b; ``False`` keeps b at its start (0 by default).
        start: (w₁, …, w_d, b) to start from, raw units; ``None`` draws w ~ N(0, 1/d), b = 0.
        engine: where the chunks are worked on: ``memory`` (default), ``stream`` (for arrays
            the same chunks as ``memory``; files stream through :func:`gradwise.train` or
            ``gradwise train --engine stream``), ``dask`` (``pip install
            'gradwise[dask]'``) or ``cuda`` (a GPU, ``pip install 'gradwise[gpu]'``). Every
            engine makes the same updates (Dask and CUDA to float round-off).
        scheduler: ``engine="dask"`` only: a scheduler address such as
            ``tcp://10.0.0.5:8786``; ``None`` starts a LocalCluster for the fit.
        chunk_rows: R, the rows per chunk. Mini-batches never cross a chunk, and chunk k of
            epoch e is shuffled by ``default_rng([seed, e, k])``, so R is the shuffle window
            (one global shuffle an epoch when N <= R).

    Attributes:
        weights_: w, shape (d,).  bias_: b.
        history_: ``{"cost": C, "gradient_norm": |∇C|}`` at the start and after each epoch.
        status_: ``converged``, ``max_steps``, ``diverged`` or ``non_finite``.
        findings_: the descent's findings (``Finding`` objects: ``.code``, ``.message``).
        trace_: those points as a descent ``Trace`` (standardised coordinates if standardize).
        derivation_: the SymPy chain rule the gradient came from (``.explain()``; LaTeX in a
            notebook).
        n_iter_: epochs run.  n_steps_: updates made.

    Example:
        >>> notes = NeuronRegressor(learning_rate=0.1, max_epochs=1, standardize=False,
        ...                         fit_intercept=False, start=[3.0, 0.0])
        >>> notes.fit([[1.0]], [1.0]).weights_.tolist(), notes.history_["cost"].tolist()
        ([2.6], [4.0, 2.5600000000000005])
    """

    def fit(self, X: Any, y: Any) -> NeuronRegressor:
        """Train on X (N, d) and real targets y (N,); divergence is ``status_``, not an error."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        self._fit_numeric(X, np.asarray(y, dtype=np.float64))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """ŷ = φ(X·w + b), shape (N,)."""
        return self._output(X)


class NeuronClassifier(ClassifierMixin, _Neuron):
    """One sigmoid neuron as a binary classifier; labels become 0 and 1 (``classes_``).

    Arguments and attributes as :class:`NeuronRegressor`, with ``activation="sigmoid"`` by
    default and ``cost`` either ``squared_error`` (the notes') or ``log_loss``. It predicts
    ``classes_[1]`` where φ(w·x + b) >= 0.5. More than two classes are refused: wrap it in
    ``sklearn.multiclass.OneVsRestClassifier``.

    Args:
        activation: φ, ``sigmoid`` by default (a probability); any of
            :class:`NeuronRegressor`'s.
        cost: ``squared_error`` (the notes' (y − ŷ)²) or ``log_loss``, which keeps a
            saturated sigmoid learning (δ = σ(z) − y).

    The other arguments are :class:`NeuronRegressor`'s.

    Attributes:
        classes_: the two labels, sorted; ``classes_[1]`` is the class ŷ ≥ 0.5 predicts.
        weights_: as :class:`NeuronRegressor`, and so are ``bias_``, ``history_``,
            ``status_``, ``findings_``, ``trace_``, ``derivation_``, ``n_iter_``, ``n_steps_``.

    Example:
        >>> clf = NeuronClassifier(seed=0).fit([[0.0], [1.0], [2.0], [3.0]], ["a", "a", "b", "b"])
        >>> clf.predict([[0.2], [2.9]]).tolist(), clf.classes_.tolist()
        (['a', 'b'], ['a', 'b'])
    """

    def __init__(self, activation: str = "sigmoid", *, cost: CostName = DEFAULTS.cost,
                 learning_rate: float = DEFAULTS.learning_rate,  # type: ignore[assignment]
                 max_epochs: int = DEFAULTS.max_epochs,
                 batch_size: int | None = DEFAULTS.batch_size,
                 shuffle: bool = DEFAULTS.shuffle, tol: float | None = DEFAULTS.tol,
                 n_iter_no_change: int = DEFAULTS.n_iter_no_change,
                 method: str = DEFAULTS.method, seed: int | None = DEFAULTS.seed,
                 standardize: bool = DEFAULTS.standardize,
                 fit_intercept: bool = DEFAULTS.fit_intercept, start: Any = DEFAULTS.start,
                 engine: str = "memory", scheduler: str | None = None,
                 chunk_rows: int = CHUNK_ROWS) -> None:
        # scikit-learn reads the parameters from this signature, so it is spelled out again
        super().__init__(activation, cost=cost, learning_rate=learning_rate,
                         max_epochs=max_epochs, batch_size=batch_size, shuffle=shuffle, tol=tol,
                         n_iter_no_change=n_iter_no_change, method=method, seed=seed,
                         standardize=standardize, fit_intercept=fit_intercept, start=start,
                         engine=engine, scheduler=scheduler, chunk_rows=chunk_rows)

    def fit(self, X: Any, y: Any) -> NeuronClassifier:
        """Train on X (N, d) and two distinct labels y (N,)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise InputError(f"Only binary classification is supported. NeuronClassifier is "
                             f"one neuron, so it needs exactly 2 classes; received "
                             f"{len(self.classes_)} class(es): {self.classes_[:5].tolist()!r}. "
                             "Fix: OneVsRestClassifier(NeuronClassifier()) for more")
        self._fit_numeric(X, (y == self.classes_[1]).astype(np.float64))
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """φ(X·w + b) − 0.5: positive where ``classes_[1]`` is predicted."""
        return self._output(X) - 0.5

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where φ >= 0.5, else ``classes_[0]``."""
        positive = self.decision_function(X) >= 0
        return self.classes_[positive.astype(int)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """[1 − p, p] with p = φ(X·w + b) clipped to [0, 1], shape (N, 2)."""
        p = np.clip(self._output(X), 0.0, 1.0)
        return np.column_stack((1 - p, p))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
