"""The mean cost of the neuron ŷ = φ(w·x + b) and its gradient, in one pass over X.

C(w, b) = mean over rows of c = (y − φ(z))² (or the log-loss), z = X·w + b. With δ = ∂c/∂z
derived by SymPy (:mod:`gradwise.neuron.derivation`), ∇w C = Xᵀδ / N and ∂C/∂b = mean(δ). SymPy's
code printer turns φ, c and δ into one small ``phi_delta(z, y)`` source, which three back
ends run:

* numba (the default from ``NUMBA_MIN_VALUES`` values up): one parallel pass over X. For X in
  C order with up to 16 features, one loop per block of rows, generated for that number of
  features: z = x·w + b, φ, c and δ, then δ·x, each x read once
  (:mod:`gradwise.neuron._numba_fused`); otherwise blocks of 256 rows: z = X_block·w, then φ
  and δ over the block's z, then X_blockᵀδ while the block is still in cache. Both vectorise
  φ and δ across rows, with a polynomial e^x from :mod:`gradwise.numeric._numba_exp`;
* NumPy: the same source on blocks of rows, so temporaries stay O(block × d), never O(N × d);
* CUDA (``backend="cuda"``, ``pip install 'gradwise[gpu]'``): a row per GPU thread, from X on
  the host or already on the GPU (:mod:`gradwise.neuron._cuda_launch`); never chosen by
  ``auto``.

Precision: the NumPy and CUDA back ends work in float64 throughout. The numba one sums in
float64 across blocks; for float32 data it computes z = X·w and the products δ·x, and sums them
within a block, in float32 (the d-wide work per row), and in the fused loop (C order, up to 16
features) also φ, c and δ, with a float32 e^x, summed in float32 within a block of 1024 rows
(elsewhere φ, c and δ are float64). This keeps the gradient within 1e-5 of its largest
component, and the cost within 1e-6 relative, of a float64 pass on the same data (tested;
measured about 4e-8 of both on 10⁷ × 10 rows). Results come back in X's dtype. Every back end
refuses the same bad input with the same message (:mod:`gradwise.neuron._validation`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import sympy

from gradwise.errors import InputError
from gradwise.neuron._validation import raise_if_not_finite, require_finite, validated
from gradwise.neuron.derivation import Activation, CostName, Derivation, derive, stable_form
from gradwise.numeric.printers import KernelPrinter, namespace

Backend = Literal["auto", "numba", "numpy", "cuda"]
BACKENDS = ("auto", "numba", "numpy", "cuda")

NUMPY_BLOCK_VALUES = 1 << 16
"""NumPy back end: values of X per block (512 KB of float64), so that the block's second
read (Xᵀδ after X·w) and a float32 block's widening to float64 stay in cache."""
NUMBA_MIN_VALUES = 1 << 18
"""``auto`` runs numba from this many values of X up; below, starting its threads costs more
than the pass (a 256 x 20 mini-batch: ~170 µs with numba, ~60 µs with NumPy, 2 cores)."""


def cost_and_gradient(
    X: np.ndarray,
    y: Any,
    weights: Any,
    bias: float,
    activation: Activation = "sigmoid",
    *,
    backend: Backend = "auto",
    cost: CostName = "squared_error",
) -> tuple[np.floating, np.ndarray, np.floating]:
    """Cost C = mean((y − φ(X·w + b))²) and its gradient with respect to w and b.

    Args:
        X: features, float64 or float32, shape (N, d), C or Fortran order.
        y: targets, shape (N,).
        weights: w, shape (d,).
        bias: b, a number.
        activation: ``identity``, ``sigmoid``, ``tanh``, ``relu``, ``softplus``, or a SymPy
            expression of a symbol ``z``.
        backend: ``auto`` uses numba when it is installed and X has at least
            ``NUMBA_MIN_VALUES`` values, else NumPy; ``cuda`` runs on the GPU, where X and y
            may also be arrays already there (``__cuda_array_interface__``: CuPy, PyTorch,
            numba), read in place.
        cost: ``squared_error`` (the notes' C) or ``log_loss`` (see :func:`derive`).

    Returns:
        ``(cost, grad_weights, grad_bias)`` in X's dtype; grad_weights has shape (d,).
        A custom activation that overflows gives inf or nan here rather than an exception.

    Raises:
        InputError: wrong shapes or dtypes, nan or inf in the inputs, unknown activation,
            ``backend="numba"`` without numba, ``backend="cuda"`` without a usable GPU (the
            message says what is missing) or with too little GPU memory.

    Example:
        >>> X = np.array([[1.0]])
        >>> cost, grad_w, grad_b = cost_and_gradient(X, [1.0], [3.0], 0.0, "identity")
        >>> float(cost), grad_w.tolist(), float(grad_b)
        (4.0, [4.0], 4.0)
    """
    if backend == "cuda":
        return _on_gpu(X, y, weights, bias, phi_delta_source(derive(activation, cost)))
    # y's nan/inf are looked for only if the sums are not finite: a full check of y on every
    # call took about an eighth of the numba pass's time on 10⁷ × 10 rows
    X, y, w, b = validated(X, y, weights, bias, finite_y=False)
    source = phi_delta_source(derive(activation, cost))
    if _backend(backend, X.size) == "numba":
        sums = _numba_sums(X, y, w, b, source)
    else:
        sums = _numpy_sums(X, y, w, b, _numpy_phi_delta(source))
    if not np.isfinite(sums).all():  # nan/inf in y or X always reach the sums (0·inf is nan)
        require_finite("y", y)
        raise_if_not_finite(X)
    return _means(sums, X.shape[0], X.dtype)


def _on_gpu(X: Any, y: Any, weights: Any, bias: Any, source: str) -> tuple:
    """The CUDA back end: X and y on the host (copied once) or on the GPU (used in place)."""
    from gradwise.neuron import gpu as device

    device.require()  # says what is missing before numba.cuda is imported
    from gradwise.neuron import _cuda_launch as gpu

    X, y, w, b = gpu.validated(X, y, weights, bias)
    sums = gpu.sums(X, y, w, b, source)
    if not np.isfinite(sums).all():
        gpu.raise_if_not_finite(X, y)  # nan/inf in X or y always reach the sums
    return _means(sums, X.shape[0], X.dtype)


def _means(sums: np.ndarray, n: int, dtype: Any) -> tuple:
    """(C, ∇w C, ∂C/∂b) from [Σc, Σδ, Σδ·x₁, …, Σδ·x_d], in X's dtype."""
    real = np.dtype(dtype).type
    return real(sums[0] / n), (sums[2:] / n).astype(dtype), real(sums[1] / n)


@lru_cache(maxsize=64)
def phi_delta_source(derivation: Derivation) -> str:
    """Python source of ``phi_delta(z, y) -> (φ, c, δ)``, printed from the SymPy derivation.

    The cost is printed in :func:`~gradwise.neuron.derivation.stable_form`, so the log-loss of a
    saturated sigmoid stays finite.

    Example:
        >>> print(phi_delta_source(derive("sigmoid")))
        def phi_delta(z, y):
            t0 = sigmoid(z)
            t1 = -t0 + y
            return t0, t1**2, -2*t0*t1*(1 - t0)
    """
    printer = KernelPrinter()
    shared, (phi, cost, delta) = sympy.cse(
        [derivation.phi, stable_form(derivation.cost), derivation.delta],
        symbols=sympy.numbered_symbols("t"),
    )
    lines = ["def phi_delta(z, y):"]
    lines += [f"    {name} = {printer.doprint(expr)}" for name, expr in shared]
    lines.append(f"    return {', '.join(printer.doprint(e) for e in (phi, cost, delta))}")
    return "\n".join(lines)


def phi_cost_delta(
    z: Any, y: Any, activation: Activation = "sigmoid", cost: CostName = "squared_error"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """φ(z), the per-sample cost c and δ = ∂c/∂z, elementwise, from the same printed source.

    For predictions (φ) and per-sample diagnosis; :func:`cost_and_gradient` is the fast pass.
    Overflow gives inf or nan, never a warning.

    Example:
        >>> phi, c, delta = phi_cost_delta(np.array([3.0]), np.array([1.0]), "identity")
        >>> phi.tolist(), c.tolist(), delta.tolist()
        ([3.0], [4.0], [4.0])
    """
    function = _numpy_phi_delta(phi_delta_source(derive(activation, cost)))
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return tuple(  # type: ignore[return-value]
            np.broadcast_to(v, z.shape).astype(np.float64) for v in function(z, np.asarray(y))
        )


@lru_cache(maxsize=1)
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None  # a file-system search: ask once


def _backend(backend: Backend, size: int) -> str:
    """The back end that runs: ``auto`` is numba from ``NUMBA_MIN_VALUES`` values of X up
    when numba is installed, else NumPy; it never picks the GPU."""
    if backend not in BACKENDS:
        raise InputError(f"backend must be one of {', '.join(map(repr, BACKENDS))}; "
                         f"received {backend!r}")
    installed = _numba_installed()
    if backend == "numba" and not installed:
        raise InputError("backend='numba' needs numba. Fix: pip install numba")
    if backend == "auto":
        return "numba" if installed and size >= NUMBA_MIN_VALUES else "numpy"
    return backend


def _numba_sums(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, source: str) -> np.ndarray:
    from gradwise.neuron import _numba_kernel as nk

    module = nk.compiled(source, X.shape[1] if X.flags.c_contiguous else 0)
    with nk.LOCK:
        if X.flags.f_contiguous and not X.flags.c_contiguous:
            return module.by_columns(X.T, y, w, b, nk.ROWS_PER_TASK, nk.BLOCK_ROWS)
        if hasattr(module, "by_fused_rows"):  # C order, at most FUSED_FEATURES features
            fused = module.by_fused_rows32 if X.dtype == np.float32 else module.by_fused_rows
            return fused(X, y, w, b, nk.ROWS_PER_TASK, nk.FUSED_BLOCK_ROWS)
        return module.by_rows(X, y, w, b, nk.ROWS_PER_TASK, nk.BLOCK_ROWS)


def _numpy_sums(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, phi_delta: Callable
) -> np.ndarray:
    """[Σc, Σδ, Σδ·x₁, …, Σδ·x_d], a block of rows at a time, in float64."""
    n, d = X.shape
    rows = max(1, NUMPY_BLOCK_VALUES // d)
    sums = np.zeros(d + 2)
    # Overflow in a custom φ is returned as inf/nan, as the numba back end does, not warned.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for lo in range(0, n, rows):
            # float32 rows are widened once per block (not once per product), in cache
            block = X[lo : lo + rows].astype(np.float64, copy=False)
            targets = y[lo : lo + rows].astype(np.float64)
            z = block @ w + b
            cost, delta = (np.broadcast_to(v, z.shape) for v in phi_delta(z, targets)[1:])
            sums += np.concatenate(([cost.sum(), delta.sum()], delta @ block))
    return sums


def _numpy_names() -> dict[str, Any]:
    def reduce(ufunc: np.ufunc) -> Callable[..., np.ndarray]:
        return lambda *args: ufunc.reduce(np.broadcast_arrays(*args))

    # the kernel printer prints Python's max/min; on arrays they are elementwise
    return {**namespace("numpy"), "max": reduce(np.maximum), "min": reduce(np.minimum)}


@lru_cache(maxsize=64)
def _numpy_phi_delta(source: str) -> Callable:
    # The source is printed by _KernelPrinter from a checked SymPy derivation, never user text.
    names = _numpy_names()
    exec(compile(source, "<gradwise phi_delta>", "exec"), names)  # noqa: S102
    return names["phi_delta"]
