"""The language is real (issue 13.3): a constant that is not a real number is refused at
parse time, as sqrt(x) at x = −1 is refused when evaluated."""

import pytest
from click.testing import CliRunner

import gradwise
from gradwise.cli import main


@pytest.mark.parametrize("text", ["sqrt(-1) x", "x + log(-1)", "asin(2) + x", "(-8)^(1/3)",
                                  "(-1)^0.5 * y", "acos(3)", "log(2, -1) x"])
def test_a_non_real_constant_is_refused(text):
    with pytest.raises(gradwise.ParseError, match="not a real number|must be a positive"):
        gradwise.parse(text)


@pytest.mark.parametrize("text", ["sqrt(2) x", "(-2)^3 x", "atan(2) + x", "x^(1/3)",
                                  "-(8^(1/3)) x", "log(2) x", "sqrt(x)"])
def test_real_constants_and_variables_under_roots_are_kept(text):
    assert gradwise.parse(text).expr.is_real is not False


def test_grad_refuses_sqrt_of_minus_one_in_one_line():
    result = CliRunner().invoke(main, ["grad", "sqrt(-1) x"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "not a real number" in result.output
    assert "Traceback" not in result.output
    # one red line, then the text with a caret under the column, as every parse error
    assert result.output.count("\n") == 3 and result.output.splitlines()[1] == "  sqrt(-1) x"
