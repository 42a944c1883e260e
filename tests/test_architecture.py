"""The house rules, read from the source: no import cycle, the library below its front ends.

Every ``import`` in ``src/gradwise`` counts, at module level or inside a function. The library
(everything but ``cli/``, ``web/``, ``plotting/`` and ``__main__``) never imports a front end,
except in a
display hook: a method named ``plot`` or ``_repr_*_`` may import ``gradwise.plotting`` or
``gradwise.notebook`` to draw itself. Those edges, and only those, are left out of the cycle
check. ``web/`` never imports ``cli/``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gradwise"
FRONT_ENDS = ("gradwise.cli", "gradwise.web", "gradwise.plotting", "gradwise.__main__")
HOOK_TARGETS = ("gradwise.plotting", "gradwise.notebook")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def resolve(name: str) -> str:
    """The module an import names: ``gradwise.x.y`` or its longest known prefix."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports(module: str) -> list[tuple[str, str | None]]:
    """(imported module, enclosing function or None) for every gradwise import in ``module``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) \
                else function
            if isinstance(child, ast.Import):
                found.extend((a.name, function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - child.level + 1]
                                    + ([child.module] if child.module else []))
                found.extend((f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base,
                              function) for a in child.names)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return [(resolve(name), function) for name, function in found
            if name.startswith("gradwise")]


def is_hook(function: str | None, target: str) -> bool:
    hook = function is not None and (function == "plot" or re.fullmatch(r"_repr_\w+_", function))
    return bool(hook) and target.startswith(HOOK_TARGETS)


def front_end(module: str) -> bool:
    return module.startswith(FRONT_ENDS)


GRAPH = {m: {t for t, function in imports(m) if t != m and not is_hook(function, t)}
         for m in MODULES}


def test_the_walk_sees_function_level_imports():
    # sanity: the walk finds a known lazy import and a known display hook
    assert "gradwise.critical.search" in GRAPH["gradwise.descent.trace"]  # Result.reached
    assert any(is_hook(f, t) for t, f in imports("gradwise.descent.trace"))  # Result.plot


def test_no_import_cycle():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            strong(module)
    assert cycles == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not front_end(m)))
def test_the_library_never_imports_a_front_end(module):
    assert sorted(t for t in GRAPH[module] if front_end(t)) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("gradwise.web")))
def test_the_web_never_imports_the_command_line(module):
    assert sorted(t for t, _ in imports(module) if t.startswith("gradwise.cli")) == []


def test_display_hooks_import_only_pictures_and_notebook_bodies():
    for module in MODULES:
        for target, function in imports(module):
            if function is not None and (function == "plot" or function.startswith("_repr_")):
                assert not front_end(target) or target.startswith(HOOK_TARGETS), (module,
                                                                                  target)


def string_pieces(path: Path) -> list[str]:
    """The text of every string constant in a module, f-strings' literal parts included."""
    return [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_error_messages_speak_one_dialect():
    """What was wrong; received …. Fix: … (the old 'got …; try …' dialect is gone)."""
    old = re.compile(r"[,;] got\b|; try\b")
    offenders = [(m, text) for m, path in MODULES.items() for text in string_pieces(path)
                 if old.search(text)]
    assert offenders == []


def test_one_whole_number_validator():
    pattern = re.compile(r"isinstance\(\w+, bool\) or not isinstance\(\w+, int")
    copies = [m for m, path in MODULES.items() if pattern.search(path.read_text("utf-8"))]
    assert copies == []  # gradwise.errors.whole_number is the one
