"""The compiled interval kernels are an acceleration, never a wait and never a change of
answer: with ``GRADWISE_COMPILE=never`` the NumPy twins give the same critical points and
extrema, and under the default (``background``) a fresh machine's first call answers at once
while a separate process compiles the kernels for the next."""

import json
import os
import subprocess
import sys
import time

import pytest

CASES = [("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "x=-5:5, y=-5:5"),
         ("20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)", "x=-5.12:5.12, y=-5.12:5.12"),
         ("-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))", "x=-100:100, y=-100:100"),
         ("abs(x) + y^2 - x y", "x=-2:2, y=-2:2")]


def critical_json(text, box, env):
    done = subprocess.run([sys.executable, "-m", "gradwise", "critical", text, "--within", box,
                           "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def summary(answer):
    points = sorted((tuple(round(c, 7) for c in p["point"].values()), p["kind"])
                    for p in answer["points"])
    return (points, answer["count"], answer["certified"], answer["complete"],
            round(answer["global_minimum"]["value"], 9),
            round(answer["global_maximum"]["value"], 9))


@pytest.mark.parametrize("text, box", CASES)
def test_the_numpy_twins_give_the_same_answers_as_the_compiled_kernels(text, box, tmp_path):
    compiled = critical_json(text, box, {**os.environ, "GRADWISE_COMPILE": "now"})
    numpy = critical_json(text, box, {**os.environ, "GRADWISE_COMPILE": "never",
                                      "GRADWISE_CACHE_DIR": str(tmp_path)})
    assert summary(numpy) == summary(compiled)
    assert not list(tmp_path.glob("*.ready"))  # never means never


def test_a_fresh_machine_answers_at_once_and_compiles_in_the_background(tmp_path):
    env = {**os.environ, "GRADWISE_COMPILE": "background", "GRADWISE_CACHE_DIR": str(tmp_path)}
    text, box = CASES[0]
    first = critical_json(text, box, env)  # no marker in this cache: the NumPy twins answer
    assert list(tmp_path.glob("*.started"))  # and the compilation was started
    deadline = time.monotonic() + 180
    while not list(tmp_path.glob("*.ready")) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert list(tmp_path.glob("*.ready")), "the background compilation never finished"
    assert summary(critical_json(text, box, env)) == summary(first)


def test_a_misspelt_compile_policy_is_a_clear_error_not_the_default():
    # it once passed silently for "background"
    env = {**os.environ, "GRADWISE_COMPILE": "nwo"}
    done = subprocess.run([sys.executable, "-m", "gradwise", "critical", "x^4 - x^2",
                           "--within", "x=-2:2"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "GRADWISE_COMPILE must be one of background, now, never" in done.stderr
    assert "'nwo'" in done.stderr and not done.stdout
