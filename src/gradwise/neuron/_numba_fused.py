"""The neuron kernel's fused loop: source generated for one number of features d.

For X in C order with d ≤ :data:`FUSED_FEATURES`, :mod:`gradwise.neuron._numba_kernel` pastes
:func:`fused_source` into its generated module: per block of rows, one loop computes
z = x·w + b, φ, c and δ, then δ·x, while the row is in registers. With d known when the text
is written, each x_j is a named value, so LLVM vectorises the loop across rows: it gathers
column j of a few rows into one vector register, uses it for z and again for δ·x_j, and keeps
the d + 2 sums in vector registers (the older three loops per block read each block twice and
passed z and δ through memory; this loop is about twice as fast on 10 features).

For float32 rows the loop is generated a second time (``fused_block32``) with z, φ, c and δ in
float32 (:func:`gradwise.neuron._numba_kernel.single_precision` rewrites the printed
``phi_delta``; e^x is :func:`gradwise.numeric._numba_exp.exp32`) and c and δ summed in float32
within the block: LLVM sizes its vectors by the widest value the loop sums, so a single float64
sum keeps the float32 loop at eight rows a vector, as in float64, where all-float32 work fits
sixteen (measured 80 → 54 ms for 10⁷ × 10 float32 rows with σ on one thread, read floor 47).

LLVM is asked for 512-bit vectors in this loop (:func:`wide_vectors`) where the CPU has
AVX-512 without the large clock penalty of the first AVX-512 Xeons: on such a CPU LLVM
prefers 256-bit vectors everywhere by default, and this loop is bound by its arithmetic and
its gathers, which 512-bit vectors halve.
"""

from __future__ import annotations

from llvmlite import binding
from numba import types
from numba.extending import intrinsic

FUSED_FEATURES = 16  # up to this d, one loop per block, generated for that d

# LLVM's names of the AVX-512 CPUs that lower their clock for 512-bit arithmetic
_SLOW_WIDE_CPUS = frozenset({"skylake-avx512", "cascadelake", "cooperlake", "knl", "knm"})
WIDE = binding.get_host_cpu_name() not in _SLOW_WIDE_CPUS
_WIDE_ATTRIBUTES = ('"prefer-vector-width"="512"', '"min-legal-vector-width"="512"')


@intrinsic
def wide_vectors(typingctx):  # pragma: no cover - runs in the compiler
    """Let LLVM use 512-bit vectors in the calling function (a no-op without AVX-512).

    The function attributes that clang's ``-mprefer-vector-width=512`` sets; llvmlite knows
    only a fixed list of attributes, so they are added to its set directly, and where a later
    llvmlite keeps attributes otherwise the loop simply stays at 256 bits."""

    def codegen(context, builder, signature, args):
        try:
            for attribute in _WIDE_ATTRIBUTES:
                set.add(builder.function.attributes, attribute)
        except TypeError:
            pass
        return context.get_dummy_value()

    return types.none(), codegen


FUSED_PASS = '''
@njit(parallel=True, cache=True, fastmath=False)
def by_fused_rows{suffix}(X, y, w, b, rows_per_task, block_rows):
    """As by_rows for X in C order with the d features fused_block{suffix} was generated for."""
    n, d = X.shape
    tasks = (n + rows_per_task - 1) // rows_per_task
    sums = np.zeros((tasks, d + 2))
    w = w.astype(X.dtype){bias}
    for t in prange(tasks):
        acc = np.zeros(d + 2)
        stop = min(n, (t + 1) * rows_per_task)
        for lo in range(t * rows_per_task, stop, block_rows):
            hi = min(stop, lo + block_rows)
            fused_block{suffix}(X[lo:hi].reshape(-1), y[lo:hi], w, b, acc)
        sums[t] = acc
    return sums.sum(axis=0)
'''


def fused_source(d: int) -> str:
    """Source of ``fused_block(F, y, w, b, acc)`` for rows of ``d`` features (F: a block of
    rows, flattened) and of ``by_fused_rows``, the parallel pass that calls it, for float64
    rows; and of ``fused_block32`` and ``by_fused_rows32`` for float32 rows.

    ``acc`` gets [Σc, Σδ, Σδ·x₁, …, Σδ·x_d] over the block: c and δ summed in float64, δ·x in
    X's dtype (for float32, within the block only, as ``by_rows`` does); fused multiply-adds
    (``contract``) for z and δ·x, while ``phi_delta`` keeps its own rounding. For float32 rows,
    z, φ, c and δ are float32 too (``phi_delta32``, b and each y rounded to float32): the loop
    is then bound by the float32 φ and δ, whose vectors hold twice as many rows.

    Example:
        >>> print(next(line for line in fused_source(2).splitlines() if "F[" in line))
                x0, x1 = F[2 * i], F[2 * i + 1]
    """
    return "\n\n".join([
        _block(d, "", "phi_delta", "y[i]"),
        FUSED_PASS.format(suffix="", bias=""),
        _block(d, "32", "phi_delta32", "np.float32(y[i])"),
        FUSED_PASS.format(suffix="32", bias="\n    b = np.float32(b)"),
    ])


def _block(d: int, suffix: str, phi_delta: str, target: str) -> str:
    j = range(d)
    x, w, g = ([f"{name}{k}" for k in j] for name in "xwg")
    lines = [
        '@njit(cache=True, fastmath={"reassoc", "contract"}, error_model="numpy")',
        f"def fused_block{suffix}(F, y, w, b, acc):",
        *(["    wide_vectors()"] if WIDE else []),
        f"    {_assign(w, [f'w[{k}]' for k in j])}",
        f"    {' = '.join(g)} = F.dtype.type(0)",
        f"    costs = deltas = {'F.dtype.type(0)' if suffix else '0.0'}",
        "    for i in range(y.size):",
        f"        {_assign(x, [f'F[{d} * i + {k}]' if k else f'F[{d} * i]' for k in j])}",
        f"        phi, cost, delta = {phi_delta}(b + (" + " + ".join(
            f"{a} * {c}" for a, c in zip(x, w)) + f"), {target})",
        "        costs += cost",
        "        deltas += delta",
        "        dx = F.dtype.type(delta)",
        *(f"        {a} += dx * {c}" for a, c in zip(g, x)),
        "    acc[0] += costs",
        "    acc[1] += deltas",
        *(f"    acc[{k + 2}] += {a}" for k, a in zip(j, g)),
    ]
    return "\n".join(lines)


def _assign(names: list[str], values: list[str]) -> str:
    return f"{', '.join(names)} = {', '.join(values)}"
