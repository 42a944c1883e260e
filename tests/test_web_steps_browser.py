"""The Steps panel and "check my answer" in a real headless Chromium, on a desktop and a phone.

Screenshots are saved under ``test-artifacts/``. Without Chromium these tests skip, except in
CI (``CI=true``), where a missing browser is a failure.
"""

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import gradwise
from _web_support import running_server
from gradwise.calculus.steps_text import step_line

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DESKTOP = {"width": 1200, "height": 1000}
PHONE = {"width": 390, "height": 844}

if not (os.path.exists(CHROMIUM) and shutil.which("chromium", path="/usr/bin")):
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    pytest.skip(f"Chromium is not installed at {CHROMIUM}", allow_module_level=True)

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


def opened(browser, server, viewport, name):
    """A page on ``viewport``; the caller screenshots it as ``name`` and closes it."""
    context = browser.new_context(viewport=viewport, device_scale_factor=2
                                  if viewport is PHONE else 1, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.outside = []
    page.on("request", lambda r: page.outside.append(r.url) if not r.url.startswith(
        (server, "data:")) else None)
    return context, page


def finish(context, page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert not page.errors, page.errors
    assert not page.outside, f"the page reached outside the server: {page.outside}"


def wait_for(page, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def show_work(page, server, text):
    page.goto(server + "/?f=" + quote(text))
    wait_for(page, f"document.getElementById('expr').dataset.settled === {json.dumps(text)}")
    page.locator("#work-details > summary").click()
    wait_for(page, f"document.getElementById('work-tree').dataset.expr === {json.dumps(text)}")


def check(page, answer, settled):
    page.locator("#answer").fill(answer)
    page.locator("#check-form button").click()
    wait_for(page, f"document.getElementById('check-result').dataset.correct === '{settled}'")


def test_steps_panel_and_check_on_a_desktop(browser, server):
    context, page = opened(browser, server, DESKTOP, "steps-desktop")
    try:
        show_work(page, server, "x^2 + y^2")
        s = gradwise.steps("x^2 + y^2")
        lines = page.locator("#work-tree .work-line").all_text_contents()
        expected = [step_line(step, s.function) for root in s.derivations for step in root.walk()]
        assert lines == expected
        whys = page.locator("#work-tree .work-why").all_text_contents()
        assert "y² does not contain x: treat y as a constant, so its ∂/∂x is 0" in whys

        root = page.locator("#work-tree .work-variable[data-variable='x'] > details")
        root.locator(":scope > summary").click()  # the tree folds away
        assert root.evaluate("node => node.open") is False
        assert page.locator("#work-tree .work-variable[data-variable='x'] .work-children"
                            ).first.is_hidden()
        root.locator(":scope > summary").click()

        check(page, "2x, 2y^2", "false")
        items = page.locator("#check-result li").all_text_contents()
        assert items == [line.strip() for line in
                         str(gradwise.check("x^2 + y^2", "2x, 2y^2")).splitlines()[1:]]
        assert "hint: the power rule lowers the exponent by one" in items[3]
        check(page, "2x î + 2y ĵ", "true")
        assert page.locator("#check-result li.right").count() == 3
    finally:
        finish(context, page, "steps-desktop")


def test_a_bad_answer_shows_its_column(browser, server):
    context, page = opened(browser, server, DESKTOP, "steps-bad-answer")
    try:
        show_work(page, server, "x^2 + y^2")
        check(page, "2x, 2y^", "error")
        error = page.locator("#check-error").text_content().split("\n")
        with pytest.raises(gradwise.ParseError) as expected:
            gradwise.check("x^2 + y^2", "2x, 2y^")
        assert error == [expected.value.reason, "2x, 2y^", " " * 7 + "^"]
        check(page, "2x", "error")
        assert "1 component; expected 2 components" in page.locator("#check-error").text_content()
    finally:
        finish(context, page, "steps-bad-answer")


def test_a_function_of_three_variables_settles_without_a_page_error(browser, server):
    """Regression: with no plot (three variables) the page read the plot's box, which was null,
    and threw before it settled; the notes' own neuron cost has three."""
    context, page = opened(browser, server, DESKTOP, "steps-three-variables")
    try:
        show_work(page, server, "(1 - sigmoid(w x + b))^2")
        assert page.locator("#work-tree .work-variable").count() == 3
    finally:
        finish(context, page, "steps-three-variables")


def test_steps_panel_is_readable_on_a_phone(browser, server):
    context, page = opened(browser, server, PHONE, "steps-phone")
    try:
        text = "(1 - sigmoid(w x + b))^2"
        show_work(page, server, text)
        assert page.locator("#work-tree .work-variable").count() == 3
        for box in page.locator("#work-tree .work-line").evaluate_all(
                "nodes => nodes.map(n => n.getBoundingClientRect().right)"):
            assert box <= PHONE["width"] + 0.5  # every step fits across the screen
        width = page.evaluate("document.getElementById('work-panel').scrollWidth")
        assert width <= PHONE["width"]
        check(page, "w=-2(1 - σ(w x + b))σ(w x + b)(1 - σ(w x + b)), x=0, b=0", "false")
        assert page.locator("#check-result li.wrong").count() >= 2
        page.locator("#check-result").scroll_into_view_if_needed()
    finally:
        finish(context, page, "steps-phone")
