"""A pytest hook: one clear line at the end of a run whose browser tests were skipped.

Without Chromium the browser tests skip locally (CI, with ``CI=true``, fails instead), and a
skip is easy to miss among the dots; this says how many were skipped and how to run them.
"""

from __future__ import annotations

from typing import Any

BROWSER = "Chromium"
"""Every skip of a browser test gives its reason with this word (tests/test_web_browser*.py)."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if BROWSER in _reason(r)]
    if not skipped:
        return
    terminalreporter.write_line(
        f"browser tests skipped ({len(skipped)}): Chromium is not installed at "
        "/usr/bin/chromium. To run them: apt-get install -y chromium (CI=true, as in "
        ".ci/run, makes a missing browser fail instead of skip)", yellow=True, bold=True)


def _reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (file, line, reason)
        return str(longrepr[2])
    return str(longrepr)
