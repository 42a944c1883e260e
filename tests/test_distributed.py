"""Tests for gradwise.neuron.engines.dask: Dask trains as one machine does, and survives loss."""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("distributed", reason="the dask extra is not installed")
import dask.array as da  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from gradwise.errors import DataError, InputError  # noqa: E402
from gradwise.neuron.api import train  # noqa: E402
from gradwise.neuron.engines.dask import local_cluster  # noqa: E402


@pytest.fixture(scope="session")
def client():
    """An in-process cluster of two one-thread workers: fast to start, shared by the tests."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster, Client(cluster) as session_client:
        yield session_client


def data(rows=3001, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 4)) + [0.0, 1.0, -1.0, 3.0]
    y = (X @ [1.0, -1.0, 2.0, 0.5] + rng.normal(size=rows) > 2).astype(np.float64)
    return X, y


def write_parquet(path, X, y, row_group_size=700):
    columns = {f"x{j}": X[:, j] for j in range(X.shape[1])}
    pq.write_table(pa.table({**columns, "y": y}), path, row_group_size=row_group_size)
    return path


SETTINGS = [
    {"max_epochs": 4, "chunk_rows": 500, "learning_rate": 0.5},
    {"max_epochs": 2, "chunk_rows": 800, "batch_size": 100, "seed": 5, "standardize": True},
]


def same_fit(a, b):
    """Equal to float round-off: Dask adds the chunk sums in a tree, not left to right."""
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-15)
    assert a.bias == pytest.approx(b.bias, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(a.history, b.history, rtol=1e-12)
    assert a.n_steps == b.n_steps and a.rows == b.rows and a.status == b.status


@pytest.mark.parametrize("settings", SETTINGS)
def test_parquet_on_dask_matches_the_single_machine_engines(tmp_path, client, settings):
    X, y = data()
    path = write_parquet(tmp_path / "d.parquet", X, y)
    fit = train(path, "y", engine="dask", client=client, **settings)
    assert fit.engine == "dask" and fit.rows == 3001
    same_fit(fit, train((X, y), **settings))
    same_fit(fit, train(path, "y", engine="stream", **settings))


def test_a_directory_of_parquet_files(tmp_path, client):
    X, y = data()
    folder = tmp_path / "dataset"
    folder.mkdir()
    for part, (lo, hi) in enumerate(((0, 1000), (1000, 1234), (1234, 3001))):
        write_parquet(folder / f"part-{part}.parquet", X[lo:hi], y[lo:hi], row_group_size=400)
    same_fit(train(folder, "y", engine="dask", client=client, **SETTINGS[1]),
             train((X, y), **SETTINGS[1]))


@pytest.mark.parametrize("settings", SETTINGS)
def test_dask_and_numpy_arrays_are_rechunked_to_the_same_chunks(client, settings):
    X, y = data()
    expected = train((X, y), **settings)
    odd = (da.from_array(X, chunks=(333, 2)), da.from_array(y, chunks=1000))
    same_fit(train(odd, engine="dask", client=client, **settings), expected)
    same_fit(train((X, y), engine="dask", client=client, **settings), expected)


def test_features_choose_columns(tmp_path, client):
    X, y = data()
    path = write_parquet(tmp_path / "d.parquet", X, y)
    fit = train(path, "y", ["x3", "x0"], engine="dask", client=client, max_epochs=2)
    same_fit(fit, train((X[:, [3, 0]], y), max_epochs=2))


def test_a_bad_cell_is_reported_from_the_worker_with_its_file_and_row(tmp_path, client):
    X, y = data()
    X[2345, 1] = np.nan
    path = write_parquet(tmp_path / "d.parquet", X, y)
    with pytest.raises(DataError, match=r"d.parquet: row 2346, column 2 \('x1'\): found nan"):
        train(path, "y", engine="dask", client=client, max_epochs=1)


def test_csv_is_refused_with_the_way_out(tmp_path, client):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,0\n")
    with pytest.raises(InputError, match="engine='dask' reads Parquet; .* engine='stream'"):
        train(path, "y", engine="dask", client=client)


def test_missing_extra_gives_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match=r"pip install 'gradwise\[dask\]'"):
        train(data(), engine="dask")


@pytest.mark.slow
def test_a_worker_killed_mid_training_changes_nothing(tmp_path):
    # A real two-process cluster: after epoch 2 one worker process is killed with SIGKILL,
    # losing the chunks it held; Dask recomputes them from the Parquet file on the worker
    # left (and the one the nanny restarts) and training finishes with the same numbers.
    X, y = data(rows=20000)
    path = write_parquet(tmp_path / "d.parquet", X, y, row_group_size=3000)
    with local_cluster(workers=2) as cluster, Client(cluster) as two:
        for settings in SETTINGS:
            pids = two.run(os.getpid)
            victim = sorted(pids)[0]

            def kill(epoch, cost, pid=pids[victim]):
                if epoch == 0:
                    os.kill(pid, signal.SIGKILL)

            fit = train(path, "y", engine="dask", client=two, callback=kill, **settings)
            assert victim not in two.run(os.getpid)  # it really died
            same_fit(fit, train((X, y), **settings))
            two.wait_for_workers(2, timeout=60)


@pytest.mark.parametrize("batch_size", [None, 64])
def test_the_estimator_on_dask_makes_the_memory_updates(client, batch_size):
    from gradwise.neuron.estimators import NeuronClassifier

    X, y = data()
    options = dict(max_epochs=4, tol=None, batch_size=batch_size, chunk_rows=700, seed=3)
    memory = NeuronClassifier(**options).fit(X, y)
    dask = NeuronClassifier(engine="dask", scheduler=client.scheduler.address, **options).fit(X, y)
    np.testing.assert_allclose(dask.weights_, memory.weights_, rtol=1e-12)
    assert dask.bias_ == pytest.approx(memory.bias_, rel=1e-12)
    np.testing.assert_allclose(dask.history_["cost"], memory.history_["cost"], rtol=1e-12)
    assert dask.n_steps_ == memory.n_steps_ and dask.status_ == memory.status_
