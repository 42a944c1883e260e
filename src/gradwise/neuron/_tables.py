"""pyarrow readers behind :mod:`gradwise.neuron.data`, and the search for the first bad cell.

Reading is fast and optimistic: pyarrow parses the used columns straight to float64 on all
cores. Only when it refuses does :meth:`CsvTable.diagnose` read the file again, one thread
and as raw bytes, to find the exact line and column, since pyarrow's own message has neither.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gradwise.errors import DataError

PARQUET_SUFFIXES = (".parquet", ".pq")


class Problem(NamedTuple):
    """A bad cell: 0-based data row and file column, and a description of what is there."""

    row: int
    column: int
    found: str


def data_error(path: Path, what: str, *, where: str = "", fix: str = "") -> DataError:
    """A DataError reading ``{path}: {where}: {what}. Fix: {fix}``."""
    place = f"{path}: {where}: " if where else f"{path}: "
    return DataError(place + what + (f". Fix: {fix}" if fix else ""))


def open_table(path: Path, target: str | None = None) -> CsvTable | ParquetTable:
    """The reader for ``path``, chosen by its suffix, with its header already checked;
    ``target`` names the column to predict, which an error's fix cannot tell to leave out."""
    require_file(path)
    kind = ParquetTable if path.suffix.lower() in PARQUET_SUFFIXES else CsvTable
    table = kind(path, target)
    _require_distinct(table, table.names)
    return table


def require_file(path: Path) -> None:
    """A DataError unless ``path`` is a regular file once symlinks are followed: /dev/null, a
    symlink to /dev/zero or a pipe is named as such (reading one would never end or be empty)."""
    if path.is_file():
        return
    if not path.exists():
        raise data_error(path, "no such file or directory", fix="check the path")
    kind = "a directory" if path.is_dir() else "not a regular file (a device, a pipe or a socket)"
    raise data_error(path, f"is {kind}; expected a CSV or Parquet file",
                     fix="give the path of a data file")


def _require_distinct(table: CsvTable | ParquetTable, names: list[str]) -> None:
    for index, name in enumerate(names):
        if not name.strip():
            raise data_error(table.path, f"column {index + 1} has no name", where=table.where(-1),
                             fix="give every column a header")
        if name in names[:index]:
            raise data_error(table.path, f"column {index + 1} repeats the name {name!r} of column "
                             f"{names.index(name) + 1}", where=table.where(-1),
                             fix="give every column a distinct name")


def first_bad_float(column: pa.Array | pa.ChunkedArray) -> Problem | None:
    """The first empty (null) or non-finite cell of a numeric column, if any (column = -1)."""
    bad = pc.invert(pc.fill_null(pc.is_finite(pc.cast(column, pa.float64())), False))
    index = pc.index(bad, True).as_py()
    if index < 0:
        return None
    value = column[index]
    return Problem(index, -1, "an empty cell" if not value.is_valid else repr(value.as_py()))


def first_too_large(column: pa.Array | pa.ChunkedArray, largest: float) -> Problem | None:
    """The first cell of a finite numeric column whose magnitude passes ``largest``, if any."""
    big = pc.greater(pc.abs(pc.cast(column, pa.float64())), largest)
    index = pc.index(pc.fill_null(big, False), True).as_py()
    return None if index < 0 else Problem(index, -1, repr(column[index].as_py()))


def cell_error(table: CsvTable | ParquetTable, problem: Problem,
               expected: str = "a finite number", fix: str = "") -> DataError:
    name = table.names[problem.column]
    blank = " (a blank line is a row of empty cells)" if problem.found == "an empty cell" else ""
    return data_error(table.path, f"found {problem.found}; expected {expected}",
                      where=f"{table.where(problem.row)}, column {problem.column + 1} ({name!r})",
                      fix=fix or f"correct or delete that row{blank}{or_leave_out(table, name)}")


def or_leave_out(table: CsvTable | ParquetTable, name: str) -> str:
    """How a fix ends for a bad column: a feature may be left out; the target cannot be, it
    needs a number in every row."""
    if name == table.target:
        return f"; the target column {name!r} needs a number in every row"
    return ", or leave the column out with features=[...]"


class ParquetTable:
    """A Parquet file: its schema says the names and types; rows are numbered from 1."""

    def __init__(self, path: Path, target: str | None = None) -> None:
        self.path, self.target = path, target
        try:
            self.schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as error:
            raise data_error(path, f"is not a readable Parquet file ({error})") from None
        self.names = list(self.schema.names)

    def where(self, row: int) -> str:
        return "schema" if row < 0 else f"row {row + 1}"

    def read_all(self, used: list[str]) -> pa.Table:
        self._require_numeric(used)
        return pq.read_table(self.path, columns=used)

    def iter_batches(self, used: list[str], rows: int) -> Iterator[pa.RecordBatch]:
        self._require_numeric(used)
        # pre_buffer=False: pyarrow's pre-buffering keeps every row group it has read until
        # the file closes, so memory would grow with the file instead of the batch.
        reader = pq.ParquetFile(self.path, pre_buffer=False)
        return reader.iter_batches(batch_size=rows, columns=used)

    def _require_numeric(self, used: list[str]) -> None:
        for name in used:
            kind = self.schema.field(name).type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
                fix = "store the target as numbers" if name == self.target else \
                    "leave the column out with features=[...]"
                raise data_error(self.path, f"column {self.names.index(name) + 1} ({name!r}) holds "
                                 f"{kind}; expected numbers", where="schema", fix=fix)


class CsvTable:
    """A CSV file, plain or gzip: line 1 is the header, line k + 2 holds data row k."""

    def __init__(self, path: Path, target: str | None = None) -> None:
        self.path, self.target = path, target
        self.names = self._header()

    def where(self, row: int) -> str:
        return f"line {row + 2}"

    def read_all(self, used: list[str]) -> pa.Table:
        try:
            return pacsv.read_csv(self.path, **self._options(used, pa.float64(), threads=True))
        except pa.ArrowInvalid as error:
            raise self.diagnose(used, error) from None

    def iter_batches(self, used: list[str], rows: int) -> Iterator[pa.RecordBatch]:
        options = self._options(used, pa.float64(), threads=True)
        try:
            reader = pacsv.open_csv(self.path, **options)
            pending: list[pa.RecordBatch] = []
            for batch in reader:
                pending.append(batch)
                while sum(b.num_rows for b in pending) >= rows:
                    head, pending = _split(pending, rows)
                    yield head
        except pa.ArrowInvalid as error:
            raise self.diagnose(used, error) from None
        if pending:
            yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]

    def _header(self) -> list[str]:
        opener = gzip.open if self.path.suffix.lower() == ".gz" else open
        try:
            with opener(self.path, "rb") as file:
                first = file.readline(1 << 20)
        except OSError as error:  # gzip.BadGzipFile is an OSError
            raise data_error(self.path, f"cannot be read ({error})") from None
        if not first.strip():
            what = "is empty" if not first else "has an empty header line"
            raise data_error(self.path, what + "; expected a header line of column names",
                             where="" if not first else "line 1")
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            column = first[: error.start].count(b",") + 1
            raise data_error(self.path, f"bytes {first[error.start:error.end]!r} are not "
                             "UTF-8", where=f"line 1, column {column}",
                             fix="save the file as UTF-8") from None
        return [name.strip() for name in next(csv.reader([text.rstrip("\r\n")]))]

    def _options(self, used: list[str], kind: pa.DataType, threads: bool, handler=None) -> dict:
        return {
            "read_options": pacsv.ReadOptions(column_names=self.names, skip_rows=1,
                                              use_threads=threads),
            # Blank lines stay rows, so data row k is always file line k + 2.
            "parse_options": pacsv.ParseOptions(ignore_empty_lines=False,
                                                invalid_row_handler=handler),
            "convert_options": pacsv.ConvertOptions(
                column_types={name: kind for name in used}, include_columns=used,
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True),
        }

    def diagnose(self, used: list[str], error: pa.ArrowInvalid) -> DataError:
        """Re-read on one thread as bytes to find the line and column pyarrow did not name."""
        ragged: list = []

        def remember(row: pacsv.InvalidRow) -> str:
            ragged.append(row)
            return "error"

        options = self._options(used, pa.binary(), threads=False, handler=remember)
        done = 0
        try:
            for batch in pacsv.open_csv(self.path, **options):
                found = [_first_bad_text(batch.column(n), self.names.index(n)) for n in used]
                problems = [p for p in found if p is not None]
                if problems:
                    first = min(problems)
                    return cell_error(self, first._replace(row=first.row + done))
                done += batch.num_rows
        except pa.ArrowInvalid:
            if ragged:
                return self._ragged_error(ragged[0])
        return data_error(self.path, f"cannot be parsed: {error}")

    def _ragged_error(self, row) -> DataError:
        return data_error(self.path, f"has {row.actual_columns} values, the header has "
                          f"{row.expected_columns}: {row.text[:80]!r}", where=f"line {row.number}",
                          fix="give every line one value per header column")


def _split(batches: list[pa.RecordBatch], rows: int) -> tuple[pa.RecordBatch, list]:
    table = pa.Table.from_batches(batches).combine_chunks()
    rest = table.slice(rows)
    return table.slice(0, rows).to_batches()[0], rest.to_batches() if rest.num_rows else []


def _first_bad_text(column: pa.Array, index: int) -> Problem | None:
    """The first cell of a raw-bytes column that is empty, not a number, or not finite."""
    bad = _first_unparsable(column)
    if bad is not None:
        return Problem(bad, index, _describe(column[bad].as_py()))
    numbers = _parse(column)
    problem = first_bad_float(numbers)
    return problem._replace(column=index) if problem else None


def _parse(column: pa.Array) -> pa.Array:
    return pc.cast(pc.utf8_trim_whitespace(column.cast(pa.string())), pa.float64())


def _first_unparsable(column: pa.Array) -> int | None:
    """Bisect on "does this slice parse": O(log n) vectorised casts, no loop over rows."""
    lo, hi = 0, len(column)
    if _parses(column):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _parses(column.slice(lo, mid - lo)) else (lo, mid)
    return lo


def _parses(column: pa.Array) -> bool:
    try:
        _parse(column)
        return True
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False


def _describe(raw: bytes | None) -> str:
    if raw is None:
        return "an empty cell"
    try:
        return repr(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return f"bytes {raw!r} that are not UTF-8"
