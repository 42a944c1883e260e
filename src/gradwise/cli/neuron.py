"""``gradwise train`` and ``gradwise predict``: the neuron on a data file.

NumPy, pyarrow and Rich load inside the commands, so ``gradwise grad`` never pays for them.
"""

from __future__ import annotations

import time
from typing import Any

import click

from gradwise.cli._common import FileName, emit_json, handle_errors, write_atomically
from gradwise.cli.plot import STILL, plot_option_for, write_plot
from gradwise.cli.words import cli_words, outcome
from gradwise.neuron.settings import DEFAULTS

PROGRESS_AFTER_S = 0.5
"""The progress bar appears only once a run has taken this long (short runs stay quiet)."""


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=FileName())
@click.option("--target", required=True, help="The column to predict, y.")
@click.option("--features", metavar="A,B,...", help="Feature columns in order (default: all "
              "but the target).")
@click.option("--activation", default=DEFAULTS.activation, show_default=True,
              help="identity, sigmoid, tanh, relu, softplus, or an expression in z such as "
              "'z/(1 + abs(z))'.")
@click.option("--cost", type=click.Choice(["squared_error", "log_loss"]),
              default=DEFAULTS.cost, show_default=True)
@click.option("--lr", "--eta", "--learning-rate", "learning_rate", type=float,
              default=DEFAULTS.learning_rate, show_default=True, help="The learning rate η.")
@click.option("--epochs", "max_epochs", type=int, default=DEFAULTS.max_epochs, show_default=True,
              help="The most passes over the data.")
@click.option("--batch-size", type=int, default=None, help="Rows per step (1: stochastic); "
              "default: the whole data, one step an epoch.")
@click.option("--method", default=DEFAULTS.method, show_default=True,
              help="gd, momentum, nesterov, adagrad, rmsprop or adam.")
@click.option("--tol", type=float, default=DEFAULTS.tol, show_default=True, help="Converged "
              f"when |∇C| <= tol for {DEFAULTS.n_iter_no_change} epochs running.")
@click.option("--seed", type=int, default=DEFAULTS.seed, show_default=True)
@click.option("--no-standardize", is_flag=True, help="Train on the raw features.")
@click.option("--no-intercept", is_flag=True, help="Keep b at its start instead of learning it.")
@click.option("--start", metavar="W1,...,WD,B", help="Start from these weights and bias (raw "
              "units); default: w ~ N(0, 1/d), b = 0.")
@click.option("--engine", type=click.Choice(["memory", "stream", "dask", "cuda"]), default=None,
              help="memory (default): load FILE; stream: read it a chunk at a time on every "
              "pass (files larger than memory); dask: chunks on a Dask cluster (Parquet); "
              "cuda: the rows on an NVIDIA GPU, streamed through it if they do not fit "
              "(pip install 'gradwise[gpu]').")
@click.option("--scheduler", metavar="ADDRESS", help="--engine dask: the scheduler, e.g. "
              "tcp://10.0.0.5:8786 (default: a LocalCluster on this machine).")
@click.option("--chunk-rows", type=int, default=65536, show_default=True, help="Rows per "
              "chunk: mini-batches never cross one, and each is shuffled on its own.")
@click.option("--stream", is_flag=True, help="The same as --engine stream.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--save", type=FileName(dir_okay=False), help="Write the model here (JSON).")
@plot_option_for(*STILL, description="Also draw the cost per epoch into FILE (.png, .svg or "
                 ".pdf); with one feature and --engine memory also the data with the fitted "
                 "curve and C(w, b) with the training path.")
@handle_errors
def train(file: str, target: str, features: str | None, activation: str, cost: str,
          learning_rate: float, max_epochs: int, batch_size: int | None, method: str,
          tol: float, seed: int, no_standardize: bool, no_intercept: bool, start: str | None,
          engine: str | None, scheduler: str | None, chunk_rows: int, stream: bool,
          as_json: bool, save: str | None, plot_path: str | None) -> None:
    """Train the neuron ŷ = φ(w·x + b) on FILE (CSV, .csv.gz, Parquet, or a directory of
    Parquet files) by gradient descent.

    \b
    Examples:
      gradwise train data.csv --target y --activation sigmoid --lr 0.5 --epochs 200
      gradwise train big.parquet --target y --batch-size 256 --method adam --engine stream
      gradwise train dataset/ --target y --engine dask --scheduler tcp://10.0.0.5:8786
      gradwise train big.parquet --target y --engine cuda
      gradwise train notes.csv --target y --no-standardize --no-intercept --start 3,0 --epochs 1
    """
    from gradwise.documents import train_document
    from gradwise.errors import whole_number
    from gradwise.neuron.api import train_model
    from gradwise.neuron.settings import Settings, resolve_activation

    whole_number(max_epochs, "--epochs", 1, fix="--epochs 100")  # 0 would train nothing
    names = [n.strip() for n in features.split(",")] if features else None
    settings = Settings(activation=resolve_activation(activation), cost=cost,  # type: ignore
                        learning_rate=learning_rate, max_epochs=max_epochs,
                        batch_size=batch_size, tol=tol, method=method, seed=seed,
                        standardize=not no_standardize, fit_intercept=not no_intercept,
                        start=_start(start) if start else None).checked()
    with _Bar(max_epochs, enabled=not as_json) as bar:
        trained = train_model(file, target, names, settings, activation=activation,
                              engine=_engine(engine, stream), chunk_rows=chunk_rows,
                              scheduler=scheduler, callback=bar.update, tick=bar.read)
    if save:
        write_atomically(save, trained.model.to_json())
    document = train_document(trained)
    if as_json:
        emit_json(document)
    else:
        _print_training(document, settings)
    if plot_path:
        from gradwise.plotting.neuron import FittedNeuron

        fit = trained.fit
        neuron = FittedNeuron.from_fit(fit, fit.scaling, activation, settings.cost)
        X, y = trained.data or (None, None)
        write_plot(plot_path, neuron, X=X, y=y)


def _engine(engine: str | None, stream: bool) -> str:
    """--engine, with --stream as its alias; a contradiction is refused."""
    if stream and engine not in (None, "stream"):
        from gradwise.errors import InputError

        raise InputError(f"--stream means --engine stream, but --engine {engine} was also "
                         "given. Fix: keep one of them")
    return "stream" if stream else engine or "memory"


def _start(text: str) -> list[float]:
    """--start in raw units: one number per feature, then b (the count is checked by training)."""
    from gradwise.errors import InputError

    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise InputError(f"--start must be numbers, one per feature and then b, "
                         f"comma-separated; received {text!r}") from None


class _Bar:
    """A Rich progress bar on stderr that shows itself only after ``PROGRESS_AFTER_S``.

    It advances by epochs (``update``, the loop's callback) and counts the rows read
    (``read``, the engines' tick), so one long pass over a big file shows progress too.
    """

    def __init__(self, epochs: int, enabled: bool, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.epochs, self.began = epochs, time.monotonic()
        self.progress: Any = None
        self.task: Any = None
        self.rows = 0

    def __enter__(self) -> _Bar:
        return self

    def update(self, epoch: int, cost: float) -> None:
        if self._shown():
            self.progress.update(self.task, completed=epoch, cost=f"{cost:.6g}")

    def read(self, rows: int) -> None:
        self.rows += rows
        if self._shown():
            self.progress.update(self.task, rows=f"{self.rows:,}")

    def _shown(self) -> bool:
        if not self.enabled:
            return False
        if self.progress is None and time.monotonic() - self.began >= PROGRESS_AFTER_S:
            from rich.progress import Progress

            self.progress = Progress(*Progress.get_default_columns(), "cost {task.fields[cost]}",
                                     "rows read {task.fields[rows]}", console=self.console,
                                     transient=True)
            self.progress.start()
            self.task = self.progress.add_task("training", total=self.epochs, cost="",
                                               rows=f"{self.rows:,}")
        return self.progress is not None

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_training(document: dict[str, Any], settings: Any) -> None:
    from gradwise.neuron.derivation import derive

    for line in derive(settings.activation, settings.cost).explain():
        click.echo(line)
    history = document["history"]
    how = outcome(document["status"], document["epochs"], "epochs", "--epochs")
    click.secho(f"{how}, {document['steps']:,} steps: C {_cost(history[0])} → "
                f"{_cost(history[-1])}",
                bold=True, fg="green" if document["status"] == "converged" else "yellow")
    if document["status"] == "non_finite" and settings.cost == "log_loss" and \
            settings.activation != "sigmoid":
        click.secho("log loss needs ŷ = φ(w·x + b) strictly between 0 and 1, and "
                    f"φ = {settings.activation} does not keep it there. Fix: --activation "
                    "sigmoid", fg="yellow")
    for name, weight in document["weights"].items():
        click.echo(f"  w[{name}] = {weight:.6g}")
    click.echo(f"  b = {document['bias']:.6g}")
    metrics = ", ".join(f"{k} {'undefined' if v is None else format(v, '.4g')}"
                        for k, v in document["metrics"].items())
    click.echo(f"on the training data: {metrics}")
    for message, code in zip(document["messages"], document["findings"], strict=True):
        click.secho(f"{code}: {cli_words(message)}", fg="yellow")


def _cost(value: float | None) -> str:
    """A cost as the history holds it: None where it was not a finite number (JSON's null)."""
    return "not a finite number" if value is None else format(value, ".6g")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("model_path", metavar="MODEL", type=FileName(dir_okay=False))
@click.argument("file", type=FileName(dir_okay=False))
@click.option("--out", type=FileName(dir_okay=False), help="Write the predictions here "
              "(CSV) instead of printing them.")
@handle_errors
def predict(model_path: str, file: str, out: str | None) -> None:
    """Predict ŷ = φ(w·x + b) for each row of FILE with a MODEL saved by 'gradwise train'.

    \b
    Example:
      gradwise predict model.json new.csv --out predictions.csv
    """
    from gradwise.neuron import data
    from gradwise.neuron.model import Model

    model = Model.load(model_path)
    model.check_columns(data.columns(file), file)
    predictions = model.predict(data.load_features(file, model.features))
    text = "prediction\n" + "".join(f"{p!r}\n" for p in predictions.tolist())
    if out:
        write_atomically(out, text)
    else:
        click.echo(text, nl=False)
