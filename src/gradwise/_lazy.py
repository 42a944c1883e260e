"""Lazy re-exports (PEP 562): a package's public names load from their modules on first use.

``import gradwise`` and the CLI start fast because no public name is imported until it is
used; ``gradwise.critical``, ``gradwise.neuron`` and ``gradwise.plotting`` re-export theirs
the same way.

Example:
    >>> namespace = {"__name__": "demo"}
    >>> getattr_, dir_ = lazy_exports(namespace, {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0), "sqrt" in namespace, dir_()
    (3.0, True, ['__name__', 'sqrt'])
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(namespace: dict[str, Any], exports: Mapping[str, str],
                 check: Callable[[str], None] | None = None,
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for its lazily loaded public names.

    Args:
        namespace: the package's ``globals()``: a name, once loaded, is kept there, so later
            uses are plain lookups.
        exports: each public name -> the module that defines it.
        check: called with the module before it is imported (an optional dependency that is
            missing is said with what to install).

    Returns:
        ``(__getattr__, __dir__)``, to assign at the package's top level.
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if check is not None:
            check(module)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
