"""∇f and H rewritten for the certified search (``critical.forms``) and proven roots made
tiny by Newton's method (``certify.refine``), boxes far too wide for Krawczyk's test cut in
four: the same functions and the same zeros, found with fewer boxes.

Oracles: each rewritten entry equals its original at random points (floats, to rounding);
enclosures of the rewritten form are narrower than the original's (the reason for it); the
zero search finds the same proven zeros with either form; the refined boxes are inside the
proven ones and agree with the NumPy refinement.
"""

import time

import numpy as np
import pytest
import sympy

from gradwise import gradient, hessian, parse
from gradwise.critical.certify import find_zeros, krawczyk, refine
from gradwise.critical.forms import factored, offers, rewritten, search_system
from gradwise.numeric.tapes import System, Tape

LEVY13 = ("sin(3pi x)^2 + (x - 1)^2 (1 + sin(3pi y)^2)"
          " + (y - 1)^2 (1 + sin(2pi y)^2)")
EASOM = "-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))"
OTHERS = ["sin(x) cos(x) + x y", "x sin(2x) cos(y) + y^2 sin(y)^2",
          "(x - 1)^2 sin(x y) cos(x)", "sin(x)^3 cos(y)^2 - exp(-x^2) sin(x) cos(x)"]


def system_of(text):
    f = parse(text)
    return System(f.expr, gradient(f).components, hessian(f).matrix, f.variables)


def same_points(a, b, tol=1e-9):
    """Each point of ``a`` within ``tol`` of one of ``b`` and the other way round (the order
    of zeros with equal x may differ by rounding)."""
    gaps = np.abs(a[:, None] - b[None]).max(axis=2)
    return bool(gaps.min(axis=1).max() < tol and gaps.min(axis=0).max() < tol)


def entries(system):
    return list(system.components) + [system.matrix[i, j] for i, j in system.upper]


def test_a_product_of_sine_and_cosine_becomes_their_sum():
    x = sympy.Symbol("x", real=True)
    assert rewritten(6 * sympy.pi * sympy.sin(3 * sympy.pi * x) * sympy.cos(3 * sympy.pi * x),
                     (x,)) == 3 * sympy.pi * sympy.sin(6 * sympy.pi * x)
    assert rewritten(x**2 + 1, (x,)) is None  # nothing to rewrite
    y = sympy.Symbol("y", real=True)
    # cos x cos y as a sum, ½cos(x − y) + ½cos(x + y), only counts x and y twice
    assert rewritten(sympy.cos(x) * sympy.cos(y) * sympy.exp(-x**2), (x, y)) is None


@pytest.mark.parametrize("text", [LEVY13, EASOM, *OTHERS])
def test_every_rewritten_entry_equals_its_original(text):
    system = system_of(text)
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(200, system.n))
    for entry in entries(system):
        for offer in (factored(entry), *offers(entry, system.variables)):
            a, b = Tape([entry, offer], system.variables).floats(X).T
            assert np.allclose(a, b, rtol=1e-9, atol=1e-9 * (1 + np.abs(a).max())), offer


def test_levys_gradient_is_enclosed_narrower_and_searched_with_fewer_boxes():
    system = system_of(LEVY13)
    region = ((-3.0, 3.0), (-3.0, 3.0))
    tight = search_system(system, region)
    assert tight is not system
    # over small boxes the sum form is narrower: 6π sin(3πy) cos(3πy) counts y twice
    rng = np.random.default_rng(1)
    lo = rng.uniform(-3, 2.9, size=(500, 2))
    hi = lo + 0.05
    (old_lo, old_hi), (new_lo, new_hi) = (s.gradient_enclosure(lo, hi)[:2]
                                          for s in (system, tight))
    assert np.all(new_lo <= new_hi)
    assert np.median((new_hi - new_lo) / (old_hi - old_lo)) < 0.9
    box = np.array(region)
    before = find_zeros(system, box, time.monotonic() + 60)
    after = find_zeros(tight, box, time.monotonic() + 60)
    assert before.complete and after.complete
    assert len(after.roots) == len(before.roots) > 100
    assert same_points(after.points, before.points)
    assert after.examined < 0.9 * before.examined


def test_an_exponential_keeps_its_exponent_whole():
    # e^(−(x − π)² − (y − π)²) multiplied out is e^(−x²)·e^(2πx)·...: ∞ × 0 over a wide box
    system = system_of(EASOM)
    tight = search_system(system, ((-100.0, 100.0), (-100.0, 100.0)))
    exponents = {a.args[0] for e in entries(system) for a in e.atoms(sympy.exp)}
    for entry in entries(tight):
        assert {a.args[0] for a in entry.atoms(sympy.exp)} <= exponents, entry


def test_newtons_tiny_boxes_lie_inside_the_proven_ones_and_agree_with_numpy(monkeypatch):
    system = system_of(LEVY13)
    zeros = find_zeros(system, np.array([[-2.0, 2.0], [-2.0, 2.0]]), time.monotonic() + 60)
    wide = zeros.roots + np.array([-1e-3, 1e-3])  # proven boxes, widened: still one zero each
    status, _ = krawczyk(system, wide)
    assert np.all(status == 1)
    compiled = refine(system, wide)
    import gradwise.critical.certify as certify

    monkeypatch.setattr(certify, "compiled", lambda: False)
    numpy = refine(system, wide)
    assert np.all((compiled[..., 0] >= wide[..., 0]) & (compiled[..., 1] <= wide[..., 1]))
    assert np.max(compiled[..., 1] - compiled[..., 0]) < 1e-10
    assert np.allclose(compiled.mean(axis=2), numpy.mean(axis=2), atol=1e-11)
    monkeypatch.undo()
    low, high, _ = system.gradient_enclosure(compiled[..., 0], compiled[..., 1])
    assert np.all((low <= 0) & (high >= 0))  # each box still holds its zero


def test_a_box_far_too_wide_for_krawczyk_is_cut_in_four_with_the_same_zeros(monkeypatch):
    import gradwise.critical.certify as certify

    system = search_system(system_of(LEVY13), ((-2.0, 2.0), (-2.0, 2.0)))
    box = np.array([[-2.0, 2.0], [-2.0, 2.0]])
    cut = find_zeros(system, box, time.monotonic() + 60)
    monkeypatch.setattr(certify, "SPREAD", np.inf)  # always halve
    halved = find_zeros(system, box, time.monotonic() + 60)
    assert cut.complete and halved.complete and len(cut.roots) == len(halved.roots) > 100
    assert same_points(cut.points, halved.points)
    assert cut.examined < 0.97 * halved.examined
    monkeypatch.undo()
    # NumPy's round makes the same decisions as the compiled one: the same boxes, as many
    monkeypatch.setattr(certify, "compiled", lambda: False)
    twin = find_zeros(system, box, time.monotonic() + 120)
    assert twin.examined == cut.examined and same_points(twin.points, cut.points)


def test_common_factors_come_out_never_wider_and_easom_needs_far_fewer_boxes():
    # interval arithmetic is subdistributive: X(Y + Z) ⊆ XY + XZ
    system = system_of(EASOM)
    rng = np.random.default_rng(2)
    lo = rng.uniform(-6, 6, size=(400, 2))
    hi = lo + rng.choice([0.01, 0.1, 1.0], size=(400, 1))
    for entry in entries(system):
        low, high, _ = Tape([entry, factored(entry)], system.variables).intervals(lo, hi)
        assert np.all(high[1] - low[1] <= (high[0] - low[0]) * (1 + 1e-9) + 1e-300), entry
    box = np.array([[-10.0, 10.0], [-10.0, 10.0]])
    tight = search_system(system, tuple(map(tuple, box.tolist())))
    before = find_zeros(system, box, time.monotonic() + 60, scale=1.0)
    after = find_zeros(tight, box, time.monotonic() + 60, scale=1.0)
    # the same zeros, except where the narrower enclosures show a box flat to working
    # precision (f ~ 1e−12 there, on a scale of 1): those are in the flat boxes, unlisted
    gaps = np.abs(before.points[:, None] - after.points[None]).max(axis=2).min(axis=1)
    missing = before.points[gaps > 1e-9]
    assert len(after.roots) >= 20 and len(missing) == len(before.roots) - len(after.roots)
    flat = after.flat
    assert all(np.any(np.all((flat[..., 0] <= p) & (p <= flat[..., 1]), axis=1))
               for p in missing)
    assert after.examined < 0.5 * before.examined


def test_the_rewriting_stops_at_its_deadline_and_is_finished_by_a_later_call():
    # SymPy's rewriting takes tens of ms an entry: a small budget must not wait for it
    system = system_of("sin(x) cos(y) (x - y)^2 + sin(2x) cos(x)")
    region = ((-1.0, 1.0), (-1.0, 1.0))
    late = search_system(system, region, deadline=time.monotonic() - 1)
    assert late is system or entries(late) == entries(system)
    done = search_system(system, region)
    assert done is not system
    assert search_system(system, region, deadline=time.monotonic() - 1) is done  # kept
