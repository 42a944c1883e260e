"""Maxima and minima: critical points found, proven complete in a box, classified; global extrema.

The names below are re-exported from :mod:`gradwise.critical.search` (the functions) and
:mod:`gradwise.critical.points` (the types), so ``from gradwise.critical import
critical_points`` keeps working. They load on first use, so that the SymPy worker
(``_solve_worker``), which needs only :mod:`gradwise.critical.symbolic`, starts light.
"""

from __future__ import annotations

import importlib
from typing import Any

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradwise.critical' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
