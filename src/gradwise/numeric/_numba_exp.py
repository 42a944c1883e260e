"""e^x for numba kernels in plain arithmetic, so that LLVM can vectorise a loop that calls it.

numba compiles ``math.exp`` to a call of the C library's scalar ``exp``, and a loop with a
call in it stays scalar. (numba's vector maths library, SVML, needs an SVML-patched
llvmlite; the llvmlite wheel here is not one, so ``icc_rt`` cannot help.) :func:`exp` is
Cody and Waite's reduction and a polynomial, with no call and no branch:

    x = k·ln 2 + r,  k = round(x / ln 2),  |r| ≤ ln(2)/2
    e^x = 2^k · (1 + r + r²/2! + … + r¹²/12!)

Every step is a fused multiply-add (:func:`fma`, one rounding each: IEEE 754's fusedMultiplyAdd,
the same result on every machine, one instruction where the CPU has FMA): the polynomial in
Horner's form is thirteen of them instead of thirteen products and thirteen sums, and it is
the longest chain of dependent steps in the neuron kernel's loop. The Taylor remainder
r¹³/13! is at most 1.7e-16 (at |r| = ln(2)/2, about one ulp); with the rounding of Horner's
steps and of r the maximum relative error stays below 2.5 ulp (5.6e-16; measured 1.4 ulp,
3.2e-16, over the whole float range; 2.1 ulp before the steps were fused), where the C
library's ``exp`` is within 1 ulp. (Estrin's form, with a chain half as long, measured 2.1 ulp
and missed some subnormal results by two units, so Horner's stays.)
2^k is built from its bits, in two factors so that results down into the subnormals
(x ≥ −745.13) round once, as ``numpy.exp`` does; e^x overflows to inf past 709.78 and
underflows to 0 below −745.13; nan stays nan.

Compiled with ``error_model="numpy"``, as everything the kernels inline must be: numba's
default checks every division for zero to raise ``ZeroDivisionError``, and that branch alone
keeps a loop scalar.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

LN2_HI = 6.93147180369123816490e-01  # ln 2 to 32 bits, so k·LN2_HI is exact for |k| < 2^21
LN2_LO = 1.90821492927058770002e-10  # ln 2 − LN2_HI
SHIFT = 6755399441055744.0  # 1.5·2^52: x + SHIFT rounds x to an integer held in the low bits
LOWEST, HIGHEST = -746.0, 710.0  # e^x is 0 below and inf above; clamping keeps k in range
INVERSE_FACTORIALS = tuple(1.0 / math.factorial(n) for n in range(13))


@intrinsic
def _bits(typingctx, x):  # pragma: no cover - runs in the compiler
    """The IEEE 754 bits of a float64 as an int64 (a bitcast: no instruction at all)."""
    if x == types.float64:

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.int64))

        return types.int64(types.float64), codegen
    return None


@intrinsic
def _from_bits(typingctx, i):  # pragma: no cover - runs in the compiler
    """The float64 whose IEEE 754 bits are the int64 ``i``."""
    if i == types.int64:

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.float64))

        return types.float64(types.int64), codegen
    return None


@intrinsic
def fma(typingctx, a, b, c):  # pragma: no cover - runs in the compiler
    """a·b + c rounded once (LLVM's ``llvm.fma``: never split into a product and a sum), in
    float64 or, for three float32 values, in float32."""
    if a == b == c and a in (types.float64, types.float32):
        real = ir.DoubleType() if a == types.float64 else ir.FloatType()

        def codegen(context, builder, signature, args):
            fused = builder.module.declare_intrinsic(
                "llvm.fma", [real], ir.FunctionType(real, [real] * 3))
            return builder.call(fused, args)

        return a(a, a, a), codegen
    return None


@njit(cache=True, error_model="numpy")
def _power_of_two(k):  # pragma: no cover - compiled
    return _from_bits((k + 1023) << 52)  # 2^k for −1022 ≤ k ≤ 1023


@njit(cache=True, error_model="numpy")
def _taylor(r):  # pragma: no cover - compiled
    c = INVERSE_FACTORIALS
    p = c[12]
    for n in range(11, -1, -1):  # unrolled by LLVM: the tuple's length is known
        p = fma(p, r, c[n])
    return p


@njit(cache=True, error_model="numpy")
def exp(x):  # pragma: no cover - compiled
    """e^x to within 2.5 ulp for every float64 x, in arithmetic LLVM can vectorise."""
    x = float(x)
    x = LOWEST if x < LOWEST else (HIGHEST if x > HIGHEST else x)  # selects; nan passes
    shifted = fma(x, 1.4426950408889634, SHIFT)  # x / ln 2, rounded to an integer
    k = shifted - SHIFT
    r = fma(-k, LN2_LO, fma(-k, LN2_HI, x))  # x − k·LN2_HI is exact: |r| ≤ ln(2)/2 + tiny
    ki = _bits(shifted) - _bits(SHIFT)
    half = ki >> 1  # 2^k as 2^half · 2^(k − half): both factors normal down to k = −1076
    return _taylor(r) * _power_of_two(half) * _power_of_two(ki - half)


# e^x for float32 values, in float32 (exp32): the same reduction with float32 constants and a
# polynomial of degree 7 (the remainder r⁸/8! ≤ 5.2e-9 at |r| = ln(2)/2, 0.09 float32 ulp)
LN2_HI_32 = 0.693145751953125  # ln 2 to 16 bits (float32 0x3f317200)
LN2_LO_32 = 1.428606765330187e-06  # ln 2 − LN2_HI_32, rounded to float32
SHIFT_32 = 12582912.0  # 1.5·2^23
LOWEST_32, HIGHEST_32 = -104.0, 89.0  # float32 e^x is 0 below and inf above
INVERSE_FACTORIALS_32 = tuple(np.float32(1.0 / math.factorial(n)) for n in range(8))
_f32 = np.float32


@intrinsic
def _scale_32(typingctx, p, shifted):  # pragma: no cover - runs in the compiler
    """p·2^k for k held in the low bits of the float32 ``shifted`` (SHIFT_32 + k), in 32-bit
    integers (numba would widen them to 64 bits, halving the lanes of a vector loop), as two
    normal factors 2^(k//2)·2^(k − k//2) so that subnormal results round once."""
    if p == shifted == types.float32:

        def codegen(context, builder, signature, args):
            value, shifted_value = args
            i32, f32 = ir.IntType(32), ir.FloatType()
            k = builder.sub(builder.bitcast(shifted_value, i32),
                            builder.bitcast(ir.Constant(f32, SHIFT_32), i32))
            half = builder.ashr(k, ir.Constant(i32, 1))

            def power_of_two(n):  # 2^n for −126 ≤ n ≤ 127
                exponent = builder.add(n, ir.Constant(i32, 127))
                return builder.bitcast(builder.shl(exponent, ir.Constant(i32, 23)), f32)

            scaled = builder.fmul(value, power_of_two(half))
            return builder.fmul(scaled, power_of_two(builder.sub(k, half)))

        return types.float32(types.float32, types.float32), codegen
    return None


@njit(cache=True, error_model="numpy")
def _taylor_32(r):  # pragma: no cover - compiled
    c = INVERSE_FACTORIALS_32
    p = c[7]
    for n in range(6, -1, -1):
        p = fma(p, r, c[n])
    return p


@njit(cache=True, error_model="numpy")
def exp32(x):  # pragma: no cover - compiled
    """e^x in float32 to within 2 float32 ulp for every float32 x (``x`` is rounded to
    float32 first), in float32 arithmetic LLVM can vectorise."""
    x = _f32(x)
    x = _f32(LOWEST_32) if x < _f32(LOWEST_32) else (
        _f32(HIGHEST_32) if x > _f32(HIGHEST_32) else x)
    shifted = fma(x, _f32(1.4426950408889634), _f32(SHIFT_32))
    k = shifted - _f32(SHIFT_32)
    r = fma(-k, _f32(LN2_LO_32), fma(-k, _f32(LN2_HI_32), x))
    return _scale_32(_taylor_32(r), shifted)
