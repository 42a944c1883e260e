"""Where generated numba source lives, so that numba's ``cache=True`` works across processes;
and whether a module's compiled kernels are ready.

numba keeps a function's machine code beside the file that defines it, keyed by that file,
so a generated kernel must be a real file with a stable name: the hash of its own text.
This module writes such files (atomically) and imports them; it does not import numba, so
a caller can ask whether a kernel is on disk without paying for numba's import.

A fixed module of kernels (``numeric._numba_intervals``) takes seconds to compile the first
time on a machine: :func:`compiled_ready` says whether it may be used now, and starts its
compilation in a separate process when it may not, so that no call waits for it (the
critical points' budget is the budget) and the next calls are fast.
"""

from __future__ import annotations

import functools
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


# -- compiled modules: ready, or being compiled in the background ----------------------------

POLICIES = ("background", "now", "never")


def compile_policy() -> str:
    """``$GRADWISE_COMPILE``: ``background`` (the default: a module's kernels are compiled
    once, by a separate process, while this one uses its NumPy twin), ``now`` (compile in
    this process at first use: seconds, once per machine) or ``never`` (NumPy only).

    Raises:
        InputError: any other value (a typo would otherwise pass for the default).
    """
    given = os.environ.get("GRADWISE_COMPILE", "background")
    policy = given.strip().lower()
    if policy not in POLICIES:
        from gradwise.errors import InputError, problem

        raise InputError(problem("the environment variable GRADWISE_COMPILE must be one of "
                                 + ", ".join(POLICIES), received=given,
                                 fix="unset it, or set it to one of those"))
    return policy


@functools.lru_cache(maxsize=8)
def _marker(module: str) -> Path:
    """The file that says ``module``'s kernels are in numba's cache: named by the hash of
    the module's source, its path and numba's version, so an edit, another install (numba
    caches beside the file) or an upgrade means compiling anew."""
    from importlib.metadata import PackageNotFoundError, version

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    try:
        numba_version = version("numba")
    except PackageNotFoundError:
        numba_version = "none"
    text = Path(spec.origin).read_text(encoding="utf-8") + spec.origin + numba_version
    return cache_dir() / f"{stem(module.rsplit('.', 1)[-1], text)}.ready"


_ready: dict[str, bool] = {}


def compiled_ready(module: str, warmer: str) -> bool:
    """Whether ``module``'s compiled kernels may be used now (see :func:`compile_policy`).

    Under ``background``, the first call that finds them not compiled starts a detached
    process that runs ``<warmer>.warm()`` (which compiles them into numba's cache and calls
    :func:`mark_compiled`), at most once every ten minutes, and answers False until then.
    """
    if _ready.get(module):
        return True
    policy = compile_policy()
    if policy == "never":
        return False
    marker = _marker(module)
    if policy == "now" or marker.exists():
        _ready[module] = True
        return True
    if module not in _ready:
        _ready[module] = False
        _start_compiling(warmer, marker.with_suffix(".started"))
    return False


def _start_compiling(warmer: str, lock: Path) -> None:
    import subprocess
    import time

    try:
        if lock.exists() and time.time() - lock.stat().st_mtime < 600:
            return  # another process is compiling (or failed within ten minutes)
        lock.touch()
        # imported, not run as __main__: numba keys its cache by the module's own name
        subprocess.Popen([sys.executable, "-c", f"import {warmer} as m; m.warm()"],
                         stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, env={**os.environ, "NUMBA_NUM_THREADS": "1"})
    except OSError:  # no process to start, a read-only cache: NumPy it is
        pass


def mark_compiled(module: str) -> None:
    """Write the marker of :func:`compiled_ready` (called by the module once compiled)."""
    marker = _marker(module)
    tmp = marker.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("compiled\n", encoding="utf-8")
    os.replace(tmp, marker)
    _ready[module] = True
