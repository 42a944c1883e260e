"""The four doors into the one training loop share one set of defaults (issue 11).

``gradwise.train``, ``NeuronRegressor``, ``gradwise train`` and ``POST /api/train`` take their
defaults from ``gradwise.neuron.settings.DEFAULTS``; ``NeuronClassifier`` alone starts from a
sigmoid, since a classifier's output is a probability.
"""

from __future__ import annotations

import dataclasses
import inspect
import json

import numpy as np
import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main
from gradwise.neuron.settings import DEFAULTS, Settings

FIELDS = [f.name for f in dataclasses.fields(Settings)]


def signature_defaults(function):
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def test_the_defaults_are_the_documented_ones():
    assert Settings(activation="identity", cost="squared_error", learning_rate=0.1,
                                max_epochs=1000, batch_size=None, shuffle=True, tol=1e-4,
                                n_iter_no_change=5, method="gd", seed=0, standardize=True,
                                fit_intercept=True, start=None, backend="auto") == DEFAULTS


def test_settings_are_built_by_keyword_only():
    with pytest.raises(TypeError):
        Settings("sigmoid")  # type: ignore[misc]


@pytest.mark.parametrize("door", [gradwise.train, gradwise.NeuronRegressor.__init__,
                                  gradwise.NeuronClassifier.__init__])
def test_python_doors_take_every_default_from_settings(door):
    defaults = signature_defaults(door)
    expected = {name: getattr(DEFAULTS, name) for name in FIELDS if name in defaults}
    if door is gradwise.NeuronClassifier.__init__:
        expected["activation"] = "sigmoid"
    assert {name: defaults[name] for name in expected} == expected
    assert len(expected) >= 12  # every hyper-parameter is a parameter of the door


def test_the_command_line_takes_its_defaults_from_settings():
    command = main.get_command(None, "train")  # type: ignore[arg-type]
    options = command.make_context("train", ["data.csv", "--target", "y"]).params
    named = ("activation", "cost", "learning_rate", "max_epochs", "batch_size", "method",
             "tol", "seed", "start")
    assert {name: options[name] for name in named} == {n: getattr(DEFAULTS, n) for n in named}
    assert options["no_standardize"] is (not DEFAULTS.standardize)
    assert options["no_intercept"] is (not DEFAULTS.fit_intercept)


def test_all_four_doors_make_the_same_run_by_default(tmp_path):
    """Behaviour, not only signatures: the same data, no options, the same costs."""
    from gradwise.web.neuron import train as web_train

    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = X @ [1.5, -0.5] + 0.25
    text = "a,b,y\n" + "".join(f"{r[0]!r},{r[1]!r},{t!r}\n"
                                for r, t in zip(X.tolist(), y.tolist(), strict=True))
    path = tmp_path / "data.csv"
    path.write_text(text)
    cli = CliRunner().invoke(main, ["train", str(path), "--target", "y", "--json"])
    assert cli.exit_code == 0, cli.output
    from_cli = json.loads(cli.output)["history"]
    from_web = web_train({"csv": text, "target": "y"})["history"]
    from_function = list(gradwise.train(path, "y").history)
    from_estimator = gradwise.NeuronRegressor().fit(X, y).history_["cost"].tolist()
    assert from_cli == from_web == from_function == pytest.approx(from_estimator, rel=1e-12)
    assert len(from_cli) >= 2
