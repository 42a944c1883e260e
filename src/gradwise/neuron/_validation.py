"""The checks at the kernel's edge, shared by its CPU and CUDA back ends.

Every back end refuses the same inputs with the same messages: X not a 2-D float32 or
float64 array, y, w or b of the wrong shape or not real, and nan or ±inf (named by index).
Arrays on a GPU (anything with ``__cuda_array_interface__``) are checked by their shape and
dtype only, which costs no copy; their values are checked on the device
(:func:`gradwise.neuron.gpu.raise_if_not_finite`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradwise.errors import InputError

BLOCK_VALUES = 1 << 19
"""Values of X scanned at a time when looking for nan/inf (about 4 MB of float64)."""

REAL_TYPES = (np.float64, np.float32)


def validated(X: Any, y: Any, weights: Any, bias: Any, *, finite_y: bool = True) -> tuple:
    """``(X, y, w, b)`` checked: X as given, y float (N,), w float64 (d,), b a float.

    X's values are not read here; nor are y's with ``finite_y=False``, for a caller that checks
    them only when its sums come out non-finite (nan or inf in y always reaches the sum of the
    costs: y enters each cost as a factor or in (y − φ)², never where inf could vanish).

    Example:
        >>> X, y, w, b = validated(np.ones((2, 1)), [1, 0], [0.5], 0)
        >>> y.dtype.name, w.tolist(), b
        ('float64', [0.5], 0.0)
    """
    if not isinstance(X, np.ndarray):
        _refuse_x(X)
    n, d = check_shape(X.ndim, X.shape, X.dtype, X)
    return X, targets(y, n, finite=finite_y), real_weights(weights, d), real_bias(bias)


def check_shape(ndim: int, shape: tuple, dtype: Any, X: Any) -> tuple[int, int]:
    """(N, d) of an X of this ndim, shape and dtype, or the InputError every back end gives."""
    if ndim != 2 or dtype not in REAL_TYPES:
        _refuse_x(X)
    n, d = shape
    if n == 0 or d == 0:
        raise InputError(f"X must have at least one row and one column; received shape {shape}")
    return n, d


def _refuse_x(X: Any) -> None:
    got = f"{type(X).__name__} {getattr(X, 'dtype', '')} {getattr(X, 'shape', '')}".strip()
    raise InputError(
        f"X must be a 2-D float64 or float32 NumPy array of shape (N, d) (or, with "
        f"backend='cuda', such an array on the GPU); received {got}. "
        "Fix: X = np.asarray(X, dtype=np.float64).reshape(N, d)"
    )


def check_targets_shape(shape: tuple, dtype: Any, n: int) -> None:
    """The InputError for a y that is not n real numbers."""
    if tuple(shape) != (n,) or np.dtype(dtype).kind not in "fiu":
        raise InputError(
            f"y must be {n} real numbers, one per row of X, shape ({n},); received dtype "
            f"{dtype} shape {tuple(shape)}. Fix: y = np.ravel(y)"
        )


def targets(y: Any, n: int, *, finite: bool = True) -> np.ndarray:
    """y as (n,) float32 or float64, checked finite unless ``finite=False``."""
    y = np.asarray(y)
    check_targets_shape(y.shape, y.dtype, n)
    if finite:
        require_finite("y", y)
    return y if y.dtype in REAL_TYPES else y.astype(np.float64)


def real_weights(weights: Any, d: int) -> np.ndarray:
    """w as d finite float64 numbers."""
    w = np.asarray(weights, dtype=np.float64) if _is_real(weights) else None
    if w is None or w.shape != (d,):
        raise InputError(
            f"weights must be {d} real numbers, one per column of X, shape ({d},); "
            f"received {weights!r}"
        )
    require_finite("weights", w)
    return w


def real_bias(bias: Any) -> float:
    """b as one finite float."""
    if not _is_real(bias) or np.ndim(bias) != 0:
        raise InputError(f"bias must be one real number; received {bias!r}")
    require_finite("bias", np.asarray(bias, dtype=np.float64).reshape(1))
    return float(bias)


def _is_real(value: Any) -> bool:
    return np.asarray(value).dtype.kind in "fiu"


def require_finite(name: str, values: np.ndarray) -> None:
    """An InputError naming the first nan/inf of a 1-D array, if there is one."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        refuse_not_finite(name, (int(bad[0]),), float(values[bad[0]]), bad.size)


def refuse_not_finite(name: str, index: tuple[int, ...], value: float,
                      count: int | None = None) -> None:
    """The InputError for ``name[index]`` being nan or ±inf."""
    cell = ", ".join(map(str, index))
    if name == "X":
        raise InputError(f"X[{cell}] is {value!r}; expected finite numbers. "
                         "Fix: drop or fill rows with nan/inf before training")
    many = "the" if count is None else f"the {count}"
    raise InputError(f"{name}[{cell}] is {value!r}; expected finite numbers. "
                     f"Fix: drop or fill {many} nan/inf value(s) before training")


def raise_if_not_finite(X: np.ndarray) -> None:
    """An InputError naming the first nan/inf cell of X, scanned a block of rows at a time."""
    rows = max(1, BLOCK_VALUES // X.shape[1])
    for lo in range(0, X.shape[0], rows):
        bad = np.argwhere(~np.isfinite(X[lo : lo + rows]))
        if bad.size:
            i, j = lo + int(bad[0][0]), int(bad[0][1])
            refuse_not_finite("X", (i, j), float(X[i, j]))
