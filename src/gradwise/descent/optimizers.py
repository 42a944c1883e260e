"""Optimizers: each a small pure pair ``init(point) -> state`` and
``update(gradient, state, learning_rate) -> (delta, new_state)`` (optax's design, at our size).

``gradient`` is the gradient of the *objective*: ∇f when minimizing and −∇f when
maximizing (``descent.run`` flips that one sign), so every optimizer only ever descends.
Vectors are tuples; the arithmetic works on floats, and on exact rationals for the
optimizers with ``exact=True`` (the others take square roots).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gradwise.errors import InputError

__all__ = ["Optimizer", "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "METHODS",
           "make"]

Vector = tuple[Any, ...]
State = Any


@dataclass(frozen=True)
class Optimizer:
    """A named (init, update) pair.

    Attributes:
        name: the method's name, e.g. ``"adam"``.
        init: ``init(point) -> state``.
        update: ``update(gradient, state, learning_rate) -> (delta, state)``.
        exact: whether it works in exact rational arithmetic.
        hyper: its hyper-parameters by name (``{"beta": 0.9}``), so a step can be explained.
    """

    name: str
    init: Callable[[Vector], State]
    update: Callable[[Vector, State, Any], tuple[Vector, State]]
    exact: bool = True
    hyper: Mapping[str, Any] = field(default_factory=dict)


def gd() -> Optimizer:
    """Plain gradient descent, the notes' rule: Δw = −η·∂C/∂w.

    Plain descent has no hyper-parameter but η, which ``update`` takes.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Reference:
        A.-L. Cauchy (1847), "Méthode générale pour la résolution des systèmes d'équations
        simultanées", Comptes rendus de l'Académie des sciences 25, 536–538.

    Example:
        >>> opt = gd()
        >>> opt.update((4,), opt.init((3,)), 0.5)[0]
        (-2.0,)
    """

    def init(point: Vector) -> State:
        return None

    def update(gradient: Vector, state: State, learning_rate: Any) -> tuple[Vector, State]:
        return tuple(-(learning_rate * g) for g in gradient), state

    return Optimizer("gd", init, update)


def momentum(beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum (PyTorch's form): v ← βv + ∇f;  Δ = −η·v.

    Args:
        beta: β in [0, 1), how much of the last velocity is kept.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Raises:
        InputError: β is outside [0, 1).

    Reference:
        B. T. Polyak (1964), "Some methods of speeding up the convergence of iteration
        methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1–17.

    Example:
        >>> opt = momentum(0.5)
        >>> delta, v = opt.update((4,), opt.init((3,)), 0.1)
        >>> delta, opt.update((2,), v, 0.1)[0]
        ((-0.4,), (-0.4,))
    """
    _check_fraction("beta", beta)

    def init(point: Vector) -> State:
        return tuple(0 * x for x in point)

    def update(gradient: Vector, velocity: State, learning_rate: Any) -> tuple[Vector, State]:
        velocity = tuple(beta * v + g for v, g in zip(velocity, gradient))
        return tuple(-(learning_rate * v) for v in velocity), velocity

    return Optimizer("momentum", init, update, hyper={"beta": beta})


def nesterov(beta: float = 0.9) -> Optimizer:
    """Nesterov momentum (PyTorch's form): v ← βv + ∇f;  Δ = −η·(∇f + βv).

    It looks ahead along the velocity using only the gradient at the current point.

    Args:
        beta: β in [0, 1), how much of the last velocity is kept.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Raises:
        InputError: β is outside [0, 1).

    Reference:
        Y. Nesterov (1983), "A method for solving the convex programming problem with
        convergence rate O(1/k²)", Soviet Mathematics Doklady 27, 372–376; in this form,
        I. Sutskever, J. Martens, G. Dahl and G. Hinton (2013), "On the importance of
        initialization and momentum in deep learning", ICML.

    Example:
        >>> opt = nesterov(0.5)
        >>> opt.update((4,), opt.init((3,)), 0.1)[0]
        (-0.6000000000000001,)
    """
    _check_fraction("beta", beta)

    def init(point: Vector) -> State:
        return tuple(0 * x for x in point)

    def update(gradient: Vector, velocity: State, learning_rate: Any) -> tuple[Vector, State]:
        velocity = tuple(beta * v + g for v, g in zip(velocity, gradient))
        return tuple(-(learning_rate * (g + beta * v)) for g, v in zip(gradient, velocity)), \
            velocity

    return Optimizer("nesterov", init, update, hyper={"beta": beta})


def adagrad(eps: float = 1e-10) -> Optimizer:
    """AdaGrad: G ← G + ∇f²;  Δ = −η·∇f / (√G + ε), per coordinate.

    Args:
        eps: ε > 0, kept out of the denominator's way.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Raises:
        InputError: ε is not positive.

    Reference:
        J. Duchi, E. Hazan and Y. Singer (2011), "Adaptive subgradient methods for online
        learning and stochastic optimization", Journal of Machine Learning Research 12,
        2121–2159.

    Example:
        >>> opt = adagrad()
        >>> round(opt.update((4.0,), opt.init((3.0,)), 0.1)[0][0], 6)
        -0.1
    """
    _check_positive("eps", eps)

    def init(point: Vector) -> State:
        return tuple(0.0 for _ in point)

    def update(gradient: Vector, total: State, learning_rate: Any) -> tuple[Vector, State]:
        total = tuple(s + g * g for s, g in zip(total, gradient))
        return tuple(-learning_rate * g / (math.sqrt(s) + eps)
                     for g, s in zip(gradient, total)), total

    return Optimizer("adagrad", init, update, exact=False, hyper={"eps": eps})


def rmsprop(rho: float = 0.9, eps: float = 1e-8) -> Optimizer:
    """RMSProp: s ← ρs + (1 − ρ)∇f²;  Δ = −η·∇f / (√s + ε), per coordinate.

    Args:
        rho: ρ in [0, 1), the decay of the running mean of ∇f².
        eps: ε > 0, kept out of the denominator's way.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Raises:
        InputError: ρ is outside [0, 1) or ε is not positive.

    Reference:
        T. Tieleman and G. Hinton (2012), "Lecture 6.5, rmsprop: divide the gradient by a
        running average of its recent magnitude", COURSERA: Neural Networks for Machine
        Learning.

    Example:
        >>> opt = rmsprop(rho=0.75)
        >>> round(opt.update((4.0,), opt.init((3.0,)), 0.1)[0][0], 6)
        -0.2
    """
    _check_fraction("rho", rho)
    _check_positive("eps", eps)

    def init(point: Vector) -> State:
        return tuple(0.0 for _ in point)

    def update(gradient: Vector, mean_square: State, learning_rate: Any) -> tuple[Vector, State]:
        mean_square = tuple(rho * s + (1 - rho) * g * g for s, g in zip(mean_square, gradient))
        return tuple(-learning_rate * g / (math.sqrt(s) + eps)
                     for g, s in zip(gradient, mean_square)), mean_square

    return Optimizer("rmsprop", init, update, exact=False,
                     hyper={"rho": rho, "eps": eps})


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam: m ← β₁m + (1 − β₁)∇f;  v ← β₂v + (1 − β₂)∇f²;  Δ = −η·m̂ / (√v̂ + ε),
    with the bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).

    Args:
        beta1: β₁ in [0, 1), the decay of the mean of ∇f.
        beta2: β₂ in [0, 1), the decay of the mean of ∇f².
        eps: ε > 0, kept out of the denominator's way.

    Returns:
        The ``Optimizer``: ``init(point) -> state`` and
        ``update(gradient, state, learning_rate) -> (delta, state)``.

    Raises:
        InputError: β₁ or β₂ is outside [0, 1), or ε is not positive.

    Reference:
        D. P. Kingma and J. Ba (2015), "Adam: a method for stochastic optimization", ICLR;
        arXiv:1412.6980.

    Example:
        >>> opt = adam()
        >>> round(opt.update((4.0,), opt.init((3.0,)), 0.1)[0][0], 6)
        -0.1
    """
    _check_fraction("beta1", beta1)
    _check_fraction("beta2", beta2)
    _check_positive("eps", eps)

    def init(point: Vector) -> State:
        zeros = tuple(0.0 for _ in point)
        return 0, zeros, zeros

    def update(gradient: Vector, state: State, learning_rate: Any) -> tuple[Vector, State]:
        t, m, v = state
        t += 1
        m = tuple(beta1 * a + (1 - beta1) * g for a, g in zip(m, gradient))
        v = tuple(beta2 * b + (1 - beta2) * g * g for b, g in zip(v, gradient))
        scale_m, scale_v = 1 - beta1**t, 1 - beta2**t
        delta = tuple(-learning_rate * (a / scale_m) / (math.sqrt(b / scale_v) + eps)
                      for a, b in zip(m, v))
        return delta, (t, m, v)

    return Optimizer("adam", init, update, exact=False,
                     hyper={"beta1": beta1, "beta2": beta2, "eps": eps})


METHODS: dict[str, Callable[..., Optimizer]] = {
    "gd": gd, "momentum": momentum, "nesterov": nesterov,
    "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam,
}


def make(method: str | Optimizer, **hyper: Any) -> Optimizer:
    """The optimizer called ``method`` with its hyper-parameters, checked.

    Example:
        >>> make("momentum", beta=0.5).name
        'momentum'
    """
    if isinstance(method, Optimizer):
        if hyper:
            raise InputError("hyper-parameters go to the optimizer's own function, not to an "
                             f"Optimizer already built; received {sorted(hyper)}")
        return method
    factory = METHODS.get(method) if isinstance(method, str) else None
    if factory is None:
        raise InputError(f"unknown method {method!r}. Fix: choose one of {', '.join(METHODS)}")
    try:
        return factory(**hyper)
    except TypeError:
        raise InputError(f"{method} takes no hyper-parameter among {sorted(hyper)}; see "
                         f"help(gradwise.descent.optimizers.{method})") from None


def _check_fraction(name: str, value: Any) -> None:
    if isinstance(value, bool) or not 0 <= float(value) < 1:
        raise InputError(f"{name} must be in [0, 1); received {value!r}")


def _check_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not 0 < float(value) < math.inf:
        raise InputError(f"{name} must be a positive finite number; received {value!r}")
