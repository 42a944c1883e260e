"""backend=: checked at the edge, and "auto" takes numba only where it pays."""

import subprocess
import sys
from importlib.util import find_spec

import pytest

from gradwise import InputError, minimize
from gradwise.descent import backend
from gradwise.descent.compiled import numba_loop_source
from gradwise.language.expressions import parse

NUMBA = pytest.mark.skipif(find_spec("numba") is None, reason="numba is not installed")
COST = "(1 - w)^2"


def test_an_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(InputError, match=r"backend must be one of 'auto', 'python', 'numba', "
                                         r"received 'cuda'"):
        minimize(COST, {"w": 3}, backend="cuda")


def test_numba_without_numba_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(backend, "numba_installed", lambda: False)
    with pytest.raises(InputError, match=r"pip install 'gradwise\[fast\]'"):
        minimize(COST, {"w": 3}, backend="numba")
    assert minimize(COST, {"w": 3}, backend="auto").status == "converged"


@pytest.mark.parametrize("options", [{"method": "adam"}, {"exact": True},
                                     {"schedule": "exponential:0.99"}, {"line_search": True}])
def test_numba_runs_plain_float_gd_only(options):
    with pytest.raises(InputError, match="plain float gradient descent"):
        minimize(COST, {"w": 3}, backend="numba", **options)


def test_other_runs_ignore_auto_and_python():
    for choice in ("auto", "python"):
        r = minimize(COST, {"w": 3}, learning_rate="1/10", exact=True, max_steps=1,
                     backend=choice)
        assert [str(w) for w in r.trace.coordinates[0]] == ["3", "13/5"]


def test_a_number_numba_would_round_differently_is_refused_or_left_to_python():
    f = parse("w^2 + 36028797018963971 w")  # past 2^53: not exactly a float
    with pytest.raises(InputError, match="36028797018963971"):
        numba_loop_source(f)
    assert backend.choose("auto", f, max_steps=1_000_000) == "python"


def test_a_short_run_in_a_fresh_process_never_imports_numba():
    code = ("import sys, gradwise; r = gradwise.minimize('(1 - w)^2', {'w': 3}, "
            "max_steps=100_000, tol=0); print(r.n_steps, 'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["100000", "False"]


@pytest.mark.parametrize("numba_imported,warm,cached,steps,expected", [
    (False, False, True, 1_000_000, "python"),  # importing numba costs more than it saves
    (True, False, True, 1_000_000, "python"),  # so does starting numba's code generator
    (True, True, False, 1_000_000, "python"),  # and compiling
    (True, True, True, 1_000_000, "numba"),  # a load from disk is repaid by 100,000 steps
    (True, True, True, 10_000, "python"),
])
def test_auto_weighs_the_start_up_cost_against_the_steps(monkeypatch, numba_imported, warm,
                                                         cached, steps, expected):
    from gradwise.descent import _numba_loop

    monkeypatch.setattr(backend, "numba_installed", lambda: True)
    monkeypatch.setattr(_numba_loop, "is_loaded", lambda source: False)
    monkeypatch.setattr(_numba_loop, "is_warm", lambda: warm)
    monkeypatch.setattr(_numba_loop, "is_cached", lambda source: cached)
    modules = dict(sys.modules)
    if not numba_imported:
        modules.pop("numba", None)
    else:
        modules.setdefault("numba", sys)  # any module: only the name is looked at
    monkeypatch.setattr(sys, "modules", modules)
    assert backend.choose("auto", parse(COST), steps) == expected


@NUMBA
def test_auto_takes_a_loop_already_loaded_for_all_but_tiny_runs():
    f = parse("(2 - w)^2 + w/5")
    minimize(f, {"w": 3}, max_steps=5, backend="numba")
    assert backend.choose("auto", f, max_steps=1_000) == "numba"
    assert backend.choose("auto", f, max_steps=10) == "python"


@NUMBA
def test_the_compiled_loop_is_kept_on_disk_for_the_next_process(monkeypatch, tmp_path):
    from gradwise.descent import _numba_loop

    monkeypatch.setenv("GRADWISE_CACHE_DIR", str(tmp_path))
    source = numba_loop_source(parse("(3 - w)^2 + w/7"))
    assert not _numba_loop.is_cached(source)
    _numba_loop.loop(source)((3.0,), 0.1, 1.0, 0.0, 2, 1e100, 10)
    assert _numba_loop.is_cached(source)
    assert (tmp_path / f"{_numba_loop.stem('gradwise_loop', source)}.py").read_text() == source
