"""Each worker's memory of what requests derive, so a function asked about again is cheap.

A page asks about one function again and again: its gradient on every keystroke, the same run
for each row of its table, the same advice while η moves. What a request derives (the parsed
expression, its gradient, a run, the advice, critical points, compiled kernels) is kept in
per-worker LRU caches keyed on the canonical request, and the pool sends requests about one
function to the worker that has it (``workers.WorkerPool``). ``misses()`` lets the worker say
whether a request was answered from memory (the ``Server-Timing`` header).

Example:
    >>> @memoized(8)
    ... def square(x):
    ...     return x * x
    >>> before = misses(); square(3), square(3), misses() - before
    (9, 9, 1)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def memoized(maxsize: int) -> Callable[[F], F]:
    """An LRU cache of ``maxsize`` answers (exceptions are not kept), counted by ``misses``."""

    def wrap(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def misses() -> int:
    """How many answers every cache in this process has had to compute so far."""
    return sum(cache.cache_info().misses for cache in _CACHES)
