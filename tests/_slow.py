"""Pytest hooks: which tests are slow, and one clear line at the end about what did not run.

The default run (``python -m pytest``, the README's command) deselects the tests marked
``slow`` (``addopts`` in pyproject.toml): every browser test, and the few others that take many
seconds each (the memory, fault and timeout tests, mypy). ``python -m pytest -m slow`` runs
them, and CI (``.ci/run``) runs both. Without Chromium the browser tests skip locally (CI,
with ``CI=true``, fails instead). A run says in its last lines what it left out and how to run
it, so neither a deselection nor a skip goes unnoticed among the dots.
"""

from __future__ import annotations

from typing import Any

import pytest

BROWSER = "Chromium"
"""Every skip of a browser test gives its reason with this word (tests/test_web_browser*.py)."""

BROWSER_FILES = ("test_web_browser", "test_web_steps_browser")
"""The modules that drive a real browser: slow, every one of their tests."""


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if item.path.name.startswith(BROWSER_FILES):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    deselected = [r for r in terminalreporter.stats.get("deselected", [])
                  if r.get_closest_marker("slow") is not None]
    if deselected:
        terminalreporter.write_line(
            f"slow tests not run ({len(deselected)}: the browser tests, the memory, fault and "
            "timeout tests, mypy): python -m pytest -m slow runs them (CI runs both)",
            yellow=True)
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if BROWSER in _reason(r)]
    if skipped:
        terminalreporter.write_line(
            f"browser tests skipped ({len(skipped)}): Chromium is not installed at "
            "/usr/bin/chromium. To run them: apt-get install -y chromium (CI=true, as in "
            ".ci/run, makes a missing browser fail instead of skip)", yellow=True, bold=True)


def _reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (file, line, reason)
        return str(longrepr[2])
    return str(longrepr)
