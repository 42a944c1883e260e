"""The playground in a real headless Chromium (Debian's), driven by Playwright for Python.

One server and one browser per test module; each test opens pages on a desktop (1200×900) or a
phone (390×844, touch) and, at its end, keeps a screenshot of each under ``test-artifacts/``
(CI keeps them) and fails on any page error, console error or request that left the server.
Without Chromium the browser tests skip, except in CI (``CI=true``), where a missing browser
is a failure. The fixtures (``browser``, ``site``, ``pages``) live in ``conftest.py``.
"""

import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-unsafe-swiftshader"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DEVICES = {
    "desktop": {"viewport": {"width": 1200, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
              "device_scale_factor": 1},
}

sync_api = pytest.importorskip("playwright.sync_api")


def launch(playwright):
    """Debian's Chromium, or a skip (a failure in CI, where it must be installed)."""
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium", path="/usr/bin")):
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium "
                               "(.ci/run does this)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


class Pages:
    """Opens pages on a device; records what each did wrong; screenshots them at the end."""

    def __init__(self, browser, server, name):
        self.browser, self.server, self.name = browser, server, name
        self.opened = []
        self.errors = []
        self.outside = []

    def open(self, device="desktop", path="/"):
        context = self.browser.new_context(**DEVICES[device])
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{device}: {error}"))
        page.on("console", lambda message: self.errors.append(f"{device}: {message.text}")
                if message.type == "error" and not _answered_error(message) else None)
        page.on("request", lambda r: None if r.url.startswith((self.server, "data:"))
                else self.outside.append(r.url))
        self.opened.append((device, page))
        if path is not None:
            page.goto(self.server + path)
        return page

    def finish(self):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", self.name).strip("-")
        for i, (device, page) in enumerate(self.opened):
            label = name if name.endswith(f"-{device}") else f"{name}-{device}"
            suffix = f"-{i}" if i else ""
            page.screenshot(path=str(ARTIFACTS / f"{label}{suffix}.png"), full_page=True)
            page.context.close()
        assert not self.errors, self.errors
        assert not self.outside, f"the page reached outside the server: {self.outside}"


def _answered_error(message):
    """Chrome logs every 4xx answer to fetch as a console error: the API's answers to bad input
    (a parse error is a 400) are the page working, not failing."""
    return "/api/" in message.location.get("url", "") and \
        "the server responded with a status of 4" in message.text


# -- waiting and reading -------------------------------------------------------------------------

def wait_for(page, condition, timeout=20.0):
    """Poll a JavaScript expression (page.evaluate works under the page's CSP; polling with
    wait_for_function would need 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def settled(page, text):
    """Wait until the page shows everything for the function ``text``."""
    wait_for(page, f"document.getElementById('expr').dataset.settled === {json.dumps(text)}")


def run_done(page):
    """Wait until the paths, table, findings and advice show the settings' current values."""
    wait_for(page, "document.getElementById('steps-table').dataset.run === runKey()")


def animation_done(page):
    wait_for(page, "!player.playing && !player.drawing")


def ready(page, text):
    """The function drawn, its runs shown and their animation over."""
    settled(page, text)
    run_done(page)
    animation_done(page)


def type_function(page, text):
    field = page.locator("#expr")
    field.fill("")
    field.type(text, delay=15)


def query(page):
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def url(**settings):
    """A page address from settings: ``url(f="x^2", start="x=1")``; animations run at 4× unless
    told otherwise (the tests wait for them to end)."""
    from urllib.parse import urlencode

    return "/?" + urlencode({"speed": "4", **settings})


def plot_area(page):
    """The landscape's plotting area on screen: {x, y, width, height}."""
    return page.locator("#plot .nsewdrag").first.bounding_box()


def screen_point(page, x, y):
    """Where the data point (x, y) is on the screen (a 2-D landscape: linear axes), with the
    plot scrolled into the middle of the viewport first (a phone shows only part of the page)."""
    page.evaluate("document.getElementById('plot').scrollIntoView({block: 'center'})")
    area = plot_area(page)
    (x0, x1), (y0, y1) = axis_ranges(page)
    return (area["x"] + (x - x0) / (x1 - x0) * area["width"],
            area["y"] + (y1 - y) / (y1 - y0) * area["height"])


def axis_ranges(page, plot="plot"):
    return page.evaluate(f"(() => {{ const l = document.getElementById('{plot}').layout;"
                         " return [l.xaxis.range, l.yaxis.range]; })()")
