"""``POST /api/train``: the neuron on an uploaded CSV, served by uvicorn with a real worker pool.

The answer is checked against ``gradwise train --json`` on the same file (through Click's
runner), and bad files against the data loader's own message for the same bytes.
"""

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main
from gradwise.web import schema
from gradwise.web.app import Settings


def separable_csv(rows: int = 40, seed: int = 1) -> str:
    """Two features and a 0/1 target that a sigmoid neuron can learn."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2))
    y = (X @ [1.5, -2.0] + 0.3 + rng.normal(scale=0.1, size=rows) > 0).astype(float)
    rows = zip(X.tolist(), y.tolist())
    return "a,b,y\n" + "".join(f"{p!r},{q!r},{t!r}\n" for (p, q), t in rows)


def cli_json(path: Path, *options: str) -> dict:
    result = CliRunner().invoke(main, ["train", str(path), *options, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("body, options", [
    ({"target": "y"}, ["--target", "y"]),
    ({"target": "y", "activation": "sigmoid", "learning_rate": 0.5, "epochs": 50},
     ["--target", "y", "--activation", "sigmoid", "--lr", "0.5", "--epochs", "50"]),
    ({"target": "y", "features": ["b"], "activation": "tanh", "batch_size": 8,
      "method": "adam", "learning_rate": "0.05", "epochs": 20},
     ["--target", "y", "--features", "b", "--activation", "tanh", "--batch-size", "8",
      "--method", "adam", "--lr", "0.05", "--epochs", "20"]),
])
def test_train_answers_what_the_cli_prints(client, tmp_path, body, options):
    text = separable_csv()
    path = tmp_path / "data.csv"
    path.write_text(text)
    response = client.post("/api/train", json={"csv": text, **body})
    assert response.status_code == 200, response.text
    answer, printed = response.json(), cli_json(path, *options)
    assert set(printed) <= set(answer)  # every key the CLI prints; extra keys would be allowed
    assert list(answer["weights"]) == list(printed["weights"])
    assert list(answer["weights"].values()) == pytest.approx(list(printed["weights"].values()),
                                                             rel=1e-9)
    assert answer["bias"] == pytest.approx(printed["bias"], rel=1e-9, abs=1e-12)
    assert answer["history"] == pytest.approx(printed["history"], rel=1e-9)
    assert answer["metrics"] == pytest.approx(printed["metrics"], rel=1e-9)
    for key in ("status", "findings", "messages", "epochs", "steps", "target"):
        assert answer[key] == printed[key], key


def test_an_exact_line_is_recovered_in_raw_units(client):
    """y = 2x − 1 exactly: training on standardised x still reports w = 2, b = −1 in x's units."""
    body = {"csv": "x,y\n1,1\n2,3\n", "target": "y", "epochs": 300, "learning_rate": 0.5}
    document = client.post("/api/train", json=body).json()
    assert document["status"] == "converged"
    assert document["weights"]["x"] == pytest.approx(2.0, abs=1e-3)
    assert document["bias"] == pytest.approx(-1.0, abs=1e-3)
    assert len(document["history"]) == document["epochs"] + 1


def test_an_upload_over_the_csv_cap_is_413(client):
    row = "1,2\n"
    text = "x,y\n" + row * ((schema.MAX_CSV - 4) // len(row) + 1)
    assert schema.MAX_CSV < len(text.encode()) < Settings().max_upload // 2
    response = client.post("/api/train", json={"csv": text, "target": "y"})
    assert response.status_code == 413
    assert response.json()["limit"] == schema.MAX_CSV
    assert f"at most {schema.MAX_CSV:,}" in response.json()["error"]


def test_the_csv_cap_counts_utf8_bytes_not_characters(client):
    text = "é,y\n" + "1,2\n" * (schema.MAX_CSV // 4 - 1)
    assert len(text) <= schema.MAX_CSV < len(text.encode())
    assert client.post("/api/train", json={"csv": text, "target": "y"}).status_code == 413


def test_a_csv_at_the_cap_reaches_the_loader(client):
    text = "x,y\n" + "1,2\n" * ((schema.MAX_CSV - 4) // 4 - 1) + "1,z\n"
    assert len(text.encode()) == schema.MAX_CSV
    response = client.post("/api/train", json={"csv": text, "target": "y"})
    assert response.status_code == 400
    assert f"line {schema.MAX_CSV // 4}, column 2" in response.json()["error"]


def test_a_body_over_the_upload_cap_is_413(client):
    cap = Settings().max_upload
    response = client.post("/api/train", content=b'{"csv": "' + b"1" * cap + b'"}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert f"at most {cap:,}" in response.json()["error"]


BAD_FILES = {
    "text in a number column": "x,y\n1,2\n3,abc\n",
    "an empty cell": "x,y\n1,2\n,4\n",
    "a ragged row": "x,y\n1,2\n3\n",
    "nan": "x,y\n1,2\n3,nan\n",
    "a header without rows": "x,y\n",
    "nothing at all": "",
    "a repeated column name": "x,x,y\n1,2,3\n",
}


@pytest.mark.parametrize("text", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_csv_is_400_with_the_loaders_message(client, tmp_path, text):
    path = tmp_path / "mine.csv"
    path.write_text(text)
    with pytest.raises(gradwise.DataError) as expected:
        gradwise.load(path, "y")
    response = client.post("/api/train", json={"csv": text, "target": "y",
                                               "filename": "mine.csv"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == str(expected.value).replace(str(path), "mine.csv")
    assert "gradwise-worker" not in error and tempfile.gettempdir() not in error


def test_the_message_names_line_and_column(client):
    body = {"csv": "x,y\n1,2\n3,abc\n", "target": "y"}
    error = client.post("/api/train", json=body).json()["error"]
    assert error.startswith("the uploaded CSV: line 3, column 2 ('y'): found 'abc'")


HOSTILE_NAMES = [
    "__import__('os').system('touch /tmp/gradwise-pwned')",
    "<img src=x onerror=alert(1)>",
    "../../../etc/passwd",
    "a, b",
    'say "hi"',
    "x); DROP TABLE data;--",
    "{target}",
    "sin(x)^2",
]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_hostile_column_names_are_just_data(client):
    header = ",".join(quoted(name) for name in [*HOSTILE_NAMES, "__proto__"])
    rows = "".join(",".join(str((i * 7 + j * 3) % 5) for j in range(len(HOSTILE_NAMES) + 1))
                   + "\n" for i in range(12))
    body = {"csv": header + "\n" + rows, "target": "__proto__", "epochs": 5}
    response = client.post("/api/train", json=body)
    assert response.status_code == 200, response.text
    document = response.json()
    assert list(document["weights"]) == HOSTILE_NAMES
    assert document["target"] == "__proto__"
    picked = client.post("/api/train", json={**body, "target": HOSTILE_NAMES[0],
                                             "features": HOSTILE_NAMES[1:3]}).json()
    assert list(picked["weights"]) == HOSTILE_NAMES[1:3]
    assert not os.path.exists("/tmp/gradwise-pwned")


@pytest.mark.parametrize("text", ["/etc/passwd", "../../../../etc/hosts", "file:///etc/passwd"])
def test_the_csv_field_is_never_a_path(client, text):
    response = client.post("/api/train", json={"csv": text, "target": "root",
                                               "filename": "/etc/shadow"})
    assert response.status_code == 400
    assert response.json()["error"] == (f"/etc/shadow: has no target column 'root'. "
                                        f"Columns: {text}")


@pytest.mark.parametrize("body, fragment", [
    ({"target": "y"}, "missing field 'csv'"),
    ({"csv": None, "target": "y"}, "field 'csv' must be a string"),
    ({"csv": "x,y\n1,2\n"}, "missing field 'target'"),
    ({"csv": "x,y\n1,2\n", "target": "y", "activation": "z/(1 + abs(z))"},
     "must be one of identity, sigmoid, tanh, relu, softplus"),
    ({"csv": "x,y\n1,2\n", "target": "y", "features": "x"}, "must be an array of strings"),
    ({"csv": "x,y\n1,2\n", "target": "y", "epochs": 0}, "epochs must be"),
    ({"csv": "x,y\n1,2\n", "target": "y", "epochs": 10**6}, "epochs must be"),
    ({"csv": "x,y\n1,2\n", "target": "y", "learning_rate": "1/10"}, "must be a number"),
    ({"csv": "x,y\n1,2\n", "target": "y", "learning_rate": -1}, "learning_rate must be"),
    ({"csv": "x,y\n1,2\n", "target": "y", "batch_size": 0}, "batch_size must be"),
    ({"csv": "x,y\n1,2\n", "target": "y", "method": "newton"}, "newton"),
    ({"csv": "x,y\n1,2\n", "target": "Y"}, "did you mean 'y'?"),
    ({"csv": "x,y\n1,2\n", "target": "y", "features": ["z"]}, "no feature column 'z'"),
])
def test_train_refuses_bad_requests_with_400(client, body, fragment):
    response = client.post("/api/train", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_the_upload_leaves_no_file_in_the_workers_scratch_folder(client, pool):
    client.post("/api/train", json={"csv": "x,y\n1,2\n3,4\n", "target": "y"})
    client.post("/api/train", json={"csv": "x,y\n1,q\n", "target": "y"})
    folders = [p for pid in pool.pids()
               for p in Path(tempfile.gettempdir()).glob(f"gradwise-worker-{pid}-*")]
    assert len(folders) == 2
    assert all(oct(f.stat().st_mode & 0o777) == "0o700" for f in folders)
    assert [list(f.iterdir()) for f in folders] == [[], []]


def test_openapi_documents_train(client):
    post = client.get("/api/openapi.json").json()["paths"]["/api/train"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["csv", "target"]
    assert body["properties"]["activation"]["enum"] == list(schema.ACTIVATIONS)
    assert body["properties"]["features"]["items"] == {"type": "string"}
    assert str(schema.MAX_CSV) in body["properties"]["csv"]["description"].replace(",", "")
    assert "413" in post["responses"]
    assert "POST /api/train" in client.get("/api").text


def test_a_learning_rate_that_overflows_is_a_result_not_an_error(client):
    # issue 12.12: η = 1e308 used to end in "weights[0] is inf ... drop or fill the nan/inf"
    body = {"csv": "x,y\n1,2\n2,4\n3,6\n4,8\n", "target": "y", "learning_rate": 1e308}
    response = client.post("/api/train", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "non_finite"
