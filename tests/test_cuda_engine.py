"""``engine="cuda"``: the one training loop with the rows on a GPU makes the memory engine's
updates, to float round-off; resident or streamed; from arrays, files or arrays on the GPU.

On numba's CUDA simulator (``_cuda_support.py``), so the data are small and the runs short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing

import numpy as np
import pytest
from click.testing import CliRunner

from gradwise.cli import main
from gradwise.errors import InputError
from gradwise.neuron import gpu
from gradwise.neuron.api import train

RTOL = 1e-11


def data(rows=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 3)) * [1.0, 3.0, 0.5] + [0.0, 5.0, -2.0]
    y = (X @ [1.0, 0.3, -1.0] + rng.normal(size=rows) > 0.5).astype(np.float64)
    return X, y


def assert_same_run(got, want):
    assert (got.status, got.n_steps, len(got.history)) == (want.status, want.n_steps,
                                                            len(want.history))
    np.testing.assert_allclose(got.history, want.history, rtol=RTOL)
    np.testing.assert_allclose(got.weights, want.weights, rtol=RTOL, atol=1e-14)
    assert got.bias == pytest.approx(want.bias, rel=RTOL, abs=1e-14)
    assert [f.code for f in got.findings] == [f.code for f in want.findings]


SETTINGS = [
    {"learning_rate": 0.5},
    {"batch_size": 8, "learning_rate": 0.3},
    {"batch_size": 8, "shuffle": False, "method": "momentum"},
    {"batch_size": 5, "standardize": True, "method": "adam", "learning_rate": 0.05},
    {"activation": "sigmoid", "cost": "log_loss", "fit_intercept": False, "learning_rate": 1.0},
    {"activation": "sigmoid", "standardize": False, "learning_rate": 2.0},
    {"activation": "tanh", "batch_size": 16, "seed": 3, "standardize": True},
]


@pytest.mark.parametrize("settings", SETTINGS)
def test_the_gpu_makes_the_memory_engines_updates(cuda_device, settings):
    X, y = data()
    want = train((X, y), engine="memory", max_epochs=2, chunk_rows=20, **settings)
    got = train((X, y), engine="cuda", max_epochs=2, chunk_rows=20, **settings)
    assert got.engine == "cuda" and want.engine == "memory"
    assert_same_run(got, want)


@pytest.mark.parametrize("settings", SETTINGS[:4])
def test_rows_that_do_not_fit_are_streamed_to_the_same_numbers(cuda_device, monkeypatch,
                                                               settings):
    from gradwise.neuron.engines import cuda as engine

    X, y = data()
    two_chunks = 2 * 10 * 4 * 8 + engine.HEADROOM  # room for two chunks of 10, not 30 rows
    monkeypatch.setattr(gpu, "memory", lambda: (float(two_chunks), 1e9))
    with closing(engine.open_engine((X, y), None, None, 10)) as opened:
        assert not opened.resident
    want = train((X, y), engine="memory", max_epochs=2, chunk_rows=10, **settings)
    assert_same_run(train((X, y), engine="cuda", max_epochs=2, chunk_rows=10, **settings),
                    want)


def test_rows_resident_on_the_gpu_are_copied_once(cuda_device, monkeypatch):
    from gradwise.neuron.engines import cuda as engine

    X, y = data()
    copies = []
    copy = engine._Staging.copy
    monkeypatch.setattr(engine._Staging, "copy",
                        lambda self, chunk, *a: copies.append(len(chunk[1])) or copy(self, chunk,
                                                                                      *a))
    train((X, y), engine="cuda", max_epochs=4, batch_size=8, chunk_rows=20)
    assert copies == [20, 10]  # the two chunks, once for the whole run


def test_too_little_memory_even_to_stream_says_so(cuda_device, monkeypatch):
    monkeypatch.setattr(gpu, "memory", lambda: (1000.0, 8000.0))
    X, y = data()
    with pytest.raises(InputError, match=r"streaming chunks of 20 rows needs [\d,]+ bytes of "
                                         r"GPU memory; 1,000 of 8,000 bytes are free\. Fix: "
                                         r"stream smaller chunks with a smaller --chunk-rows"):
        train((X, y), engine="cuda", chunk_rows=20)


def test_arrays_already_on_the_gpu_train_in_place(cuda_device):
    cuda = cuda_device.require()
    X, y = data()
    settings = {"max_epochs": 2, "chunk_rows": 20, "batch_size": 8, "standardize": True}
    want = train((X, y), engine="memory", **settings)
    assert_same_run(train((cuda.to_device(X), cuda.to_device(y)), engine="cuda", **settings),
                    want)


def test_float32_arrays_on_the_gpu_train_close_to_float64(cuda_device):
    cuda = cuda_device.require()
    X, y = data()
    X32 = X.astype(np.float32)
    want = train((X32.astype(np.float64), y), engine="memory", max_epochs=3)
    got = train((cuda.to_device(X32), cuda.to_device(y.astype(np.float32))), engine="cuda",
                max_epochs=3)
    np.testing.assert_allclose(got.history, want.history, rtol=1e-12)


# the simulator computes with NumPy scalars, which warn on nan where a GPU does not
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize(("name", "cell", "bad"), [("X", (27, 1), np.nan), ("y", (23,), np.inf)])
def test_nan_rows_are_refused_as_the_cpu_kernel_refuses_them(cuda_device, monkeypatch, streamed,
                                                              name, cell, bad):
    X, y = data()
    (X if name == "X" else y)[cell] = bad
    with pytest.raises(InputError) as cpu:
        train((X, y), engine="memory", chunk_rows=100, standardize=False)
    if streamed:
        monkeypatch.setattr(gpu, "memory", lambda: (1e9, 1e9))
        monkeypatch.setattr("gradwise.neuron.engines.cuda.HEADROOM", 1e9 - 2 * 20 * 4 * 8)
    with pytest.raises(InputError) as cuda:
        train((X, y), engine="cuda", chunk_rows=20, standardize=False)
    assert str(cuda.value) == str(cpu.value)
    assert f"{name}[{', '.join(map(str, cell))}] is {bad!r}" in str(cuda.value)
    # standardised, the GPU still names the raw cell (the CPU kernel sees only scaled rows)
    with pytest.raises(InputError, match=rf"^{name}\[{', '.join(map(str, cell))}\] is"):
        train((X, y), engine="cuda", chunk_rows=20, standardize=True)


def test_the_estimators_take_the_cuda_engine(cuda_device):
    pytest.importorskip("sklearn")
    from gradwise import NeuronClassifier

    X, y = data()
    kwargs = {"activation": "sigmoid", "max_epochs": 3, "batch_size": 16, "chunk_rows": 20}
    want = NeuronClassifier(**kwargs).fit(X, y)
    got = NeuronClassifier(engine="cuda", **kwargs).fit(X, y)
    np.testing.assert_allclose(got.weights_, want.weights_, rtol=RTOL)
    np.testing.assert_allclose(got.history_["cost"], want.history_["cost"], rtol=RTOL)
    assert (got.predict(X) == want.predict(X)).all()


# -- files and the command line ------------------------------------------------------------

def _parquet(tmp_path, X, y):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y}), path,
                   row_group_size=16)
    return path


def _csv(tmp_path, X, y):
    path = tmp_path / "rows.csv"
    lines = ["a,b,c,y", *(",".join(repr(float(v)) for v in (*x, t)) for x, t in zip(X, y))]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("write", [_parquet, _csv])
def test_cli_engine_cuda_trains_a_file_to_the_memory_numbers(cuda_device, tmp_path, write):
    path = write(tmp_path, *data())
    args = ["train", str(path), "--target", "y", "--epochs", "3", "--batch-size", "8",
            "--chunk-rows", "20", "--activation", "sigmoid", "--json"]
    memory = CliRunner().invoke(main, args)
    cuda = CliRunner().invoke(main, [*args, "--engine", "cuda"])
    assert cuda.exit_code == 0, cuda.output
    got, want = json.loads(cuda.output), json.loads(memory.output)
    assert got["steps"] == want["steps"] == 3 * 5  # chunks of 20 and 10 rows: 3 + 2 batches
    assert got["history"] == pytest.approx(want["history"], rel=RTOL)
    for name in "abc":
        assert got["weights"][name] == pytest.approx(want["weights"][name], rel=RTOL)
    assert got["metrics"] == pytest.approx(want["metrics"], rel=RTOL)


def test_cli_engine_cuda_without_a_gpu_is_one_line_and_exit_2(tmp_path):
    """A real process with the simulator off: on this machine, no GPU (else it trains)."""
    path = _csv(tmp_path, *data(rows=5))
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "0"}
    result = subprocess.run([sys.executable, "-m", "gradwise", "train", str(path), "--target",
                             "y", "--engine", "cuda", "--epochs", "1"], capture_output=True,
                            text=True, env=env, timeout=120)
    if result.returncode == 0:
        pytest.skip("this machine has a usable GPU")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no usable GPU: "), result.stderr
    assert any(what in lines[0] for what in ("no CUDA driver", "found no GPU", "numba-cuda"))
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_engine_cuda_without_numba_cuda_says_what_to_install(tmp_path, monkeypatch):
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "numba_cuda" else find(name, *a))
    gpu.usable.cache_clear()
    try:
        result = CliRunner().invoke(main, ["train", str(_csv(tmp_path, *data(rows=5))),
                                           "--target", "y", "--engine", "cuda"])
    finally:
        gpu.usable.cache_clear()
    assert result.exit_code == 2
    assert result.output == ("error: no usable GPU: numba-cuda is not installed. Fix: pip "
                             "install 'gradwise[gpu]'\n")
