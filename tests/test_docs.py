"""The documentation site: it builds with --strict, offline, and every example in it runs.

The site is ``mkdocs.yml`` + ``docs/``; ``docs/hooks.py`` writes the parts generated from the
code. ``_docs_support`` runs a page's examples as a reader would (see its docstring).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _docs_support import RUN, blocks, commands, matches, run_page

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "gallery" not in p.parts)
EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//|url\(["']?(?:https?:)?//|"""
                      r"""@import\s+["']?(?:https?:)?//""")


def _page_id(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once with ``mkdocs build --strict`` into a temporary folder."""
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(folder)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


@pytest.mark.slow
def test_the_site_builds_strictly(site):
    """A broken link, anchor, reference or docstring fails ``--strict``; every page is there."""
    built = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    for page in PAGES:
        name = _page_id(page).removesuffix(".md")
        expected = "index.html" if name == "index" else f"{name.removesuffix('/index')}/index.html"
        assert expected in built, page


@pytest.mark.slow
def test_the_site_loads_nothing_from_outside(site):
    """No script, stylesheet, font or image from another host: the site works offline.
    (Links a reader may follow are fine; only what a page loads by itself is checked.)"""
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        loads = [text[m.start():m.start() + 80] for m in EXTERNAL.finditer(text)
                 if not _is_anchor(text, m.start())]
        assert not loads, path


def _is_anchor(text: str, at: int) -> bool:
    """Whether the attribute at ``at`` belongs to an ``<a ...>`` tag (a link, not a load)."""
    tag = text.rfind("<", 0, at)
    return text[tag:tag + 3] in ("<a ", "<a\n")


@pytest.mark.slow
def test_the_cli_reference_is_generated_for_every_command(site):
    from gradwise.cli import COMMANDS

    html = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f'id="gradwise-{name}"' in html, name


# Pages whose examples take many seconds are slow, as every such test is (CI runs them):
# guide/pictures.md writes the gallery's two animations (about 30 s); the GPU how-to runs
# the CUDA kernels on numba's simulator and the plotting how-to draws every picture (7 s each).
_SLOW_PAGES = {"guide/pictures.md", "how-to/gpu.md", "how-to/plot-and-animate.md"}


@pytest.mark.parametrize("page", [pytest.param(p, marks=pytest.mark.slow)
                                  if _page_id(p) in _SLOW_PAGES else p for p in PAGES],
                         ids=_page_id)
def test_every_example_on_the_page_runs(page, tmp_path, monkeypatch):
    """Each page's pycon, python and console blocks run in order, outputs compared."""
    monkeypatch.chdir(tmp_path)
    run_page(page, {"__name__": "__docs__"})


def test_the_tutorials_and_the_reference_have_examples():
    for page in PAGES:
        if page.parent.name in ("tutorials", "how-to") or page.name == "math-language.md":
            assert any(b.language in RUN and not b.skip_reason for b in blocks(page)), page


def test_commands_are_shown_as_console_sessions():
    """A gradwise command in a ``bash`` block would never run: examples use ``console``."""
    for page in PAGES:
        for block in blocks(page):
            if block.language in ("bash", "sh", "shell"):
                assert not re.search(r"^(\$ )?gradwise (?!serve)", block.body, re.MULTILINE), (
                    block.where)


def test_the_runner_compares_what_it_should():
    """The runner itself: ellipses, exit codes and a wrong output are told apart."""
    session = "$ gradwise grad x^2\nf(x) = x²\n...\n$ printf 'a\\n'\nb\n$ true"
    assert list(commands(session)) == [("gradwise grad x^2", "f(x) = x²\n..."),
                                       ("printf 'a\\n'", "b"), ("true", None)]
    assert matches("f(x) = x²\n...", "f(x) = x²\n∇f(x) = 2x î  \n")
    assert not matches("a", "b")


def _gallery_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_gallery", DOCS / "make_gallery.py")
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    return gallery


@pytest.mark.slow
def test_the_gallery_is_what_make_gallery_draws_today(tmp_path):
    """Every committed picture is redrawn and compared, pixel by pixel: a change to the
    pictures' code that is not followed by ``python docs/make_gallery.py`` fails here.
    (A pixel counts as changed past 32 levels in a channel; 1% of them may differ, for
    anti-aliasing and font versions.)"""
    import numpy as np
    from PIL import Image

    gallery = _gallery_script()
    gallery.main([], tmp_path)
    committed = {p.name for p in (DOCS / "gallery").glob("*.png")}
    assert {f"{name}.png" for name in gallery.PICTURES} <= committed
    for name in gallery.PICTURES:
        old, new = (np.asarray(Image.open(folder / f"{name}.png").convert("RGB"), dtype=int)
                    for folder in (DOCS / "gallery", tmp_path))
        assert old.shape == new.shape, name
        changed = (np.abs(old - new).max(axis=2) > 32).mean()
        assert changed < 0.01, f"{name}.png: {changed:.1%} of its pixels changed"


def test_the_offline_check_tells_a_load_from_a_link():
    page = ('<a href="https://example.org/">a link</a>\n<script src="https://cdn.example/x.js">'
            '</script><link href="//fonts.example/css" rel="stylesheet">')
    loads = [m.start() for m in EXTERNAL.finditer(page) if not _is_anchor(page, m.start())]
    assert len(loads) == 2
    assert not EXTERNAL.search('<img src="../gallery/slope.png">')
