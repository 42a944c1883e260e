"""The README's test command says so when the browser tests were skipped (issue 13)."""

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def run_pytest(folder, test):
    (folder / "conftest.py").write_text(
        "from _skipped_browser import pytest_terminal_summary  # noqa: F401\n")
    (folder / "test_page.py").write_text(test)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(folder)], capture_output=True, text=True, timeout=120,
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
