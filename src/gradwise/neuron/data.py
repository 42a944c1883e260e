"""Loading a table of numbers (CSV, gzip CSV, Parquet) into X and y, with errors that point.

Reading is pyarrow's C++ readers, never a Python loop over rows. Column names are data:
they are compared as strings and never become code or SymPy symbols. Every problem is a
:class:`~gradwise.errors.DataError` that names the file, the 1-based line of the file
(the header is line 1; Parquet has rows instead) and the column, and says what was found.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gradwise.errors import DataError
from gradwise.neuron import _tables
from gradwise.neuron._tables import Problem, data_error

LARGEST = 1e150
"""The largest |value| of a cell training accepts: it squares features (standardisation) and
targets (the cost), and past about 1.3e154 a square overflows floats."""


@dataclass(frozen=True)
class Dataset:
    """A loaded table: features X (N, d) float64, target y (N,), and where they came from.

    Attributes:
        X: the features, shape (N, d), float64 in C order.
        y: the target, shape (N,), float64.
        feature_names: X's columns, in order.
        target: y's column.
        path: the file it was read from.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.csv"
        >>> _ = path.write_text("x,y\\n1,1\\n2,0\\n")
        >>> data = load(path, target="y")
        >>> data.X.tolist(), data.y.tolist(), data.feature_names
        ([[1.0], [2.0]], [1.0, 0.0], ('x',))
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target: str
    path: Path


def load(path: str | Path, target: str, features: Sequence[str] | None = None) -> Dataset:
    """Read a whole CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) file.

    Args:
        path: the file.
        target: the column to predict, y.
        features: the columns of X in order; ``None`` takes every column but the target.

    Returns:
        The :class:`Dataset`, X in C order.

    Raises:
        DataError: unreadable file, missing/duplicate/unknown columns, ragged rows, empty or
            non-numeric cells, nan/inf, a header without rows.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.csv"
        >>> _ = path.write_text("x1,x2,y\\n1,2,1\\n3,4,0\\n")
        >>> data = load(path, target="y", features=["x2", "x1"])
        >>> data.X.tolist(), data.feature_names
        ([[2.0, 1.0], [4.0, 3.0]], ('x2', 'x1'))
    """
    path = Path(path)
    source = _tables.open_table(path, target)
    used = _select(path, source.names, target, features)
    table = source.read_all(used)
    if table.num_rows == 0:
        raise _no_rows(path)
    _check(source, table, first_row=0)
    X, y = _arrays(table, used)
    return Dataset(X=X, y=y, feature_names=tuple(used[:-1]), target=target, path=path)


def iter_batches(
    path: str | Path, target: str, features: Sequence[str] | None = None, rows: int = 65536
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Stream a file that may not fit in memory as (X, y) chunks of ``rows`` rows (the last fewer).

    Checks each chunk as :func:`load` checks the whole file; concatenating the chunks gives
    ``load``'s X and y.

    Args:
        path: the file (CSV, gzip CSV or Parquet).
        target: the column to predict, y.
        features: the columns of X in order; ``None`` takes every column but the target.
        rows: the rows of each chunk, at least 1.

    Yields:
        ``(X, y)`` of each chunk in file order: X of shape (rows, d), y of shape (rows,).

    Raises:
        DataError: as :func:`load`, for the first bad chunk (its line and column), or
            ``rows`` that is not a positive integer.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.csv"
        >>> _ = path.write_text("x,y\\n1,1\\n2,0\\n3,1\\n")
        >>> [X.shape for X, y in iter_batches(path, "y", rows=2)]
        [(2, 1), (1, 1)]
    """
    if not isinstance(rows, int) or rows < 1:
        raise data_error(Path(path), f"rows must be a positive integer; received {rows!r}")
    path = Path(path)
    source = _tables.open_table(path, target)
    used = _select(path, source.names, target, features)
    done = 0
    for batch in source.iter_batches(used, rows):
        _check(source, batch, first_row=done)
        done += batch.num_rows
        yield _arrays(batch, used)
    if done == 0:
        raise _no_rows(path)


def columns(path: str | Path) -> list[str]:
    """The column names in a file's header (CSV) or schema (Parquet), in file order.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.csv"
        >>> _ = path.write_text("x,y\\n1,1\\n")
        >>> columns(path)
        ['x', 'y']
    """
    return list(_tables.open_table(Path(path)).names)


def load_features(path: str | Path, features: Sequence[str]) -> np.ndarray:
    """Read only these columns as X (N, d) float64, checked as :func:`load` checks them.

    For predictions, where the file need not have the target.
    """
    path = Path(path)
    source = _tables.open_table(path)
    for name in features:
        _require_known(path, source.names, name, "feature")
    table = source.read_all(list(features))
    if table.num_rows == 0:
        raise _no_rows(path)
    _check(source, table, first_row=0, largest=None)  # a prediction squares nothing
    X = np.empty((table.num_rows, len(features)))
    for j, name in enumerate(features):
        _fill(X[:, j], table.column(name))
    return X


def _no_rows(path: Path) -> DataError:
    return data_error(path, "has a header but no data rows; expected at least one row",
                      fix="check that the right file was given")


def _select(path: Path, names: list[str], target: str, features: Sequence[str] | None) -> list[str]:
    """The columns to read, features first and the target last."""
    _require_known(path, names, target, "target")
    if features is None:
        features = [name for name in names if name != target]
    elif isinstance(features, str):
        raise data_error(path, f"features must be a list of column names; received {features!r}",
                         fix=f"features=[{features!r}]")
    for name in features:
        _require_known(path, names, name, "feature")
    chosen = [*features, target]
    repeated = sorted({name for name in chosen if chosen.count(name) > 1})
    if repeated:
        raise data_error(path, f"column {repeated[0]!r} is chosen twice (features and target must "
                         "be distinct)", fix="list each column once")
    if not features:
        raise data_error(path, f"has no feature columns besides the target {target!r}")
    return [*features, target]


def _require_known(path: Path, names: list[str], name: object, role: str) -> None:
    if name in names:
        return
    separator = next((mark for mark in (";", "\t", "|") if len(names) == 1 and mark in names[0]),
                     None)
    if separator is not None:  # one column whose name holds the others: another separator
        shown = {";": "semicolon", "\t": "tab", "|": "bar"}[separator]
        raise data_error(path, f"is a {shown}-separated file: its header {names[0]!r} reads as "
                         f"one column, and gradwise reads comma-separated CSV",
                         fix=f"save it as comma-separated CSV (replace each {separator!r} "
                         "between values by ',')")
    lowered = {n.lower(): n for n in names}  # 'Y' should suggest 'y'
    matches = difflib.get_close_matches(str(name).lower(), lowered, n=3, cutoff=0.5)
    close = [lowered[n] for n in matches]
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else "."
    raise data_error(path, f"has no {role} column {name!r}{hint} Columns: {', '.join(names)}")


def _check(source: _tables.CsvTable | _tables.ParquetTable, table: pa.Table | pa.RecordBatch,
           first_row: int, largest: float | None = LARGEST) -> None:
    """Raise for the first empty or non-finite cell, earliest row first, then leftmost column;
    then (for training) for the first whose magnitude passes ``largest``."""
    found = _first(source, table, first_row, _tables.first_bad_float)
    if found is not None:
        raise _tables.cell_error(source, found)
    if largest is None:
        return
    found = _first(source, table, first_row, lambda c: _tables.first_too_large(c, largest))
    if found is not None:
        feature = source.names[found.column] != source.target  # the target cannot be left out
        raise _tables.cell_error(
            source, found, f"a number within ±{largest:g} (training squares it, and a square "
            "past 1e308 overflows floats)", fix="rescale the column (divide it by a power of "
            "ten)" + ", or leave it out with features=[...]" * feature)


def _first(source: _tables.CsvTable | _tables.ParquetTable, table: pa.Table | pa.RecordBatch,
           first_row: int, search: Callable[[Any], Problem | None]) -> Problem | None:
    found: list[Problem] = []
    for name in table.column_names:
        problem = search(table.column(name))
        if problem is not None:
            found.append(Problem(problem.row + first_row, source.names.index(name), problem.found))
    return min(found) if found else None


def _arrays(table: pa.Table | pa.RecordBatch, used: list[str]) -> tuple[np.ndarray, np.ndarray]:
    X = np.empty((table.num_rows, len(used) - 1))
    for j, name in enumerate(used[:-1]):
        _fill(X[:, j], table.column(name))
    y = np.empty(table.num_rows)
    _fill(y, table.column(used[-1]))
    return X, y


def _fill(out: np.ndarray, column: pa.Array | pa.ChunkedArray) -> None:
    """Copy a column into ``out`` chunk by chunk, so no whole-column temporary is made."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    start = 0
    for chunk in chunks:
        values = pc.cast(chunk, pa.float64()).to_numpy(zero_copy_only=False)
        out[start : start + len(chunk)] = values
        start += len(chunk)
