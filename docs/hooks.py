"""MkDocs hooks: the parts of pages that are generated from the code, so they cannot drift.

A page asks for one with a line of its own, ``<!-- gradwise: NAME [ARGUMENT] -->``; the build
replaces the line with the markdown that ``GENERATORS[NAME](ARGUMENT)`` returns. An unknown
name, or a generator that fails, fails the build (``mkdocs build --strict``).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import griffe

MARKER = re.compile(r"^<!-- gradwise: ([a-z-]+)(?: (\S+))? -->$", re.MULTILINE)
EXAMPLE = re.compile(r"^(\s*)Example:$", re.MULTILINE)
ROLE = re.compile(r":(?:func|class|mod|data|meth|attr|exc):`~?([^`]+)`")


class ExampleSections(griffe.Extension):
    """Docstrings as gradwise writes them, read as Markdown: Griffe takes Google's
    ``Examples:`` for examples (doctest blocks shown as code) but ``Example:``, gradwise's
    spelling, for an admonition of text, so both are read alike; and a Sphinx role such as
    ``:func:`gradwise.train``` is shown as the code it names."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            text = EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = ROLE.sub(r"`\1`", text)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs' hook: expand every marker of the page."""
    return MARKER.sub(lambda m: GENERATORS[m[1]](m[2]), markdown)


def grammar(_: str | None) -> str:
    """The grammar, as the parser's docstring writes it (the parser mirrors it rule by rule)."""
    from gradwise.language import _parser

    doc = _parser.__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\n\n", 3)
    rules = "\n\n".join(block[:2])
    return "```text\n" + inspect.cleandoc(rules) + "\n```"


def functions(_: str | None) -> str:
    """Every function name the parser knows, each with its derivative as gradwise writes it."""
    import gradwise
    from gradwise.language._builder import FUNCTION_NAMES

    rows = ["| name | f(x) | df/dx |", "| --- | --- | --- |"]
    for name in FUNCTION_NAMES:
        text = f"{name}(x, 2)" if name == "log" else f"{name}(x)"
        g = gradwise.gradient(text)
        rows.append(f"| `{name}` | {_cell(g.function.expr)} | {_cell(g.components[0])} |")
    return "\n".join(rows)


def constants(_: str | None) -> str:
    """The names that are constants, not variables."""
    import gradwise
    from gradwise.language._builder import CONSTANT_NAMES

    rows = ["| name | value |", "| --- | --- |"]
    for name in CONSTANT_NAMES:
        value = gradwise.parse(f"1 {name}" if name == "deg" else name).expr
        rows.append(f"| `{name}` | {_cell(value)} ≈ {float(value):.6g} |")
    return "\n".join(rows)


def limits(_: str | None) -> str:
    """``gradwise.Limits``: each bound, its default and what it counts."""
    from gradwise import Limits

    meaning = _attributes(Limits.__doc__ or "")
    rows = ["| limit | default | what it bounds |", "| --- | --- | --- |"]
    rows += [f"| `{f.name}` | {f.default:,} | {_cell(meaning[f.name])} |" for f in fields(Limits)]
    return "\n".join(rows)


def findings(_: str | None) -> str:
    """Every finding code: what it means and how its check detects it."""
    from gradwise.descent import diagnostics

    rows = ["| code | what it means | how it is detected |", "| --- | --- | --- |"]
    for code, meaning in diagnostics.CODES.items():
        check = getattr(diagnostics, code)
        how = " ".join(inspect.getdoc(check).split("\n\n")[0].split())
        rows.append(f"| `{code}` | {_cell(meaning)} | {_cell(how)} |")
    return "\n".join(rows)


def statuses(_: str | None) -> str:
    """Why a run stops: the statuses, in the order the stopping rules check them."""
    from gradwise.descent.trace import STATUS_MESSAGES

    rows = ["| status | meaning |", "| --- | --- |"]
    rows += [f"| `{status}` | {_cell(text)} |" for status, text in STATUS_MESSAGES.items()]
    return "\n".join(rows)


def schema(name: str | None) -> str:
    """One JSON document's schema: a table of its keys, then the schema itself, folded."""
    from gradwise.schemas import schema as load

    document = load(str(name))
    rows = ["| key | type | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{path}` | {kind} | {text} |" for path, kind, text in _keys(document)]
    source = json.dumps(document, ensure_ascii=False, indent=2)
    return ("\n".join(rows) + f'\n\n??? note "The schema: `{name}.json`"\n\n'
            + "    ```json\n" + _indent(source, "    ") + "\n    ```\n")


def endpoints(_: str | None) -> str:
    """Every ``POST /api/...``: what it answers and its fields, from the table the server
    checks requests against."""
    from gradwise.web.schema import ENDPOINTS, FIELDS

    parts = []
    for name, endpoint in ENDPOINTS.items():
        rows = [f"### `POST /api/{name}`", "", endpoint.summary, "",
                "| field | type | required | meaning |", "| --- | --- | --- | --- |"]
        for key in endpoint.required + endpoint.optional:
            field = FIELDS[key]
            kind = field.kind + (f" (one of {', '.join(field.choices)})" if field.choices else "")
            required = "yes" if key in endpoint.required else ""
            rows.append(f"| `{key}` | {kind} | {required} | {_cell(field.description)} |")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


API_PAGES = {"calculus": ("language", "calculus"), "critical": ("critical",),
             "descent": ("descent",), "neuron": ("neuron",), "errors": ("errors",),
             "plotting": ("plotting",)}
"""Which concepts (folders of ``src/gradwise``) each page of the Python reference holds."""

OPTIMIZERS = [f"gradwise.descent.optimizers.{name}"
              for name in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")]
"""Shown on the descent page after the public names: what ``method="adam"`` runs."""


def api(page: str | None) -> str:
    """The reference of every public name whose home is one of the page's concepts: each
    ``gradwise.__all__`` and ``gradwise.plotting.__all__`` name on exactly one page."""
    concepts = API_PAGES[str(page)]
    blocks = [f"::: {path}" for path in public_paths()
              if path.split(".")[1] in concepts]
    if not blocks:
        raise ValueError(f"no public name lives in {concepts}")
    if page == "descent":
        blocks += ["## The optimizers", "`method=` names one of these (their hyper-parameters "
                   "are keyword arguments of `minimize`)."]
        blocks += [f"::: {path}\n    options:\n      heading_level: 3" for path in OPTIMIZERS]
    return "\n\n".join(blocks)


def public_paths() -> list[str]:
    """Where each public name is defined (``gradwise.calculus.gradients.gradient``), the
    functions before the classes, each group in the order of ``__all__``."""
    import gradwise
    import gradwise.plotting

    names = [(gradwise, n) for n in gradwise.__all__]
    names += [(gradwise.plotting, n) for n in gradwise.plotting.__all__]
    paths = [(inspect.isclass(getattr(m, n)), f"{_home(m, n)}.{n}") for m, n in names]
    return [path for _, path in sorted(paths, key=lambda pair: pair[0])]


def _home(package: Any, name: str) -> str:
    """The module that defines ``package.name`` (for a constant: the submodule holding it)."""
    import sys

    value = getattr(package, name)
    if callable(value):
        return value.__module__
    assigned = re.compile(rf"^{name}\b[^=\n]*=", re.MULTILINE)
    return next(m for m, module in sorted(sys.modules.items())
                if m.startswith(package.__name__ + ".") and vars(module).get(name) is value
                and assigned.search(inspect.getsource(module)))


def _keys(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, str, str]]:
    """(path, type, description) for each property, depth first; ``[]`` marks array items."""
    out = []
    required = set(schema.get("required", ()))
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        note = "" if key in required else " (optional)"
        out.append((path, _type(sub) + note, _cell(sub.get("description", ""))))
        out += _keys(_items(sub), path + "[]." if _items(sub) is not sub else path + ".")
    return out


def _items(schema: dict[str, Any]) -> dict[str, Any]:
    """An array's item schema (an object's own schema otherwise)."""
    return schema.get("items", schema) if schema.get("type") == "array" else schema


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "any")
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    return " or ".join(kind) if isinstance(kind, list) else kind


def _attributes(doc: str) -> dict[str, str]:
    """A Google docstring's ``Attributes:`` section as {name: text}."""
    section = doc.split("Attributes:", 1)[1]
    return dict(re.findall(r"^\s+(\w+): (.+)$", section, re.MULTILINE))


def _cell(value: object) -> str:
    """Text safe inside a markdown table cell."""
    from gradwise.language.notation import show

    text = value if isinstance(value, str) else show(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


GENERATORS: dict[str, Callable[[str | None], str]] = {
    "grammar": grammar, "functions": functions, "constants": constants, "limits": limits,
    "findings": findings, "statuses": statuses, "schema": schema, "endpoints": endpoints,
    "api": api,
}
