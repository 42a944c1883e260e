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

import httpx
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


def run_done(page):
    """Wait until the path, table, diagnosis and advice show the controls' current values."""
    wait_for(page, "document.getElementById('steps-table').dataset.run === runKey()")


def view_state(page):
    query = parse_qs(urlparse(page.url).query)
    start = dict(part.split("=") for part in query["start"][0].split(","))
    return start, query["eta"][0], query["method"][0]


def cell_numbers(row):
    return [float(text) for text in row.locator("td").all_text_contents()]


def test_descent_from_a_click_matches_the_library(page, server):
    page.goto(server + "/?f=x")
    settled(page, "x")
    type_function(page, "x^2 + y^2")
    settled(page, "x^2 + y^2")
    click_plot(page, 0.85, 0.2)
    wait_for(page, "new URLSearchParams(location.search).has('start')")
    slider = page.locator("#eta")
    slider.focus()
    for _ in range(25):  # 0.25 in log10: η from 0.1 to about 0.178
        page.keyboard.press("ArrowRight")
    wait_for(page, "new URLSearchParams(location.search).get('eta') !== '0.1'")
    run_done(page)

    start, eta, method = view_state(page)
    assert float(eta) == pytest.approx(10 ** (-1 + 0.25), rel=1e-2)
    assert float(start["x"]) > 0 and float(start["y"]) > 0
    result = gradwise.minimize("x^2 + y^2", {k: float(v) for k, v in start.items()},
                               learning_rate=eta, method=method, max_steps=100)
    expected = [tuple(float(c) for c in result.trace.point(k)) for k in range(len(result.trace))]

    path = page.evaluate("(() => { const t = document.getElementById('plot').data[1];"
                         " return [t.x, t.y]; })()")
    assert path[0] == pytest.approx([x for x, _ in expected])
    assert path[1] == pytest.approx([y for _, y in expected])

    rows = page.locator("#steps-table tbody tr")
    assert rows.count() == len(expected)
    for k in (0, 1, len(expected) - 1):
        step, x, y, value, gx, gy = cell_numbers(rows.nth(k))
        assert step == k
        assert [x, y] == pytest.approx(expected[k], rel=1e-5, abs=1e-12)
        assert value == pytest.approx(float(result.trace.values[k]), rel=1e-5, abs=1e-12)
        assert [gx, gy] == pytest.approx([2 * x, 2 * y], rel=1e-5, abs=1e-12)

    rows.nth(1).click()
    wait_for(page, "document.getElementById('explanation').dataset.step === '1'")
    explanation = page.locator("#explanation")
    assert explanation.text_content() == "step 2: " + gradwise.explain_step(result, 1)
    status = page.locator("#status").text_content()
    assert status.startswith(result.message)
    shown = page.locator("#diagnosis li").all_text_contents()
    assert shown == [finding.message for finding in result.findings]
    advice = gradwise.advise_learning_rate("x^2 + y^2", start)
    assert advice.max_stable == 1.0
    assert "stable for 0 < η < 1," in page.locator("#advice").text_content()
    minimum = page.evaluate("document.getElementById('plot').data[2]")
    assert (minimum["x"], minimum["y"], minimum["text"]) == ([0], [0], ["minimum"])


def test_a_curve_for_one_variable_with_its_path(page, server):
    page.goto(server + "/?f=(1%20-%20w)%5E2&start=w%3D3&eta=0.1&method=gd")
    settled(page, "(1 - w)^2")
    run_done(page)
    curve = page.evaluate("document.getElementById('plot').data[0]")
    assert curve["type"] == "scatter" and len(curve["x"]) == 61
    assert curve["y"][0] == pytest.approx((1 - curve["x"][0]) ** 2)
    path = page.evaluate("document.getElementById('plot').data[1].x")
    assert path[:3] == pytest.approx([3, 2.6, 2.28])
    page.locator("#steps-table tbody tr").first.click()
    wait_for(page, "document.getElementById('explanation').dataset.step === '0'")
    assert page.locator("#explanation").text_content().endswith("= 2.6")


def test_the_method_choice_is_in_the_url(page, server):
    page.goto(server + "/?f=x%5E2%20%2B%20y%5E2&start=x%3D1%2Cy%3D2&eta=0.1&method=gd")
    settled(page, "x^2 + y^2")
    page.locator("#method").select_option("adam")
    wait_for(page, "new URLSearchParams(location.search).get('method') === 'adam'")
    run_done(page)
    result = gradwise.minimize("x^2 + y^2", "x=1,y=2", learning_rate="0.1", method="adam",
                               max_steps=100)
    path = page.evaluate("document.getElementById('plot').data[1].x")
    assert path == pytest.approx([float(result.trace.point(k)[0])
                                  for k in range(len(result.trace))])


# -- the neuron tab ---------------------------------------------------------------------------

NOTES_CSV = "a,b,y\n" + "".join(f"{(i * 7) % 10 / 3},{(i * 3) % 8 / 2},{int((i * 7) % 10 > 4)}\n"
                                for i in range(30))


def choose_file(page, name, text):
    data = text.encode() if isinstance(text, str) else text
    page.set_input_files("#csv-file", files=[{"name": name, "mimeType": "text/csv",
                                              "buffer": data}])


def trained(page):
    """Wait until the latest Train click has been answered and drawn."""
    wait_for(page, "document.getElementById('train-status').dataset.done"
                   " === String(upload.generation)")


def test_the_neuron_tab_trains_on_an_uploaded_csv(page, server):
    page.goto(server + "/")
    page.locator("#tab-button-neuron").click()
    assert page.locator("#tab-neuron").is_visible() and page.locator("#tab-descent").is_hidden()
    assert parse_qs(urlparse(page.url).query)["tab"] == ["neuron"]
    choose_file(page, "notes.csv", NOTES_CSV)
    wait_for(page, "!document.getElementById('train').disabled")
    assert page.locator("#target option").all_text_contents() == ["a", "b", "y"]
    assert page.locator("#target").input_value() == "y"
    page.locator("#activation").select_option("sigmoid")
    page.locator("#train-eta").fill("0.5")
    page.locator("#epochs").fill("60")
    page.locator("#train").click()
    trained(page)

    body = {"csv": NOTES_CSV, "filename": "notes.csv", "target": "y", "features": ["a", "b"],
            "activation": "sigmoid", "learning_rate": "0.5", "epochs": 60, "method": "gd"}
    expected = httpx.post(server + "/api/train", json=body, timeout=30).json()
    curve = page.evaluate("document.getElementById('cost-plot').data[0]")
    assert curve["x"] == list(range(61))
    assert curve["y"] == expected["history"]
    assert page.locator("#train-status").text_content().startswith(
        f"{expected['status']} after 60 epochs (60 steps)")
    assert page.locator("#train-findings li").all_text_contents() == expected["messages"]
    rows = [row.locator("td").all_text_contents()
            for row in page.locator("#weights-table tr").all()]
    assert [label for label, _ in rows] == ["w[a]", "w[b]", "b"]
    shown = [float(value) for _, value in rows]
    assert shown == pytest.approx([*expected["weights"].values(), expected["bias"]], rel=1e-5)


def test_a_file_over_the_cap_is_refused_before_it_is_sent(page, server):
    from gradwise.web.schema import MAX_CSV

    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/api/train" in r.url else None)
    page.goto(server + "/?tab=neuron")
    choose_file(page, "big.csv", b"x,y\n" + b"1" * (MAX_CSV - 3))
    wait_for(page, "!document.getElementById('csv-error').hidden")
    assert f"at most {MAX_CSV:,} (1 MiB)" in page.locator("#csv-error").text_content()
    assert page.locator("#train").is_disabled()
    choose_file(page, "just.csv", b"x,y\n" + b"1" * (MAX_CSV - 4))  # exactly at the cap
    wait_for(page, "!document.getElementById('train').disabled")
    assert page.locator("#csv-error").is_hidden()
    assert sent == []


def test_a_bad_csv_shows_the_loaders_line_and_column(page, server):
    page.goto(server + "/?tab=neuron")
    choose_file(page, "typo.csv", "x,y\n1,2\n3,4\n5,six\n")
    wait_for(page, "!document.getElementById('train').disabled")
    page.locator("#train").click()
    trained(page)
    error = page.locator("#csv-error").text_content()
    assert error.startswith("typo.csv: line 4, column 2 ('y'): found 'six'")
    assert page.evaluate("document.getElementById('cost-plot').data") is None


def test_hostile_column_names_are_shown_as_text(page, server):
    names = ["<img src=x onerror=document.title='pwned'>", "a, \"b\"", "__proto__"]
    header = ",".join('"' + n.replace('"', '""') + '"' for n in names)
    page.goto(server + "/?tab=neuron")
    choose_file(page, "hostile.csv", header + "\n1,2,3\n2,1,5\n3,3,4\n")
    wait_for(page, "!document.getElementById('train').disabled")
    assert page.locator("#target option").all_text_contents() == names
    page.locator("#target").select_option(names[0])
    ticked = page.locator("#features input").evaluate_all("ticks => ticks.map(t => t.value)")
    assert ticked == names[1:]
    page.locator("#train").click()
    trained(page)
    labels = page.locator("#weights-table td:first-child").all_text_contents()
    assert labels == [f"w[{names[1]}]", f"w[{names[2]}]", "b"]
    assert page.evaluate("document.querySelectorAll('#tab-neuron img').length") == 0
    assert page.title() == "gradwise playground"
