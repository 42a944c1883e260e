"""The Neuron tab in real Chromium: a CSV from this computer, trained in a worker, drawn as it
learns (issue 18, items 8 and 16)."""

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
    assert page.locator("#train-status").text_content().startswith(
        f"{expected['status']} after 60 epochs (60 steps)")
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
