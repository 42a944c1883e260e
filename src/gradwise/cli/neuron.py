"""``gradwise train`` and ``gradwise predict``: the neuron on a data file.

NumPy, pyarrow and Rich load inside the commands, so ``gradwise grad`` never pays for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import click

from gradwise.cli._common import emit_json, handle_errors, write_atomically

PROGRESS_AFTER_S = 0.5
"""The progress bar appears only once a run has taken this long (short runs stay quiet)."""


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--target", required=True, help="The column to predict, y.")
@click.option("--features", metavar="A,B,...", help="Feature columns in order (default: all "
              "but the target).")
@click.option("--activation", default="identity", show_default=True, help="identity, sigmoid, "
              "tanh, relu, softplus, or an expression in z such as 'z/(1 + abs(z))'.")
@click.option("--cost", type=click.Choice(["squared_error", "log_loss"]),
              default="squared_error", show_default=True)
@click.option("--lr", "--eta", "--learning-rate", "learning_rate", type=float, default=0.1,
              show_default=True, help="The learning rate η.")
@click.option("--epochs", "max_epochs", type=int, default=100, show_default=True,
              help="The most passes over the data.")
@click.option("--batch-size", type=int, default=None, help="Rows per step (1: stochastic); "
              "default: the whole data, one step an epoch.")
@click.option("--method", default="gd", show_default=True, help="gd, momentum, nesterov, "
              "adagrad, rmsprop or adam.")
@click.option("--tol", type=float, default=1e-4, show_default=True, help="Converged when "
              "|∇C| <= tol for 5 epochs running.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-standardize", is_flag=True, help="Train on the raw features.")
@click.option("--no-intercept", is_flag=True, help="Keep b at its start instead of learning it.")
@click.option("--start", metavar="W1,...,WD,B", help="Start from these weights and bias (raw "
              "units); default: w ~ N(0, 1/d), b = 0.")
@click.option("--stream", is_flag=True, help="Read the file in chunks every epoch instead of "
              "loading it (for files larger than memory).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--save", type=click.Path(dir_okay=False), help="Write the model here (JSON).")
@handle_errors
def train(file: str, target: str, features: str | None, activation: str, cost: str,
          learning_rate: float, max_epochs: int, batch_size: int | None, method: str,
          tol: float, seed: int, no_standardize: bool, no_intercept: bool, start: str | None,
          stream: bool, as_json: bool, save: str | None) -> None:
    """Train the neuron ŷ = φ(w·x + b) on FILE (CSV, .csv.gz or Parquet) by gradient descent.

    \b
    Examples:
      gradwise train data.csv --target y --activation sigmoid --lr 0.5 --epochs 200
      gradwise train big.parquet --target y --batch-size 256 --method adam --stream
      gradwise train notes.csv --target y --no-standardize --no-intercept --start 3,0 --epochs 1
    """
    from gradwise.training import Settings, resolve_activation

    settings = Settings(resolve_activation(activation), cost, learning_rate,  # type: ignore
                        max_epochs, batch_size, True, tol, 5, method, seed,
                        not no_intercept).checked()
    names = [n.strip() for n in features.split(",")] if features else None
    run = _Run(file, target, names, settings, not no_standardize, stream)
    run.start = _start(start, len(run.features), run) if start else None
    with _Bar(max_epochs, enabled=not as_json) as bar:
        fit = run.train(bar.update)
    document = run.document(fit, activation)
    if save:
        write_atomically(save, run.model(fit, activation).to_json())
    if as_json:
        from gradwise.model import finite_or_null

        emit_json(finite_or_null(document))
    else:
        _print_training(document, settings)


class _Run:
    """The data of one ``train``: in memory or streamed, standardised, and what it yields."""

    def __init__(self, file: str, target: str, features: list[str] | None, settings: Any,
                 standardize: bool, stream: bool) -> None:
        from gradwise import data
        from gradwise.scaling import Scaling

        self.file, self.target, self.settings, self.stream = file, target, settings, stream
        self.chunks: Callable[[], Iterable[tuple[Any, Any]]]
        if stream:
            self.features = features or [n for n in data.columns(file) if n != target]
            self.chunks = lambda: data.iter_batches(file, target, self.features)
        else:
            loaded = data.load(file, target, features)
            self.features, self.X, self.y = list(loaded.feature_names), loaded.X, loaded.y
            self.chunks = lambda: [(self.X, self.y)]
        raw = (X for X, _ in self.chunks())
        d = len(self.features)
        center = settings.fit_intercept  # without b, centring would move the neuron's z
        self.scaling = Scaling.of_chunks(raw, center) if standardize else Scaling.none(d)
        self.start: Any = None

    def train(self, progress: Any) -> Any:
        from gradwise.training import array_source, default_start, file_source, train

        s = self.settings
        if self.stream:
            source = file_source(self.chunks, self.scaling, s.batch_size, s.shuffle)
            X, y = next(iter(self.chunks()))
        else:
            X, y = self.X, self.y
            source = array_source(self.scaling.apply(X), y, s.batch_size, s.shuffle)
        sample = (self.scaling.apply(X[:10_000]), y[:10_000])
        start = default_start(len(self.features), s.seed) if self.start is None else self.start
        return train(source, sample, start, s, progress)

    def model(self, fit: Any, activation: str) -> Any:
        from gradwise.model import Model

        weights, bias = self.scaling.to_raw(fit.weights, fit.bias)
        training = {"status": fit.status, "findings": [f.code for f in fit.findings],
                    "epochs": fit.n_epochs, "learning_rate": self.settings.learning_rate,
                    "method": str(self.settings.method), "batch_size": self.settings.batch_size}
        return Model(tuple(self.features), self.target, activation, self.settings.cost,
                     tuple(weights.tolist()), bias, tuple(self.scaling.offset.tolist()),
                     tuple(self.scaling.scale.tolist()), training)

    def document(self, fit: Any, activation: str) -> dict[str, Any]:
        from gradwise.model import metrics

        model = self.model(fit, activation)
        finite = fit.status in ("converged", "max_steps")
        return {
            "weights": dict(zip(model.features, model.weights, strict=True)),
            "bias": model.bias, "history": list(fit.history), "status": fit.status,
            "findings": [f.code for f in fit.findings],
            "metrics": {"cost": fit.history[-1], **(metrics(model, self.chunks()) if finite
                                                    else {})},
            "gradient_norms": list(fit.gradient_norms), "epochs": fit.n_epochs,
            "steps": fit.n_steps, "messages": [f.message for f in fit.findings],
            "target": self.target,
        }


def _start(text: str, d: int, run: _Run) -> Any:
    """--start in raw units, mapped to the coordinates training uses."""
    import numpy as np

    from gradwise.errors import InputError

    try:
        point = np.array([float(v) for v in text.split(",")])
    except ValueError:
        point = np.array([])
    if point.shape != (d + 1,) or not np.isfinite(point).all():
        raise InputError(f"--start must be {d + 1} numbers (w for {', '.join(run.features)}, "
                         f"then b), comma-separated; received {text!r}")
    return np.append(*run.scaling.to_scaled(point[:-1], float(point[-1])))


class _Bar:
    """A Rich progress bar on stderr that shows itself only after ``PROGRESS_AFTER_S``."""

    def __init__(self, epochs: int, enabled: bool, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.epochs, self.began = epochs, time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def update(self, epoch: int, cost: float) -> None:
        if not self.enabled:
            return
        if self.progress is None and time.monotonic() - self.began >= PROGRESS_AFTER_S:
            from rich.progress import Progress

            self.progress = Progress(*Progress.get_default_columns(), "cost {task.fields[cost]}",
                                     console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("training", total=self.epochs, cost="")
        if self.progress is not None:
            self.progress.update(self.task, completed=epoch, cost=f"{cost:.6g}")

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_training(document: dict[str, Any], settings: Any) -> None:
    from gradwise.derivation import derive

    for line in derive(settings.activation, settings.cost).explain():
        click.echo(line)
    history = document["history"]
    click.secho(f"{document['status']} after {document['epochs']} epochs "
                f"({document['steps']} steps): C {history[0]:.6g} → {history[-1]:.6g}",
                bold=True, fg="green" if document["status"] == "converged" else "yellow")
    for name, weight in document["weights"].items():
        click.echo(f"  w[{name}] = {weight:.6g}")
    click.echo(f"  b = {document['bias']:.6g}")
    metrics = ", ".join(f"{k} {v:.4g}" for k, v in document["metrics"].items())
    click.echo(f"on the training data: {metrics}")
    for message, code in zip(document["messages"], document["findings"], strict=True):
        click.secho(f"{code}: {message}", fg="yellow")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("model_path", metavar="MODEL", type=click.Path(dir_okay=False))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Write the predictions here "
              "(CSV) instead of printing them.")
@handle_errors
def predict(model_path: str, file: str, out: str | None) -> None:
    """Predict ŷ = φ(w·x + b) for each row of FILE with a MODEL saved by 'gradwise train'.

    \b
    Example:
      gradwise predict model.json new.csv --out predictions.csv
    """
    from gradwise import data
    from gradwise.model import Model

    model = Model.load(model_path)
    model.check_columns(data.columns(file), file)
    predictions = model.predict(data.load_features(file, model.features))
    text = "prediction\n" + "".join(f"{p!r}\n" for p in predictions.tolist())
    if out:
        write_atomically(out, text)
    else:
        click.echo(text, nl=False)
