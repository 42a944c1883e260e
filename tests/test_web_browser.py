"""The playground in a real headless Chromium (Debian's), driven by Playwright for Python.

Screenshots are saved under ``test-artifacts/``. Without Chromium these tests skip, except in
CI (``CI=true``), where a missing browser is a failure: ``.ci/run`` installs it.
"""

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import gradwise
from _web_support import running_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

if not (os.path.exists(CHROMIUM) and shutil.which("chromium", path="/usr/bin")):
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium "
                           "(.ci/run does this)")
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    with running_server(workers=2) as (base, _process):
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    outside = []
    opened.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        (server, "data:")) else None)
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, errors
    assert not outside, f"the page reached outside the server: {outside}"


def wait_for(page, condition, timeout=15.0):
    """Poll a JavaScript expression (page.evaluate works under the page's CSP; polling with
    wait_for_function would need 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def type_function(page, text):
    field = page.locator("#expr")
    field.fill("")
    field.type(text, delay=20)


def settled(page, text):
    """Wait until the page shows everything for the function ``text``."""
    wait_for(page, f"document.getElementById('expr').dataset.settled === {json.dumps(text)}")


def test_the_gradient_shows_in_the_notes_notation(page, server):
    page.goto(server + "/?f=x")
    settled(page, "x")
    type_function(page, "x^2 + y^2")
    settled(page, "x^2 + y^2")
    assert page.locator("#gradient").text_content() == str(gradwise.gradient("x^2 + y^2"))
    assert page.locator("#expr-error").is_hidden()


def test_a_bad_expression_shows_its_error_at_the_column(page, server):
    page.goto(server + "/")
    type_function(page, "x^2 + * y")
    settled(page, "x^2 + * y")
    error = page.locator("#expr-error")
    with pytest.raises(gradwise.ParseError) as expected:
        gradwise.parse("x^2 + * y")
    lines = error.text_content().split("\n")
    assert lines[0] == expected.value.reason
    assert lines[1] == "x^2 + * y"
    assert lines[2] == " " * (expected.value.column - 1) + "^"
    assert error.get_attribute("data-column") == str(expected.value.column)
    assert page.locator("#gradient").text_content() == ""


def test_the_plot_has_arrows_and_a_click_sets_the_start(page, server):
    page.goto(server + "/?f=x%5E2%20%2B%20y%5E2")
    wait_for(page, "document.querySelector('#plot .contour') !== null")
    arrows = page.evaluate("document.getElementById('plot').layout.annotations.length")
    assert arrows == 81
    click_plot(page, 0.8, 0.25)
    wait_for(page, "new URLSearchParams(location.search).has('start')")
    start = parse_qs(urlparse(page.url).query)["start"][0]
    assert set(dict(part.split("=") for part in start.split(","))) == {"x", "y"}
    assert "start:" in page.locator("#start-text").text_content()


def click_plot(page, fx, fy):
    """Click at a fraction of the plotting area (0, 0 is its top left)."""
    box = page.locator("#plot .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def test_a_link_reproduces_the_view(page, server):
    page.goto(server + "/?f=sin(x)&start=x%3D1.5&eta=0.05&method=gd")
    wait_for(page, "document.getElementById('gradient').textContent.includes('cos')")
    assert page.locator("#expr").input_value() == "sin(x)"
    assert page.locator("#start-text").text_content() == "start: x = 1.5"
    query = parse_qs(urlparse(page.url).query)
    assert query["eta"] == ["0.05"] and query["start"] == ["x=1.5"]
