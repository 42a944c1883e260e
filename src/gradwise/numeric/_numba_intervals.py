"""The interval tape run by numba: one compiled interpreter for every tape, box by box.

:meth:`gradwise.numeric.tapes.Tape.intervals` runs here. A tape is encoded as arrays (an
operation code, its argument slots, a whole and a real parameter, a constant's bounds) and
:func:`evaluate` walks it for each box with two registers per operation, so one machine-code
function serves every expression: it is compiled once and kept in numba's cache, and a new
function costs nothing to compile. NumPy's version of the same walk
(:mod:`gradwise.numeric.intervals`, one operation for all boxes at a time) is the reference it
is tested against; every operation here follows its NumPy twin line by line, with the same
outward moves (2⁻⁵⁰ of a bound after ``+ × √``, 2⁻⁴² after a C library function, 2⁻¹⁰⁷⁰
always, NaN to ∓∞) and the same flags. Per box and operation, it replaces a NumPy call
costing microseconds with a few nanoseconds, which is what makes the certified search
(``gradwise.critical.certify``) fast on small batches of boxes.

Imported only when a tape is evaluated (numba is imported lazily, so the CLI starts fast),
and used once compiled: compiling takes seconds, once per machine, in a separate process
(``gradwise.numeric.tapes.warm``, started by :func:`gradwise.numeric.cache.compiled_ready`);
until then the NumPy twins serve.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from gradwise.numeric.intervals import BIG, EXACT, LIBM, SPLIT, TINY

__all__ = ["CODES", "MODULE", "evaluate", "evaluate_floats", "evaluate_many", "krawczyk",
           "polish", "zero_step"]

MODULE = "gradwise.numeric._numba_intervals"

CODES = {name: k for k, name in enumerate((
    "var", "const", "add", "mul", "max", "min", "pow", "rpow", "heaviside", "dirac", "relu",
    "sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "sigmoid", "softplus", "sign", "abs"))}
ROUGH = 2.0**-36  # a non-integer power: its exponent (1/3) is itself rounded
PI = math.pi
INF = math.inf
# every kernel: cached on disk, 1/0 = inf as in NumPy (no ZeroDivisionError check), no GIL
_jit = njit(cache=True, error_model="numpy", nogil=True)
_parallel = njit(cache=True, error_model="numpy", nogil=True, parallel=True)


@_jit
def _out(lo, hi, rel):
    if lo > BIG:  # [∞, ∞] is an overflow: the value is above the largest float
        lo = BIG
    if hi < -BIG:
        hi = -BIG
    lo = lo - abs(lo) * rel - TINY
    hi = hi + abs(hi) * rel + TINY
    if lo != lo:
        lo = -INF
    if hi != hi:
        hi = INF
    return lo, hi


@_jit
def _min(a, b):  # NumPy's minimum: NaN wins
    if a != a or b != b:
        return a + b
    return a if a < b else b


@_jit
def _max(a, b):
    if a != a or b != b:
        return a + b
    return a if a > b else b


@_jit
def _contains(lo, hi, offset, period):
    """Whether [lo, hi] may hold offset + k·period (never a false 'no')."""
    if not (abs(lo) < 2.0**40) or not (abs(hi) < 2.0**40):
        return True
    slack = 1e-12 * (1 + max(abs(lo), abs(hi)))
    k = math.ceil((lo - slack - offset) / period)
    return offset + k * period <= hi + slack


@_jit
def _zero_nan(p):
    return 0.0 if p != p else p


@_jit
def _mul(al, ah, bl, bh):
    p, q = _zero_nan(al * bl), _zero_nan(al * bh)  # 0 × ∞ is 0 here
    r, s = _zero_nan(ah * bl), _zero_nan(ah * bh)
    return _out(min(min(p, q), min(r, s)), max(max(p, q), max(r, s)), EXACT)


@_jit
def _reciprocal(lo, hi):
    """1/[lo, hi], and whether it is irregular and undefined."""
    spans = lo <= 0 and hi >= 0
    low, high = _out(1 / hi, 1 / lo, EXACT)
    if spans:
        low = -INF if hi == 0 else (low if lo == 0 else -INF)
        high = INF if lo == 0 else (high if hi == 0 else INF)
    return low, high, spans, lo == 0 and hi == 0


@_jit
def _whole_power(lo, hi, n):
    """[lo, hi]^n for n ≥ 2."""
    p, q = np.power(lo, float(n)), np.power(hi, float(n))
    if n % 2:
        return _out(p, q, LIBM)
    low = 0.0 if lo <= 0 and hi >= 0 else _min(p, q)
    return _out(low, _max(p, q), LIBM)


@_jit
def _logistic(x):
    e = math.exp(-abs(x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


@_jit
def _softplus(x):  # NumPy's logaddexp(0, x)
    if x == 0:
        return math.log(2.0)
    if x > 0:
        return x + math.log1p(math.exp(-x))
    if x <= 0:
        return math.log1p(math.exp(x))
    return x  # NaN


@_jit
def _wave(p, q, lo, hi, top, bottom):
    low, high = _out(_min(p, q), _max(p, q), LIBM)
    if _contains(lo, hi, top, 2 * PI):
        high = 1.0
    if _contains(lo, hi, bottom, 2 * PI):
        low = -1.0
    return max(low, -1.0), min(high, 1.0)


@_jit
def _sign(x):
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return x  # ±0 and NaN


@_jit
def _one(code, left, right, whole, real, clo, chi, lo, hi, rlo, rhi):
    """One box: every operation in turn into the registers; returns (irregular, undefined)."""
    return _walk(code, left, right, whole, real, clo, chi, lo, hi, rlo, rhi, 0, code.shape[0])


@_jit
def _walk(code, left, right, whole, real, clo, chi, lo, hi, rlo, rhi, start, stop):
    """Operations ``start`` to ``stop`` (their arguments already in the registers), with
    the flags they raise: (irregular, undefined)."""
    irregular = False
    undefined = False
    for i in range(start, stop):
        c = code[i]
        if c == 0:  # var
            rlo[i], rhi[i] = lo[whole[i]], hi[whole[i]]
            continue
        if c == 1:  # const
            rlo[i], rhi[i] = clo[i], chi[i]
            continue
        xl, xh = rlo[left[i]], rhi[left[i]]
        yl, yh = rlo[right[i]], rhi[right[i]]
        if c == 2:  # add
            a, b = _out(xl + yl, xh + yh, EXACT)
        elif c == 3:  # mul
            a, b = _mul(xl, xh, yl, yh)
        elif c == 4:  # max
            a, b = _max(xl, yl), _max(xh, yh)
        elif c == 5:  # min
            a, b = _min(xl, yl), _min(xh, yh)
        elif c == 6:  # pow, a whole exponent
            n = whole[i]
            if n == 0:
                a, b = 1.0, 1.0
            elif n == 1 or n == -1:
                a, b = xl, xh
            else:
                a, b = _whole_power(xl, xh, abs(n))
            if n < 0:
                a, b, spans, nowhere = _reciprocal(a, b)
                irregular |= spans
                undefined |= nowhere
        elif c == 7:  # rpow, a fractional exponent r (defined for a ≥ 0; a > 0 if r < 0)
            r = real[i]
            irregular |= xl < 0 if r > 0 else xl <= 0
            undefined |= xh < 0 if r > 0 else xh <= 0
            p, q = np.power(_max(xl, 0.0), r), np.power(_max(xh, 0.0), r)
            a, b = _out(_min(p, q), _max(p, q), LIBM)
            a, b = _out(a, b, ROUGH)
        elif c == 8:  # heaviside
            irregular |= xl <= 0 and xh >= 0
            a, b = (1.0 if xl > 0 else 0.0), (1.0 if xh >= 0 else 0.0)
        elif c == 9:  # dirac (whole[i] = 1: a derivative of δ)
            spans = xl <= 0 and xh >= 0
            irregular |= spans
            a, b = 0.0, (INF if spans else 0.0)
            if whole[i] and b == INF:
                a = -INF
        elif c == 10:  # relu
            a, b = _max(0.0, xl), _max(0.0, xh)
        elif c == 11:  # sqrt
            irregular |= xl < 0
            undefined |= xh < 0
            a, b = _out(math.sqrt(_max(xl, 0.0)), math.sqrt(_max(xh, 0.0)), EXACT)
            a = _max(a, 0.0)
        elif c == 12:  # exp
            a, b = _out(math.exp(xl), math.exp(xh), LIBM)
            a = _max(a, 0.0)
        elif c == 13:  # log
            irregular |= xl <= 0
            undefined |= xh <= 0
            a, b = _out(np.log(_max(xl, 0.0)), np.log(_max(xh, 0.0)), LIBM)
        elif c == 14:  # sin
            a, b = _wave(math.sin(xl), math.sin(xh), xl, xh, PI / 2, -PI / 2)
        elif c == 15:  # cos
            a, b = _wave(math.cos(xl), math.cos(xh), xl, xh, 0.0, PI)
        elif c == 16:  # tan
            pole = _contains(xl, xh, PI / 2, PI)
            irregular |= pole
            a, b = _out(math.tan(xl), math.tan(xh), LIBM)
            if pole:
                a, b = -INF, INF
        elif c == 17 or c == 18:  # asin; acos(x) = π/2 + asin(−x)
            if c == 18:
                xl, xh = -xh, -xl
            irregular |= xl < -1 or xh > 1
            undefined |= xh < -1 or xl > 1
            a, b = _out(math.asin(min(max(xl, -1.0), 1.0)),
                        math.asin(min(max(xh, -1.0), 1.0)), LIBM)
            if c == 18:
                a, b = _out(PI / 2 + a, PI / 2 + b, EXACT)
        elif c == 19:  # atan
            a, b = _out(math.atan(xl), math.atan(xh), LIBM)
        elif c == 20:  # sinh
            a, b = _out(math.sinh(xl), math.sinh(xh), LIBM)
        elif c == 21:  # cosh
            p, q = math.cosh(xl), math.cosh(xh)
            low = 1.0 if xl <= 0 and xh >= 0 else _min(p, q)
            a, b = _out(low, _max(p, q), LIBM)
            a = _max(a, 1.0)
        elif c == 22:  # tanh
            a, b = _out(math.tanh(xl), math.tanh(xh), LIBM)
            a, b = _max(a, -1.0), _min(b, 1.0)
        elif c == 23:  # sigmoid
            a, b = _out(_logistic(xl), _logistic(xh), LIBM)
            a, b = _max(a, 0.0), _min(b, 1.0)
        elif c == 24:  # softplus
            a, b = _out(_softplus(xl), _softplus(xh), LIBM)
            a = _max(a, 0.0)
        elif c == 25:  # sign
            irregular |= xl <= 0 and xh >= 0
            a, b = _sign(xl), _sign(xh)
        else:  # abs
            a = xl if xl >= 0 else (-xh if xh <= 0 else 0.0)
            b = _max(abs(xl), abs(xh))
        rlo[i], rhi[i] = a, b
    return irregular, undefined


@_jit
def _boxes(code, left, right, whole, real, clo, chi, outputs, lo, hi, start, stop, lows,
           highs, irregular, undefined):
    """Boxes ``start`` to ``stop``, each walked in turn, into the outputs' columns."""
    rlo, rhi = np.empty(code.shape[0]), np.empty(code.shape[0])
    for k in range(start, stop):
        irregular[k], undefined[k] = _one(code, left, right, whole, real, clo, chi, lo[k], hi[k],
                                          rlo, rhi)
        for j in range(outputs.shape[0]):
            lows[j, k] = rlo[outputs[j]]
            highs[j, k] = rhi[outputs[j]]


@_jit
def evaluate(code, left, right, whole, real, clo, chi, outputs, lo, hi):  # pragma: no cover
    """Enclosures of the tape's outputs over N boxes: (lows, highs, irregular, undefined).

    ``lows``/``highs`` have shape (len(outputs), N); the flags (N,).
    """
    n_boxes = lo.shape[0]
    lows, highs = np.empty((outputs.shape[0], n_boxes)), np.empty((outputs.shape[0], n_boxes))
    irregular, undefined = np.zeros(n_boxes, dtype=np.bool_), np.zeros(n_boxes, dtype=np.bool_)
    _boxes(code, left, right, whole, real, clo, chi, outputs, lo, hi, 0, n_boxes, lows, highs,
           irregular, undefined)
    return lows, highs, irregular, undefined


@_parallel
def evaluate_many(code, left, right, whole, real, clo, chi, outputs, lo,
                  hi):  # pragma: no cover - compiled
    """:func:`evaluate` on both cores, in blocks of 64 boxes: for thousands of boxes (the
    proven roots of Lévi N.13, bounded for the global extrema), where starting the threads
    costs less than the walks."""
    n_boxes = lo.shape[0]
    lows, highs = np.empty((outputs.shape[0], n_boxes)), np.empty((outputs.shape[0], n_boxes))
    irregular, undefined = np.zeros(n_boxes, dtype=np.bool_), np.zeros(n_boxes, dtype=np.bool_)
    for block in prange((n_boxes + 63) // 64):
        _boxes(code, left, right, whole, real, clo, chi, outputs, lo, hi, block * 64,
               min(n_boxes, block * 64 + 64), lows, highs, irregular, undefined)
    return lows, highs, irregular, undefined


# -- the same walk on floats: ``Tape.floats`` ------------------------------------------------

@_jit
def _one_float(code, left, right, whole, real, value, x, r):
    """One point: every operation in turn into the registers ``r`` (NaN where undefined)."""
    for i in range(code.shape[0]):
        c = code[i]
        if c == 0:
            r[i] = x[whole[i]]
            continue
        if c == 1:
            r[i] = value[i]
            continue
        a, b = r[left[i]], r[right[i]]
        if c == 2:
            v = a + b
        elif c == 3:
            v = a * b
        elif c == 4:
            v = _max(a, b)
        elif c == 5:
            v = _min(a, b)
        elif c == 6:
            v = np.power(a, float(whole[i]))
        elif c == 7:
            v = np.power(a, float(real[i]))
        elif c == 8:  # heaviside, with its value at 0
            v = a if a != a else (0.0 if a < 0 else (real[i] if a == 0 else 1.0))
        elif c == 9:
            v = INF if a == 0 else 0.0
        elif c == 10:
            v = _max(a, 0.0)
        elif c == 11:
            v = math.sqrt(a) if a >= 0 else (a if a != a else math.nan)
        elif c == 12:
            v = math.exp(a)
        elif c == 13:
            v = np.log(a)
        elif c == 14:
            v = math.sin(a)
        elif c == 15:
            v = math.cos(a)
        elif c == 16:
            v = math.tan(a)
        elif c == 17:
            v = math.asin(a) if abs(a) <= 1 else math.nan
        elif c == 18:
            v = math.acos(a) if abs(a) <= 1 else math.nan
        elif c == 19:
            v = math.atan(a)
        elif c == 20:
            v = math.sinh(a)
        elif c == 21:
            v = math.cosh(a)
        elif c == 22:
            v = math.tanh(a)
        elif c == 23:
            v = _logistic(a) if a == a else a
        elif c == 24:
            v = _softplus(a)
        elif c == 25:
            v = _sign(a)
        else:
            v = abs(a)
        r[i] = v


@_jit
def evaluate_floats(code, left, right, whole, real, value, outputs, X):  # pragma: no cover
    """The tape's outputs at N points (rows of ``X``): shape (N, len(outputs))."""
    out = np.empty((X.shape[0], outputs.shape[0]))
    r = np.empty(code.shape[0])
    for k in range(X.shape[0]):
        _one_float(code, left, right, whole, real, value, X[k], r)
        for j in range(outputs.shape[0]):
            out[k, j] = r[outputs[j]]
    return out

# -- one Krawczyk step, compiled: ``gradwise.critical.certify.krawczyk`` -----------------------

@_jit
def _midrad(lo, hi):
    """An interval as centre ± radius, the radius rounded up so that it still encloses."""
    c = (lo + hi) / 2
    return c, max(hi - c, c - lo) * (1 + 2.0**-50) + TINY


@_jit
def _inverse(M, Y):
    """Y ≈ M⁻¹ by Gauss–Jordan with partial pivoting; False where M is near singular
    (∞-norm condition number ≥ 10¹⁴) or not finite. Y need not be exact: any Y gives a
    valid Krawczyk test, a good one a sharp test."""
    n = M.shape[0]
    A = M.copy()
    for i in range(n):
        for j in range(n):
            Y[i, j] = 1.0 if i == j else 0.0
    norm = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += abs(M[i, j])
        norm = max(norm, row)
    if not (norm < INF):
        return False
    for col in range(n):
        pivot = col
        for r in range(col + 1, n):
            if abs(A[r, col]) > abs(A[pivot, col]):
                pivot = r
        if A[pivot, col] == 0:
            return False
        if pivot != col:
            for j in range(n):
                A[col, j], A[pivot, j] = A[pivot, j], A[col, j]
                Y[col, j], Y[pivot, j] = Y[pivot, j], Y[col, j]
        p = A[col, col]
        for j in range(n):
            A[col, j] /= p
            Y[col, j] /= p
        for r in range(n):
            if r != col and A[r, col] != 0:
                q = A[r, col]
                for j in range(n):
                    A[r, j] -= q * A[col, j]
                    Y[r, j] -= q * Y[col, j]
    inverse_norm = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += abs(Y[i, j])
        inverse_norm = max(inverse_norm, row)
    return norm * inverse_norm < 1e14


@_jit
def _scratch(gradient, hessian, n):
    """The registers and small matrices one thread needs for :func:`_krawczyk_box`."""
    g, h = gradient[0].shape[0], hessian[0].shape[0]
    return (np.empty(g), np.empty(g), np.empty(h), np.empty(h), np.empty((6, n)),
            np.empty((5, n, n)))


@_jit
def _hessian_from(hrl, hrh, hout, first, Jc, Jr):
    """H's enclosure as centre and radius matrices, from the registers of a tape whose
    outputs ``first``, ``first + 1``, ... are H's upper triangle; False if not finite."""
    n = Jc.shape[0]
    finite = True
    slot = first
    for i in range(n):
        for j in range(i, n):
            a, b = hrl[hout[slot]], hrh[hout[slot]]
            slot += 1
            finite &= abs(a) < INF and abs(b) < INF
            Jc[i, j], Jr[i, j] = _midrad(a, b)
            Jc[j, i], Jr[j, i] = Jc[i, j], Jr[i, j]
    return finite


@_jit
def _krawczyk_box(gradient, usable, lo, hi, new_lo, new_hi, scratch):
    """Krawczyk's test on one box whose Hessian enclosure is in ``scratch`` already (centre
    and radius; ``usable``: finite and regular): 1 (exactly one zero, proven), −1 (none), 0
    (not decided); ``new_lo``/``new_hi`` become X ∩ K(X) where K could be formed (else X)."""
    gcode, gleft, gright, gwhole, greal, gclo, gchi, gout = gradient
    grl, grh, _, _, vectors, matrices = scratch
    m, gc, gr, dc, dr = vectors[0], vectors[1], vectors[2], vectors[3], vectors[4]
    Jc, Jr, Y, C, R = matrices[0], matrices[1], matrices[2], matrices[3], matrices[4]
    n = lo.shape[0]
    gamma = (n + 4) * 2.0**-52  # bounds the rounding of an n-term dot product
    vectors[5, 0] = 0.0  # K(X)'s width relative to X's, where K is formed (else 0)
    for i in range(n):
        new_lo[i], new_hi[i] = lo[i], hi[i]
        m[i] = min(max((lo[i] + hi[i]) / 2, lo[i]), hi[i])
    irregular, _ = _one(gcode, gleft, gright, gwhole, greal, gclo, gchi, m, m, grl, grh)
    usable &= not irregular
    for i in range(n):
        a, b = grl[gout[i]], grh[gout[i]]
        usable &= abs(a) < INF and abs(b) < INF
        gc[i], gr[i] = _midrad(a, b)
    if not usable:
        return 0
    for i in range(n):
        a, b = _out(lo[i] - m[i], hi[i] - m[i], EXACT)
        dc[i], dr[i] = _midrad(a, b)
    # the mean-value form: ∇f(X) ⊆ ∇f(m) + H(X)(X − m); a component without 0 excludes X
    # (``gradwise.critical.certify._mean_value_excludes``)
    for i in range(n):
        c, r, size = gc[i], gr[i], abs(gc[i])
        for j in range(n):
            c += Jc[i, j] * dc[j]
            r += abs(Jc[i, j]) * dr[j] + Jr[i, j] * (abs(dc[j]) + dr[j])
            size += abs(Jc[i, j] * dc[j])
        r = (r + gamma * size) * (1 + gamma)
        a, b = _out(c - r, c + r, EXACT)
        if a > 0 or b < 0:
            return -1
    if not _inverse(Jc, Y):
        return 0
    for i in range(n):
        for j in range(n):
            s, t = 0.0, 0.0
            for q in range(n):
                s += Y[i, q] * Jc[q, j]
                t += abs(Y[i, q]) * (Jr[q, j] + gamma * abs(Jc[q, j]))
            C[i, j] = (1.0 if i == j else 0.0) - s
            R[i, j] = t
    for i in range(n):
        for j in range(n):
            R[i, j] = (R[i, j] + gamma * abs(C[i, j])) * (1 + gamma)
    inside, disjoint, spread = True, False, 0.0
    for i in range(n):
        yg, yg_r, md, md_r1, md_r2 = 0.0, 0.0, 0.0, 0.0, 0.0
        for j in range(n):
            yg += Y[i, j] * gc[j]
            yg_r += abs(Y[i, j]) * (gr[j] + gamma * abs(gc[j]))
            md += C[i, j] * dc[j]
            md_r1 += abs(C[i, j]) * (dr[j] + gamma * abs(dc[j]))
            md_r2 += R[i, j] * (abs(dc[j]) + dr[j])
        yg_r *= 1 + gamma
        md_r = (md_r1 + md_r2) * (1 + gamma)
        centre = m[i] - yg + md
        radius = (yg_r + md_r + gamma * (abs(m[i]) + abs(yg) + abs(md))) * (1 + gamma)
        klo, khi = _out(centre - radius, centre + radius, EXACT)
        inside &= klo > lo[i] and khi < hi[i]
        disjoint |= klo > hi[i] or khi < lo[i]
        if hi[i] > lo[i]:
            spread = max(spread, (khi - klo) / (hi[i] - lo[i]))
        a, b = max(lo[i], klo), min(hi[i], khi)
        new_lo[i], new_hi[i] = a, max(a, b)
    vectors[5, 0] = spread
    return 1 if inside else (-1 if disjoint else 0)


@_parallel
def krawczyk(gradient, hessian, lo, hi):  # pragma: no cover - compiled
    """One Krawczyk step on N boxes: (status, new_lo, new_hi), as
    ``gradwise.critical.certify.krawczyk`` documents; ``gradient`` and ``hessian`` are encoded
    tapes (∇f's components; H's upper triangle, row by row)."""
    hcode, hleft, hright, hwhole, hreal, hclo, hchi, hout = hessian
    N, n = lo.shape
    status = np.zeros(N, dtype=np.int64)
    new_lo, new_hi = np.empty_like(lo), np.empty_like(hi)
    for block in prange((N + 63) // 64):
        scratch = _scratch(gradient, hessian, n)
        hrl, hrh, matrices = scratch[2], scratch[3], scratch[5]
        for k in range(block * 64, min(N, block * 64 + 64)):
            irregular, _ = _one(hcode, hleft, hright, hwhole, hreal, hclo, hchi, lo[k], hi[k],
                                hrl, hrh)
            usable = _hessian_from(hrl, hrh, hout, 0, matrices[0], matrices[1]) and not irregular
            status[k] = _krawczyk_box(gradient, usable, lo[k], hi[k], new_lo[k], new_hi[k],
                                      scratch)
    return status, new_lo, new_hi


# what :func:`zero_step` decided for each box
DROPPED, ROOT, FLAT, IRREGULAR, UNDECIDED, AGAIN, HALVED = range(7)


@_jit
def _relative(lo, hi, width):
    r = 0.0
    for i in range(lo.shape[0]):
        r = max(r, (hi[i] - lo[i]) / width[i])
    return r


@_jit
def _small(lo, hi, smallest):  # numba compiles no generator for all(): a loop
    for i in range(lo.shape[0]):  # noqa: SIM110
        if not hi[i] - lo[i] <= smallest[i]:
            return False
    return True


@_jit
def _halve(lo, hi, width, out_lo, out_hi):
    """The box halved across its widest side relative to ``width``, off centre: two boxes."""
    k, best = 0, -1.0
    for i in range(lo.shape[0]):
        r = (hi[i] - lo[i]) / width[i]
        if r > best:
            k, best = i, r
    middle = lo[k] + SPLIT * (hi[k] - lo[k])
    for c in range(2):
        for i in range(lo.shape[0]):
            out_lo[c, i], out_hi[c, i] = lo[i], hi[i]
    out_hi[0, k] = middle
    out_lo[1, k] = middle


@_parallel
def zero_step(gradient, both, split, lo, hi, width, smallest, flat_tol):  # pragma: no cover
    """One round of the certified zero search on N boxes (``gradwise.critical.certify``):
    per box, what was decided (``DROPPED`` ... ``HALVED``), the box or boxes it leaves,
    (N, 2, n) lows and highs (the second only when halved), and how many times as wide as
    the box Krawczyk's K was (0 where not formed). ``both`` is the tape of ∇f's
    components followed by H's upper triangle: one walk over the box gives both, their
    shared subexpressions (sin 3πx, ...) evaluated once; its first ``split`` operations
    are ∇f's, walked first: the rest only where ∇f's enclosure holds 0."""
    bcode, bleft, bright, bwhole, breal, bclo, bchi, bout = both
    N, n = lo.shape
    code = np.zeros(N, dtype=np.int64)
    spread = np.zeros(N)  # K(X)'s width relative to X's (0 where K was not formed)
    out_lo, out_hi = np.empty((N, 2, n)), np.empty((N, 2, n))
    for block in prange((N + 63) // 64):
        scratch = _scratch(gradient, both, n)
        grl, grh, matrices = scratch[2], scratch[3], scratch[5]  # the walk over the box
        for k in range(block * 64, min(N, block * 64 + 64)):
            # ∇f's operations first: H's are walked only for a box that may hold a zero
            irregular, undefined = _walk(bcode, bleft, bright, bwhole, breal, bclo, bchi,
                                         lo[k], hi[k], grl, grh, 0, split)
            keep = not undefined
            variation, wide = 0.0, False
            for i in range(n):
                a, b = grl[bout[i]], grh[bout[i]]
                keep &= a <= 0 and b >= 0
                w = hi[k, i] - lo[k, i]
                variation += w * max(-a, b)
                wide |= w >= 2.0**-20 * width[i]
            if not keep:
                continue  # some ∂f/∂xᵢ has one sign all over the box: no zero in it
            # a tiny box is flat trivially: only boxes above 2⁻²⁰ of the box can be flat
            if variation <= flat_tol and not irregular and wide:
                code[k] = FLAT
                out_lo[k, 0], out_hi[k, 0] = lo[k], hi[k]
                continue
            if irregular:
                if _small(lo[k], hi[k], smallest):
                    code[k] = IRREGULAR
                    out_lo[k, 0], out_hi[k, 0] = lo[k], hi[k]
                else:
                    code[k] = HALVED
                    _halve(lo[k], hi[k], width, out_lo[k], out_hi[k])
                continue
            rough, _ = _walk(bcode, bleft, bright, bwhole, breal, bclo, bchi, lo[k], hi[k],
                             grl, grh, split, bcode.shape[0])
            # H's enclosure needs ∇f's operations too, which raised no flag: H's are its own
            usable = _hessian_from(grl, grh, bout, n, matrices[0], matrices[1]) and not rough
            status = _krawczyk_box(gradient, usable, lo[k], hi[k], out_lo[k, 0],
                                   out_hi[k, 0], scratch)
            spread[k] = scratch[4][5, 0]
            if status == 1:
                code[k] = ROOT
            elif status == 0:
                rest_lo, rest_hi = out_lo[k, 0].copy(), out_hi[k, 0].copy()
                if _relative(rest_lo, rest_hi, width) <= 0.5 * _relative(lo[k], hi[k], width):
                    code[k] = AGAIN  # K(X) ∩ X is at most half as wide: try it again
                elif _small(rest_lo, rest_hi, smallest):
                    code[k] = UNDECIDED
                else:
                    code[k] = HALVED
                    _halve(rest_lo, rest_hi, width, out_lo[k], out_hi[k])
    return code, out_lo, out_hi, spread


# -- proven roots made tiny: ``gradwise.critical.certify.refine`` ------------------------------

@_jit
def _newton_floats(both, value, n, x, lo, hi, r, H, Y, rounds):
    """Newton's method in floats from ``x`` (changed in place), kept inside [lo, hi]; ∇f
    and H from one float walk of ``both``. False where H is singular or a value not finite."""
    code, left, right, whole, real, _, _, out = both
    for _ in range(rounds):
        _one_float(code, left, right, whole, real, value, x, r)
        slot = n
        for i in range(n):
            for j in range(i, n):
                H[i, j] = H[j, i] = r[out[slot]]
                slot += 1
        if not _inverse(H, Y):
            return False
        moved = 0.0
        for i in range(n):
            step = 0.0
            for j in range(n):
                step += Y[i, j] * r[out[j]]
            if not abs(step) < INF:
                return False
            x[i] = min(max(x[i] - step, lo[i]), hi[i])
            moved = max(moved, abs(step) / (1 + abs(x[i])))
        if moved <= 2.0**-52:
            break
    return True


@_parallel
def polish(gradient, both, value, lo, hi, rounds):  # pragma: no cover - compiled
    """Proven root boxes made tiny, N at once: Newton's method in floats from each box's
    centre, then Krawczyk's test on the box of radius 10⁻¹⁰(1 + |x|) around where it ends,
    within the proven one (one zero in the proven box, one in the tiny box inside it: the
    same zero). Returns (status, new_lo, new_hi): 1 and the tiny box, narrowed by K, where
    the test proves it; 0 and the box as it was elsewhere. ``value``: ``both``'s constants
    as floats."""
    bcode, bleft, bright, bwhole, breal, bclo, bchi, bout = both
    N, n = lo.shape
    status = np.zeros(N, dtype=np.int64)
    new_lo, new_hi = lo.copy(), hi.copy()
    for block in prange((N + 63) // 64):
        scratch = _scratch(gradient, both, n)
        grl, grh, matrices = scratch[2], scratch[3], scratch[5]
        r, x = np.empty(bcode.shape[0]), np.empty(n)
        tlo, thi = np.empty(n), np.empty(n)
        for k in range(block * 64, min(N, block * 64 + 64)):
            for i in range(n):
                x[i] = (lo[k, i] + hi[k, i]) / 2
            if not _newton_floats(both, value, n, x, lo[k], hi[k], r, matrices[2],
                                  matrices[3], rounds):
                continue
            for i in range(n):
                radius = 1e-10 * (1 + abs(x[i]))
                tlo[i], thi[i] = max(x[i] - radius, lo[k, i]), min(x[i] + radius, hi[k, i])
            # one test: K of a box this small is down to the floats' own rounding already
            rough, _ = _one(bcode, bleft, bright, bwhole, breal, bclo, bchi, tlo, thi,
                            grl, grh)
            usable = _hessian_from(grl, grh, bout, n, matrices[0], matrices[1]) and not rough
            if _krawczyk_box(gradient, usable, tlo, thi, new_lo[k], new_hi[k], scratch) == 1:
                status[k] = 1
            else:
                new_lo[k], new_hi[k] = lo[k], hi[k]
    return status, new_lo, new_hi
