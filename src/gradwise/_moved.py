"""Old module paths, kept importable while users move to the new ones. To be removed in 0.3.

Before 0.2 every module sat at the top of the package (``gradwise.expressions``,
``gradwise.kernel``, ...). Each now lives in the folder of its concept; importing an old
path gives the very same module object as the new one, with a ``DeprecationWarning``
naming the new path. (``gradwise.calculus``, ``gradwise.critical`` and ``gradwise.neuron``
are packages now and re-export what their modules did, so they need no entry here.)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED = {
    "gradwise.expressions": "gradwise.language.expressions",
    "gradwise.functions": "gradwise.language.functions",
    "gradwise.notation": "gradwise.language.notation",
    "gradwise.compile": "gradwise.numeric.kernels",  # descent_loop: gradwise.descent.compiled
    "gradwise.second_derivative": "gradwise.critical.classify",
    "gradwise.global_extrema": "gradwise.critical.extrema",
    "gradwise.derivation": "gradwise.neuron.derivation",
    "gradwise.kernel": "gradwise.neuron.kernel",
    "gradwise.training": "gradwise.neuron.training",
    "gradwise.scaling": "gradwise.neuron.scaling",
    "gradwise.saturation": "gradwise.neuron.saturation",
    "gradwise.model": "gradwise.neuron.model",
    "gradwise.engines": "gradwise.neuron.api",
    "gradwise.data": "gradwise.neuron.data",
    "gradwise.stream": "gradwise.neuron.engines.local",
    "gradwise.distributed": "gradwise.neuron.engines.dask",
}
"""Old path -> new path (marked for removal in 0.3)."""


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and loads it as the module at its new path."""

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED[spec.name]
        warnings.warn(f"{spec.name} has moved to {new}; the old path will be removed in "
                      f"gradwise 0.3. Fix: import {new}", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """The module is already loaded at its new path."""


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
