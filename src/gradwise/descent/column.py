"""A column of a float trace: read as a tuple of Python floats, kept as one NumPy array.

A run of 100,000 steps records 100,000 floats per column. Kept as a read-only float64
array, the column passes from the numba loop to the trace and on to the diagnostics
without a copy, while code that reads it as before (``column[k]``, ``for x in column``,
``column == (3.0, 2.6)``, its repr) still sees Python floats. Exact runs keep tuples of
SymPy rationals instead.

Example:
    >>> xs = Column([3.0, 2.6])
    >>> xs, xs[1], type(xs[1]).__name__, xs == (3.0, 2.6)
    ((3.0, 2.6), 2.6, 'float', True)
    >>> xs.array.flags.writeable
    False
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

__all__ = ["Column", "as_column"]


class Column(Sequence[float]):
    """An immutable sequence of floats stored as one read-only float64 array.

    Indexing gives Python floats, slicing a Column, ``np.asarray(column)`` the array
    itself (no copy). Equal to another Column or a tuple with the same values in the same
    places (0.0 matching −0.0, as floats do). Two Columns also match NaN with NaN in the same
    place; a tuple is compared as tuples are, where a NaN equals only itself.

    Args:
        values: the floats (an iterable, or an array to copy).
        copy: ``False`` to take ``values`` (a float64 array no one else writes to) as it is.
    """

    __slots__ = ("_array",)

    def __init__(self, values: Iterable[float] | np.ndarray, *, copy: bool = True) -> None:
        if isinstance(values, np.ndarray):  # (copy=None in np.array needs NumPy 2)
            array = np.array(values, dtype=np.float64) if copy else \
                np.asarray(values, dtype=np.float64)
        else:
            array = np.fromiter(values, dtype=np.float64)
        if array.ndim != 1:
            raise ValueError(f"a column is one-dimensional; received shape {array.shape}")
        array.flags.writeable = False
        self._array = array

    @property
    def array(self) -> np.ndarray:
        """The values as a read-only float64 array (shared, not copied)."""
        return self._array

    def __len__(self) -> int:
        return len(self._array)

    @overload
    def __getitem__(self, index: int) -> float: ...

    @overload
    def __getitem__(self, index: slice) -> Column: ...

    def __getitem__(self, index: int | slice) -> float | Column:
        if isinstance(index, slice):
            return Column(self._array[index], copy=False)
        return self._array.item(index)

    def __iter__(self) -> Iterator[float]:
        return iter(self._array.tolist())

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy or (dtype is not None and np.dtype(dtype) != self._array.dtype):
            return self._array.astype(dtype or np.float64)
        return self._array

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return tuple(self) == other  # a tuple's rules: NaN is not equal to a new NaN
        if not isinstance(other, Column):
            return NotImplemented
        return bool(np.array_equal(self._array, other._array, equal_nan=True))

    def __hash__(self) -> int:
        values = self._array
        if np.isnan(values).any():  # never equal to a tuple: only NaN's place counts
            return hash(tuple(np.where(np.isnan(values), np.inf, values).tolist()) + (None,))
        return hash(tuple(values.tolist()))  # as the equal tuple's hash

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return Column, (self._array,)


def as_column(values: Sequence[Any], exact: bool) -> Sequence[Any]:
    """A trace column: a tuple in exact mode (rationals), else a :class:`Column`."""
    return tuple(values) if exact else Column(values)
