"""The runnable examples in the descent docstrings run."""

import doctest
import importlib

import pytest

MODULES = ["gradwise.numeric.compile", "gradwise.descent.optimizers", "gradwise.descent.schedules",
           "gradwise.descent.run", "gradwise.descent.diagnostics", "gradwise.descent.explain",
           "gradwise.descent.advice", "gradwise.descent.backend", "gradwise.descent.column"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
