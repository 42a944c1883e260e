"""Tests for gradwise.numeric._numba_exp: the vectorisable e^x against numpy.exp, every float."""

from __future__ import annotations

import platform

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from gradwise.neuron import _numba_kernel  # noqa: E402
from gradwise.neuron.derivation import derive  # noqa: E402
from gradwise.neuron.kernel import phi_delta_source  # noqa: E402
from gradwise.numeric._numba_exp import exp, exp32  # noqa: E402

# σ as the numba kernel runs it: the activations' one source, compiled in the kernel's module
sigmoid = _numba_kernel.compiled(phi_delta_source(derive("sigmoid"))).sigmoid

TINY = np.finfo(np.float64).tiny  # the smallest normal float
MAX_RELATIVE_ERROR = 5.6e-16  # 2.5 ulp; the module docstring's bound (measured: 4.7e-16)


@numba.njit
def _exp_all(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = exp(x[i])
    return out


@numba.njit
def _exp32_all(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = exp32(x[i])
    return out


@numba.njit
def _sigmoid_all(z):
    out = np.empty_like(z)
    for i in range(z.size):
        out[i] = sigmoid(z[i])
    return out


def _over_the_float_range():
    rng = np.random.default_rng(3)
    return np.concatenate([
        np.linspace(-746.0, 710.0, 2_000_001),  # every binade of the result, overflow to zero
        rng.uniform(-746.0, 710.0, 1_000_000),
        rng.uniform(-1.0, 1.0, 500_000),  # k = 0 and ±1, where r is most of x
        np.ldexp(rng.uniform(-1.0, 1.0, 100_000), rng.integers(-1074, 0, 100_000)),  # tiny x
        np.arange(-1076, 1025) * np.log(2.0),  # x on the multiples of ln 2, ties of k
    ])


def test_relative_error_is_within_the_stated_bound_where_exp_is_normal():
    x = _over_the_float_range()
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(x)
    normal = (want >= TINY) & np.isfinite(want)
    relative = np.abs(_exp_all(x)[normal] - want[normal]) / want[normal]
    assert relative.max() <= MAX_RELATIVE_ERROR


def test_subnormal_results_are_within_one_unit_of_the_smallest_float():
    x = _over_the_float_range()
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(x)
    subnormal = (want > 0) & (want < TINY)
    assert subnormal.sum() > 1000
    assert np.abs(_exp_all(x)[subnormal] - want[subnormal]).max() <= 5e-324


@pytest.mark.parametrize(
    ("x", "want"),
    [
        (0.0, 1.0),
        (-0.0, 1.0),
        (1.0, np.e),
        (709.782712893384, 1.7976931348622732e308),  # the largest x with a finite e^x
        (709.7827128933841, np.inf),
        (1000.0, np.inf),
        (np.inf, np.inf),
        (-745.1332191019411, 5e-324),  # the smallest x with a non-zero e^x
        (-745.1332191019412, 0.0),
        (-1000.0, 0.0),
        (-np.inf, 0.0),
    ],
)
def test_edges_of_the_float_range(x, want):
    got = _exp_all(np.array([x]))[0]
    assert got == pytest.approx(want, rel=MAX_RELATIVE_ERROR, abs=0.0) or got == want


def test_nan_stays_nan():
    assert np.isnan(_exp_all(np.array([np.nan]))).all()


def test_the_kernel_sigmoid_matches_its_sympy_definition_everywhere():
    # σ(z) = 1/(1 + e^(−z)) = e^z/(1 + e^z), the definition gradwise.language.functions.sigmoid
    # differentiates, each form where its e^(...) cannot overflow
    z = np.concatenate([np.linspace(-800.0, 800.0, 200_001), [-np.inf, np.inf, 0.0, -0.0]])
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        want = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    got = _sigmoid_all(z)
    normal = want >= TINY
    assert np.abs(got[normal] - want[normal]).max() <= 2 * MAX_RELATIVE_ERROR
    assert np.abs(got[~normal] - want[~normal]).max() <= 5e-324


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="reads x86 assembly")
def test_exp_loop_is_vectorised():
    # the point of the module: no call left in the loop, so LLVM uses vector registers
    assembly = _exp_all.inspect_asm(_exp_all.signatures[0])
    assert "exp" not in {line.split()[-1] for line in assembly.splitlines() if "call" in line}
    assert "pd\t%ymm" in assembly or "pd\t%zmm" in assembly or "pd\t%xmm" in assembly


# exp32: e^x in float32 for the fused kernel's float32 rows
TINY_32 = float(np.finfo(np.float32).tiny)
SMALLEST_32 = float(np.finfo(np.float32).smallest_subnormal)
MAX_RELATIVE_ERROR_32 = 1.2e-7  # 1 float32 ulp at worst (2^-23); measured 7.6e-8


def _over_the_float32_range():
    rng = np.random.default_rng(4)
    return np.concatenate([
        np.linspace(-104.0, 89.0, 1_000_001),  # every binade of the result, overflow to zero
        rng.uniform(-1.0, 1.0, 300_000),
        np.ldexp(rng.uniform(-1.0, 1.0, 50_000), rng.integers(-149, 0, 50_000)),  # tiny x
        np.arange(-151, 129) * np.log(2.0),  # ties of k
    ]).astype(np.float32)


def _exact_exp(x32):
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(x32.astype(np.float64))  # e^x of the float32 values, to float64


def test_exp32_is_float32_and_within_its_bound_where_the_result_is_normal():
    x = _over_the_float32_range()
    got, want = _exp32_all(x), _exact_exp(x)
    assert got.dtype == np.float32
    normal = (want >= TINY_32) & (want <= float(np.finfo(np.float32).max))
    relative = np.abs(got[normal] - want[normal]) / want[normal]
    assert relative.max() <= MAX_RELATIVE_ERROR_32


def test_exp32_subnormal_results_are_within_one_unit_of_the_smallest_float32():
    x = _over_the_float32_range()
    got, want = _exp32_all(x).astype(np.float64), _exact_exp(x)
    subnormal = (want > 0) & (want < TINY_32)
    assert subnormal.sum() > 1000
    assert np.abs(got[subnormal] - want[subnormal]).max() <= SMALLEST_32


@pytest.mark.parametrize(
    ("x", "want"),
    [
        (0.0, 1.0),
        (-0.0, 1.0),
        (1.0, float(np.float32(np.e))),
        (88.72283, 3.4027985e38),  # float32 e^x is finite up to here
        (88.72284, np.inf),
        (1000.0, np.inf),
        (np.inf, np.inf),
        (-103.27893, SMALLEST_32),
        (-104.0, 0.0),
        (-np.inf, 0.0),
    ],
)
def test_exp32_edges_of_the_float32_range(x, want):
    with np.errstate(over="ignore"):
        got = float(_exp32_all(np.array([x], np.float32))[0])
    assert got == pytest.approx(want, rel=MAX_RELATIVE_ERROR_32, abs=0.0) or got == want


def test_exp32_nan_stays_nan():
    assert np.isnan(_exp32_all(np.array([np.nan], np.float32))).all()


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="reads x86 assembly")
def test_exp32_loop_is_vectorised_in_float32():
    assembly = _exp32_all.inspect_asm(_exp32_all.signatures[0])
    assert "exp" not in {line.split()[-1] for line in assembly.splitlines() if "call" in line}
    assert any(f"ps\t%{r}mm" in assembly for r in "xyz")  # packed single precision
    assert "cvtps2pd" not in assembly and "cvtss2sd" not in assembly  # never widened
