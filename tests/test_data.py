"""Tests for gradwise.neuron.data: every malformed file names its line, column and what it found."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gradwise.errors import DataError
from gradwise.neuron.data import Dataset, iter_batches, load

GOOD = b"x1,x2,y\n1,2,0\n3,4.5,1\n-1e3, 6 ,0\n"


def write(tmp_path, content: bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_load_reads_features_and_target(tmp_path):
    data = load(write(tmp_path, GOOD), target="y")
    assert isinstance(data, Dataset) and data.feature_names == ("x1", "x2") and data.target == "y"
    assert data.X.tolist() == [[1, 2], [3, 4.5], [-1000, 6]] and data.y.tolist() == [0, 1, 0]
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous


def test_features_choose_and_order_columns_and_skip_text_columns(tmp_path):
    path = write(tmp_path, b"city,x1,x2,y\nParis,1,2,0\nRome,3,4,1\n")
    data = load(path, target="y", features=["x2", "x1"])
    assert data.X.tolist() == [[2, 1], [4, 3]] and data.feature_names == ("x2", "x1")


def test_gzip_csv_equals_plain_csv(tmp_path):
    plain = load(write(tmp_path, GOOD), "y")
    packed = load(write(tmp_path, gzip.compress(GOOD), "data.csv.gz"), "y")
    assert np.array_equal(plain.X, packed.X) and np.array_equal(plain.y, packed.y)


def test_parquet_reads_ints_and_floats(tmp_path):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x1": [1, 2], "x2": [0.5, 1.5], "y": [0.0, 1.0]}), path)
    data = load(path, "y")
    assert data.X.tolist() == [[1, 0.5], [2, 1.5]] and data.y.tolist() == [0, 1]


# Malformed CSV files: (content, where, what was found). tests/test_cli_neuron.py reuses them.
BAD_CSV = [
    (b"x1,x2,y\n1,2,0\n3,4\n", "line 3", "has 2 values, the header has 3: '3,4'"),
    (b"x1,x2,y\n1,2,0\n3,4,1,7\n", "line 3", "has 4 values, the header has 3"),
    (b"x1,x2,y\n1,2,0\n3,abc,1\n", "line 3, column 2 ('x2')", "found 'abc'"),
    (b"x1,x2,y\n1,2,0\n3,,1\n", "line 3, column 2 ('x2')", "found an empty cell"),
    (b"x1,x2,y\n1,2,0\n\n3,4,1\n", "line 3, column 1 ('x1')", "found an empty cell"),
    (b"x1,x2,y\n1,2,0\n3,4,nan\n", "line 3, column 3 ('y')", "found nan"),
    (b"x1,x2,y\n1,2,0\n3,4,1\n-inf,1,1\n", "line 4, column 1 ('x1')", "found -inf"),
    (b"x1,x2,y\n1,2,0\n3,\xff\xfe,1\n", "line 3, column 2 ('x2')",
     r"b'\xff\xfe' that are not UTF-8"),
    (b"x1,\xffx2,y\n1,2,0\n", "line 1, column 2", "are not UTF-8"),
    (b"x1,x1,y\n1,2,0\n", "line 1", "column 2 repeats the name 'x1' of column 1"),
    (b"x1,,y\n1,2,0\n", "line 1", "column 2 has no name"),
]


@pytest.mark.parametrize(("content", "where", "found"), BAD_CSV)
def test_malformed_csv_names_line_column_and_what_was_found(tmp_path, content, where, found):
    path = write(tmp_path, content)
    for read in (lambda: load(path, "y"), lambda: list(iter_batches(path, "y", rows=1))):
        with pytest.raises(DataError) as info:
            read()
        message = str(info.value)
        assert message.startswith(f"{path}: {where}: ") and found in message and "Fix: " in message


def test_first_problem_is_reported_even_far_into_a_big_file(tmp_path):
    path = write(tmp_path, b"x1,x2,y\n" + b"1,2,0\n" * 250_000 + b"1,2,0\n5,oops,1\n3,,1\n")
    with pytest.raises(DataError, match=re.escape("line 250003, column 2 ('x2'): found 'oops'")):
        load(path, "y")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty; expected a header line"),
        (b"x1,x2,y\n", "has a header but no data rows"),
        (b"\n1,2,3\n", "line 1: has an empty header line"),
    ],
)
def test_empty_files(tmp_path, content, message):
    with pytest.raises(DataError, match=re.escape(message)):
        load(write(tmp_path, content), "y")


def test_unknown_target_and_feature_suggest_close_names(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(DataError, match=re.escape("has no target column 'Y'; did you mean 'y'?")):
        load(path, "Y")
    expected = "no feature column 'x3'; did you mean 'x2' or 'x1'?"
    with pytest.raises(DataError, match=re.escape(expected)):
        load(path, "y", features=["x3"])


def test_column_names_are_data_not_code(tmp_path):
    path = write(tmp_path, b'"__import__(\'os\')",y\n1,0\n')
    assert load(path, "y").feature_names == ("__import__('os')",)


@pytest.mark.parametrize("features", [["x1", "y"], ["x1", "x1"]])
def test_a_column_chosen_twice_is_refused(tmp_path, features):
    with pytest.raises(DataError, match="is chosen twice"):
        load(write(tmp_path, GOOD), "y", features=features)


def test_missing_file_and_bad_gzip(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load(tmp_path / "absent.csv", "y")
    with pytest.raises(DataError, match="cannot be read"):
        load(write(tmp_path, b"not gzip", "data.csv.gz"), "y")


def test_parquet_problems_name_rows_and_columns(tmp_path):
    path = tmp_path / "data.parquet"
    table = {"x": [1.0, None, 3.0], "city": ["a", "b", "c"], "y": [0.0, 1, 0]}
    pq.write_table(pa.table(table), path)
    with pytest.raises(DataError, match=re.escape("schema: column 2 ('city') holds string")):
        load(path, "y")
    with pytest.raises(DataError, match=re.escape("row 2, column 1 ('x'): found an empty cell")):
        load(path, "y", features=["x"])


def test_not_a_parquet_file(tmp_path):
    with pytest.raises(DataError, match="is not a readable Parquet file"):
        load(write(tmp_path, GOOD, "data.parquet"), "y")


@pytest.fixture
def big_table(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.normal(size=(100_003, 4)).round(6)
    csv = tmp_path / "big.csv"
    csv.write_text("a,b,c,y\n" + "\n".join(",".join(map(repr, row)) for row in values.tolist()))
    parquet = tmp_path / "big.parquet"
    columns = dict(zip("abcy", values.T, strict=True))
    pq.write_table(pa.table(columns), parquet, row_group_size=30_000)
    return csv, parquet


@pytest.mark.parametrize("which", [0, 1])
def test_chunked_reader_equals_whole_load(big_table, which):
    path = big_table[which]
    whole = load(path, "y")
    chunks = list(iter_batches(path, "y", rows=7_000))
    assert [len(y) for _, y in chunks[:-1]] == [7_000] * (len(chunks) - 1)
    assert np.array_equal(np.vstack([X for X, _ in chunks]), whole.X)
    assert np.array_equal(np.concatenate([y for _, y in chunks]), whole.y)


def test_chunked_reader_reports_the_right_line_in_a_later_chunk(tmp_path):
    path = write(tmp_path, b"x,y\n" + b"1,0\n" * 10 + b"2,\n")
    with pytest.raises(DataError, match=re.escape("line 12, column 2 ('y'): found an empty cell")):
        list(iter_batches(path, "y", rows=3))


def test_rows_must_be_positive(tmp_path):
    with pytest.raises(DataError, match="rows must be a positive integer"):
        list(iter_batches(write(tmp_path, GOOD), "y", rows=0))


TARGET = "; the target column 'y' needs a number in every row"


@pytest.mark.parametrize(("content", "fix"), [
    (b"x,y\n1,2\n2,abc\n", "correct or delete that row" + TARGET),
    (b"x,y\n1,2\n2,nan\n", "correct or delete that row" + TARGET),
    (b"x,y\n1,2\n2,\n", "correct or delete that row (a blank line is a row of empty cells)"
     + TARGET),
    (b"x,y\n1,2\n2,1e300\n", "rescale the column (divide it by a power of ten)"),
    (b"x,y\n1,2\nabc,1\n", "correct or delete that row, or leave the column out with "
     "features=[...]"),
    (b"x,y\n1,2\n1e300,1\n", "rescale the column (divide it by a power of ten), or leave it out "
     "with features=[...]"),
])
def test_a_bad_target_cell_is_not_told_to_leave_its_column_out(tmp_path, content, fix):
    """features=[...] chooses the features: it cannot leave the target out (issue 13)."""
    path = write(tmp_path, content)
    for read in (lambda: load(path, "y"), lambda: list(iter_batches(path, "y", rows=1))):
        with pytest.raises(DataError) as info:
            read()
        assert str(info.value).endswith(f"Fix: {fix}")


def test_a_parquet_target_of_text_is_told_to_hold_numbers(tmp_path):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0], "y": ["a", "b"]}), path)
    with pytest.raises(DataError) as info:
        load(path, "y")
    assert str(info.value).endswith("holds string; expected numbers. Fix: store the target as "
                                    "numbers")
