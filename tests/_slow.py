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
"""The modules that drive a real browser: slow, every one of their tests (and any other test
that asks for the ``browser`` fixture)."""

SLOW = {
    "test_cli_neuron.py": ["test_engine_dask_trains_a_parquet_file_to_the_memory_numbers",
                           "test_plot_draws_the_cost_per_epoch_the_data_and_the_fit"],
    "test_graph.py": ["test_a_hundred_variables_match_the_gradient"],
    "test_neuron.py": ["test_breast_cancer_within_two_points_of_logistic_regression"],
    "test_cli_plot.py": ["test_lr_two_variables_and_json",
                         "test_descend_gif_has_a_frame_per_step_and_html_the_path",
                         "test_lr_with_a_sweep_draws_an_even_sample_that_agrees_with_the_table",
                         "test_lr_compares_multiples_of_the_stable_limit"],
    "test_public_api.py": ["test_packages_that_replaced_modules_keep_their_names"],
    "test_plotting.py": ["test_learning_rate_panels_are_titled_with_their_runs"],
    "test_plotting_output.py": ["test_write_plot_draws_critical_points_and_learning_rates",
                                "test_plot_command_marks_critical_points_and_draws_surfaces"],
    "test_critical.py": ["test_a_script_without_a_main_guard_can_use_the_worker",
                         "test_a_system_that_runs_sympy_for_minutes_returns_within_the_budget"],
    "test_cuda_engine.py": ["test_cli_engine_cuda_without_a_gpu_is_one_line_and_exit_2"],
    "test_web_hardening.py": ["test_killing_the_server_leaves_no_workers",
                              "test_a_slow_critical_point_solve_is_a_422_within_its_budget"],
    "test_steps.py": ["test_deepest_nesting_allowed_derives"],
    "test_cli_graph.py": ["test_real_process_the_readme_command"],
}
"""Tests of other modules that take several seconds each (measured with --durations, 2-core
machine): by file, the test functions (every parametrized case of each)."""


def pytest_collection_modifyitems(items: list[Any]) -> None:
    found: set[tuple[str, str]] = set()
    for item in items:
        name = getattr(item, "originalname", item.name)
        browser = item.path.name.startswith(BROWSER_FILES) or \
            "browser" in getattr(item, "fixturenames", ())
        if browser or name in SLOW.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
            found.add((item.path.name, name))
    collected = {item.path.name for item in items}
    stale = [f"{file}::{name}" for file, names in SLOW.items() if file in collected
             for name in names if (file, name) not in found]
    if stale:  # a renamed test would silently become a default one again
        raise pytest.UsageError(f"tests/_slow.py names tests that do not exist: {stale}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    deselected = [r for r in terminalreporter.stats.get("deselected", [])
                  if r.get_closest_marker("slow") is not None]
    if deselected:
        terminalreporter.write_line(
            f"slow tests not run ({len(deselected)}: the browser tests, the memory, fault and "
            "timeout tests, mypy, the longest docs pages): python -m pytest -m slow runs them "
            "(CI runs both)",
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
