"""The playground's core in real Chromium: the function, a start set by mouse or by touch, the
runs drawn over a landscape that stays drawn, the step table and its explanations, what the page
loads and sends (issue 18, items 1, 2, 7, 9, 10)."""

import json

import httpx
import pytest

import gradwise
from _web_browser import (
    animation_done,
    query,
    ready,
    run_done,
    screen_point,
    settled,
    type_function,
    url,
    wait_for,
)

BOWL = "x^2 + y^2"


def test_the_gradient_shows_in_the_notes_notation(pages):
    page = pages.open("desktop", url(f="x"))
    settled(page, "x")
    type_function(page, BOWL)
    settled(page, BOWL)
    assert page.locator("#gradient").text_content() == str(gradwise.gradient(BOWL))
    assert page.locator("#expr-error").is_hidden()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_bad_expression_shows_its_error_at_the_column(pages, device):
    page = pages.open(device)
    settled(page, BOWL)
    type_function(page, "x^2 + * y")
    settled(page, "x^2 + * y")
    with pytest.raises(gradwise.ParseError) as expected:
        gradwise.parse("x^2 + * y")
    assert page.locator("#expr-error-text").text_content() == expected.value.reason
    caret = page.locator("#expr-error-caret").text_content().split("\n")
    assert caret == ["x^2 + * y", " " * (expected.value.column - 1) + "^"]
    assert page.locator("#expr-error").get_attribute("data-column") == str(expected.value.column)
    assert page.locator("#gradient").text_content() == ""


# -- item 1: a tap sets the start, as a click does -------------------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_tap_or_a_click_sets_the_start_where_it_landed(pages, device):
    page = pages.open(device, url(f=BOWL))
    ready(page, BOWL)
    x, y = screen_point(page, 1.5, -2.0)
    if device == "phone":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    wait_for(page, "new URLSearchParams(location.search).has('start')")
    run_done(page)
    start = dict(part.split("=") for part in query(page)["start"].split(","))
    cell = 6 / 40  # the phone's grid (41 points over [−3, 3]) is the coarser
    assert float(start["x"]) == pytest.approx(1.5, abs=cell)
    assert float(start["y"]) == pytest.approx(-2.0, abs=cell)
    assert [page.locator(f"#start-{n}").input_value() for n in "xy"] == [start["x"], start["y"]]
    assert page.locator("#steps-table tbody tr").count() > 1  # and the descent ran from there


# -- item 2: the landscape stays drawn while the path grows ---------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_landscape_stays_drawn_during_every_frame_of_the_animation(pages, device):
    page = pages.open(device, url(f=BOWL))
    ready(page, BOWL)
    # count the contour's shapes and the arrows at every animation frame of the next run
    page.evaluate("""window.frames_seen = [];
        (function watch() {
          if (player.playing) window.frames_seen.push([player.at,
              document.querySelectorAll('#plot .contourlayer path').length,
              document.querySelectorAll('#plot .scatterlayer .trace path.point').length]);
          requestAnimationFrame(watch);
        })();""")
    x, y = screen_point(page, 2.5, 2.0)
    page.mouse.click(x, y) if device == "desktop" else page.touchscreen.tap(x, y)
    wait_for(page, "window.frames_seen.length > 0")
    animation_done(page)
    frames = page.evaluate("window.frames_seen")
    assert len({at for at, _, _ in frames}) >= 3, frames  # it did animate
    assert all(shapes > 0 and arrows > 0 for _, shapes, arrows in frames), frames
    path = page.evaluate("document.getElementById('path-plot').data[0]")
    assert len(path["x"]) > 3 and path["x"][0] == pytest.approx(float(query(page)["start"]
                                                                      .split(",")[0][2:]))


def test_descent_from_a_click_matches_the_library(pages):
    page = pages.open("desktop", url(f=BOWL))
    ready(page, BOWL)
    x, y = screen_point(page, 2.0, 1.0)
    page.mouse.click(x, y)
    wait_for(page, "new URLSearchParams(location.search).has('start')")
    typed = page.locator("#eta")
    typed.fill("0.25")
    wait_for(page, "new URLSearchParams(location.search).get('eta') === '0.25'")
    ready(page, BOWL)
    start = {k: float(v) for k, v in (p.split("=") for p in query(page)["start"].split(","))}
    result = gradwise.minimize(BOWL, start, learning_rate="0.25", max_steps=100)
    expected = [tuple(float(c) for c in result.trace.point(k)) for k in range(len(result.trace))]
    path = page.evaluate("(() => { const t = document.getElementById('path-plot').data[0];"
                         " return [t.x, t.y]; })()")
    assert path[0] == pytest.approx([p[0] for p in expected])
    assert path[1] == pytest.approx([p[1] for p in expected])
    rows = page.locator("#steps-table tbody tr")
    assert rows.count() == len(expected)
    for k in (0, 1, len(expected) - 1):
        step, x_, y_, value, gx, gy = [float(t) for t in rows.nth(k).locator("td")
                                       .all_text_contents()]
        assert step == k and [x_, y_] == pytest.approx(expected[k], rel=1e-5, abs=1e-12)
        assert value == pytest.approx(float(result.trace.values[k]), rel=1e-5, abs=1e-12)
    assert page.locator("#status").text_content().startswith(f"gd: {result.message}")
    assert page.locator("#findings li").all_text_contents() == [f.message
                                                                for f in result.findings]
    minimum = page.evaluate("document.getElementById('plot').data.find(t => t.name === "
                            "'minimum')")
    assert (minimum["x"], minimum["y"]) == ([0], [0])


def test_a_curve_for_one_variable_with_its_path(pages):
    page = pages.open("desktop", url(f="(1 - w)^2", start="w=3", eta="0.1"))
    ready(page, "(1 - w)^2")
    curve = page.evaluate("document.getElementById('plot').data[0]")
    assert curve["type"] == "scatter" and len(curve["x"]) == 61
    assert curve["y"][0] == pytest.approx((1 - curve["x"][0]) ** 2)
    path = page.evaluate("document.getElementById('path-plot').data[0].x")
    assert path[:3] == pytest.approx([3, 2.6, 2.28])


# -- item 7: explanations -------------------------------------------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_row_k_explains_step_k_below_it_without_rerunning(pages, device):
    page = pages.open(device, url(f=BOWL, start="x=2,y=1", eta="0.1"))
    ready(page, BOWL)
    row = page.locator('#steps-table tbody tr[data-step="2"]')
    where = "r => r.getBoundingClientRect().top + window.scrollY"  # on the page, not the screen
    before = row.evaluate(where)
    sent = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}"))
            if "/api/" in r.url else None)
    row.click()
    wait_for(page, "document.getElementById('steps-table').dataset.explained === '2'")
    result = gradwise.minimize(BOWL, {"x": 2, "y": 1}, learning_rate="0.1", max_steps=100)
    shown = page.locator("tr.explanation pre").text_content()
    assert shown == "step 2: " + gradwise.explain_step(result, 1)
    assert row.evaluate(where) == before  # nothing above it moved
    assert page.locator("tr.explanation").evaluate("r => r.previousElementSibling.dataset.step") \
        == "2"
    # one small request for the text; the path is not drawn again
    assert len(sent) == 1 and sent[0]["rows"] == [0, 0] and sent[0]["explain_step"] == 1
    assert page.evaluate("player.playing") is False


def test_momentum_and_adam_rows_show_their_own_formulas(pages):
    page = pages.open("desktop", url(f=BOWL, start="x=2,y=1", method="momentum", beta="0.5"))
    ready(page, BOWL)
    page.locator('#steps-table tbody tr[data-step="2"]').click()
    wait_for(page, "document.getElementById('steps-table').dataset.explained === '2'")
    result = gradwise.minimize(BOWL, {"x": 2, "y": 1}, learning_rate=0.1, method="momentum",
                               beta=0.5, max_steps=100)
    text = page.locator("tr.explanation pre").text_content()
    assert text == "step 2: " + gradwise.explain_step(result, 1)
    assert "v_x = β·v_x + ∂f/∂x = 0.5 × " in text
    page.locator("#method").select_option("adam")
    ready(page, BOWL)
    page.locator('#steps-table tbody tr[data-step="1"]').click()
    wait_for(page, "document.querySelector('tr.explanation pre') !== null")
    assert "m̂_x = m_x/(1 − β₁^1)" in page.locator("tr.explanation pre").text_content()


def test_rows_are_reached_by_tab_and_opened_by_enter(pages):
    page = pages.open("desktop", url(f=BOWL, start="x=2,y=1"))
    ready(page, BOWL)
    page.locator('#steps-table tbody tr[data-step="0"]').focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.step") == "1"
    page.keyboard.press("Enter")
    wait_for(page, "document.getElementById('steps-table').dataset.explained === '1'")
    assert page.locator("tr.explanation pre").text_content().startswith("step 1: ∂f/∂x(2, 1)")


# -- item 9: nothing leaves the page --------------------------------------------------------------

def test_no_share_button_and_the_policy_blocks_uploads(pages, site):
    headers = httpx.get(site + "/").headers
    policy = headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "form-action 'self'" in policy
    assert headers["cross-origin-opener-policy"] == "same-origin"
    page = pages.open("desktop", url(f=BOWL))
    ready(page, BOWL)
    page.locator("#plot").hover()
    assert page.locator("#plot .modebar-btn").count() > 3
    assert page.locator('#plot .modebar-btn[data-title^="Share"]').count() == 0
    assert page.evaluate("document.getElementById('plot')._context.showSendToCloud") is False
    blocked = page.evaluate("""() => new Promise((done) => {
        const seen = [];
        document.addEventListener('securitypolicyviolation',
                                  (e) => { seen.push(e.violatedDirective); });
        const form = document.createElement('form');  // an upload as a form post ...
        form.method = 'POST';
        form.action = 'https://example.com/upload';
        document.body.append(form);
        form.submit();
        fetch('https://example.com/upload', {method: 'POST'}).catch(() => {});  // ... or a fetch
        setTimeout(() => done(seen), 1500);
    })""")
    assert any(d.startswith("form-action") for d in blocked), blocked
    assert any(d.startswith("connect-src") for d in blocked), blocked
    pages.errors.clear()  # the blocked attempts log errors on purpose


# -- item 10: a slider move on a 10,000-step run sends what is drawn -------------------------------

def test_a_slider_move_on_a_long_run_is_light_and_coalesced(pages):
    page = pages.open("desktop", url(f=BOWL, start="x=2,y=1", eta="0.0001", steps="10000"))
    ready(page, BOWL)
    sizes, bodies = [], []

    def answered(response):
        if response.url.endswith("/api/descend"):
            sizes.append(len(response.body()))
            bodies.append(json.loads(response.request.post_data))

    page.on("response", answered)
    slider = page.locator("#eta-slider")
    slider.focus()
    for _ in range(20):  # a drag through 20 positions
        page.keyboard.press("ArrowRight")
    ready(page, BOWL)
    assert 1 <= len(sizes) < 20  # coalesced: one request at a time, the last position wins
    assert bodies[-1]["learning_rate"] == query(page)["eta"]
    assert max(sizes) < 80_000, sizes  # not 1.6 MB: the thinned path and one page of rows
    assert page.locator("#steps-table tbody tr").count() == 50
    assert page.evaluate("document.getElementById('path-plot').data[0].x.length") <= 600
