"""Where generated numba source lives, so that numba's ``cache=True`` works across processes.

numba keeps a function's machine code beside the file that defines it, keyed by that file,
so a generated kernel must be a real file with a stable name: the hash of its own text.
This module writes such files (atomically) and imports them; it does not import numba, so
a caller can ask whether a kernel is on disk without paying for numba's import.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType


def cache_dir() -> Path:
    """``$GRADWISE_CACHE_DIR``, else ``~/.cache/gradwise/kernels`` (a temporary folder if
    neither can be created)."""
    explicit = os.environ.get("GRADWISE_CACHE_DIR")
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = Path(explicit) if explicit else root / "gradwise" / "kernels"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:  # read-only home: still compile, only without the cross-process cache
        return Path(tempfile.mkdtemp(prefix="gradwise-kernels-"))


def stem(prefix: str, source: str) -> str:
    """The module name for ``source``: same text, same name."""
    return f"{prefix}_{hashlib.sha256(source.encode()).hexdigest()[:20]}"


def write(source: str, name: str) -> Path:
    """``source`` as ``<cache_dir>/<name>.py``, written once."""
    path = cache_dir() / f"{name}.py"
    if not path.exists():  # same name, same text: the name is the hash of the source
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source, encoding="utf-8")
        os.replace(tmp, path)  # atomic, so a concurrent process never imports half a file
    return path


def import_file(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as the module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba's cache re-imports a kernel's module by name
    spec.loader.exec_module(module)
    return module
