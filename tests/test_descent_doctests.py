"""The runnable examples in the descent docstrings run."""

import doctest
import importlib

import pytest

MODULES = [f"gradwise.descent.{name}" for name in (
    "compiled", "stopping", "optimizers", "schedules", "run", "diagnostics", "explain",
    "advice", "backend", "column")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
