"""The numba back end of :mod:`gradwise.neuron.kernel`: imported only when numba is installed.

Each activation's ``phi_delta`` (printed from SymPy by :mod:`gradwise.neuron.kernel`) is pasted
into :data:`TEMPLATE`, written once to a cache folder and imported from there, so that
numba's ``cache=True`` can keep the machine code between processes.

Two passes over X in C order: for up to ``FUSED_FEATURES`` features, ``by_fused_rows``, one
loop per block generated for that d (:mod:`gradwise.neuron._numba_fused`); for more features
or strided X, ``by_rows``, three loops per block. For float32 rows the fused loop is
``by_fused_rows32``, computing in float32 throughout the row from ``phi_delta32`` and the
activations' float32 twins (:func:`single_precision`). Fortran-ordered X takes ``by_columns``.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import tokenize
from pathlib import Path
from types import ModuleType

import numba
import numpy as np
from numba import njit

from gradwise.neuron import _numba_fused
from gradwise.neuron._numba_fused import FUSED_FEATURES, fused_source
from gradwise.numeric import _numba_exp, activations
from gradwise.numeric.cache import import_file, stem, write

# 'workqueue' is numba's own pool: always present and, unlike GNU OpenMP, its idle threads
# sleep instead of spinning, so on a 2-core machine they do not stall the OpenBLAS threads
# NumPy uses right after a kernel call. It is not re-entrant, so kernel.py calls us under LOCK.
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"  # type: ignore[attr-defined]
LOCK = threading.Lock()

ROWS_PER_TASK = 4096  # one task's rows: 4096 x d values stay in L2 while they are read twice
BLOCK_ROWS = 256  # one block's rows: z, c and δ of a block are each a vector LLVM can vectorise
# by_fused_rows: a block's float32 sums of δ·x (and in by_fused_rows32 of c and δ) stay float32
# (float64 across blocks); 1024 rows use at most 3% of the stated 1e-5 (measured), and each
# block's end (its vector sums added up) comes a quarter as often as with 256 (measured 7.3 ->
# 6.6 ns a row in float32)
FUSED_BLOCK_ROWS = 1024

# Everything phi_delta inlines is compiled with error_model="numpy" (see numeric._numba_exp):
# a division by zero gives inf or nan, as the NumPy back end does, and the loop over a block
# of z values stays free of branches, so LLVM vectorises it.
_helper = njit(cache=True, error_model="numpy")


@_helper
def select(condition, if_true, if_false):  # pragma: no cover - compiled
    """The activations' primitive (gradwise.numeric.activations): a select, not a branch,
    since the sign of z is random."""
    return if_true if condition else if_false


@_helper
def heaviside(z, at_zero):  # pragma: no cover - compiled
    if z != z:
        return z
    return 1.0 if z > 0.0 else (at_zero if z == 0.0 else 0.0)


@_helper
def sign(z):  # pragma: no cover - compiled
    # selects of floats rather than bools minus bools: the same text also runs as Python
    # (numba's CUDA simulator), where NumPy refuses to subtract booleans
    return (1.0 if z > 0.0 else 0.0) - (1.0 if z < 0.0 else 0.0) + 0.0 * z


@_helper
def heaviside32(z, at_zero):  # pragma: no cover - compiled
    """heaviside for float32 z, in float32 (float literals would make it float64)."""
    if z != z:
        return z
    one, zero = np.float32(1.0), np.float32(0.0)
    return one if z > zero else (np.float32(at_zero) if z == zero else zero)


@_helper
def sign32(z):  # pragma: no cover - compiled
    one, zero = np.float32(1.0), np.float32(0.0)
    return (one if z > zero else zero) - (one if z < zero else zero) + zero * z


# The sums below may be reordered (fastmath "reassoc" on these loops only, never on phi_delta
# or exp, whose rounding steps must stay as written): sums of 256 terms in lanes instead of one
# by one, which changes them by rounding only.
_sum_helper = njit(cache=True, fastmath={"reassoc"}, error_model="numpy")


@_sum_helper
def row_dots(X, lo, m, w, b, zs):  # pragma: no cover - compiled
    """zs[i] = b + X[lo + i]·w for the m rows of a block; X in X's dtype, zs float64.

    Four rows at a time: four independent sums in flight instead of one per row, whose d
    terms LLVM otherwise adds across vector lanes (measured 4.6 → 2.8 ns a row in float64,
    3.5 → 2.8 in float32, d = 10)."""
    d, zero = X.shape[1], X.dtype.type(0)
    i = 0
    while i + 4 <= m:
        r = lo + i
        z0 = z1 = z2 = z3 = zero
        for j in range(d):
            wj = w[j]
            z0 += X[r, j] * wj
            z1 += X[r + 1, j] * wj
            z2 += X[r + 2, j] * wj
            z3 += X[r + 3, j] * wj
        zs[i], zs[i + 1], zs[i + 2], zs[i + 3] = b + z0, b + z1, b + z2, b + z3
        i += 4
    for k in range(i, m):
        z = zero
        for j in range(d):
            z += X[lo + k, j] * w[j]
        zs[k] = b + z


@_sum_helper
def column_dots(XT, lo, m, w, b, zs):  # pragma: no cover - compiled
    """As row_dots for XT = X.T: each column's run of the block is contiguous."""
    zs[:m] = b
    for j in range(XT.shape[0]):
        wj = w[j]
        for i in range(m):
            zs[i] += XT[j, lo + i] * wj


@_sum_helper
def total(values, m):  # pragma: no cover - compiled
    s = 0.0
    for i in range(m):
        s += values[i]
    return s


@_sum_helper
def add_row_products(X, lo, m, deltas, acc, block_sums):  # pragma: no cover - compiled
    """acc[j] += Σ_i δ_i·X[lo + i, j]: a block's sums in X's dtype, then added to float64 acc.

    Four rows at a time, each a contiguous axpy into the d sums (measured faster than one
    row at a time, and than four columns at a time down the block)."""
    d = X.shape[1]
    block_sums[:] = 0
    i = 0
    while i + 4 <= m:
        r, d0, d1, d2, d3 = lo + i, deltas[i], deltas[i + 1], deltas[i + 2], deltas[i + 3]
        for j in range(d):
            block_sums[j] += (d0 * X[r, j] + d1 * X[r + 1, j]) + (
                d2 * X[r + 2, j] + d3 * X[r + 3, j]
            )
        i += 4
    for k in range(i, m):
        dk, row = deltas[k], lo + k
        for j in range(d):
            block_sums[j] += dk * X[row, j]
    for j in range(d):
        acc[j] += block_sums[j]


@_sum_helper
def add_column_products(XT, lo, m, deltas, acc):  # pragma: no cover - compiled
    """As add_row_products for XT = X.T: one contiguous dot product per column."""
    for j in range(XT.shape[0]):
        a = XT.dtype.type(0)
        for i in range(m):
            a += deltas[i] * XT[j, lo + i]
        acc[j] += a


TEMPLATE = '''"""Generated by gradwise.neuron._numba_kernel from a SymPy derivation; do not edit."""
# helpers {helpers}: numba's cache only watches this file, so a change to the helpers renames it
from math import log, log1p, sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, pi, e, sqrt

import numpy as np
from numba import njit, prange

from gradwise.numeric._numba_exp import exp, exp32
from gradwise.neuron._numba_fused import wide_vectors
from gradwise.neuron._numba_kernel import (
    add_column_products, add_row_products, column_dots, heaviside, heaviside32, row_dots,
    select, sign, sign32, total,
)

f32 = np.float32
PI32, E32 = f32(pi), f32(e)


{activations}


@njit(cache=True, fastmath=False, error_model="numpy")
{phi_delta}


# the same in float32, for the fused pass over float32 rows (single_precision)
{activations32}


@njit(cache=True, fastmath=False, error_model="numpy")
{phi_delta32}


@njit(cache=True, fastmath=False, error_model="numpy")
def block_deltas(zs, y, lo, m, costs, deltas):
    """z → δ over a block, in float64: zs becomes δ, deltas δ in X's dtype. No sums here, so
    the loop has no dependence from one row to the next and LLVM vectorises it."""
    for i in range(m):
        phi, cost, delta = phi_delta(zs[i], y[lo + i])
        costs[i] = cost
        zs[i] = delta
        deltas[i] = delta


@njit(parallel=True, cache=True, fastmath=False)
def by_rows(X, y, w, b, rows_per_task, block_rows):
    """Sums of c, δ and δ·x over the rows of X, in blocks: z = X_block·w, then c and δ over
    the block, then X_blockᵀδ, while the block is still in L1."""
    n, d = X.shape
    tasks = (n + rows_per_task - 1) // rows_per_task
    sums = np.zeros((tasks, d + 2))
    w = w.astype(X.dtype)
    for t in prange(tasks):
        acc = np.zeros(d + 2)
        zs, costs = np.empty(block_rows), np.empty(block_rows)
        deltas = np.empty(block_rows, X.dtype)
        block_sums = np.empty(d, X.dtype)
        stop = min(n, (t + 1) * rows_per_task)
        for lo in range(t * rows_per_task, stop, block_rows):
            m = min(block_rows, stop - lo)
            row_dots(X, lo, m, w, b, zs)
            block_deltas(zs, y, lo, m, costs, deltas)
            acc[0] += total(costs, m)
            acc[1] += total(zs, m)
            add_row_products(X, lo, m, deltas, acc[2:], block_sums)
        sums[t] = acc
    return sums.sum(axis=0)


{fused}
@njit(parallel=True, cache=True, fastmath=False)
def by_columns(XT, y, w, b, rows_per_task, block_rows):
    """As by_rows for XT = X.T (X in Fortran order): each block is d contiguous runs."""
    d, n = XT.shape
    tasks = (n + rows_per_task - 1) // rows_per_task
    sums = np.zeros((tasks, d + 2))
    w = w.astype(XT.dtype)
    for t in prange(tasks):
        acc = np.zeros(d + 2)
        zs, costs = np.empty(block_rows), np.empty(block_rows)
        deltas = np.empty(block_rows, XT.dtype)
        stop = min(n, (t + 1) * rows_per_task)
        for lo in range(t * rows_per_task, stop, block_rows):
            m = min(block_rows, stop - lo)
            column_dots(XT, lo, m, w, b, zs)
            block_deltas(zs, y, lo, m, costs, deltas)
            acc[0] += total(costs, m)
            acc[1] += total(zs, m)
            add_column_products(XT, lo, m, deltas, acc[2:])
        sums[t] = acc
    return sums.sum(axis=0)
'''

_modules: dict[str, ModuleType] = {}
_HELPER_FILES = (Path(__file__), Path(_numba_exp.__file__), Path(_numba_fused.__file__))
_HELPERS = hashlib.sha256(b"".join(p.read_bytes() for p in _HELPER_FILES)).hexdigest()[:12]


def compiled(phi_delta_source: str, features: int = 0) -> ModuleType:
    """The generated module for one ``phi_delta``; numba compiles it on first call. With
    ``0 < features <= FUSED_FEATURES`` it also has ``by_fused_rows`` for that many features."""
    fused = fused_source(features) if 0 < features <= FUSED_FEATURES else ""
    decorated = activations.source('@njit(cache=True, error_model="numpy")')
    source = TEMPLATE.format(phi_delta=phi_delta_source, helpers=_HELPERS, fused=fused,
                             activations=decorated,
                             phi_delta32=single_precision(phi_delta_source, constants=True),
                             activations32=single_precision(decorated))
    name = stem("gradwise_kernel", source)
    if name not in _modules:
        _modules[name] = import_file(write(source, name), name)
    return _modules[name]


# what single_precision renames: each function to its float32 twin in the generated module
_SINGLE_NAMES = {
    "exp": "exp32", "heaviside": "heaviside32", "sign": "sign32", "phi_delta": "phi_delta32",
    **{a.name: f"{a.name}32" for a in activations.ACTIVATIONS},
}
_SINGLE_CONSTANTS = {"pi": "PI32", "e": "E32"}


def single_precision(source: str, *, constants: bool = False) -> str:
    r"""``source`` (phi_delta or the activations) computing in float32 on float32 arguments.

    numba types a Python float literal as float64, and float32 · float64 is float64, so each
    number becomes ``f32(number)`` (an integer exponent after ``**`` stays, so that t**2 is
    still a product), each function its float32 twin (exp → exp32, sigmoid → sigmoid32, …)
    and, with ``constants`` (phi_delta, whose only names are z, y, t0, t1, … and functions),
    pi and e float32 constants.

    Example:
        >>> print(single_precision("def phi_delta(z, y):\n    return z, (y - z)**2, -2*y + 2*z"))
        def phi_delta32(z, y):
            return z, (y - z)**2, -f32(2)*y + f32(2)*z
    """
    names = {**_SINGLE_NAMES, **(_SINGLE_CONSTANTS if constants else {})}
    lines = source.splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for k in range(len(tokens) - 1, -1, -1):  # from the end: earlier columns stay valid
        token = tokens[k]
        text = token.string
        if token.type == tokenize.NAME and text in names:
            text = names[text]
        elif token.type == tokenize.NUMBER and not (
                k > 0 and tokens[k - 1].string == "**" and text.isdigit()):
            text = f"f32({text})"
        if text != token.string:
            (row, start), (_, end) = token.start, token.end
            line = lines[row - 1]
            lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines)
