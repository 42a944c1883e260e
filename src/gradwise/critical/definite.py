"""The kind of many critical points at once, proven from the Hessian over each root's box.

A root box X from the certified search is tiny (~10⁻¹² wide); the Hessian's enclosure over
it, [C ± R], holds H at the critical point. By Weyl's inequality every symmetric matrix in
[C ± R] has its eigenvalues within ‖R‖_F (plus the rounding of ``eigvalsh``) of C's, so a
sign that survives that slack is proven: all positive is a minimum, all negative a maximum,
both signs a saddle. Otherwise the test is inconclusive (``degenerate``) and the point goes
to the exact or higher-order test (``classify``).

Example:
    >>> import sympy
    >>> from gradwise.numeric.tapes import System
    >>> x, y = sympy.symbols("x y", real=True)
    >>> f = x**2 - y**2
    >>> system = System(f, [2*x, -2*y], sympy.hessian(f, (x, y)), (x, y))
    >>> signs = hessian_signs(system, np.array([[[-1e-12, 1e-12], [-1e-12, 1e-12]]]))
    >>> signs.kinds, signs.reasons
    (['saddle'], ['D = −4 < 0'])
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gradwise.language.numbers import float_text
from gradwise.numeric.tapes import System

__all__ = ["Signs", "hessian_signs", "float_reason"]


@dataclass(frozen=True)
class Signs:
    """Per root box: the proven kind (or ``degenerate``), the eigenvalues, and the reason
    (written when asked for: a count of thousands of points needs none)."""

    kinds: list[str]
    eigenvalues: np.ndarray  # (R, n), ascending
    centres: np.ndarray  # (R, n, n): the Hessians the reasons quote

    @functools.cached_property
    def reasons(self) -> list[str]:
        return [float_reason(c, e, k) for c, e, k in zip(self.centres, self.eigenvalues,
                                                         self.kinds)]


def hessian_signs(system: System, roots: np.ndarray) -> Signs:
    """The kinds of the critical points in ``roots`` (R, n, 2), proven by Weyl's bound."""
    n = system.n
    lo, hi, flags = system.hessian_enclosure(roots[..., 0], roots[..., 1])
    with np.errstate(all="ignore"):
        centre, radius = (lo + hi) / 2, (hi - lo) / 2
        usable = np.isfinite(centre).all((1, 2)) & np.isfinite(radius).all((1, 2))
        centre = np.where(usable[:, None, None], centre, 0.0)
        eigenvalues = np.linalg.eigvalsh(centre)
        size = np.max(np.abs(eigenvalues), axis=1)
        slack = (np.linalg.norm(np.where(usable[:, None, None], radius, 0.0), axis=(1, 2))
                 + 8 * n * 2.0**-52 * size) * (1 + 2.0**-40)
    positive = eigenvalues > slack[:, None]
    negative = eigenvalues < -slack[:, None]
    good = usable & ~flags.irregular
    some_up, some_down = positive.any(axis=1), negative.any(axis=1)
    kind = np.where(some_up & some_down, "saddle", np.where(
        positive.all(axis=1), "minimum", np.where(negative.all(axis=1), "maximum",
                                                  "degenerate")))
    kinds = np.where(good, kind, "degenerate").tolist()
    return Signs(kinds, eigenvalues, centre)


def float_reason(H: np.ndarray, eigenvalues: np.ndarray, kind: str) -> str:
    """The second-derivative test in the notes' terms, from a float Hessian."""
    n = len(H)
    if kind == "degenerate":
        label = {1: "f''", 2: "D"}.get(n, "an eigenvalue of H")
        return f"{label} ≈ 0: the second-derivative test is inconclusive"
    if n == 1:
        return f"f'' = {float_text(H[0, 0])} {_sign(kind)}"
    if n == 2:
        d = H[0, 0] * H[1, 1] - H[0, 1] ** 2
        text = f"D = {float_text(d)} {'< 0' if kind == 'saddle' else '> 0'}"
        return text + ("" if kind == "saddle" else f", f_xx = {float_text(H[0, 0])} {_sign(kind)}")
    return "eigenvalues of H: " + ", ".join(float_text(v) for v in eigenvalues)


def _sign(kind: str) -> str:
    return "> 0" if kind == "minimum" else "< 0"
