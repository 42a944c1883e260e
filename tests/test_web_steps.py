"""POST /api/steps and /api/check: exactly the CLI's --json, with errors that say what and where."""

import json

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main
from gradwise.web import schema


def cli_json(*args, exit_code=0):
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("body, argv", [
    ({"expr": "x^2 + y^2"}, ["grad", "x^2 + y^2", "--steps"]),
    ({"expr": "x^2 + y^2", "at": "x=2,y=2"}, ["grad", "x^2 + y^2", "--steps", "--at", "x=2,y=2"]),
    ({"expr": "sin(z)", "degrees": True, "at": "z=180"},
     ["grad", "sin(z)", "--steps", "--degrees", "--at", "z=180"]),
    ({"expr": "(y - sigmoid(w x + b))^2", "wrt": "w,b", "at": "x=1,y=1,b=0,w=3"},
     ["grad", "(y - sigmoid(w x + b))^2", "--steps", "--wrt", "w,b", "--at", "x=1,y=1,b=0,w=3"]),
    ({"expr": "x y + z", "const": "z=2", "at": "x=1,y=3", "along": "1,1"},
     ["grad", "x y + z", "--steps", "--const", "z=2", "--at", "x=1,y=3", "--along", "1,1"]),
])
def test_steps_answers_what_the_cli_prints(client, body, argv):
    response = client.post("/api/steps", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


@pytest.mark.parametrize("body, argv, code", [
    ({"expr": "x^2 + y^2", "answer": "2x, 2y"}, ["x^2 + y^2", "--answer", "2x, 2y"], 0),
    ({"expr": "x^2 + y^2", "answer": "2x î + 2y ĵ"}, ["x^2 + y^2", "--answer", "2x î + 2y ĵ"], 0),
    ({"expr": "x^2 + y^2", "answer": ["x=2x", "y=2y^2"]},
     ["x^2 + y^2", "--answer", "x=2x", "--answer", "y=2y^2"], 1),
    ({"expr": "sin(z)", "degrees": True, "answer": "cos(z)"},
     ["sin(z)", "--degrees", "--answer", "cos(z)"], 1),
    ({"expr": "x^2 y", "wrt": "x", "const": "y=3", "answer": "6x"},
     ["x^2 y", "--wrt", "x", "--const", "y=3", "--answer", "6x"], 0),
])
def test_check_answers_what_the_cli_prints(client, body, argv, code):
    response = client.post("/api/check", json=body)
    assert response.status_code == 200, response.text  # a wrong answer is an answer, not an error
    assert response.json() == cli_json("check", *argv, exit_code=code)


def test_check_names_the_slip(client):
    document = client.post("/api/check", json={"expr": "sin(x^2)", "answer": "cos(x^2)"}).json()
    assert document["correct"] is False
    assert "chain rule's inner factor is missing" in document["components"][0]["hint"]


def test_a_parse_error_in_the_answer_is_400_with_its_column(client):
    with pytest.raises(gradwise.ParseError) as expected:
        gradwise.check("x^2 + y^2", "2x, 2y^")
    response = client.post("/api/check", json={"expr": "x^2 + y^2", "answer": "2x, 2y^"})
    assert response.status_code == 400
    assert response.json() == {"error": expected.value.reason, "column": 8, "text": "2x, 2y^"}


@pytest.mark.parametrize("body, status, fragment", [
    ({"expr": "x^2 + y^2", "answer": "2x"}, 400, "1 component; expected 2 components"),
    ({"expr": "x^2 + y^2", "answer": "x=2x, q=1"}, 400, "names 'q'"),
    ({"expr": "x^2 + y^2", "answer": 2}, 400, "field 'answer' must be a string or an array"),
    ({"expr": "x^2 + y^2", "answer": ["2x", 2]}, 400, "field 'answer' must be"),
    ({"expr": "x^2 + y^2"}, 400, "missing field 'answer'"),
    ({"expr": "x^2 +", "answer": "2x"}, 400, "ends too early"),
    ({"expr": "x^2", "answer": "2x", "at": "x=1"}, 400, "unknown field 'at'"),
])
def test_bad_check_requests(client, body, status, fragment):
    response = client.post("/api/check", json=body)
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_steps_errors(client):
    assert client.post("/api/steps", json={"expr": "x +"}).status_code == 400
    response = client.post("/api/steps", json={"expr": "1/x", "at": "x=0"})
    assert response.status_code == 422


def test_the_api_documents_both_endpoints(client):
    spec = client.get("/api/openapi.json").json()
    assert spec == schema.openapi()
    check = spec["paths"]["/api/check"]["post"]["requestBody"]["content"]["application/json"]
    assert check["schema"]["required"] == ["expr", "answer"]
    assert check["schema"]["properties"]["answer"]["type"] == ["string", "array"]
    assert "/api/steps" in spec["paths"]
