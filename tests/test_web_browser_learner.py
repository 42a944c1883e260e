"""What a learner gets in real Chromium: advice that holds at a saddle, an animation to play,
pause and step, η typed or advised, β, optimisers racing, a 3-D surface, and a page a keyboard
and a screen reader can use (issue 18, items 5, 12-15, 17, 18)."""

import pytest

import gradwise
from _web_browser import animation_done, query, ready, run_done, url, wait_for

BOWL = "x^2 + y^2"
SADDLE = "x^2 - y^2"
ELLIPSE = "x^2 + 10y^2"


# -- item 5: the advice, on the page ------------------------------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_at_a_saddle_the_advice_names_the_direction_and_the_run_is_unbounded(pages, device):
    page = pages.open(device, url(f=SADDLE, start="x=2.49,y=0.05", eta="0.1"))
    ready(page, SADDLE)
    advice = gradwise.advise_learning_rate(SADDLE, {"x": 2.49, "y": 0.05})
    assert page.locator("#advice li").all_text_contents() == advice.lines()
    verdict = page.locator("#advice-verdict").text_content()
    assert verdict == "η = 0.1: whatever η, gd leaves the start along the direction(s) above"
    assert "inside" not in page.locator("#advice").text_content()
    findings = page.locator("#findings li").all_text_contents()
    assert len(findings) == 1 and findings[0].startswith("f decreases without bound along "
                                                         "this run")
    assert "plateau" not in page.locator("#findings").text_content()


def test_the_advice_follows_the_method(pages):
    page = pages.open("desktop", url(f=ELLIPSE, start="x=2,y=1", method="momentum"))
    ready(page, ELLIPSE)
    lines = page.locator("#advice li").all_text_contents()
    assert "momentum (β = 0.9): stable for 0 < η < 2(1 + β)/λ = 0.19" in lines
    assert page.locator("#advice-verdict").text_content() == \
        "η = 0.1 is inside momentum's stable range 0 < η < 0.19"
    page.locator("#method").select_option("adam")
    run_done(page)
    assert any(line.startswith("adam has no simple bound")
               for line in page.locator("#advice li").all_text_contents())
    assert page.locator("#advised-eta").is_disabled()


# -- item 12: play, pause, step, speed; arrows on the path -------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_animation_plays_pauses_and_steps(pages, device):
    page = pages.open(device, url(f=ELLIPSE, start="x=2,y=1", eta="0.09", steps="60"))
    ready(page, ELLIPSE)
    position = page.locator("#play-position")
    assert position.text_content() == "step 60 of 60"
    drawn = "document.getElementById('path-plot').data[0].x.length"
    page.locator("#play-first").click()
    wait_for(page, f"{drawn} === 1")
    assert position.text_content() == "step 0 of 60"
    page.locator("#play-step").click()
    page.locator("#play-step").click()
    wait_for(page, f"{drawn} === 3")
    assert position.text_content() == "step 2 of 60"
    page.locator("#play-back").click()
    wait_for(page, f"{drawn} === 2")
    page.locator("#speed").select_option("0.25")  # the whole run in about 6 s
    page.locator("#play").click()
    wait_for(page, "player.at > 2")
    page.locator("#play").click()  # now a pause button
    at = page.evaluate("player.at")
    assert page.evaluate("player.playing") is False and 2 < at < 60
    page.wait_for_timeout(300)
    assert page.evaluate("player.at") == at  # paused
    assert page.locator("#play").get_attribute("aria-label") == "play"
    page.locator("#play").click()
    animation_done(page)
    assert position.text_content() == "step 60 of 60"
    # each step's direction drawn as an arrow: a zig-zag reads as one
    marker = page.evaluate("document.getElementById('path-plot').data[0].marker")
    assert marker["symbol"][0] == "circle" and set(marker["symbol"][1:]) == {"arrow"}
    assert marker["angleref"] == "previous"


# -- item 13: η typed or advised, and β -------------------------------------------------------

def test_eta_can_be_typed_exactly_and_the_advised_one_taken(pages):
    page = pages.open("desktop", url(f="(1 - w)^2", start="w=3", eta="0.1"))
    ready(page, "(1 - w)^2")
    page.locator("#eta").fill("0.5")  # the slider alone reached 0.501, never 0.5
    wait_for(page, "new URLSearchParams(location.search).get('eta') === '0.5'")
    ready(page, "(1 - w)^2")
    assert page.locator("#status").text_content().startswith("gd: converged") and \
        "; 1 steps;" in page.locator("#status").text_content()  # 3 − 0.5·4 = 1 at once
    assert page.locator("#eta-slider").input_value() == str(pytest.approx(-0.30103, abs=1e-3)) \
        or abs(float(page.locator("#eta-slider").input_value()) + 0.30103) < 0.01
    page.locator("#eta").fill("0.05")
    ready(page, "(1 - w)^2")
    button = page.locator("#advised-eta")
    assert button.text_content() == "use the advised η = 0.5"
    button.click()
    wait_for(page, "new URLSearchParams(location.search).get('eta') === '0.5'")
    assert page.locator("#eta").input_value() == "0.5"


def test_beta_for_momentum_and_betas_for_adam(pages):
    page = pages.open("desktop", url(f=ELLIPSE, start="x=2,y=1"))
    ready(page, ELLIPSE)
    assert page.locator("#beta").is_hidden() and page.locator("#beta1").is_hidden()
    page.locator("#method").select_option("nesterov")
    page.locator("#beta").fill("0.5")
    wait_for(page, "new URLSearchParams(location.search).get('beta') === '0.5'")
    ready(page, ELLIPSE)
    result = gradwise.minimize(ELLIPSE, {"x": 2, "y": 1}, learning_rate=0.1,
                               method="nesterov", beta=0.5, max_steps=100)
    path = page.evaluate("document.getElementById('path-plot').data[0].x")
    assert path == pytest.approx([float(x) for x in result.trace.coordinates[0]])
    page.locator("#method").select_option("adam")
    assert page.locator("#beta").is_hidden() and page.locator("#beta1").is_visible()
    page.locator("#beta2").fill("0.9")
    wait_for(page, "new URLSearchParams(location.search).get('beta2') === '0.9'")
    ready(page, ELLIPSE)
    assert (query(page)["beta1"], query(page)["beta2"]) == ("0.9", "0.9")
    result = gradwise.minimize(ELLIPSE, {"x": 2, "y": 1}, learning_rate=0.1, method="adam",
                               beta2=0.9, max_steps=100)
    assert result.status == "max_steps"  # said in the page's words, as the CLI says it
    assert page.locator("#status").text_content().startswith(
        f"adam: stopped after the {result.trace.n_steps} steps allowed without converging")


# -- item 14: optimisers side by side -----------------------------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_optimisers_race_on_one_clock_with_a_legend_of_steps(pages, device):
    page = pages.open(device, url(f=ELLIPSE, start="x=2,y=1", eta="0.05",
                                  compare="momentum,adam"))
    ready(page, ELLIPSE)
    traces = page.evaluate("document.getElementById('path-plot').data")
    assert [t["name"] for t in traces] == ["gd", "momentum", "adam"]
    assert len({t["line"]["color"] for t in traces}) == 3
    legend = page.locator('#legend li[data-method]').all_text_contents()
    for method, shown in zip(["gd", "momentum", "adam"], legend, strict=True):
        run = gradwise.minimize(ELLIPSE, {"x": 2, "y": 1}, learning_rate=0.05, method=method,
                                max_steps=100)
        how = {"converged": f"converged in {run.n_steps} steps",
               "max_steps": f"not converged after {run.n_steps} steps"}[run.status]
        assert shown.strip() == f"━ {method}: {how}"
    # paused half-way, every path has gone exactly as far along the one clock
    page.locator("#play-first").click()
    for _ in range(7):
        page.locator("#play-step").click()
    wait_for(page, "document.getElementById('path-plot').dataset.frame === '7'")
    lengths = page.evaluate("document.getElementById('path-plot').data.map(t => t.x.length)")
    assert lengths == [8, 8, 8]


# -- item 15: a 3-D surface ------------------------------------------------------------------

@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_3d_surface_with_the_path_lifted_onto_it(pages, device):
    page = pages.open(device, url(f=BOWL, start="x=2,y=1", plot="surface"))
    ready(page, BOWL)
    traces = page.evaluate("document.getElementById('plot').data")
    surface = [t for t in traces if t["type"] == "surface"]
    path = [t for t in traces if t["type"] == "scatter3d" and t["name"] == "gd"]
    assert len(surface) == 1 and len(path) == 1
    lifted = path[0]
    assert lifted["z"] == pytest.approx([x * x + y * y for x, y in zip(lifted["x"], lifted["y"],
                                                                         strict=True)])
    assert page.locator("#path-plot").is_hidden()
    page.locator('input[name="plot-mode"][value="contour"]').check()
    wait_for(page, "document.getElementById('plot').data[0].type === 'contour'")
    assert page.locator("#path-plot").is_visible()


# -- item 17: keyboard and screen readers --------------------------------------------------------

def test_every_control_has_a_name_a_screen_reader_can_read(pages):
    page = pages.open("desktop", url(f="x^2 + y^2 + z^2", start="x=1,y=1,z=1",
                                     method="adam"))
    ready(page, "x^2 + y^2 + z^2")
    unnamed = """[...document.querySelectorAll('main input, main select, main button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !(e.tagName === 'BUTTON' && e.textContent.trim()))
        .map(e => e.id || e.outerHTML)"""
    assert page.evaluate(unnamed) == []
    page.locator("#tab-button-neuron").click()
    assert page.evaluate("document.querySelectorAll('#tab-neuron input, #tab-neuron select')"
                         ".length") >= 7
    assert page.evaluate(unnamed) == []


def test_a_keyboard_alone_sets_the_start_and_runs(pages):
    page = pages.open("desktop", url(f=BOWL))
    ready(page, BOWL)
    page.locator("#start-x").focus()
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("-1")
    page.keyboard.press("Tab")  # leaving the last input sets the start
    wait_for(page, "new URLSearchParams(location.search).get('start') === 'x=2,y=-1'")
    run_done(page)
    assert page.locator("#steps-table tbody tr").count() > 1


def test_the_colour_bar_is_labelled_and_logarithmic_where_f_spans_decades(pages):
    rosenbrock = "(1 - x)^2 + 100(y - x^2)^2"
    page = pages.open("desktop", url(f=rosenbrock))
    ready(page, rosenbrock)
    contour = page.evaluate("document.getElementById('plot').data[0]")
    assert contour["colorbar"]["title"]["text"] == "f (log scale)"
    labels = [float(t) for t in contour["colorbar"]["ticktext"]]
    assert labels == sorted(labels) and labels[-1] / labels[0] >= 1e3
    page.goto(pages.server + url(f=BOWL))
    ready(page, BOWL)
    assert page.evaluate("document.getElementById('plot').data[0].colorbar.title.text") == "f"
    legend = page.locator("#legend li").all_text_contents()
    assert "▼ minimum (critical point)" in [item.strip() for item in legend]


# -- item 18: small things --------------------------------------------------------------------

def test_the_api_page_reads_well_and_logs_no_error(pages):
    page = pages.open("phone", "/api")
    assert page.locator("h1").text_content() == "gradwise web API"
    assert page.locator("td code").count() > 10
    assert "`" not in page.locator("main").text_content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
