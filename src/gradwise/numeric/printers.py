"""SymPy → Python source: one printer family, and the namespaces that run what it prints.

Every numeric function gradwise makes from an expression (scalar f and ∇f, the generated
descent loop, arrays for sweeps and pictures, batches for the critical-point search, 50-digit
checks, the neuron's φ and δ) is source printed by :class:`Printer` from a SymPy expression
that :func:`gradwise.parse` built, never from user text, by one family of printers (SymPy's
own, one per target, sharing :class:`_Names`). Functions print by their bare names
(``exp(x)``, ``sigmoid(z)``), and each target binds the names its own way:
:func:`namespace` for ``math`` (CPython floats), ``numpy`` (arrays) and ``mpmath`` (many
digits); the numba targets (the descent loop, the neuron's kernel) bind them in the headers
of the modules they generate.

Example:
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> printer("math").doprint(sympy.exp(x) / 3 + x**2)
    'x**2.0 + (1/3)*exp(x)'
    >>> printer("mpmath").doprint(x / 3)
    '(mpf(1)/mpf(3))*x'
    >>> printer("numba").doprint(x**3)
    '_pow(x, 3.0, _one)'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter, PythonCodePrinter

from gradwise.numeric import activations

__all__ = ["MathPrinter", "NumpyPrinter", "PrecisePrinter", "KernelPrinter", "printer",
           "Target", "namespace", "compile_function", "RUNTIME_ERRORS", "EXACT_INTEGERS"]

Target = Literal["math", "numba", "numpy", "mpmath", "kernel"]

RUNTIME_ERRORS = (OverflowError, ZeroDivisionError, ValueError, TypeError)
"""What float arithmetic raises where a value stops being a finite real number
(``math.exp(1000)``, ``1/0``, ``math.log(-1)``, a complex power compared with ``<``)."""

EXACT_INTEGERS = 2**53
"""Integers up to this size print as floats, exactly: the float targets compute in floats."""


class _Names:
    """What every printer of the family shares: bare function names, and our functions."""

    def _module_format(self, fqn: str, register: bool = True) -> str:
        return fqn.rsplit(".", 1)[-1]

    def _print_sigmoid(self, expr: sympy.Expr) -> str:
        return f"sigmoid({self._print(expr.args[0])})"  # type: ignore[attr-defined]

    def _print_relu(self, expr: sympy.Expr) -> str:
        return f"relu({self._print(expr.args[0])})"  # type: ignore[attr-defined]

    def _print_softplus(self, expr: sympy.Expr) -> str:
        return f"softplus({self._print(expr.args[0])})"  # type: ignore[attr-defined]

    def _print_DiracDelta(self, expr: sympy.Expr) -> str:
        return "0.0"  # relu'' is 0 everywhere but at 0, where it is undefined

    def _print_absolute(self, expr: sympy.Expr) -> str:  # |u| of a u SymPy cannot prove real
        return self._print(sympy.Abs(expr.args[0], evaluate=False))  # type: ignore[attr-defined]

    def _print_signum(self, expr: sympy.Expr) -> str:
        return self._print(sympy.sign(expr.args[0], evaluate=False))  # type: ignore[attr-defined]


class MathPrinter(_Names, PythonCodePrinter):
    """CPython floats (``math``), and the numba descent loop (``numba``).

    Integers print as floats (``2.0``): an int·float gives the same bits as float·float, and
    a constant derivative is then recorded as a float like every other number. For ``numba``
    every power but square roots and reciprocals is a ``_pow(base, exponent, _one)`` call:
    numba's ``**`` and LLVM's ``pow(x, 2.0)`` → ``x * x`` differ from CPython's ``pow`` in the
    last bit, and ``_pow`` is CPython's.
    """

    def __init__(self, target: Literal["math", "numba"] = "math") -> None:
        super().__init__({"fully_qualified_modules": False, "strict": True})
        self.target = target

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return repr(float(expr)) if abs(expr.p) <= EXACT_INTEGERS else str(expr.p)

    _print_Zero = _print_One = _print_NegativeOne = _print_Integer

    def _print_Pow(self, expr: sympy.Expr, rational: bool = False) -> str:
        if self.target != "numba" or expr.exp in (sympy.S.Half, -sympy.S.Half,
                                                  sympy.S.NegativeOne):
            return super()._print_Pow(expr, rational)
        return f"_pow({self._print(expr.base)}, {self._print(expr.exp)}, _one)"


class NumpyPrinter(_Names, NumPyPrinter):
    """NumPy arrays: sweeps, grids for pictures, batches for the critical-point search."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": False})

    def _print_Integer(self, expr: sympy.Integer) -> str:
        # past 2**53 a Python int would make an object array that NumPy's ufuncs refuse
        # (log(10^20)); the float it rounds to is what the array would hold anyway
        if abs(expr.p) <= EXACT_INTEGERS:
            return str(expr.p)
        try:
            return repr(float(expr.p))
        except OverflowError:
            return "inf" if expr.p > 0 else "(-inf)"


class PrecisePrinter(_Names, MpmathPrinter):
    """mpmath numbers, many digits (rationals as exact ``mpf`` quotients)."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": False})


class KernelPrinter(_Names, PythonCodePrinter):
    """The neuron's φ, c and δ (``phi_delta``), for its numba, NumPy and GPU kernels: integers
    stay integers, Heaviside keeps its value at 0, sign is a call."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": False, "strict": True})

    def _print_Heaviside(self, expr: sympy.Expr) -> str:
        at_zero = expr.args[1] if len(expr.args) > 1 else sympy.S.Half
        return f"heaviside({self._print(expr.args[0])}, {float(at_zero)!r})"

    def _print_sign(self, expr: sympy.Expr) -> str:
        return f"sign({self._print(expr.args[0])})"


def printer(target: Target) -> Any:
    """The family's printer for ``target``."""
    if target in ("math", "numba"):
        return MathPrinter(target)  # type: ignore[arg-type]
    return {"numpy": NumpyPrinter, "mpmath": PrecisePrinter, "kernel": KernelPrinter}[target]()


@cache
def namespace(target: Literal["math", "numpy", "mpmath"]) -> dict[str, Any]:
    """The names the printed source of ``target`` calls, with every activation."""
    if target == "numpy":
        import functools

        import numpy as np

        names = {k: v for k, v in vars(np).items() if not k.startswith("_")}
        names |= {"reduce": functools.reduce, "asin": np.arcsin, "acos": np.arccos,
                  "atan": np.arctan, "atan2": np.arctan2, "asinh": np.arcsinh,
                  "acosh": np.arccosh, "atanh": np.arctanh}  # NumPy 1.x has only arc...
    elif target == "mpmath":
        import mpmath

        names = {k: v for k, v in vars(mpmath).items() if not k.startswith("_")}
    else:
        names = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
    return names | activations.namespace(target)


def compile_function(source: str, name: str, target: Literal["math", "numpy", "mpmath"]
                     ) -> Callable[..., Any]:
    """Run printed ``source`` (our own text, from a parsed expression) in ``target``'s namespace
    and return its function ``name``."""
    names = dict(namespace(target))
    exec(compile(source, f"<gradwise {target} {name}>", "exec"), names)  # noqa: S102
    return names[name]
