"""Every module's docstring examples run (one collector for the whole package).

A module without examples passes trivially; ``test_examples_are_everywhere_they_matter`` keeps
the public modules honest by requiring examples there.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gradwise"
SKIP = {"gradwise.__main__"}  # importing it runs the command line


def module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name not in SKIP:
            names.append(name)
    return names


@pytest.mark.parametrize("name", module_names())
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


PUBLIC = ["gradwise", "gradwise.language.expressions", "gradwise.language.numbers",
          "gradwise.calculus.gradients", "gradwise.calculus.steps", "gradwise.calculus.check",
          "gradwise.critical.search", "gradwise.critical.extrema",
          "gradwise.descent.run", "gradwise.descent.advice", "gradwise.descent.explain",
          "gradwise.descent.stopping", "gradwise.neuron.api", "gradwise.neuron.kernel",
          "gradwise.neuron.estimators", "gradwise.neuron.model", "gradwise.documents",
          "gradwise.numeric.kernels", "gradwise.numeric.printers", "gradwise.errors"]


@pytest.mark.parametrize("name", PUBLIC)
def test_examples_are_everywhere_they_matter(name):
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    assert examples > 0
