"""`gradwise train` and `gradwise predict` through Click's runner, and once as a real process."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from _fuzz import within
from gradwise.cli import main
from gradwise.cli.neuron import _Bar
from test_data import BAD_CSV as LOADER_CASES


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def strict_json(text):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def notes(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("x,y\n1,1\n")
    return path


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 2))
    y = (X @ [2.0, -1.0] + 0.5 > 0).astype(float)
    path = tmp_path / "table.csv"
    lines = [f"{float(a)!r},{float(b)!r},{float(t)!r}" for (a, b), t in zip(X, y, strict=True)]
    path.write_text("a,b,label\n" + "\n".join(lines) + "\n")
    return path, X, y


NOTES = ("--no-standardize", "--no-intercept", "--start", "3,0", "--lr", "0.1")


def test_train_json_takes_the_notes_first_step(notes):
    result = run("train", notes, "--target", "y", *NOTES, "--epochs", "1", "--json")
    assert result.exit_code == 0, result.output
    document = strict_json(result.output)
    assert document["weights"] == {"x": pytest.approx(2.6, rel=1e-15)}
    assert document["bias"] == 0.0
    assert document["history"] == [4.0, pytest.approx(2.56, rel=1e-15)]
    assert document["status"] == "max_steps" and document["findings"] == []
    assert set(document["metrics"]) >= {"cost", "mse", "r2"}


def test_train_shows_the_derivation_and_the_sigmoid_plateau(notes):
    result = run("train", notes, "--target", "y", *NOTES, "--activation", "sigmoid",
                 "--epochs", "20")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "C = (y − ŷ)²,  ŷ = φ(z),  z = w·x + b"
    assert lines[3] == "∂C/∂z = ∂C/∂ŷ · φ'(z) = −2·(1 − σ(z))·(y − σ(z))·σ(z)"
    # in the neuron's words: w[feature] in the data's units (issue 18, item 16)
    assert "vanishing_gradient: at the start (w[x] = 3, b = 0)" in result.output


@pytest.mark.parametrize("engine", ["memory", "stream"])
def test_log_loss_on_an_identity_neuron_says_why_it_has_no_cost(table, engine):
    # ŷ = w·x + b leaves (0, 1) at once: C is not a number from the start, the history holds
    # null, and printing it raised a TypeError traceback (found by fuzzing data files)
    path, _, _ = table
    result = run("train", path, "--target", "label", "--cost", "log_loss", "--epochs", "5",
                 "--engine", engine)
    assert result.exit_code == 0, result.output
    assert "C not a finite number → not a finite number" in result.output
    assert "φ = identity does not keep it there. Fix: --activation sigmoid" in result.output
    document = strict_json(run("train", path, "--target", "label", "--cost", "log_loss",
                               "--epochs", "5", "--engine", engine, "--json").output)
    assert document["status"] == "non_finite" and document["history"] == [None]
    fitted = run("train", path, "--target", "label", "--cost", "log_loss", "--epochs", "5",
                 "--engine", engine, "--activation", "sigmoid")
    assert "not a finite number" not in fitted.output and "Fix:" not in fitted.output


def test_divergence_is_reported_in_valid_json(notes):
    result = run("train", notes, "--target", "y", *NOTES[:-1], "1.5", "--epochs", "1000",
                 "--json")
    assert result.exit_code == 0, result.output
    document = strict_json(result.output)
    assert document["status"] == "diverged" and "divergence" in document["findings"]


def test_save_then_predict_reproduces_the_neuron(table, tmp_path):
    path, X, y = table
    model = tmp_path / "model.json"
    trained = run("train", path, "--target", "label", "--activation", "sigmoid", "--lr", "0.5",
                  "--save", model, "--json")
    assert trained.exit_code == 0, trained.output
    saved = json.loads(model.read_text())
    assert saved["format"] == "gradwise.neuron" and saved["version"] == 1
    assert saved["features"] == ["a", "b"] and saved["target"] == "label"
    assert saved["weights"] == strict_json(trained.output)["weights"]
    assert len(saved["standardization"]["offset"]) == 2
    out = tmp_path / "predictions.csv"
    predicted = run("predict", model, path, "--out", out)
    assert predicted.exit_code == 0, predicted.output
    lines = out.read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 201
    w, b = np.array([saved["weights"]["a"], saved["weights"]["b"]]), saved["bias"]
    want = 1 / (1 + np.exp(-(X @ w + b)))
    np.testing.assert_allclose([float(v) for v in lines[1:]], want, rtol=1e-12)
    assert strict_json(trained.output)["metrics"]["accuracy"] > 0.95


def test_streaming_gives_the_in_memory_weights(table):
    path = table[0]
    args = ("train", path, "--target", "label", "--epochs", "30", "--json")
    memory, streamed = run(*args), run(*args, "--stream")
    assert streamed.exit_code == 0, streamed.output
    a, b = strict_json(memory.output), strict_json(streamed.output)
    for name in ("a", "b"):
        assert b["weights"][name] == pytest.approx(a["weights"][name], rel=1e-12)
    assert b["history"] == pytest.approx(a["history"], rel=1e-12)


@pytest.mark.parametrize(("header", "message"), [
    ("a,B,label", "its columns disagree with the model's 2 feature(s): missing 'b'; extra 'B'"),
    ("a,label", "missing 'b'."),
    ("a,b,c", "extra 'c'."),
])
def test_predict_names_missing_and_extra_columns(table, tmp_path, header, message):
    model = tmp_path / "model.json"
    assert run("train", table[0], "--target", "label", "--save", model).exit_code == 0
    other = tmp_path / "other.csv"
    other.write_text(header + "\n" + ",".join(["1"] * len(header.split(","))) + "\n")
    result = run("predict", model, other)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


BAD_CSV = [  # the loader's cases (tests/test_data.py), now through the command line
    *LOADER_CASES,
    (b"x1,x2,y\n", "", "has a header but no data rows"),
    (b"", "", "is empty; expected a header line"),
]


def failed_with(result, path, where, found):
    """Exit code 2 and one red line: the file, the line and column, what was found, the fix."""
    place = f"{path}: {where}: " if where else f"{path}: "
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {place}"), result.output
    assert found in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("content", "where", "found"), BAD_CSV)
@pytest.mark.parametrize("stream", [False, True])
def test_train_reports_bad_data_with_line_and_column(tmp_path, content, where, found, stream):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run("train", path, "--target", "y", *(["--stream"] if stream else []))
    failed_with(result, path, where, found)
    if where.startswith("line 3, column"):
        assert "Fix: correct or delete that row" in result.output


@pytest.mark.parametrize(("content", "where", "found"),
                         [case for case in BAD_CSV if "('y')" not in case[1]])
def test_predict_reports_bad_data_with_line_and_column(tmp_path, content, where, found):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"format": "gradwise.neuron", "version": 1,
                                 "features": ["x1", "x2"], "target": "y", "activation": "identity",
                                 "weights": {"x1": 1.0, "x2": 2.0}, "bias": 0.5}))
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    failed_with(run("predict", model, path), path, where, found)


def test_missing_file_and_parquet_problems_through_the_cli(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    absent = tmp_path / "absent.csv"
    failed_with(run("train", absent, "--target", "y"), absent, "", "no such file")
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1.0, None, 3.0], "y": [0.0, 1, 0]}), path)
    failed_with(run("train", path, "--target", "y"), path, "row 2, column 1 ('x')",
                "found an empty cell")


def test_unknown_target_and_activation_suggest_the_fix(notes):
    wrong_target = run("train", notes, "--target", "Y")
    assert "has no target column 'Y'; did you mean 'y'?" in wrong_target.output
    wrong_activation = run("train", notes, "--target", "y", "--activation", "sigmod")
    assert "unknown activation 'sigmod'; did you mean 'sigmoid'?" in wrong_activation.output
    assert wrong_target.exit_code == wrong_activation.exit_code == 2


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not a JSON model (Expecting value at line 1, column 1)"),
    ('{"format": "gradwise.neuron", "version": 9}', 'the model\'s "version" is not a version'),
    ('{"format": "gradwise.neuron", "version": 1, "features": ["x"]}',
     'the model\'s "target" is missing'),
])
def test_broken_model_files_are_clear_errors(notes, tmp_path, text, message):
    model = tmp_path / "model.json"
    model.write_text(text)
    result = run("predict", model, notes)
    assert result.exit_code == 2 and message in result.output


def test_custom_activation_in_a_model_goes_back_through_the_parser(notes, tmp_path):
    model = tmp_path / "model.json"
    result = run("train", notes, "--target", "y", "--activation", "z/(1 + abs(z))",
                 "--save", model)
    assert result.exit_code == 0, result.output
    document = json.loads(model.read_text())
    marker = tmp_path / "pwned"
    document["activation"] = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    model.write_text(json.dumps(document))
    refused = run("predict", model, notes)
    assert refused.exit_code == 2 and refused.output.startswith("error: ")
    assert not marker.exists()


def test_progress_bar_appears_only_for_long_runs():
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, width=80)
    with _Bar(10, enabled=True, console=console) as bar:
        bar.read(70_000)
        assert bar.progress is None  # quiet so far
        bar.began -= 1.0  # pretend the run has taken a second
        bar.update(3, 0.5)
        assert bar.progress is not None
        bar.read(5_000)  # one long pass over a big file still moves the bar
        task = bar.progress.tasks[0]
        assert task.completed == 3 and task.fields == {"cost": "0.5", "rows": "75,000"}
    quiet = _Bar(10, enabled=True, console=console)
    quiet.update(3, 0.5)
    assert quiet.progress is None


def test_train_as_a_real_process_without_scikit_learn(notes):
    code = ("import sys, runpy; sys.argv = ['gradwise', 'train', sys.argv[1], '--target', 'y', "
            "'--json']; import gradwise.cli as c\ntry:\n    c.main()\nexcept SystemExit:\n    pass"
            "\nprint('sklearn' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(notes)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert math.isfinite(strict_json(done.stdout)["weights"]["x"])
    assert done.stderr.strip().endswith("False")


# -- engines and pictures ----------------------------------------------------------------------

def test_engine_stream_is_the_memory_run_bit_for_bit_and_stream_is_its_alias(table, tmp_path):
    path, model = table[0], tmp_path / "model.json"
    args = ("train", path, "--target", "label", "--epochs", "12", "--batch-size", "16",
            "--chunk-rows", "50", "--json", "--save", model)
    runs, engines = [], []
    for extra in ((), ("--engine", "stream"), ("--stream",)):
        runs.append(strict_json(run(*args, *extra).output))
        engines.append(json.loads(model.read_text())["training"]["engine"])
    assert engines == ["memory", "stream", "stream"]
    assert runs[0]["weights"] == runs[1]["weights"] == runs[2]["weights"]
    assert runs[0]["history"] == runs[1]["history"] and runs[0]["steps"] == 12 * 4 * 4
    assert set(runs[1]) >= {"weights", "bias", "history", "status", "findings", "metrics"}
    assert runs[1]["metrics"] == runs[0]["metrics"]  # metrics folded over the streamed chunks


def test_stream_and_another_engine_contradict(table):
    result = run("train", table[0], "--target", "label", "--stream", "--engine", "dask")
    assert result.exit_code == 2
    assert "--stream means --engine stream, but --engine dask was also given" in result.output


def test_chunk_rows_must_be_positive(table):
    result = run("train", table[0], "--target", "label", "--chunk-rows", "0")
    assert result.exit_code == 2
    assert "--chunk-rows must be a whole number >= 1; received 0" in result.output


def test_engine_dask_trains_a_parquet_file_to_the_memory_numbers(tmp_path, table):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, X, y = table
    path = tmp_path / "table.parquet"
    pq.write_table(pa.table({"a": X[:, 0], "b": X[:, 1], "label": y}), path, row_group_size=70)
    args = ("train", path, "--target", "label", "--epochs", "5", "--chunk-rows", "64", "--json")
    memory = strict_json(run(*args).output)
    dask = strict_json(run(*args, "--engine", "dask").output)
    assert dask["steps"] == memory["steps"] == 5
    for name in ("a", "b"):
        assert dask["weights"][name] == pytest.approx(memory["weights"][name], rel=1e-12)
    assert dask["history"] == pytest.approx(memory["history"], rel=1e-12)
    assert dask["metrics"] == pytest.approx(memory["metrics"], rel=1e-12)


def test_plot_draws_the_cost_per_epoch_the_data_and_the_fit(notes, tmp_path):
    pytest.importorskip("matplotlib")
    picture = tmp_path / "train.svg"
    result = run("train", notes, "--target", "y", *NOTES, "--epochs", "3", "--tol", "0",
                 "--json", "--plot", picture)
    assert result.exit_code == 0, result.output
    history = strict_json(result.stdout)["history"]
    assert history == pytest.approx([4.0, 2.56, 1.6384, 1.048576], rel=1e-15)
    svg = picture.read_text()
    for gid in ("cost", "data", "fit", "path"):  # cost per epoch, data and curve, C(w, b)
        assert f'id="{gid}"' in svg, gid


def test_plot_of_a_streamed_run_is_its_cost_curve(table, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from gradwise.cli import plot as cli_plot

    drawn = {}
    original = cli_plot.write_plot

    def spy(path, subject, **options):
        drawn.update(subject=subject, **options)
        original(path, subject, **options)

    monkeypatch.setattr("gradwise.cli.neuron.write_plot", spy)
    picture = tmp_path / "train.png"
    result = run("train", table[0], "--target", "label", "--epochs", "7", "--stream", "--json",
                 "--plot", picture)
    assert result.exit_code == 0, result.output
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert drawn["X"] is None and drawn["y"] is None  # rows not in memory: the cost only
    from gradwise.plotting.neuron import plot_cost

    _, cost = [a for a in plot_cost(drawn["subject"]).get_children()
               if a.get_gid() == "cost"][0].get_data()
    assert cost.tolist() == strict_json(result.stdout)["history"]


@pytest.mark.parametrize(("name", "message"), [
    ("train.txt", "cannot tell the picture's format from"),
    ("train.gif", "train's picture is drawn as .png, .svg or .pdf, not .gif"),
])
def test_plot_path_is_checked_before_training(notes, tmp_path, name, message):
    result = run("train", notes, "--target", "y", "--plot", tmp_path / name)
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / name).exists()


def test_metrics_of_chunks_add_up_to_the_metrics_of_all_rows(table):
    from gradwise.neuron.model import Model, metrics

    _, X, y = table
    model = Model(("a", "b"), "label", "sigmoid", "squared_error", (2.0, -1.0), 0.5)
    whole = metrics(model, [(X, y)])
    chunked = metrics(model, [(X[lo : lo + 64], y[lo : lo + 64]) for lo in range(0, 200, 64)])
    assert chunked == pytest.approx(whole, rel=1e-12) and set(whole) == {"mse", "mae", "r2",
                                                                         "accuracy"}
    predicted = 1 / (1 + np.exp(-(X @ [2.0, -1.0] + 0.5)))
    assert whole["mse"] == pytest.approx(np.mean((predicted - y) ** 2), rel=1e-12)
    assert whole["accuracy"] == np.mean((predicted >= 0.5) == (y == 1.0))


# Issue 12.13: tampered model files are one error line naming the key, never a traceback and
# never accepted silently; 12.14: a device or a pipe is "not a regular file".
def tampered(change):
    document = {"format": "gradwise.neuron", "version": 1, "features": ["x"], "target": "y",
                "activation": "identity", "cost": "squared_error", "weights": {"x": 2.0},
                "bias": 0.5, "standardization": {"offset": [0.0], "scale": [1.0]},
                "training": {}}
    return change(document) or document


TAMPERED = {
    "400-digit weight": ('"x": 2.0', '"x": ' + "9" * 400, '"weights.x" is not a finite number'),
    "boolean weight": ('"x": 2.0', '"x": true', '"weights.x" is not a finite number'),
    "string weight": ('"x": 2.0', '"x": "2.0"', '"weights.x" is not a finite number'),
    "boolean bias": ('"bias": 0.5', '"bias": true', '"bias" is not a finite number'),
    "NaN bias": ('"bias": 0.5', '"bias": NaN', "NaN is not a number a model may hold"),
    "standardization yes": ('"standardization": {"offset": [0.0], "scale": [1.0]}',
                            '"standardization": "yes"', '"standardization" is not null'),
    "standardization list": ('"standardization": {"offset": [0.0], "scale": [1.0]}',
                             '"standardization": [1, 2]', '"standardization" is not null'),
    "offset too long": ('"offset": [0.0]', '"offset": [0.0, 1.0]',
                        '"standardization.offset" is not 1 finite numbers'),
    "scale zero": ('"scale": [1.0]', '"scale": [0]', '"standardization.scale" has a number'),
    "5,001-digit version": ('"version": 1', '"version": ' + "1" * 5001,
                            "not a gradwise model (Exceeds the limit"),
    "boolean version": ('"version": 1', '"version": true', '"version" is not a version'),
    "weights of another feature": ('"weights": {"x": 2.0}', '"weights": {"q": 2.0}',
                                   '"weights" does not name exactly the features'),
    "features not text": ('"features": ["x"]', '"features": [1]', '"features" is not a list'),
    "unknown cost": ('"cost": "squared_error"', '"cost": "hinge"', '"cost" is not a cost'),
    "unknown key": ('"bias": 0.5', '"bias": 0.5, "__class__": 1', "unknown key '__class__'"),
}


@pytest.mark.parametrize(("old", "new", "message"), TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_model_files_are_refused_naming_the_key(notes, tmp_path, old, new, message):
    text = json.dumps(tampered(lambda d: None))
    assert old in text
    model = tmp_path / "model.json"
    model.write_text(text.replace(old, new))
    result = run("predict", model, notes)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.output.startswith("error: ") and len(result.output.splitlines()) == 1


def test_a_model_nested_100000_deep_is_not_called_an_expression(notes, tmp_path):
    model = tmp_path / "model.json"
    model.write_text("[" * 100_000 + "]" * 100_000)
    result = run("predict", model, notes)
    assert result.exit_code == 2 and "nests too deeply" in result.output
    assert "expression" not in result.output


def test_the_untampered_model_predicts(notes, tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps(tampered(lambda d: None)))
    out = tmp_path / "out.csv"
    assert run("predict", model, notes, "--out", out).exit_code == 0
    assert out.read_text().splitlines() == ["prediction", "2.5"]


@pytest.mark.parametrize("command", ["train", "predict-data", "predict-model"])
@pytest.mark.parametrize("target", ["/dev/null", "zero-link", "fifo"])
def test_devices_and_pipes_are_not_regular_files(notes, tmp_path, command, target):
    import os

    path = {"/dev/null": "/dev/null", "zero-link": tmp_path / "zero.csv",
            "fifo": tmp_path / "pipe.csv"}[target]
    if target == "zero-link":
        os.symlink("/dev/zero", path)
    elif target == "fifo":
        os.mkfifo(path)
    model = tmp_path / "model.json"
    model.write_text(json.dumps(tampered(lambda d: None)))
    args = {"train": ("train", path, "--target", "y"), "predict-data": ("predict", model, path),
            "predict-model": ("predict", path, notes)}[command]
    with within(30):  # reading a pipe or /dev/zero would never end
        result = run(*args)
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output


def test_a_learning_rate_that_overflows_is_a_result_not_a_data_error(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("x,y\n1,2\n2,4\n3,6\n4,8\n")
    for extra in ((), ("--batch-size", "1"), ("--method", "momentum")):
        result = run("train", path, "--target", "y", "--lr", "1e308", "--json", *extra)
        assert result.exit_code == 0, result.output
        document = strict_json(result.output)
        assert document["status"] in ("non_finite", "diverged")
        assert all(math.isfinite(c) for c in document["history"])


def test_features_whose_squares_overflow_are_refused_at_their_cell(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("x,y\n1,1\n1e308,2\n-1e308,3\n")
    result = run("train", path, "--target", "y")
    assert result.exit_code == 2
    assert "line 3, column 1 ('x'): found 1e+308; expected a number within ±1e+150" \
        in result.output
    assert "RuntimeWarning" not in result.output
