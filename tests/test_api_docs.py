"""The API reference's quality: every public name is documented the way STYLE.md asks.

Every name of ``gradwise.__all__`` and ``gradwise.plotting.__all__``:

- a function has ``Args:`` naming each parameter, ``Returns:`` (or ``Yields:``), ``Raises:``
  and an example (its doctest runs in ``test_doctests.py``);
- a class has ``Args:`` or ``Attributes:`` and an example (a class's constructor only
  stores; what it raises is said on the methods that check);
- a constant has a docstring of its own (an attribute docstring, which the site shows).

The optimizers each name the paper they come from. The site's Python reference shows every
public name on exactly one page (``docs/hooks.py`` writes the pages from ``__all__``).
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import pytest

import gradwise
import gradwise.plotting

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import hooks  # noqa: E402 - the docs' own generator of the reference pages

PUBLIC = [(gradwise, n) for n in gradwise.__all__] + \
         [(gradwise.plotting, n) for n in gradwise.plotting.__all__]
OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
CITATION = re.compile(r"\b(1[89]|20)\d\d\b")  # a year: (1847), (2015)


def _id(pair):
    return f"{pair[0].__name__}.{pair[1]}"


def sections(doc: str) -> dict[str, str]:
    """A Google docstring's sections: {title: body}; the summary and text under ''."""
    found, title = {"": []}, ""
    for line in doc.splitlines():
        heading = re.fullmatch(r"([A-Z][a-z]+):", line)
        if heading:
            title = heading[1]
            found[title] = []
        else:
            found.setdefault(title, []).append(line)
    return {key: "\n".join(lines) for key, lines in found.items()}


def documented_parameters(body: str) -> set[str]:
    """The names an ``Args:`` section documents (``name:`` or ``name (type):``, indented)."""
    return set(re.findall(r"^ {4}\*{0,2}(\w+)(?: \([^)]*\))?:", body, re.MULTILINE))


@pytest.mark.parametrize("pair", PUBLIC, ids=_id)
def test_every_public_name_is_documented(pair):
    module, name = pair
    value = getattr(module, name)
    if not callable(value):
        assert _attribute_docstring(module, name), f"{name} needs a docstring below it"
        return
    doc = inspect.getdoc(value) or ""
    parts = sections(doc)
    assert parts[""].strip(), f"{name}: no summary"
    assert ">>>" in parts.get("Example", "") + parts.get("Examples", ""), f"{name}: no example"
    if inspect.isclass(value):
        assert {"Args", "Attributes"} & set(parts), f"{name}: no Args: or Attributes:"
        return
    for section in ("Args", "Raises"):
        assert section in parts, f"{name}: no {section}:"
    assert {"Returns", "Yields"} & set(parts), f"{name}: no Returns:"
    parameters = [p for p in inspect.signature(value).parameters.values()]
    missing = {p.name for p in parameters} - documented_parameters(parts["Args"])
    assert not missing, f"{name}: Args: does not document {sorted(missing)}"


def _attribute_docstring(module, name: str) -> bool:
    """Whether the constant's home module puts a string literal right after its assignment."""
    home = sys.modules[hooks._home(module, name)]
    source = inspect.getsource(home)
    # the assignment's continuation lines are indented, or close its bracket: ``}``
    pattern = rf"^{name}\b[^=\n]*=.*?\n(?:[ \t]+.*\n|[)\]}}]\n)*\"\"\""
    return re.search(pattern, source, re.MULTILINE) is not None


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_names_the_paper_it_comes_from(name):
    from gradwise.descent import optimizers

    doc = inspect.getdoc(getattr(optimizers, name)) or ""
    reference = sections(doc).get("Reference", "")
    assert CITATION.search(reference), f"{name}: no 'Reference:' with the paper and its year"


def test_every_public_name_is_on_exactly_one_reference_page():
    pages = {page: (ROOT / "docs" / "reference" / "python" / f"{page}.md").read_text("utf-8")
             for page in hooks.API_PAGES}
    for page, text in pages.items():
        assert f"<!-- gradwise: api {page} -->" in text, page
    for path in hooks.public_paths():
        homes = [page for page, concepts in hooks.API_PAGES.items()
                 if path.split(".")[1] in concepts]
        assert len(homes) == 1, path


def test_the_checks_above_can_fail():
    """The section reader finds what is missing."""
    doc = "Summary.\n\nArgs:\n    x: one.\n    y (int): two.\n\nReturns:\n    Three."
    parts = sections(doc)
    assert set(parts) == {"", "Args", "Returns"}
    assert documented_parameters(parts["Args"]) == {"x", "y"}
    assert "Raises" not in parts


def test_a_constant_spread_over_lines_has_its_docstring_found(tmp_path, monkeypatch):
    """A dict over several lines, closed by ``}`` at the margin, then its docstring; and a
    constant without one is told apart."""
    source = 'A = {\n    "x": 1,\n}\n"""A\'s docstring."""\n\nB = {\n    "y": 2,\n}\n'
    (tmp_path / "fake_constants.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    import fake_constants as module

    monkeypatch.setattr(hooks, "_home", lambda _module, _name: "fake_constants")
    assert _attribute_docstring(module, "A")
    assert not _attribute_docstring(module, "B")
