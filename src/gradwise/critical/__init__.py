"""Maxima and minima: critical points found, classified and bounded in time; global extrema.

The names below are re-exported from :mod:`gradwise.critical.points` and
:mod:`gradwise.critical.search`, so ``from gradwise.critical import critical_points`` keeps
working.
"""

from gradwise.critical.points import CriticalPoint, CriticalPoints
from gradwise.critical.search import (
    classify_point,
    critical_points,
    nearest_critical_point,
    parse_box,
)

__all__ = ["CriticalPoint", "CriticalPoints", "classify_point", "critical_points",
           "nearest_critical_point", "parse_box"]
