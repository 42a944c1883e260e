"""Real --json output and real /api/ answers validate against the published schemas.

The schemas (``gradwise.schemas``) are the ones the docs site shows and /api/openapi.json
serves; each lists every key its document may hold, so a key added to a builder without its
description fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from gradwise.cli import main
from gradwise.schemas import SCHEMAS, schema

NEURON_CSV = "x,y\n1,1\n2,3\n3,2\n"

COMMANDS = [
    ("gradient", ["grad", "x^2 + y^2"]),
    ("gradient", ["grad", "x^2 + y^2", "--at", "x=2,y=2", "--along", "1,1"]),
    ("steps", ["grad", "(y - sigmoid(w x + b))^2", "--wrt", "w", "--steps"]),
    ("steps", ["grad", "x^2 + y^2", "--steps", "--at", "x=2,y=2"]),
    ("check", ["check", "x^2 + y^2", "--answer", "2x + 2y, 2y"]),
    ("hessian", ["hessian", "x^3 + x y - 3y^2"]),
    ("hessian", ["hessian", "x^3 + x y - 3y^2", "--at", "x=0,y=0"]),
    # kinks filled in (issue 13): |x| and relu at 0, each with its one-sided derivatives
    ("gradient", ["grad", "abs(x) + relu(y)", "--at", "x=0,y=0"]),
    ("hessian", ["hessian", "x^2 y", "--at", "x=0,y=0"]),
    ("graph", ["graph", "(y - sigmoid(w x + b))^2", "--at", "x=1,y=1,b=0,w=3",
               "--highlight", "w"]),
    ("descend", ["descend", "(1 - w)^2", "--start", "w=3", "--lr", "0.1", "--exact",
                 "--steps", "3"]),
    ("descend", ["descend", "x^2 - y^2", "--start", "x=1,y=0"]),
    ("descend", ["descend", "(1 - w)^2", "--start", "w=3", "--lr", "1.1"]),
    ("lr", ["lr", "(1 - w)^2", "--start", "w=3", "--sweep", "0.1:1.5:3"]),
    ("lr", ["lr", "(1 - x)^2 + 100(y - x^2)^2", "--start", "x=-1.2,y=1"]),
    # past the exact-work budget (issue 12): "approximate" names the components
    ("gradient", ["grad", "x^y", "--at", "x=2,y=0.30000000000000004"]),
    ("hessian", ["hessian", "x^y", "--at", "x=2,y=0.30000000000000004"]),
    ("critical", ["critical", "x^3 + x y - 3y^2"]),
    ("critical", ["critical", "cos(z)", "--within", "z=-7:7"]),
    # a kink outside the certificate; Easom's flat region (issue 15's keys, filled in)
    ("critical", ["critical", "abs(x) + abs(y - 1)", "--within", "x=-2:2,y=-2:2"]),
    ("critical", ["critical", "-cos(x)cos(y)exp(-((x-pi)^2+(y-pi)^2))", "--within",
                  "x=-100:100,y=-100:100", "--budget", "2"]),
    ("train", ["train", "data.csv", "--target", "y", "--epochs", "3"]),
]


def validate(name: str, document: object) -> None:
    jsonschema.Draft202012Validator(schema(name)).validate(document)


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=lambda v: v if isinstance(v, str)
                         else " ".join(v))
def test_the_cli_prints_what_its_schema_says(name, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("data.csv").write_text(NEURON_CSV, encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == (1 if name == "check" else 0), result.output  # check: wrong
    validate(name, json.loads(result.output))


def test_a_saved_model_is_what_its_schema_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("data.csv").write_text(NEURON_CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "data.csv", "--target", "y", "--activation",
                                       "sigmoid", "--save", "model.json"])
    assert result.exit_code == 0, result.output
    validate("model", json.loads(Path("model.json").read_text(encoding="utf-8")))


def test_a_schema_refuses_an_undocumented_key_and_a_missing_one():
    result = CliRunner().invoke(main, ["grad", "x^2", "--json"])
    document = json.loads(result.output)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        validate("gradient", {**document, "surprise": 1})
    del document["display"]
    with pytest.raises(jsonschema.ValidationError, match="'display' is a required property"):
        validate("gradient", document)


def test_every_schema_is_valid_and_shown_on_the_site():
    page = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "json.md")
    text = page.read_text(encoding="utf-8")
    for name in SCHEMAS:
        jsonschema.Draft202012Validator.check_schema(schema(name))
        assert f"<!-- gradwise: schema {name} -->" in text, name
    with pytest.raises(KeyError, match="expected one of gradient"):
        schema("gradients")


API = [
    ("gradient", {"expr": "x^2 + y^2", "at": "x=2,y=2"}),
    ("steps", {"expr": "x^2 + y^2", "at": "x=2,y=2"}),
    ("check", {"expr": "x^2 + y^2", "answer": "2x, 2y"}),
    ("hessian", {"expr": "x^3 + x y - 3y^2", "at": "x=0,y=0"}),
    ("graph", {"expr": "(y - sigmoid(w x + b))^2", "at": "x=1,y=1,b=0,w=3"}),
    ("descend", {"expr": "(1 - w)^2", "start": "w=3", "steps": 5, "explain": True,
                 "explain_step": 1}),
    ("descend", {"expr": "x^2 + 3y^2", "start": "x=2,y=1", "learning_rate": 0.3,
                 "method": "momentum", "beta": 0.5, "rows": [2, 3], "path_points": 4}),
    ("lr", {"expr": "(1 - w)^2", "start": "w=3", "sweep": "0.1:1.5:3"}),
    ("critical", {"expr": "(x^2+y-11)^2+(x+y^2-7)^2", "within": "x=-5:5,y=-5:5"}),
    ("train", {"csv": NEURON_CSV, "target": "y", "epochs": 3}),
    ("surface", {"expr": "x^2 + y^2", "resolution": 5, "arrows": 2}),
    ("surface", {"expr": "x^2", "resolution": 5}),
]


@pytest.mark.parametrize(("name", "body"), API, ids=[f"{n}-{i}" for i, (n, _) in enumerate(API)])
def test_the_api_answers_what_its_schema_says(client, name, body):
    response = client.post(f"/api/{name}", json=body)
    assert response.status_code == 200, response.text
    validate(name, response.json())


@pytest.mark.parametrize("body", [{"expr": "x^"}, {"expr": "ln(x)", "at": "x=0"}, {"expr": 1}])
def test_the_api_errors_are_what_their_schema_says(client, body):
    response = client.post("/api/gradient", json=body)
    assert 400 <= response.status_code < 500
    validate("error", response.json())


def test_openapi_serves_the_same_schemas(client):
    from gradwise.web.schema import ENDPOINTS

    paths = client.get("/api/openapi.json").json()["paths"]
    for name in ENDPOINTS:
        answer = paths[f"/api/{name}"]["post"]["responses"]["200"]["content"]
        served = answer["application/json"]["schema"]
        assert served == {k: v for k, v in schema(name).items() if k != "$schema"}, name
