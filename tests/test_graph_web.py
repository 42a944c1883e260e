"""The graph on the web: POST /api/graph answers the CLI's JSON; the Graph tab and the offline
.html page in a real Chromium (desktop and phone), screenshots under test-artifacts/.

Without Chromium the browser tests skip, except in CI (``CI=true``), where that is a failure.
"""

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from _web_support import running_server
from gradwise.cli import main

NEURON = "(y - sigmoid(w x + b))^2"
POINT = "x=1,y=1,b=0,w=3"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


def cli_json(*args):
    result = CliRunner().invoke(main, ["graph", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- the API ---------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "argv"), [
    ({"expr": NEURON, "at": POINT}, [NEURON, "--at", POINT]),
    ({"expr": NEURON, "at": "x=1,w=3,b=0", "wrt": "w,b", "const": "y=1", "highlight": "w",
      "names": ["z=w x + b", "ŷ=sigmoid(z)"]},
     [NEURON, "--at", "x=1,w=3,b=0", "--wrt", "w,b", "--const", "y=1", "--highlight", "w",
      "--name", "z=w x + b", "--name", "ŷ=sigmoid(z)"]),
    ({"expr": "sin(x)", "at": "x=90", "degrees": True}, ["sin(x)", "--at", "x=90", "--degrees"]),
])
def test_api_graph_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/graph", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


@pytest.mark.parametrize(("body", "status", "pattern"), [
    ({"expr": "log(x)", "at": "x=0"}, 422, "the forward pass fails at f = ln(x)"),
    ({"expr": "sqrt(x)", "at": "x=0"}, 422, "the backward pass fails"),
    ({"expr": "x y", "at": "x=1"}, 400, "no value for 'y'"),
    ({"expr": "x y", "at": "x=1,y=1,q=2"}, 400, "'q'"),
    ({"expr": "x +", "at": "x=1"}, 400, ""),
    ({"expr": "x^2"}, 400, "missing field 'at'"),
    ({"expr": "x^2", "at": "x=1", "names": "z=x"}, 400, "must be an array of strings"),
    ({"expr": "x^2", "at": "x=1", "names": ["z"]}, 400, "NAME=EXPR"),
    ({"expr": "x^2", "at": "x=1", "highlight": "q"}, 400, "no node 'q'"),
    ({"expr": "9^9^9", "at": "x=1"}, 400, "digits"),
])
def test_api_graph_errors_are_4xx_never_500(client, body, status, pattern):
    response = client.post("/api/graph", json=body)
    assert response.status_code == status, response.text
    assert pattern in response.json()["error"]


def test_the_api_page_documents_graph(client):
    post = client.get("/api/openapi.json").json()["paths"]["/api/graph"]["post"]
    assert "computation graph" in post["summary"]
    assert "gradwise graph --json" in client.get("/api").text


# -- in a browser ------------------------------------------------------------------------

def _browser_module():
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium", path="/usr/bin")):
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_module()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server():
    with running_server(workers=2) as (base, _process):
        yield base


def wait_for(page, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def opened(browser, url, origin, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        (origin, "data:")) else None)
    page.goto(url)
    return context, page, errors, outside


def node_texts(page):
    return page.evaluate("""[...document.querySelectorAll('#graph-svg .graph-node')].map(
        (g) => [...g.querySelectorAll('.graph-label, .graph-value, .graph-adjoint')]
            .map((t) => t.textContent))""")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_graph_tab_draws_the_neuron_and_explains_a_node(browser, server, device):
    # the notes' neuron with x = 1, y = 1 fixed, so the descent tab can draw it too
    cost, start = "(1 - sigmoid(w + b))^2", "w=3,b=0"
    options = PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}
    url = f"{server}/?tab=graph&f={cost.replace('+', '%2B')}&start={start}"
    context, page, errors, outside = opened(browser, url, server, **options)
    try:
        wait_for(page, f"document.getElementById('graph-svg').dataset.settled === "
                       f"{json.dumps(cost + ' @ ' + start)}")
        texts = node_texts(page)
        assert ["w (variable)", "value 3", "∂f/∂w = −0.004285"] in texts
        assert ["v₂ = σ(v₁)", "value 0.9526", "∂f/∂v₂ = −0.09485"] in texts
        locals_ = page.evaluate("[...document.querySelectorAll('.graph-local')]"
                                ".map((t) => t.textContent)")
        assert "0.04518" in locals_  # σ'(3), on the edge into σ
        sigma = page.locator(".graph-node", has_text="v₂ = σ(v₁)")
        sigma.tap() if device == "phone" else sigma.click()
        chain = page.locator("#graph-chain").text_content()
        assert chain == ("v₂ = σ(v₁):  ∂f/∂v₂ = ∂f/∂v₃ · ∂v₃/∂v₂ = 2(1 − σ(3)) · (−1) = "
                         "−2(1 − σ(3)) ≈ −0.0948517")
        page.select_option("#graph-highlight", "w")
        wait_for(page, "document.querySelectorAll('.graph-edge path[stroke=\"#ff7f0e\"]')"
                       ".length === 4")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"graph-tab-{device}.png"), full_page=True)
        assert not errors and not outside, (errors, outside)
    finally:
        context.close()


def test_graph_tab_shows_an_undefined_point_as_an_error(browser, server):
    url = f"{server}/?tab=graph&f=log(x)&start=x=0"
    context, page, errors, _ = opened(browser, url, server)
    try:
        wait_for(page, "document.getElementById('graph-svg').dataset.settled === 'error'")
        assert "ln(0) is undefined" in page.locator("#graph-error").text_content()
        page.fill("#graph-at", "x=2")
        wait_for(page, "document.getElementById('graph-svg').dataset.settled === 'log(x) @ x=2'")
        assert page.locator("#graph-error").is_hidden()
        assert not errors
    finally:
        context.close()


def test_the_offline_html_page_explains_a_clicked_node(browser, tmp_path):
    target = tmp_path / "neuron.html"
    result = CliRunner().invoke(main, ["graph", "C(w, b) = " + NEURON, "--at", POINT,
                                       "--name", "z=w x + b", "--name", "ŷ=sigmoid(z)",
                                       "--highlight", "w", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    context, page, errors, outside = opened(browser, target.as_uri(), target.as_uri())
    try:
        first = page.locator("#chain").text_content()
        assert first.startswith("∂C/∂w = ∂C/∂v₁ · ∂v₁/∂w")
        page.locator('[id="node:5"]').click()  # z = v₁ + b
        assert page.locator("#chain").text_content() == (
            "z = v₁ + b:  ∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = −2(1 − σ(3)) · σ(3)(1 − σ(3)) = "
            "−2σ(3)(1 − σ(3))² ≈ −0.00428509")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graph-offline-page.png"), full_page=True)
        assert not errors and not outside, (errors, outside)
    finally:
        context.close()
