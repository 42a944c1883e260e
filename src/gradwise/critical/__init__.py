"""Maxima and minima: critical points found, proven complete in a box, classified; global extrema.

The names below are re-exported from :mod:`gradwise.critical.search` (the functions) and
:mod:`gradwise.critical.points` (the types), so ``from gradwise.critical import
critical_points`` keeps working. They load on first use, so that the SymPy worker
(``_solve_worker``), which needs only :mod:`gradwise.critical.symbolic`, starts light.
"""

from __future__ import annotations

from gradwise._lazy import lazy_exports

_EXPORTS = {
    "CriticalPoint": "gradwise.critical.points",
    "CriticalPoints": "gradwise.critical.points",
    "classify_point": "gradwise.critical.search",
    "critical_points": "gradwise.critical.search",
    "nearest_critical_point": "gradwise.critical.search",
    "parse_box": "gradwise.critical.search",
}

__all__ = ["CriticalPoint", "CriticalPoints", "classify_point", "critical_points",
           "nearest_critical_point", "parse_box"]


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
