"""The Neuron tab in real Chromium: a CSV from this computer, trained in a worker, drawn as it
learns (issue 18, items 8 and 16)."""

import math
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from _web_browser import wait_for

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


def test_the_neuron_tab_trains_on_an_uploaded_csv(pages, site):
    page = pages.open("desktop", "/")
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
    expected = httpx.post(site + "/api/train", json=body, timeout=30).json()
    curve = page.evaluate("document.getElementById('cost-plot').data[0]")
    assert curve["x"] == list(range(61))
    assert curve["y"] == expected["history"]
    words = {"converged": "converged after", "max_steps": "stopped after the 60 epochs allowed"}
    assert page.locator("#train-status").text_content().startswith(words[expected["status"]])
    assert page.locator("#train-findings li").all_text_contents() == expected["messages"]
    rows = [row.locator("td").all_text_contents()
            for row in page.locator("#weights-table tr").all()]
    assert [label for label, _ in rows] == ["w[a]", "w[b]", "b"]
    shown = [float(value) for _, value in rows]
    assert shown == pytest.approx([*expected["weights"].values(), expected["bias"]], rel=1e-5)


def test_a_file_over_the_cap_is_refused_before_it_is_sent(pages, site):
    from gradwise.web.schema import MAX_CSV

    sent = []
    page = pages.open("desktop", None)
    page.on("request", lambda r: sent.append(r.url) if "/api/train" in r.url else None)
    page.goto(site + "/?tab=neuron")
    choose_file(page, "big.csv", b"x,y\n" + b"1" * (MAX_CSV - 3))
    wait_for(page, "!document.getElementById('csv-error').hidden")
    assert f"at most {MAX_CSV:,} (1 MiB)" in page.locator("#csv-error").text_content()
    assert page.locator("#train").is_disabled()
    choose_file(page, "just.csv", b"x,y\n" + b"1" * (MAX_CSV - 4))  # exactly at the cap
    wait_for(page, "!document.getElementById('train').disabled")
    assert page.locator("#csv-error").is_hidden()
    assert sent == []


def test_a_bad_csv_shows_the_loaders_line_and_column(pages):
    page = pages.open("desktop", "/?tab=neuron")
    choose_file(page, "typo.csv", "x,y\n1,2\n3,4\n5,six\n")
    wait_for(page, "!document.getElementById('train').disabled")
    page.locator("#train").click()
    trained(page)
    error = page.locator("#csv-error").text_content()
    assert error.startswith("typo.csv: line 4, column 2 ('y'): found 'six'")
    assert page.evaluate("document.getElementById('cost-plot').data") is None


def test_hostile_column_names_are_shown_as_text(pages):
    names = ["<img src=x onerror=document.title='pwned'>", "a, \"b\"", "__proto__"]
    header = ",".join('"' + n.replace('"', '""') + '"' for n in names)
    page = pages.open("desktop", "/?tab=neuron")
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


# -- item 16: the neuron's fit, in its own words -------------------------------------------------

LINE_CSV = "hours,score\n" + "".join(f"{h},{round(1 / (1 + 2.718281828 ** (-(h - 5) / 1.5)), 3)}\n"
                                     for h in range(1, 11))


def train_on(page, name, text, activation, eta, epochs):
    choose_file(page, name, text)
    wait_for(page, "!document.getElementById('train').disabled")
    page.locator("#activation").select_option(activation)
    page.locator("#train-eta").fill(eta)
    page.locator("#epochs").fill(str(epochs))
    page.locator("#train").click()
    trained(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_one_feature_shows_the_fit_and_the_cost_surface_with_the_path(pages, device):
    page = pages.open(device, "/?tab=neuron")
    train_on(page, "hours.csv", LINE_CSV, "sigmoid", "0.5", 50)
    assert page.locator("#train-status").text_content().startswith(
        "stopped after the 50 epochs allowed: C ")
    weights = [float(v) for v in page.locator("#weights-table td:last-child").all_text_contents()]
    data, curve = page.evaluate("document.getElementById('fit-plot').data")
    assert data["x"] == list(range(1, 11))
    assert data["y"] == [float(line.split(",")[1]) for line in LINE_CSV.splitlines()[1:]]
    w, b = weights
    for x, y in list(zip(curve["x"], curve["y"], strict=True))[::40]:
        assert y == pytest.approx(1 / (1 + math.exp(-(w * x + b))), rel=1e-4)
    contour, path, start = page.evaluate("document.getElementById('surface-plot').data")
    assert contour["type"] == "contour" and len(contour["z"]) == 40
    assert [path["x"][-1], path["y"][-1]] == pytest.approx(weights, rel=1e-4)
    assert len(path["x"]) == 51 and (start["x"], start["y"]) == ([path["x"][0]], [path["y"][0]])
    # each point of the path has the cost the cost curve shows for its epoch
    history = page.evaluate("document.getElementById('cost-plot').data[0].y")
    for epoch in (0, 25, 50):
        w_k, b_k = path["x"][epoch], path["y"][epoch]
        cost = sum((y - 1 / (1 + math.exp(-(w_k * x + b_k)))) ** 2
                   for x, y in zip(data["x"], data["y"], strict=True)) / len(data["x"])
        assert cost == pytest.approx(history[epoch], rel=1e-6)
    # each chart's title clear of Plotly's buttons (on a phone they once ran into each other)
    for plot in ("fit-plot", "surface-plot"):
        page.locator(f"#{plot}").hover()  # the buttons show on hover (always, on a phone)
        title = page.locator(f"#{plot} .gtitle").bounding_box()
        bar = page.locator(f"#{plot} .modebar").bounding_box()
        assert title is not None and bar is not None
        apart = (title["y"] >= bar["y"] + bar["height"] or bar["x"] >= title["x"] + title["width"]
                 or title["y"] + title["height"] <= bar["y"])
        assert apart, (plot, title, bar)
    # and the "data" label whole, not broken into "da" and "ta"
    label = page.locator("label[for=csv-file]").evaluate(
        "e => e.firstChild.parentElement.getClientRects().length")
    assert label == 1


def test_findings_speak_of_c_and_the_features_own_units(pages, site):
    page = pages.open("desktop", "/?tab=neuron")
    train_on(page, "hours.csv", LINE_CSV, "identity", "1.5", 20)  # too large: diverges
    findings = page.locator("#train-findings li").all_text_contents()
    assert findings and findings[0].startswith("C went from")
    assert any("(w[hours] = " in text for text in findings), findings
    assert not any(text.startswith("f ") or "∇f" in text for text in findings), findings


def test_a_semicolon_separated_file_is_named_as_such(pages, site):
    page = pages.open("desktop", "/?tab=neuron")
    choose_file(page, "excel.csv", "hours;score\n1;0.1\n2;0.3\n")
    wait_for(page, "!document.getElementById('csv-error').hidden")
    assert "excel.csv is a semicolon-separated file: its header 'hours;score' reads as one " \
        "column" in page.locator("#csv-error").text_content()
    assert page.locator("#train").is_disabled()
    answer = httpx.post(site + "/api/train", json={"csv": "hours;score\n1;0.1\n",
                                                   "target": "score", "filename": "excel.csv"})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("excel.csv: is a semicolon-separated file")


def test_a_new_file_clears_the_old_results(pages):
    page = pages.open("desktop", "/?tab=neuron")
    train_on(page, "hours.csv", LINE_CSV, "sigmoid", "0.5", 30)
    assert page.evaluate("document.getElementById('cost-plot').data.length") == 1
    choose_file(page, "other.csv", "a,b\n1,2\n2,4\n")
    wait_for(page, "!document.getElementById('train').disabled")
    assert page.evaluate("document.getElementById('cost-plot').data") is None
    for shown in ("#train-status", "#train-findings", "#weights-table", "#train-metrics"):
        assert page.locator(shown).text_content() == "", shown
    assert page.locator("#fit-plot").is_hidden() and page.locator("#surface-plot").is_hidden()
