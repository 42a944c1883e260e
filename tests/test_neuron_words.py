"""The neuron's findings in its own words, and a semicolon-separated file named as such
(issue 18, item 16)."""

import numpy as np
import pytest

from gradwise import DataError
from gradwise.neuron.api import train_model
from gradwise.neuron.settings import Settings


@pytest.fixture
def hours(tmp_path):
    path = tmp_path / "hours.csv"
    path.write_text("hours,score\n" + "".join(f"{h},{2 * h + 1}\n" for h in range(1, 11)))
    return path


def test_findings_name_c_epochs_and_points_in_the_datas_units(hours):
    settings = Settings(activation="identity", learning_rate=1.2, max_epochs=20).checked()
    trained = train_model(hours, "score", None, settings, activation="identity")
    fit = trained.fit
    messages = {f.code: f.message for f in fit.findings}
    assert messages["divergence"].startswith("C went from ")
    assert " an epoch: η is too large" in messages["divergence"]
    overshoot = next(f for f in fit.findings if f.code == "overshoot")
    assert overshoot.message.startswith(f"epoch {overshoot.step + 1} jumped from (w[hours] = ")
    # the point printed is the trace's point mapped back to raw units: w = w'/s, b = b' − w·m
    scaled = np.array(fit.trace.point(overshoot.step), dtype=float)
    x = np.arange(1.0, 11.0)
    w = scaled[0] / x.std()
    b = scaled[1] - w * x.mean()
    shown = overshoot.message.split("(w[hours] = ")[1].split(")")[0]
    w_text, b_text = shown.split(", b = ")
    assert float(w_text.replace("−", "-")) == pytest.approx(w, rel=1e-5)
    assert float(b_text.replace("−", "-")) == pytest.approx(b, rel=1e-5, abs=1e-9)
    assert not any(" f " in f.message or "∇f" in f.message or "step" in f.message
                   for f in fit.findings)


def test_a_semicolon_separated_file_is_named_as_such(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("hours;score\n1;3\n2;5\n")
    settings = Settings(activation="identity").checked()
    with pytest.raises(DataError) as refused:
        train_model(path, "score", None, settings, activation="identity")
    assert str(refused.value) == (
        f"{path}: is a semicolon-separated file: its header 'hours;score' reads as one column, "
        "and gradwise reads comma-separated CSV. Fix: save it as comma-separated CSV (replace "
        "each ';' between values by ',')")
