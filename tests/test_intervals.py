"""Interval arithmetic and tapes: every enclosure holds the exact value (SymPy at 40 digits).

The oracle is SymPy's own evaluation at exact rational points, to 40 digits: an independent
implementation of every function. Boxes are drawn by hypothesis, wide and narrow, near poles
and kinks, with arguments up to 10⁶ for the periodic functions.
"""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradwise import gradient, hessian, parse
from gradwise.numeric import intervals as iv
from gradwise.numeric.tapes import System, Tape, Unsupported

# Together these use every function of the math language, and their derivatives bring in
# sign, Heaviside, DiracDelta, whole, half and other rational powers, and u^v.
BATTERY = [
    "sin(x) cos(y) + tan(x/3)", "sec(x) + csc(y) + cot(x + 2)", "asin(x/5) + acos(y/5)",
    "atan(x y) + sinh(x/2) - cosh(y/2) + tanh(x - y)", "exp(-(x^2 + y^2)) + log(x^2 + 1)",
    "ln(y^2 + 2) + log10(x^2 + 3) + log2(y^2 + 4) + log(x^2 + 5, 3)",
    "sqrt(x^2 + 1) + (y^2 + 1)^(1/3) + (x^2 + 2)^(-3/2)", "abs(x - 1) + abs(x y)",
    "sigmoid(x) softplus(y) + σ(x y)", "relu(x - y) + relu(y)", "(x^2 + 1)^y + 2^x",
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)",
    "sin(x°) + cos(2y deg)", "1/(x^2 + y^2 + 1) - x/(y^2 + 1)",
]

coordinate = st.floats(-6, 6, allow_nan=False).map(lambda v: round(v, 3))


def exact(expr, variables, point):
    """SymPy's value at the floats ``point`` (each exact as a 60-digit Float), to 40 digits."""
    try:
        value = expr.evalf(40, subs={v: sympy.Float(float(c), 60)
                                     for v, c in zip(variables, point)})
    except ZeroDivisionError:
        return None
    if value.has(sympy.DiracDelta) or not value.is_finite or not value.is_number:
        return None  # undefined there, or δ(0), which SymPy leaves unevaluated
    return complex(value)


def all_parts(text):
    f = parse(text)
    g, h = gradient(f), hessian(f)
    return f.variables, [f.expr, *g.components, *h.matrix]


@pytest.mark.parametrize("text", BATTERY)
@settings(max_examples=15, deadline=None)
@given(corner=st.tuples(coordinate, coordinate), size=st.sampled_from([1e-9, 1e-3, 0.5, 4.0]),
       share=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_tape_encloses_f_its_gradient_and_hessian(text, corner, size, share):
    variables, parts = all_parts(text)
    n = len(variables)
    lo = np.array(corner[:n], dtype=float)
    hi = lo + size
    point = np.clip(lo + np.array(share[:n]) * size, lo, hi)
    lows, highs, flags = Tape(parts, variables).intervals(lo[None], hi[None])
    for k, expr in enumerate(parts):
        value = exact(expr, variables, point)
        if value is None or abs(value.imag) > 1e-30 or flags.irregular[0]:
            continue  # undefined (or a kink) at the point: the enclosure need not hold it
        assert lows[k, 0] <= value.real <= highs[k, 0], (expr, point, lows[k, 0], highs[k, 0])


@pytest.mark.parametrize("name", ["sin", "cos"])
@settings(max_examples=200, deadline=None)
@given(centre=st.floats(-1e6, 1e6), width=st.sampled_from([0.0, 1e-12, 1e-6, 0.1, 3.0]))
def test_periodic_functions_hold_their_peaks_far_out(name, centre, width):
    lo, hi = getattr(iv, name)((np.array([centre]), np.array([centre + width])))
    for x in np.linspace(centre, centre + width, 7):
        value = float(getattr(sympy, name)(sympy.Float(float(x), 60)).evalf(40))
        assert lo[0] <= value <= hi[0]


def test_sin_over_a_peak_reaches_one_exactly_and_stays_tight_elsewhere():
    lo, hi = iv.sin((np.array([1.0, 0.1]), np.array([2.0, 0.2])))
    assert hi[0] == 1.0 and lo[0] <= math.sin(1.0)
    assert math.sin(0.1) - 1e-12 < lo[1] <= math.sin(0.1) and 0 < hi[1] - math.sin(0.2) < 1e-12


def test_division_by_an_interval_holding_zero_is_everything_and_marked():
    flags = iv.Flags(3)
    lo, hi = iv.div((np.array([1.0, 1, 1]), np.array([2.0, 2, 2])),
                    (np.array([-1.0, 0, 1]), np.array([1.0, 1, 2])), flags)
    assert (lo[0], hi[0]) == (-np.inf, np.inf) and hi[1] == np.inf and lo[1] > 0.99
    assert 0.49 < lo[2] <= 0.5 and 2 <= hi[2] < 2.01
    assert flags.irregular.tolist() == [True, True, False]


def test_log_of_a_negative_interval_is_undefined_everywhere():
    flags = iv.Flags(2)
    iv.log((np.array([-2.0, -1.0]), np.array([-1.0, 1.0])), flags)
    assert flags.undefined.tolist() == [True, False]
    assert flags.irregular.tolist() == [True, True]


def test_kinks_are_marked_where_the_box_holds_them():
    flags = iv.Flags(2)
    lo, hi = iv.sign((np.array([-1.0, 0.5]), np.array([1.0, 2.0])), flags)
    assert lo.tolist() == [-1, 1] and hi.tolist() == [1, 1]
    assert flags.irregular.tolist() == [True, False]


def test_overflow_keeps_a_finite_lower_bound_and_nan_becomes_everything():
    lo, hi = iv.exp((np.array([800.0]), np.array([900.0])))
    assert lo[0] > 1e300 and hi[0] == np.inf
    lo, hi = iv.mul((np.array([0.0]), np.array([0.0])), (np.array([-np.inf]), np.array([np.inf])))
    assert lo[0] <= 0 <= hi[0] and np.isfinite([lo[0], hi[0]]).all()


def test_floats_agree_with_sympy():
    variables, parts = all_parts("sigmoid(x) softplus(y) + relu(x - y) + x^y")
    point = [1.5, 1 / 3]
    got = Tape(parts, variables).floats(np.array([point]))[0]
    want = [exact(e, variables, point).real for e in parts]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_a_parameter_without_value_is_unsupported():
    f = parse("f(x) = a x^2")
    with pytest.raises(Unsupported, match="the name a has no value"):
        Tape([f.expr], f.variables)


def test_the_hessian_is_compiled_once_and_mirrored():
    f = parse("x^2 y + y^3")
    system = System(f.expr, gradient(f).components, hessian(f).matrix, f.variables)
    assert len(system.hessian.outputs) == 3
    H = system.hessian_at(np.array([[1.0, 2.0]]))[0]
    assert H.tolist() == [[4.0, 2.0], [2.0, 12.0]]


def hostile_boxes(n, rng, count=400):
    """Boxes of every size, some on poles, zeros and kinks, some infinite or degenerate."""
    centre = rng.choice([0.0, 1.0, -1.0, np.pi / 2, np.pi, 1e6], size=(count, n))
    centre = centre + rng.normal(0, 3, (count, n)) * rng.integers(0, 2, (count, n))
    width = rng.choice([0.0, 1e-12, 1e-3, 0.5, 4.0, 1e3], size=(count, n))
    lo, hi = centre - width * rng.uniform(0, 1, (count, n)), centre + width
    lo[::37] = -np.inf
    hi[::41] = np.inf
    return lo, hi


x_, y_ = sympy.symbols("x y", real=True)
ONE_OPERATION = {  # each operation of the tape alone, on its own arguments
    "add": x_ + y_, "mul": x_ * y_, "max": sympy.Max(x_, y_), "min": sympy.Min(x_, y_),
    "pow": x_**3, "even pow": x_**4, "negative pow": x_**-2, "reciprocal": 1 / x_,
    "rpow": x_**sympy.Rational(1, 3), "negative rpow": x_**sympy.Rational(-2, 3),
    "sqrt": sympy.sqrt(x_), "heaviside": sympy.Heaviside(x_), "dirac": sympy.DiracDelta(x_),
    "dirac'": sympy.DiracDelta(x_, 1), "relu": parse("relu(x)").expr,
    "sigmoid": parse("sigmoid(x)").expr, "softplus": parse("softplus(x)").expr,
    "abs": sympy.Abs(x_), "sign": sympy.sign(x_), "exp": sympy.exp(x_), "log": sympy.log(x_),
    "sin": sympy.sin(x_), "cos": sympy.cos(x_), "tan": sympy.tan(x_), "asin": sympy.asin(x_),
    "acos": sympy.acos(x_), "atan": sympy.atan(x_), "sinh": sympy.sinh(x_),
    "cosh": sympy.cosh(x_), "tanh": sympy.tanh(x_), "constant": x_ + sympy.pi,
}


@pytest.mark.parametrize("name", ONE_OPERATION)
def test_each_compiled_operation_agrees_with_the_numpy_reference(name):
    """One operation, one box at a time in numba and all boxes at once in NumPy: the same
    flags, and the same bounds but for the last bits of a C library function (numba calls
    the C library's, NumPy may use its own)."""
    tape = Tape([ONE_OPERATION[name]], [x_, y_])
    lo, hi = hostile_boxes(2, np.random.default_rng(len(name)), count=2000)
    got_lo, got_hi, got = tape.intervals(lo, hi)
    want_lo, want_hi, want = tape.intervals_numpy(lo, hi)
    assert got.irregular.tolist() == want.irregular.tolist()
    assert got.undefined.tolist() == want.undefined.tolist()
    for a, b in ((got_lo, want_lo), (got_hi, want_hi)):
        with np.errstate(invalid="ignore"):  # ∞ − ∞ where both are ∞: equal anyway
            same = (a == b) | (np.abs(a - b) <= 1e-14 * np.maximum(np.abs(a), np.abs(b)))
        assert same.all(), (name, a[~same][:3], b[~same][:3])


@pytest.mark.parametrize("text", BATTERY)
def test_the_compiled_tape_agrees_with_the_numpy_reference_on_whole_functions(text):
    """f, ∇f and H over hostile boxes: the same flags and the same infinite bounds; finite
    bounds close (a difference of large terms carries the last bits of one operation's
    bounds into a small result, so not bit for bit)."""
    variables, parts = all_parts(text)
    tape = Tape(parts, variables)
    lo, hi = hostile_boxes(len(variables), np.random.default_rng(len(text)))
    got_lo, got_hi, got = tape.intervals(lo, hi)
    want_lo, want_hi, want = tape.intervals_numpy(lo, hi)
    assert got.irregular.tolist() == want.irregular.tolist()
    assert got.undefined.tolist() == want.undefined.tolist()
    for a, b in ((got_lo, want_lo), (got_hi, want_hi)):
        assert (np.isinf(a) == np.isinf(b)).all()
        assert np.allclose(a[np.isfinite(a)], b[np.isfinite(a)], rtol=1e-2, atol=1e-12)


def test_the_compiled_tape_takes_points_as_boxes_and_an_empty_tape():
    f = parse("x^2 - 2x")
    tape = Tape([f.expr], f.variables)
    lo, hi, flags = tape.intervals(np.array([[1.0]]), np.array([[1.0]]))
    assert lo[0, 0] <= -1 <= hi[0, 0] and hi[0, 0] - lo[0, 0] < 1e-12
    lows, highs, flags = Tape([], f.variables).intervals(np.zeros((3, 1)), np.ones((3, 1)))
    assert lows.shape == highs.shape == (0, 3) and not flags.irregular.any()


@pytest.mark.parametrize("name", ONE_OPERATION)
def test_each_compiled_float_operation_agrees_with_the_numpy_reference(name):
    """Values, NaN where undefined and ±∞ where NumPy gives them, at hostile points."""
    tape = Tape([ONE_OPERATION[name]], [x_, y_])
    rng = np.random.default_rng(len(name))
    X = np.vstack([hostile_boxes(2, rng, count=1000)[1],
                   [[0.0, 0.0], [-0.0, 1.0], [1.0, -1.0], [np.nan, 1.0], [np.inf, -np.inf]]])
    got, want = tape.floats(X), tape.floats_numpy(X)
    assert np.array_equal(np.isnan(got), np.isnan(want)), name
    fine = ~np.isnan(want)
    assert np.allclose(got[fine], want[fine], rtol=1e-14, atol=0), name


@pytest.mark.parametrize("text", BATTERY)
def test_compiled_floats_agree_with_the_numpy_reference_on_whole_functions(text):
    variables, parts = all_parts(text)
    tape = Tape(parts, variables)
    X = np.random.default_rng(3).uniform(-6, 6, (300, len(variables)))
    got, want = tape.floats(X), tape.floats_numpy(X)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    fine = ~np.isnan(want)
    assert np.allclose(got[fine], want[fine], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text", [
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x) cos(y) + tan(x/3)", "exp(x y) + log(x^2 + 1)",
    "sqrt(x^2 + 1) + atan(y) - cosh(x y)", "(x^2 + 1)^(1/3) y + asin(x/4) + tanh(y)",
    "(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
    " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))"])
def test_the_exact_walk_gives_what_xreplace_gives(text):
    from gradwise.numeric.tapes_precise import exact as exact_walk

    variables, parts = all_parts(text)
    tape = Tape(parts, variables)
    for point in [(0, 0), (1, sympy.Rational(-1, 2)), (sympy.pi / 2, sympy.pi / 3), (3, 2)]:
        at = dict(zip(variables, point))
        got = exact_walk(tape, list(point))
        want = [e.xreplace(at) for e in parts]
        for a, b in zip(got, want):
            if b.is_Rational:
                assert a == b, (text, point, a, b)  # the same number, exactly
            else:
                assert a.is_Rational is b.is_Rational
                assert abs(complex(sympy.N(a - b, 40))) < 1e-30, (text, point, a, b)


@pytest.mark.parametrize("text", ["abs(x) + y^2", "x^(pi/4) + y", "relu(x) y", "sec(x) + y"])
def test_the_exact_walk_declines_where_forms_differ_at_a_kink_or_an_edge(text):
    from gradwise.numeric.tapes_precise import exact as exact_walk

    variables, parts = all_parts(text)
    assert exact_walk(Tape(parts, variables), [sympy.Integer(0), sympy.Integer(1)]) is None


@pytest.mark.parametrize("text", ["sqrt(1 - x^2 - y^2)", "exp(-(x^2 + y^2)) + log(x^2 + 1)",
                                  "sin(x) cos(y) + tan(x/3)", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                                  "1/(x^2 + y^2 + 1) - x/(y^2 + 1)"])
def test_the_50_digit_enclosure_at_a_point_holds_the_value_and_is_tight(text):
    from gradwise.numeric.tapes_precise import enclose_at

    f = parse(text)
    tape = Tape([f.expr], f.variables)
    for point in [(0.5, 0.25), (-0.3, 0.7), (0.0, 0.0), (0.6, -0.8)]:
        value = exact(f.expr, f.variables, point)
        if value is None or value.imag:  # (0.6, −0.8) is just outside the unit disc in floats
            assert enclose_at(tape, point) is None
            continue
        low, high = enclose_at(tape, point)
        assert low <= value.real <= high, (text, point)
        assert high - low <= 1e-15 * (1 + abs(value.real))  # two floats apart, at most
