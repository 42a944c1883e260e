"""SymPy expressions as tapes that evaluate enclosures (intervals) or floats for many boxes.

A :class:`Tape` is the interval member of the code-printer family (``printers``): where a
printer turns an expression that gradwise built (f, ∇f, the Hessian: never user text) into
source for one target, a tape keeps it as a list of operations, each distinct
subexpression once, arguments first, so that the same operations run on intervals with
their flags (here), on floats, and at 50 digits (``tapes_precise``), with nothing to print
or compile: a long Hessian (Goldstein–Price's) is ready in milliseconds.
``tape.intervals(lo, hi)`` gives, for N boxes at once, intervals that contain every value
of each expression over each box (``gradwise.numeric.intervals``); ``tape.floats(X)`` gives
plain float values at N points.

Every function of the math language that can occur in f, ∇f and H has an operation:
``+ × ^`` (whole, rational and symbolic exponents), sin cos tan sec csc cot, asin acos atan,
sinh cosh tanh, exp log, √, |·| (SymPy's and the language's), σ, relu, softplus, and what
their derivatives bring in: sign, Heaviside and DiracDelta. Anything else raises
:class:`Unsupported`.

Example:
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> tape = Tape([x**2 - 2*x], [x])
    >>> (lo,), (hi,), flags = tape.intervals(np.array([[0.0]]), np.array([[3.0]]))
    >>> bool(lo[0] <= -1 and hi[0] >= 3), tape.floats(np.array([[1.0]])).tolist()
    (True, [[-1.0]])
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from gradwise.language.functions import absolute, relu, sigmoid, signum, softplus
from gradwise.numeric import intervals as iv

__all__ = ["Tape", "Unsupported", "compiled", "warm"]

Op = tuple[str, tuple[int, ...], Any]  # kind, argument slots, parameter


class Unsupported(ValueError):
    """An expression holds something the tape cannot evaluate (named in the message)."""


_UNARY = {
    sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan", sympy.exp: "exp", sympy.log: "log",
    sympy.asin: "asin", sympy.acos: "acos", sympy.atan: "atan", sympy.sinh: "sinh",
    sympy.cosh: "cosh", sympy.tanh: "tanh", sympy.Abs: "abs", sympy.sign: "sign",
    sigmoid: "sigmoid", softplus: "softplus", relu: "relu",
    absolute: "abs", signum: "sign",  # the language's |u| and sign(u) of a u not provably real
}
_RECIPROCAL = {sympy.sec: sympy.cos, sympy.csc: sympy.sin, sympy.cot: sympy.tan}


class Tape:
    """Expressions in ``variables`` compiled to one shared list of operations.

    Args:
        expressions: SymPy expressions built by gradwise.
        variables: the symbols that become the columns of the points or boxes.

    Raises:
        Unsupported: a function or symbol that has no operation here.
    """

    def __init__(self, expressions: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol]):
        self.variables = tuple(variables)
        self.ops: list[Op] = []
        self._slots: dict[sympy.Basic, int] = {}
        self.rewritten = False  # u^v as e^(v·ln u), sec as 1/cos: the same values, not forms
        self.outputs: list[int] = []
        self.emitted: list[int] = []  # how many operations after each expression
        for e in expressions:
            self.outputs.append(self._node(sympy.sympify(e)))
            self.emitted.append(len(self.ops))

    # -- compiling ---------------------------------------------------------------------------

    def _emit(self, kind: str, args: tuple[int, ...] = (), param: Any = None) -> int:
        self.ops.append((kind, args, param))
        return len(self.ops) - 1

    def _node(self, e: sympy.Basic) -> int:
        slot = self._slots.get(e)
        if slot is None:
            slot = self._slots[e] = self._compile(e)
        return slot

    def _compile(self, e: sympy.Basic) -> int:
        if not e.free_symbols:
            return self._emit("const", param=_constant(e))
        if e.is_Symbol:
            if e not in self.variables:
                raise Unsupported(f"the name {e} has no value")
            return self._emit("var", param=self.variables.index(e))
        if e.is_Add or e.is_Mul:
            return self._fold("add" if e.is_Add else "mul", e.args)
        if e.is_Pow:
            return self._power(*e.args)
        return self._function(e)

    def _fold(self, kind: str, args) -> int:
        slots = [self._node(a) for a in args]
        slot = slots[0]
        for other in slots[1:]:
            slot = self._emit(kind, (slot, other))
        return slot

    def _power(self, base, exponent) -> int:
        if exponent.is_Integer:
            return self._emit("pow", (self._node(base),), int(exponent))
        if exponent.is_Rational:
            if exponent.q == 2:  # √ is exact; then a whole power
                root = self._emit("sqrt", (self._node(base),))
                return root if exponent.p == 1 else self._emit("pow", (root,), int(exponent.p))
            return self._emit("rpow", (self._node(base),), exponent)
        # u^v = e^(v·ln u), for u > 0
        self.rewritten = True
        return self._node(sympy.exp(exponent * sympy.log(base), evaluate=False))

    def _function(self, e) -> int:
        head = type(e)
        if head in _RECIPROCAL:
            self.rewritten = True
            return self._emit("pow", (self._node(_RECIPROCAL[head](e.args[0])),), -1)
        if head in _UNARY and len(e.args) == 1:
            return self._emit(_UNARY[head], (self._node(e.args[0]),))
        if head is sympy.Heaviside:
            return self._emit("heaviside", (self._node(e.args[0]),),
                              float(e.args[1]) if len(e.args) > 1 else 0.5)
        if head is sympy.DiracDelta:
            return self._emit("dirac", (self._node(e.args[0]),), len(e.args) > 1)
        if head in (sympy.Max, sympy.Min) and len(e.args) >= 2:
            return self._fold("max" if head is sympy.Max else "min", e.args)
        raise Unsupported(f"no interval evaluation for {head.__name__}")

    # -- evaluating ----------------------------------------------------------------------------

    def intervals(self, lo: np.ndarray, hi: np.ndarray):
        """Enclosures over N boxes (``lo``, ``hi`` of shape (N, n)): (lows, highs, flags).

        ``lows`` and ``highs`` have shape (len(expressions), N). Run by the compiled
        interpreter (``gradwise.numeric._numba_intervals``), box by box, once it is
        compiled (:func:`compiled`); by :meth:`intervals_numpy` until then.
        """
        lo, hi = np.broadcast_arrays(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
        if not compiled():
            return self.intervals_numpy(lo, hi)
        from gradwise.numeric import _numba_intervals as kernel

        flags = iv.Flags(len(lo))
        if not self.outputs:
            return np.empty((0, len(lo))), np.empty((0, len(lo))), flags
        code, left, right, whole, real, clo, chi, outputs = self._encoded
        # thousands of boxes: both cores (starting the threads costs ~50 µs)
        walk = kernel.evaluate_many if len(lo) >= MANY else kernel.evaluate
        lows, highs, flags.irregular, flags.undefined = walk(
            code, left, right, whole, real, clo, chi, outputs, np.ascontiguousarray(lo),
            np.ascontiguousarray(hi))
        return lows, highs, flags

    @functools.cached_property
    def _encoded(self) -> tuple[np.ndarray, ...]:
        """The operations as arrays for the compiled interpreter: code, left and right
        argument slots, whole and real parameter, a constant's bounds; and the outputs."""
        from gradwise.numeric._numba_intervals import CODES

        count = len(self.ops)
        code, left, right, whole = (np.zeros(count, dtype=np.int64) for _ in range(4))
        real, clo, chi = (np.zeros(count) for _ in range(3))
        for k, (kind, args, param) in enumerate(self.ops):
            code[k] = CODES[kind]
            left[k], right[k] = (args + args + (0, 0))[:2]
            if kind == "const":
                clo[k], chi[k] = param[0], param[1]
            elif kind in ("var", "pow"):
                whole[k] = param
            elif kind == "dirac":
                whole[k] = int(bool(param))
            elif kind == "rpow":
                real[k] = float(param)
            elif kind == "heaviside":
                real[k] = param  # its value at 0, for floats
        return code, left, right, whole, real, clo, chi, np.array(self.outputs, dtype=np.int64)

    @functools.cached_property
    def kinds(self) -> frozenset[str]:
        """The kinds of operation the tape holds (``add``, ``sin``, ...)."""
        return frozenset(kind for kind, _, _ in self.ops)

    @functools.cached_property
    def _constants(self) -> np.ndarray:
        """Each constant's nearest float, for the compiled float walk."""
        return np.array([param[2] if kind == "const" else 0.0
                         for kind, _, param in self.ops], dtype=float)

    def intervals_numpy(self, lo: np.ndarray, hi: np.ndarray):
        """:meth:`intervals` one operation for all boxes at a time, in NumPy: the reference
        implementation the compiled interpreter is tested against."""
        flags = iv.Flags(len(lo))
        values: list[Any] = []
        with np.errstate(all="ignore"):  # ∞ − ∞ and 0 × ∞ are handled by ``outward``
            for kind, args, param in self.ops:
                if kind == "var":
                    values.append((lo[:, param], hi[:, param]))
                elif kind == "const":
                    values.append(param[:2])
                else:
                    values.append(_INTERVAL[kind](*[values[a] for a in args], param, flags))
        lows, highs = np.empty((2, len(self.outputs), len(lo)))
        for k, s in enumerate(self.outputs):
            lows[k], highs[k] = values[s]
        return lows, highs, flags

    def floats(self, X: np.ndarray) -> np.ndarray:
        """Values at N points (rows of ``X``): shape (N, len(expressions)); NaN where undefined.

        Run by the compiled interpreter, point by point, once it is compiled."""
        X = np.ascontiguousarray(np.atleast_2d(np.asarray(X, dtype=float)))
        if not compiled():
            return self.floats_numpy(X)
        from gradwise.numeric._numba_intervals import evaluate_floats

        code, left, right, whole, real, _, _, outputs = self._encoded
        return evaluate_floats(code, left, right, whole, real, self._constants, outputs, X)

    def floats_numpy(self, X: np.ndarray) -> np.ndarray:
        """:meth:`floats` one operation for all points at a time, in NumPy: the reference
        implementation the compiled interpreter is tested against."""
        values: list[Any] = []
        with np.errstate(all="ignore"):
            for kind, args, param in self.ops:
                if kind == "var":
                    values.append(X[:, param])
                elif kind == "const":
                    values.append(param[2])
                else:
                    values.append(_FLOAT[kind](*[values[a] for a in args], param))
        out = np.empty((len(X), len(self.outputs)))
        for k, s in enumerate(self.outputs):
            out[:, k] = values[s]
        return out


MANY = 1024  # boxes from which a tape is walked on all cores
LOAD_SECONDS = 1.0
"""How long a process is at interval work with NumPy's twins before it loads the compiled
interpreter, which costs a fresh process about 0.5 s (importing numba, starting its code
generator): a question asked once from the command line (Lévi N.13's 3,653 points: 1.1 s
in all) does not pay it; a server, a notebook or a search that runs to its budget does,
once."""

_since: list[float] = []  # when this process first asked for interval work
_loaded: list[bool] = []


def compiled() -> bool:
    """Whether to use the compiled interpreter now: the tapes, the Krawczyk step and the zero
    search do when it is compiled (``gradwise.numeric.cache.compiled_ready``) and, unless
    ``GRADWISE_COMPILE=now``, the process has been at interval work for ``LOAD_SECONDS``
    (a server, a notebook, a long search) or has loaded it already."""
    import time

    from gradwise.numeric.cache import compile_policy, compiled_ready

    if _loaded:
        return True
    if not compiled_ready("gradwise.numeric._numba_intervals", "gradwise.numeric.tapes"):
        return False
    now = time.monotonic()
    if not _since:
        _since.append(now)
    if compile_policy() == "now" or now - _since[0] >= LOAD_SECONDS:
        _loaded.append(True)
        return True
    return False


def warm() -> None:
    """Compile every kernel of the interpreter (or load it from numba's cache), then say so
    on disk: what the process that :func:`compiled` starts runs, once per machine."""
    from gradwise.numeric import _numba_intervals as kernel
    from gradwise.numeric.cache import mark_compiled

    x, y = sympy.symbols("x y", real=True)
    f = x**4 - 3 * x * y + y**2
    system = System(f, [f.diff(x), f.diff(y)], sympy.hessian(f, (x, y)), (x, y))
    lo, hi = np.array([[0.5, 0.5]]), np.array([[1.5, 1.5]])
    gradient, hessian, both = (system.gradient._encoded, system.hessian._encoded,
                               system.both._encoded)
    code, left, right, whole, real, clo, chi, outputs = gradient
    kernel.evaluate(code, left, right, whole, real, clo, chi, outputs, lo, hi)
    kernel.evaluate_many(code, left, right, whole, real, clo, chi, outputs, lo, hi)
    kernel.evaluate_floats(code, left, right, whole, real, system.gradient._constants,
                           outputs, lo)
    kernel.krawczyk(gradient, hessian, lo, hi)
    kernel.zero_step(gradient, both, system.both.emitted[1], lo, hi, np.ones(2),
                     np.full(2, 1e-9), 0.0)
    kernel.polish(gradient, both, system.both._constants, lo, hi, 8)
    mark_compiled(kernel.MODULE)
    _loaded.append(True)


def _constant(e: sympy.Basic) -> tuple[np.float64, np.float64, float, sympy.Basic]:
    """(lo, hi, nearest float, the exact constant) of a constant such as 2, 1/3 or log(10)."""
    if e.is_Integer and abs(int(e)) < 2**53:
        whole = np.float64(int(e))
        return whole, whole, float(whole), e
    number = sympy.N(e, 30)
    if not (number.is_real and number.is_finite):
        raise Unsupported(f"the constant {e} is not a finite real number")
    value = float(number)
    error = float(abs(number - sympy.Float(value, 30))) + abs(value) * 2.0**-60
    lo, hi = iv.constant(value, error)
    return lo, hi, value, e


def _unary(function: Callable) -> Callable:
    return lambda a, param, flags: function(a, flags)


_INTERVAL: dict[str, Callable] = {
    "add": lambda a, b, param, flags: iv.add(a, b),
    "mul": lambda a, b, param, flags: iv.mul(a, b),
    "max": lambda a, b, param, flags: iv.maximum(a, b),
    "min": lambda a, b, param, flags: iv.neg(iv.maximum(iv.neg(a), iv.neg(b))),
    "pow": lambda a, param, flags: iv.power(a, param, flags),
    "rpow": lambda a, param, flags: _rough(iv.real_power(a, float(param), flags)),
    "heaviside": lambda a, param, flags: iv.heaviside(a, flags),
    "dirac": lambda a, param, flags: _dirac(a, param, flags),
    "relu": lambda a, param, flags: iv.maximum((np.float64(0), np.float64(0)), a),
    **{name: _unary(getattr(iv, name)) for name in (
        "sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
        "tanh", "sigmoid", "softplus", "sign")},
    "abs": _unary(iv.absolute),
}


def _rough(a):
    """A power with a non-integer exponent: its float exponent (1/3) is itself rounded."""
    return iv.outward(a[0], a[1], 2.0**-36)


def _dirac(a, derivative: bool, flags):
    low, high = iv.dirac(a, flags)
    return (np.where(np.isinf(high), -np.inf, low), high) if derivative else (low, high)


_FLOAT: dict[str, Callable] = {
    "add": lambda a, b, param: a + b,
    "mul": lambda a, b, param: a * b,
    "max": lambda a, b, param: np.maximum(a, b),
    "min": lambda a, b, param: np.minimum(a, b),
    "pow": lambda a, param: np.power(np.asarray(a, dtype=float), param),
    "rpow": lambda a, param: np.power(np.asarray(a, dtype=float), float(param)),
    "sqrt": lambda a, param: np.sqrt(a),
    "heaviside": lambda a, param: np.heaviside(a, param),
    "dirac": lambda a, param: np.where(a == 0, np.inf, 0.0),
    "relu": lambda a, param: np.maximum(a, 0.0),
    "sigmoid": lambda a, param: iv.logistic(a),
    "softplus": lambda a, param: np.logaddexp(0.0, a),
    "abs": lambda a, param: np.abs(a),
    "sign": lambda a, param: np.sign(a),
    **{name: (lambda f: lambda a, param: f(a))(getattr(np, numpy_name)) for name, numpy_name in (
        ("exp", "exp"), ("log", "log"), ("sin", "sin"), ("cos", "cos"), ("tan", "tan"),
        ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"), ("sinh", "sinh"),
        ("cosh", "cosh"), ("tanh", "tanh"))},
}


class System:
    """f, ∇f and the Hessian of one function as tapes, for boxes of shape (N, n).

    Args:
        value: f, or None where only ∇f = 0 matters (a one-variable factor of a separable f).
        components: ∇f's components.
        matrix: the Hessian (symmetric: only its upper triangle is compiled).
        variables: the variables, in the order of the boxes' columns.
    """

    def __init__(self, value: sympy.Expr | None, components: Sequence[sympy.Expr],
                 matrix: sympy.Matrix, variables: Sequence[sympy.Symbol]) -> None:
        n = len(variables)
        self.n = n
        self.variables = tuple(variables)
        self.upper = [(i, j) for i in range(n) for j in range(i, n)]
        self.components, self.matrix = tuple(components), matrix
        self.value_expressions = [value] if value is not None else []
        self.value = Tape(self.value_expressions, variables)
        self.gradient = Tape(list(components), variables)
        self.hessian = Tape([matrix[i, j] for i, j in self.upper], variables)  # upper triangle

    @functools.cached_property
    def both(self) -> Tape:
        """∇f's components, then H's upper triangle, in one tape: one walk gives both."""
        return Tape(list(self.components) + [self.matrix[i, j] for i, j in self.upper],
                    self.variables)

    @functools.cached_property
    def value_and_hessian(self) -> Tape:
        """f, then H's upper triangle, in one tape: f and H at an exact point in one walk."""
        return Tape(self.value_expressions + [self.matrix[i, j] for i, j in self.upper],
                    self.variables)

    def factor(self, i: int) -> System:
        """The system of ∂f/∂xᵢ = 0 in xᵢ alone, for a separable ∇f."""
        return System(None, [self.components[i]], sympy.Matrix([[self.matrix[i, i]]]),
                      [self.variables[i]])

    def separable(self) -> bool:
        """Whether each ∂f/∂xᵢ depends on xᵢ alone (then the zeros are a product)."""
        return all(c.free_symbols <= {v} for c, v in zip(self.components, self.variables))

    def gradient_enclosure(self, lo: np.ndarray, hi: np.ndarray):
        """∇f over each box: lows and highs of shape (N, n), and the flags."""
        glo, ghi, flags = self.gradient.intervals(lo, hi)
        return glo.T, ghi.T, flags

    def hessian_enclosure(self, lo: np.ndarray, hi: np.ndarray):
        """H over each box: lows and highs of shape (N, n, n), and the flags."""
        hlo, hhi, flags = self.hessian.intervals(lo, hi)
        return self._square(hlo.T), self._square(hhi.T), flags

    def value_enclosure(self, lo: np.ndarray, hi: np.ndarray):
        """f over each box: lows and highs of shape (N,), and the flags."""
        flo, fhi, flags = self.value.intervals(lo, hi)
        return flo[0], fhi[0], flags

    def hessian_at(self, X: np.ndarray) -> np.ndarray:
        """H at each point, shape (N, n, n)."""
        return self._square(self.hessian.floats(X))

    def _square(self, upper: np.ndarray) -> np.ndarray:
        out = np.empty((len(upper), self.n, self.n))
        for k, (i, j) in enumerate(self.upper):
            out[:, i, j] = out[:, j, i] = upper[:, k]
        return out
