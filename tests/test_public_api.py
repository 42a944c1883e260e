"""The public surface: __all__ is exactly what resolves, and nothing heavy loads on import."""

import subprocess
import sys

import gradwise


def test_every_public_name_resolves():
    for name in gradwise.__all__:
        assert getattr(gradwise, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    try:
        gradwise.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_light():
    code = ("import sys, gradwise, gradwise.cli; "
            "heavy = [m for m in ('sympy', 'numpy', 'matplotlib', 'scipy', 'rich') "
            "if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_grad_command_does_not_import_numpy():
    code = ("import sys; from click.testing import CliRunner; from gradwise.cli import main; "
            "r = CliRunner().invoke(main, ['grad', 'x^2 + y^2', '--at', 'x=2,y=2']); "
            "assert r.exit_code == 0, r.output; print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_old_module_paths_are_the_new_modules_with_a_warning():
    """Until 0.3 each old top-level path imports as its new module, saying where it went."""
    import importlib

    import pytest

    from gradwise._moved import MOVED

    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
            module = importlib.import_module(old)
        assert module is importlib.import_module(new)


def test_packages_that_replaced_modules_keep_their_names():
    from gradwise.calculus import gradient
    from gradwise.critical import critical_points

    assert gradient is gradwise.gradient and critical_points is gradwise.critical_points
    code = "from gradwise.neuron import NeuronRegressor; print(NeuronRegressor.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "NeuronRegressor"
