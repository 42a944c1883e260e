"""One colour scheme everywhere (issue 13): the web page marks a minimum as the docs and
every picture do, a blue ▼, not a pink circle."""

import re
from pathlib import Path

import pytest

import gradwise
from gradwise.plotting.interactive import interactive_figure
from gradwise.plotting.style import COLOURS, KIND_MARKERS, PLOTLY_SYMBOLS

STATIC = Path(gradwise.__file__).parent / "web" / "static"
MATPLOTLIB_TO_PLOTLY = {"v": "triangle-down", "^": "triangle-up", "X": "x", "D": "diamond",
                        "P": "cross"}


def page_kinds():
    text = (STATIC / "landscape.js").read_text(encoding="utf-8")
    found = re.findall(r'(\w+): \{ symbol: "([^"]+)", colour: "(#[0-9a-f]{6})", mark: "(.)" \}',
                       text)
    return {kind: (symbol, colour, mark) for kind, symbol, colour, mark in found}


def test_the_page_marks_each_kind_as_every_picture_does():
    kinds = page_kinds()
    assert set(kinds) == set(KIND_MARKERS)
    for kind, (symbol, colour, _) in kinds.items():
        assert colour == COLOURS[kind], kind
        assert symbol == PLOTLY_SYMBOLS[kind] == MATPLOTLIB_TO_PLOTLY[KIND_MARKERS[kind]], kind
    assert kinds["minimum"][2] == "▼" and kinds["maximum"][2] == "▲"


def test_no_pink_marks_a_critical_point_on_the_page():
    for script in ("landscape.js", "surface3d.js"):
        assert "#ff4081" not in (STATIC / script).read_text(encoding="utf-8"), script


def test_the_interactive_pages_use_the_scheme_too():
    figure = interactive_figure(gradwise.critical_points("x^3 - 3x"))
    minimum, = [t for t in figure.data if t.name == "minimum"]
    maximum, = [t for t in figure.data if t.name == "maximum"]
    assert (minimum.marker.symbol, minimum.marker.color) == ("triangle-down", COLOURS["minimum"])
    assert (maximum.marker.symbol, maximum.marker.color) == ("triangle-up", COLOURS["maximum"])


@pytest.mark.parametrize("page", ["guide/pictures.md", "how-to/plot-and-animate.md"])
def test_the_docs_state_the_same_scheme(page):
    text = (Path(__file__).parents[1] / "docs" / page).read_text(encoding="utf-8")
    assert "a minimum ▼ blue, a maximum ▲ pink, a saddle ✕ yellow" in " ".join(text.split())
