"""The JSON API, served by uvicorn on loopback with a real worker pool.

The answers have the CLI's --json shapes; errors say what and where; the page's data is right.
"""

import json
import math
import re

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main
from gradwise.web import schema


def cli_json(*args):
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("body, argv", [
    ({"expr": "x^2 + y^2"}, ["grad", "x^2 + y^2"]),
    ({"expr": "x^2 + y^2", "at": "x=2,y=2"}, ["grad", "x^2 + y^2", "--at", "x=2,y=2"]),
    ({"expr": "sin(z)", "at": "z=180°"}, ["grad", "sin(z)", "--at", "z=180°"]),
    ({"expr": "sin(z)", "degrees": True, "at": "z=90"},
     ["grad", "sin(z)", "--degrees", "--at", "z=90"]),
    ({"expr": "(y - sigmoid(w x + b))^2", "wrt": "w,b", "at": "x=1,y=1,b=0,w=3"},
     ["grad", "(y - sigmoid(w x + b))^2", "--wrt", "w,b", "--at", "x=1,y=1,b=0,w=3"]),
    ({"expr": "x y + z", "const": "z=2", "at": "x=1,y=3", "along": "1,1"},
     ["grad", "x y + z", "--const", "z=2", "--at", "x=1,y=3", "--along", "1,1"]),
])
def test_gradient_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/gradient", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


def test_gradient_of_the_notes_example(client):
    document = client.post("/api/gradient", json={"expr": "x^2 + y^2", "at": "x=2,y=2"}).json()
    assert document["display"] == "∇f(x, y) = 2x î + 2y ĵ"
    assert document["value"] == [4.0, 4.0]


@pytest.mark.parametrize("body, argv", [
    ({"expr": "x^3 + x y - 3y^2"}, ["hessian", "x^3 + x y - 3y^2"]),
    ({"expr": "x^3 + x y - 3y^2", "at": "x=0,y=0"},
     ["hessian", "x^3 + x y - 3y^2", "--at", "x=0,y=0"]),
])
def test_hessian_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/hessian", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


@pytest.mark.parametrize("text", ["x^^2", "sinn(x)", "x + (y", "2x +", "x.real"])
def test_a_parse_error_is_400_with_the_parsers_column(client, text):
    with pytest.raises(gradwise.ParseError) as expected:
        gradwise.parse(text)
    response = client.post("/api/gradient", json={"expr": text})
    assert response.status_code == 400
    document = response.json()
    assert document["error"] == expected.value.reason
    assert document["column"] == expected.value.column
    assert document["text"] == expected.value.text


def test_a_parse_limit_is_said_without_the_python_attribute(client):
    # the page has no Limits object to set: "(Limits.max_exponent)" means nothing there
    response = client.post("/api/gradient", json={"expr": "x e^(e^(e^(e^10)))"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "too large" in error and "Limits" not in error


def test_a_point_where_the_gradient_is_undefined_is_422(client):
    response = client.post("/api/gradient", json={"expr": "1/x", "at": "x=0"})
    assert response.status_code == 422
    assert "x" in response.json()["error"]


@pytest.mark.parametrize("body, fragment", [
    ([1, 2], "must be a JSON object"),
    ({}, "missing field 'expr'"),
    ({"expr": 3}, "field 'expr' must be a string"),
    ({"expr": "x", "degrees": "yes"}, "field 'degrees' must be a boolean"),
    ({"expr": "x", "eval": "1"}, "unknown field 'eval'"),
    ({"expr": "x", "along": "1"}, "'along' needs a point"),
])
def test_a_body_of_the_wrong_shape_is_400_and_says_why(client, body, fragment):
    response = client.post("/api/gradient", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_a_body_that_is_not_json_is_400(client):
    response = client.post("/api/gradient", content=b"{expr: x}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]


def test_unknown_routes_and_methods_answer_json(client):
    missing = client.post("/api/nothing", json={})
    assert missing.status_code == 404 and "/api/" in missing.json()["error"]
    wrong = client.get("/api/gradient")
    assert wrong.status_code == 405 and "POST" in wrong.json()["error"]


def test_surface_of_two_variables_is_f_on_the_grid_and_its_gradient(client):
    body = {"expr": "x^2 + 3y", "box": [-1, 1, 0, 2], "resolution": 5, "arrows": 2}
    document = client.post("/api/surface", json=body).json()
    assert document["variables"] == ["x", "y"]
    assert document["x"] == pytest.approx([-1, -0.5, 0, 0.5, 1])
    assert document["y"] == pytest.approx([0, 0.5, 1, 1.5, 2])
    for j, y in enumerate(document["y"]):  # rows run over y, columns over x
        assert document["z"][j] == pytest.approx([x**2 + 3 * y for x in document["x"]])
    g = gradwise.gradient("x^2 + 3y")
    assert len(document["arrows"]) == 4
    for arrow in document["arrows"]:
        x, y = arrow["at"]
        assert arrow["gradient"] == pytest.approx(g.at({"x": x, "y": y}, exact=False).values)


def test_surface_of_one_variable_is_a_curve_with_nulls_where_undefined(client):
    body = {"expr": "log(x)", "box": [-1, 1], "resolution": 5, "arrows": 3}
    document = client.post("/api/surface", json=body).json()
    assert document["variables"] == ["x"] and "y" not in document
    assert document["z"][:3] == [None, None, None]  # log of -1, -0.5 and 0
    assert document["z"][4] == pytest.approx(0.0)
    assert document["z"][3] == pytest.approx(math.log(0.5))
    for arrow in document["arrows"]:
        assert arrow["gradient"][0] == pytest.approx(1 / arrow["at"][0])


@pytest.mark.parametrize("body, fragment", [
    ({"expr": "x + y + z"}, "one or two variables"),
    ({"expr": "f(x) = a x"}, "values for a"),
    ({"expr": "x", "box": [1, 0]}, "range of x is empty"),
    ({"expr": "x", "resolution": 10_000}, "resolution must be"),
])
def test_surface_refuses_what_it_cannot_draw(client, body, fragment):
    response = client.post("/api/surface", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_openapi_documents_every_endpoint(client):
    document = client.get("/api/openapi.json").json()
    assert set(document["paths"]) == {f"/api/{name}" for name in schema.ENDPOINTS}
    gradient = document["paths"]["/api/gradient"]["post"]
    fields = gradient["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert set(fields) == {"expr", "wrt", "const", "at", "degrees", "along"}
    page = client.get("/api")
    assert page.status_code == 200 and "POST /api/gradient" in page.text


def test_plotly_comes_from_the_installed_wheel(client):
    import importlib.resources

    wheel = (importlib.resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.content == wheel


def test_the_page_loads_nothing_from_outside(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text
    scripts = re.findall(r'<script src="(/static/[^"]+)"', page.text)
    assert len(scripts) >= 5
    for name in scripts:  # every module of the page, served from here, naming no other site
        script = client.get(name)
        assert script.status_code == 200 and "https://" not in script.text, name


@pytest.mark.parametrize("body, argv", [
    ({"expr": "(1 - w)^2", "start": "w=3", "learning_rate": "0.1", "steps": 3, "exact": True},
     ["descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--steps", "3", "--exact"]),
    ({"expr": "x^2 + 3y^2", "start": "x=1,y=2", "learning_rate": 0.05, "method": "momentum",
      "steps": 40}, ["descend", "x^2 + 3y^2", "--start", "x=1,y=2", "--lr", "0.05", "--method",
                     "momentum", "--steps", "40"]),
    ({"expr": "(1 - w)^2", "start": "w=3", "learning_rate": 1, "ascent": True, "steps": 1},
     ["descend", "(1 - w)^2", "--start", "w=3", "--lr", "1", "--ascent", "--steps", "1"]),
])
def test_descend_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/descend", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


def test_descend_explains_every_step_as_the_notes_do(client):
    body = {"expr": "C(w) = (1 - w)^2", "start": "w=3", "learning_rate": "0.1", "steps": 2,
            "exact": True, "explain": True}
    document = client.post("/api/descend", json=body).json()
    result = gradwise.minimize("C(w) = (1 - w)^2", "w=3", learning_rate="0.1", max_steps=2,
                               exact=True)
    assert document["explanations"] == [gradwise.explain_step(result, k) for k in range(2)]
    assert document["explanations"][0].endswith("w = 3 + (−0.4) = 2.6")
    one = client.post("/api/descend", json={**body, "explain": False, "explain_step": 1}).json()
    assert one["explanation"] == {"step": 1, "text": gradwise.explain_step(result, 1)}
    assert "explanations" not in one


@pytest.mark.parametrize("body, argv", [
    ({"expr": "(1 - w)^2", "start": "w=3"}, ["lr", "(1 - w)^2", "--start", "w=3"]),
    ({"expr": "(1 - w)^2", "start": "w=3", "sweep": "0.1:1.5:4", "steps": 50},
     ["lr", "(1 - w)^2", "--start", "w=3", "--sweep", "0.1:1.5:4", "--steps", "50"]),
])
def test_lr_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/lr", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


def test_critical_answers_what_the_cli_prints(client):
    response = client.post("/api/critical", json={"expr": "x^3 + x y - 3y^2", "budget": 3})
    assert response.status_code == 200, response.text
    answer, printed = response.json(), cli_json("critical", "x^3 + x y - 3y^2", "--budget", "3")
    assert answer.pop("seconds") > 0 and printed.pop("seconds") > 0  # the time taken differs
    assert answer == printed
    kinds = [p["kind"] for p in response.json()["points"]]
    assert kinds == ["maximum", "saddle"]


def test_critical_within_a_box_adds_the_global_extremes(client):
    body = {"expr": "x^2 + y^2", "within": "x=-1:2,y=-1:1", "budget": 3}
    document = client.post("/api/critical", json=body).json()
    assert document["global_maximum"]["value"] == pytest.approx(5.0)
    assert document["global_minimum"]["value"] == pytest.approx(0.0)


@pytest.mark.parametrize("within", [None, "x=-5:5"])
def test_critical_with_parameters_is_400_naming_them(client, within):
    # issue 13.6: was a NameError from the numeric search, answered as 500
    body = {"expr": "f(x) = a x^2 + b x", "budget": 3, **({"within": within} if within else {})}
    response = client.post("/api/critical", json=body)
    assert response.status_code == 400, response.text
    assert "parameters a, b, which have no values" in response.json()["error"]


@pytest.mark.parametrize("endpoint, body, argv", [
    ("descend", {"expr": "(y - (w x + b))^2", "wrt": "w,b", "const": "x=1,y=1",
                 "start": "w=3,b=0", "steps": 5},
     ["descend", "(y - (w x + b))^2", "--wrt", "w,b", "--const", "x=1,y=1", "--start",
      "w=3,b=0", "--steps", "5"]),
    ("lr", {"expr": "(y - (w x + b))^2", "wrt": "w,b", "const": "x=1,y=1", "start": "w=3,b=0"},
     ["lr", "(y - (w x + b))^2", "--wrt", "w,b", "--const", "x=1,y=1", "--start", "w=3,b=0"]),
])
def test_descent_takes_wrt_and_const_as_the_cli_does(client, endpoint, body, argv):
    # issue 13.6: the notes' C(w, b) with data x = y = 1, on every front end
    response = client.post(f"/api/{endpoint}", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


def test_critical_takes_wrt_and_const(client):
    body = {"expr": "a x^2 + b x", "wrt": "x", "const": "a=1,b=-2", "budget": 3}
    response = client.post("/api/critical", json=body)
    assert response.status_code == 200, response.text
    point, = response.json()["points"]
    assert point["exact"] == {"x": "1"} and point["kind"] == "minimum"


@pytest.mark.parametrize("endpoint, body, fragment", [
    ("descend", {"expr": "x^2", "start": "x=1", "steps": 10**6}, "steps must be"),
    ("descend", {"expr": "x^2", "start": "x=1", "learning_rate": 0}, "learning"),
    ("descend", {"expr": "x^2", "start": "x=1", "method": "newton"}, "newton"),
    ("descend", {"expr": "x^2"}, "missing field 'start'"),
    ("critical", {"expr": "x^2", "budget": 60}, "budget must be"),
    # issue 15's bad input: an empty or infinite box, a name that is not a variable, budget ≤ 0
    ("critical", {"expr": "x^2 + y^2", "within": "x=1:-1,y=0:1"}, "range of x is empty"),
    ("critical", {"expr": "x^2 + y^2", "within": "x=-inf:1,y=0:1"}, "range for x"),
    ("critical", {"expr": "x^2 + y^2", "within": "x=nan:1,y=0:1"}, "range for x"),
    ("critical", {"expr": "x^2 + y^2", "within": "x=0:1,y=0:1,w=0:1"}, "not a variable"),
    ("critical", {"expr": "x^2", "budget": 0}, "budget must be"),
    ("critical", {"expr": "x^2", "budget": -1}, "budget must be"),
])
def test_descent_and_critical_refuse_bad_arguments(client, endpoint, body, fragment):
    response = client.post(f"/api/{endpoint}", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


# -- what the page asks for (issue 18) ---------------------------------------------------------

LONG = {"expr": "x^2 + 10y^2", "start": "x=3,y=1", "learning_rate": "0.0999", "steps": 10_000,
        "tol": 0}


def test_a_long_run_is_sent_as_a_thinned_path_and_a_page_of_rows(client):
    full = client.post("/api/descend", json=LONG)
    light = client.post("/api/descend", json={**LONG, "rows": [0, 50], "path_points": 600})
    assert len(full.content) > 1_000_000 and len(light.content) < 60_000
    document = light.json()
    assert document["n_steps"] == 10_000 and [s["step"] for s in document["steps"]] == \
        list(range(50))
    assert document["steps"] == full.json()["steps"][:50]
    path = document["path"]
    assert len(path["step"]) == 600 and path["step"][0] == 0 and path["step"][-1] == 10_000
    every = full.json()["steps"]
    for j, k in enumerate(path["step"]):
        assert path["point"]["x"][j] == every[k]["point"]["x"]
        assert path["value"][j] == every[k]["value"]
    # η near 2/λ: every step overshoots along y; far more than fit, so they are spread evenly
    assert path["n_overshoots"] == 10_000
    steps = set(path["step"])
    assert sum(1 for k in steps if k + 1 in steps) >= 140


def test_the_thinned_path_keeps_every_overshoot_that_fits(client):
    body = {"expr": "x^2 + 10y^2", "start": "x=3,y=1", "learning_rate": "0.09", "steps": 3000,
            "tol": 0, "rows": [0, 0], "path_points": 200}
    path = client.post("/api/descend", json=body).json()["path"]
    run = gradwise.minimize("x^2 + 10y^2", {"x": 3, "y": 1}, learning_rate="0.09",
                            max_steps=3000, tol=0)
    from gradwise.descent.diagnostics import overshoots

    flips = overshoots(run.trace).tolist()
    assert 10 < len(flips) < 99 and path["n_overshoots"] == len(flips)
    kept = set(path["step"])
    assert all(k in kept and k + 1 in kept for k in flips)  # both ends of each
    assert len(path["step"]) == 200


def test_rows_on_demand_and_a_step_explained_come_from_the_workers_memory(client):
    body = {**LONG, "rows": [9_990, 50], "path_points": 600}
    first = client.post("/api/descend", json=body)
    again = client.post("/api/descend", json={**LONG, "rows": [0, 0], "explain_step": 9_998})
    assert [s["step"] for s in first.json()["steps"]] == list(range(9_990, 10_001))
    assert again.json()["steps"] == [] and again.json()["explanation"]["step"] == 9_998
    # Server-Timing: the worker's time, and whether it had to compute anything anew
    assert re.fullmatch(r"worker;dur=[\d.]+, cpu;dur=[\d.]+, cache;desc=(hit|miss)",
                        again.headers["server-timing"])
    # both workers may serve the same function; each computes the run at most once
    hits = [client.post("/api/descend", json={**LONG, "rows": [0, 0]})
            .headers["server-timing"].endswith("hit") for _ in range(4)]
    assert hits.count(True) >= 2


@pytest.mark.parametrize("rows, fragment", [([0], "rows must be [first, count]"),
                                            ([5, 1], "rows[0] (the first point) must be"),
                                            ([0, 5000], "rows[1] (how many points) must be")])
def test_bad_rows_are_400(client, rows, fragment):
    body = {"expr": "x^2", "start": "x=1", "steps": 3, "rows": rows}
    response = client.post("/api/descend", json=body)
    assert response.status_code == 400 and fragment in response.json()["error"]


def test_lr_gives_the_methods_range_and_the_saddles_direction(client):
    body = {"expr": "x^2 - y^2", "start": "x=2.49,y=0.05", "method": "momentum", "beta": 0.5}
    document = client.post("/api/lr", json=body).json()
    advice = gradwise.advise_learning_rate("x^2 - y^2", {"x": 2.49, "y": 0.05},
                                           method="momentum", beta=0.5)
    assert document["messages"] == advice.lines()
    assert document["negative_curvature"] == [{"eigenvalue": -2.0, "direction": [0.0, 1.0]}]
    assert document["method_max_stable"] == 1.5 and document["advised"] == 0.75


def test_descend_takes_beta(client):
    body = {"expr": "(1 - w)^2", "start": "w=3", "method": "momentum", "beta": 0.5, "steps": 2}
    document = client.post("/api/descend", json=body).json()
    assert [s["point"]["w"] for s in document["steps"]] == pytest.approx([3, 2.6, 2.08])
    assert document["hyper"] == {"beta": 0.5}
    bad = client.post("/api/descend", json={**body, "method": "gd"})
    assert bad.status_code == 400 and "gd takes no hyper-parameter" in bad.json()["error"]


def test_the_api_page_renders_its_markdown_and_post_says_where_to_post(client):
    page = client.get("/api")
    assert "<code>x^2 + y^2</code>" in page.text and "`" not in page.text
    answer = client.post("/api", json={"expr": "x"})
    assert answer.status_code == 405
    assert "POST a JSON body to one of /api/gradient" in answer.json()["error"]
    assert client.get("/favicon.ico").status_code == 204


# -- throughput: what a worker derives is remembered, and asked of it again (item 11) ---------

def test_requests_about_one_function_go_back_to_the_worker_that_knows_it(client):
    body = {"expr": "x^3 + 7 x y + sin(y)/3"}  # no other test uses it: cold in both workers
    caches = [client.post("/api/gradient", json=body).headers["server-timing"]
              .split("cache;desc=")[1] for _ in range(4)]
    # the first parses and differentiates it; the others go to that worker, which knows it
    # (taking the workers in turn, the second would have gone to the cold one)
    assert caches == ["miss", "hit", "hit", "hit"]


def test_a_critical_point_search_is_kept_by_the_server(client):
    body = {"expr": "x^4 - 3 x^2 + y^2 + x y / 5", "within": "x=-3:3,y=-3:3", "budget": 2}
    first = client.post("/api/critical", json=body)
    again = client.post("/api/critical", json=dict(reversed(list(body.items()))))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["server-timing"] == "worker;dur=0.000, cpu;dur=0.000, cache;desc=hit"
