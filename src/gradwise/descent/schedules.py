"""Learning-rate schedules: η as a function of the step number k = 0, 1, 2, ...

Each ``def name(learning_rate, ...) -> Schedule``; all keep rationals rational, so they work
in exact mode too. :func:`parse_schedule` reads the CLI's ``step:0.5:100`` spelling.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradwise.errors import InputError, whole_number

__all__ = ["Schedule", "constant", "step", "exponential", "inverse_time", "parse_schedule",
           "SCHEDULES"]


@dataclass(frozen=True)
class Schedule:
    """η_k for step k, with a name for display.

    Attributes:
        name: e.g. ``"exponential(0.99)"``.
        rate: ``rate(k) -> η_k``.
    """

    name: str
    rate: Callable[[int], Any]

    def __call__(self, k: int) -> Any:
        return self.rate(k)


def constant(learning_rate: Any) -> Schedule:
    """η_k = η.

    Example:
        >>> constant(0.1)(5)
        0.1
    """
    return Schedule("constant", lambda k: learning_rate)


def step(learning_rate: Any, drop: Any = 0.5, every: int = 100) -> Schedule:
    """Step decay: η_k = η·drop^⌊k / every⌋.

    Example:
        >>> [step(1.0, 0.5, 2)(k) for k in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    _check_factor("drop", drop)
    whole_number(every, "every (steps between drops)", 1)
    return Schedule(f"step({drop}, every {every})",
                    lambda k: learning_rate * drop ** (k // every))


def exponential(learning_rate: Any, decay: Any = 0.99) -> Schedule:
    """Exponential decay: η_k = η·γᵏ.

    Example:
        >>> exponential(1.0, 0.5)(3)
        0.125
    """
    _check_factor("decay", decay)
    return Schedule(f"exponential({decay})", lambda k: learning_rate * decay**k)


def inverse_time(learning_rate: Any, decay: Any = 0.01) -> Schedule:
    """Inverse-time decay: η_k = η / (1 + d·k).

    Example:
        >>> inverse_time(1.0, 1.0)(3)
        0.25
    """
    if isinstance(decay, bool) or not 0 < float(decay) < math.inf:
        raise InputError(f"decay must be a positive finite number; received {decay!r}")
    return Schedule(f"inverse_time({decay})", lambda k: learning_rate / (1 + decay * k))


SCHEDULES: dict[str, Callable[..., Schedule]] = {
    "constant": constant, "step": step, "exponential": exponential,
    "inverse-time": inverse_time, "inverse_time": inverse_time,
}


def parse_schedule(spec: str, learning_rate: Any, number: Callable[[str], Any]) -> Schedule:
    """Read ``"exponential:0.99"``, ``"step:0.5:100"`` or ``"inverse-time:0.01"``.

    Args:
        spec: the name, then its parameters after colons.
        learning_rate: η at step 0.
        number: turns a parameter's text into a number (exact or float).
    """
    name, *params = [p.strip() for p in spec.split(":")]
    factory = SCHEDULES.get(name)
    if factory is None:
        raise InputError(f"unknown schedule {name!r}. Fix: choose step:DROP:EVERY, "
                         "exponential:DECAY or inverse-time:DECAY")
    if name == "step" and len(params) == 2:
        return step(learning_rate, number(params[0]), _whole(params[1]))
    if len(params) > 1 or name == "step" and params:
        raise InputError(f"schedule {spec!r} has the wrong parameters. Fix: write for example "
                         "step:0.5:100, exponential:0.99 or inverse-time:0.01")
    return factory(learning_rate, *(number(p) for p in params))


def _whole(text: str) -> int:
    if not text.isdigit():
        raise InputError(f"expected a whole number of steps; received {text!r}")
    return int(text)


def _check_factor(name: str, value: Any) -> None:
    if isinstance(value, bool) or not 0 < float(value) <= 1:
        raise InputError(f"{name} must be in (0, 1]; received {value!r}")
