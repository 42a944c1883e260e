"""Maxima and minima: critical points found, proven complete in a box, classified; global extrema.

The names below are re-exported from :mod:`gradwise.critical.search` (the functions) and
:mod:`gradwise.critical.points` (the types), so ``from gradwise.critical import
critical_points`` keeps working.
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
