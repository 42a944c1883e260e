"""The README's test command says what it left out (issue 13): the slow tests it deselects,
and the browser tests when Chromium is missing; CI runs the slow ones too."""

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def run_pytest(folder, test, *options):
    (folder / "conftest.py").write_text(
        "from _slow import pytest_collection_modifyitems, pytest_terminal_summary  # noqa\n")
    (folder / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: slow\n")
    (folder / "test_page.py").write_text(test)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *options, str(folder)], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(TESTS), "PATH": ""}, cwd=folder)


def test_skipped_browser_tests_are_named_in_one_line_at_the_end(tmp_path):
    done = run_pytest(tmp_path, (
        "import pytest\n"
        "pytest.skip('Chromium is not installed at /usr/bin/chromium (apt-get install -y "
        "chromium)', allow_module_level=True)\n"
        "def test_page():\n    pass\n"))
    lines = done.stdout.strip().splitlines()
    notice = [line for line in lines if line.startswith("browser tests skipped (1): ")]
    assert notice == [lines[-2]], done.stdout  # just above the summary line
    assert "apt-get install -y chromium" in notice[0] and "CI=true" in notice[0]


def test_a_run_without_browser_skips_says_nothing(tmp_path):
    done = run_pytest(tmp_path, "import pytest\n"
                                "def test_other():\n    pytest.skip('no GPU')\n")
    assert "browser tests skipped" not in done.stdout
    assert "1 skipped" in done.stdout


def test_deselected_slow_tests_are_named_with_the_command_that_runs_them(tmp_path):
    done = run_pytest(tmp_path, "import pytest\n"
                                "@pytest.mark.slow\ndef test_long():\n    pass\n"
                                "def test_quick():\n    pass\n", "-m", "not slow")
    assert "1 passed, 1 deselected" in done.stdout
    notice, = [line for line in done.stdout.splitlines() if line.startswith("slow tests not run")]
    assert notice.startswith("slow tests not run (1: ") and "python -m pytest -m slow" in notice


def test_browser_modules_are_slow_and_ci_runs_the_slow_tests(tmp_path):
    (tmp_path / "test_web_browser_x.py").write_text("def test_page():\n    pass\n")
    done = run_pytest(tmp_path, "def test_quick():\n    pass\n", "-m", "not slow")
    assert "1 passed, 1 deselected" in done.stdout
    root = TESTS.parent
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest -m slow" in ci
    assert "-m 'not slow and not fuzz'" in (root / "pyproject.toml").read_text(encoding="utf-8")
