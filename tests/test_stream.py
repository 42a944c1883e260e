"""Tests for gradwise.neuron.engines.local: files read a chunk at a time train as arrays do."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from gradwise.errors import DataError, InputError
from gradwise.neuron.api import train
from gradwise.neuron.engines.local import exact_chunks

FEATURES = ["x0", "x1", "x2"]


def data(rows=2503, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 3)) + [0.0, 2.0, -1.0]
    y = (X @ [1.0, -2.0, 0.5] + rng.normal(size=rows) > -3).astype(np.float64)
    return X, y


def table(X, y):
    return pa.table({**{name: X[:, j] for j, name in enumerate(FEATURES)}, "y": y})


def write_parquet(path, X, y, row_group_size=700):
    pq.write_table(table(X, y), path, row_group_size=row_group_size)
    return path


SETTINGS = [
    {"max_epochs": 3, "chunk_rows": 256, "learning_rate": 0.5},
    {"max_epochs": 2, "chunk_rows": 1000, "batch_size": 64, "seed": 3, "standardize": True},
]


def same_fit(a, b):
    assert np.array_equal(a.weights, b.weights) and a.bias == b.bias  # bit for bit
    assert a.history == b.history and a.n_steps == b.n_steps and a.rows == b.rows
    assert a.status == b.status and a.gradient_norms == b.gradient_norms


@pytest.mark.parametrize("settings", SETTINGS)
def test_parquet_file_streams_to_the_in_memory_result(tmp_path, settings):
    X, y = data()
    path = write_parquet(tmp_path / "d.parquet", X, y)  # row groups cut across chunks
    streamed = train(path, "y", engine="stream", **settings)
    same_fit(streamed, train((X, y), **settings))
    assert streamed.engine == "stream" and streamed.rows == 2503


@pytest.mark.parametrize("settings", SETTINGS)
def test_directory_of_parquet_files_is_one_dataset_in_name_order(tmp_path, settings):
    X, y = data()
    folder = tmp_path / "dataset"
    folder.mkdir()
    for name, lo, hi in (("part-2.parquet", 1800, 2503), ("part-0.parquet", 0, 333),
                         ("part-1.parquet", 333, 1800)):
        write_parquet(folder / name, X[lo:hi], y[lo:hi], row_group_size=500)
    (folder / "_SUCCESS").write_text("")  # not Parquet: ignored
    same_fit(train(folder, "y", engine="stream", **settings), train((X, y), **settings))
    same_fit(train(folder, "y", **settings), train((X, y), **settings))  # memory loads it


@pytest.mark.parametrize("suffix", ["csv", "csv.gz"])
def test_csv_streams_to_the_in_memory_result(tmp_path, suffix):
    X, y = data(rows=999)
    path = tmp_path / f"d.{suffix}"
    pacsv.write_csv(table(X, y), tmp_path / "plain.csv")
    raw = (tmp_path / "plain.csv").read_bytes()
    path.write_bytes(gzip.compress(raw) if suffix.endswith("gz") else raw)
    settings = {"max_epochs": 2, "chunk_rows": 128, "batch_size": 50}
    streamed = train(path, "y", engine="stream", **settings)
    same_fit(streamed, train(path, "y", **settings))
    np.testing.assert_allclose(streamed.weights, train((X, y), **settings).weights, rtol=1e-9)
    assert streamed.rows == 999  # a CSV's length is learned on the first pass


def test_features_choose_columns(tmp_path):
    X, y = data()
    path = write_parquet(tmp_path / "d.parquet", X, y)
    fit = train(path, "y", ["x2", "x0"], engine="stream", max_epochs=2)
    same_fit(fit, train((X[:, [2, 0]], y), max_epochs=2))


def test_a_bad_cell_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x0,y\n1,0\n2,1\n3,oops\n")
    with pytest.raises(DataError, match=r"d.csv: line 4, column 2 \('y'\): found 'oops'"):
        train(path, "y", engine="stream", chunk_rows=1)


@pytest.mark.parametrize(("make", "target", "error", "message"), [
    (lambda p: p, "y", DataError, "no such file or directory. Fix: check the path"),
    (lambda p: p.mkdir() or p, "y", DataError, "the directory holds no .parquet files"),
    (lambda p: write_parquet(p, *data()), "z", DataError, "has no target column 'z'"),
    (lambda p: write_parquet(p, *data()), None, InputError, "needs target=, the column"),
])
def test_unusable_paths(tmp_path, make, target, error, message):
    path = make(tmp_path / "d.parquet")
    with pytest.raises(error) as raised:
        train(path, target, engine="stream")
    assert message in str(raised.value)


def test_exact_chunks_recut_pieces_without_losing_or_reordering_rows():
    values = np.arange(20.0)
    pieces = [(values[a:b, None], values[a:b]) for a, b in ((0, 3), (3, 3), (3, 11), (11, 20))]
    chunks = list(exact_chunks(iter(pieces), 6))
    assert [len(y) for _, y in chunks] == [6, 6, 6, 2]
    assert np.concatenate([y for _, y in chunks]).tolist() == values.tolist()


CHILD = textwrap.dedent("""
    import json, re, sys
    from gradwise.neuron.api import train
    fit = train(sys.argv[1], "y", engine="stream", **json.loads(sys.argv[2]))
    # VmHWM, this process's peak RSS; not ru_maxrss, which a child inherits from a forked
    # parent across exec (here the test process, holding X).
    status = open("/proc/self/status").read()
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) * 1024
    print(json.dumps({"peak": peak, "weights": fit.weights.tolist(), "bias": fit.bias}))
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_file_four_times_the_training_process_peak_memory(tmp_path):
    # 12 M rows × 10 float64 features = 960 MB of X. The training process's whole peak RSS
    # (interpreter, NumPy, pyarrow, SymPy: ~100 MB before reading, ~210 MB measured) must
    # be at most a quarter of it. The NumPy back end keeps numba's ~100 MB out of the child.
    rows, d, group = 12_000_000, 10, 65536
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, d))
    y = (X[:, 0] - X[:, 1] > 0).astype(np.float64)
    names = [f"x{j}" for j in range(d)]
    schema = pa.schema([(name, pa.float64()) for name in [*names, "y"]])
    path = tmp_path / "big.parquet"
    with pq.ParquetWriter(path, schema, compression="none", use_dictionary=False,
                          write_statistics=False) as writer:
        for lo in range(0, rows, group):
            writer.write_table(pa.table({**{n: X[lo : lo + group, j] for j, n in enumerate(names)},
                                         "y": y[lo : lo + group]}, schema=schema))
    settings = {"max_epochs": 1, "batch_size": 4096, "chunk_rows": 32768, "standardize": True,
                "learning_rate": 0.5, "backend": "numpy"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(settings)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    child = json.loads(done.stdout)
    assert X.nbytes >= 4 * child["peak"], (X.nbytes, child["peak"])
    in_memory = train((X, y), **settings)
    assert child["weights"] == in_memory.weights.tolist() and child["bias"] == in_memory.bias
