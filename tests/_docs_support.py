"""Runs the examples of a documentation page, in order, as a reader would type them.

A page's fenced blocks share one working folder and one Python namespace, like a notebook:

- ``pycon`` blocks are doctests: each ``>>>`` line runs and what it prints is compared
  (``...`` matches anything, as in doctest's ELLIPSIS);
- ``python`` blocks run as they are (they must not fail; they print nothing that is checked);
- ``console`` blocks are shell sessions: each ``$ command`` (a trailing ``\\`` continues it)
  runs, and the lines up to the next ``$`` are its output, compared the same way; a command
  shown without output lines must only succeed. A ``gradwise`` command runs in this process
  through Click's test runner (fast: no interpreter start-up); anything else, or a gradwise
  command in a pipeline, runs in bash with this environment's ``gradwise`` on the PATH. A
  command must exit 0, unless it ends in ``; echo $?``, which prints the exit code to compare.

A block is left out only where an HTML comment on the line before it says why:
``<!-- not run: needs a GPU -->``. Other fences (``bash`` for installing, ``text``, ``json``)
are not examples and are not run.
"""

from __future__ import annotations

import doctest
import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
NOT_RUN = re.compile(r"<!-- not run: (?P<reason>[^>]+) -->\s*$")
RUN = ("pycon", "python", "console")
ECHO_STATUS = "; echo $?"
CHECKER = doctest.OutputChecker()


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its language, text, first line and whether it runs."""

    page: Path
    line: int
    language: str
    body: str
    skip_reason: str | None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The page's fenced blocks, in order (indented ones too: admonitions, tabs)."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language = match["info"].strip().split(" ")[0].lstrip(".{")
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = NOT_RUN.search(before)
        body = "\n".join(line[len(match["indent"]):] for line in match["body"].splitlines())
        found.append(Block(page, text.count("\n", 0, match.start()) + 2, language, body,
                           skip["reason"] if skip else None))
    return found


def run_page(page: Path, namespace: dict[str, object]) -> int:
    """Run every block of the page that runs; the number run. Fails at the first mismatch."""
    ran = 0
    for block in blocks(page):
        if block.language not in RUN or block.skip_reason:
            continue
        {"pycon": run_doctest, "python": run_python, "console": run_console}[block.language](
            block, namespace)
        ran += 1
    return ran


def run_doctest(block: Block, namespace: dict[str, object]) -> None:
    test = doctest.DocTestParser().get_doctest(block.body, namespace, block.where,
                                               str(block.page), block.line - 1)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; the next block sees its names
    assert not runner.failures, f"{block.where}: an example's output differs\n{report.getvalue()}"


def run_python(block: Block, namespace: dict[str, object]) -> None:
    exec(compile(block.body, block.where, "exec"), namespace)  # noqa: S102 - our own docs


def run_console(block: Block, namespace: dict[str, object]) -> None:
    for command, expected in commands(block.body):
        output = run_command(command)
        if expected is None:
            continue
        assert matches(expected, output), (
            f"{block.where}: $ {command}\nexpected:\n{expected}\nreceived:\n{output}")


def commands(body: str) -> Iterator[tuple[str, str | None]]:
    """``(command, expected output or None)`` for each ``$`` line of a console block."""
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        assert lines[i].startswith("$ "), f"console line without '$ ': {lines[i]!r}"
        command = lines[i][2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + lines[i].strip()
        output = []
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        yield command, "\n".join(output) if output else None


def run_command(command: str) -> str:
    """What the command prints, stdout and stderr together (plus the exit code when asked);
    a command that is not asked for its exit code must succeed."""
    echo = command.endswith(ECHO_STATUS)
    line = command.removesuffix(ECHO_STATUS) if echo else command
    code, output = _in_process(line) if _plain_gradwise(line) else _in_bash(line)
    if echo:
        return output + f"{code}\n"
    assert code == 0, f"$ {command}\nexited {code}:\n{output}"
    return output


def matches(expected: str, output: str) -> bool:
    """doctest's comparison with ELLIPSIS, on lines stripped of trailing spaces."""
    want, got = (_tidy(text) for text in (expected, output))
    return CHECKER.check_output(want, got, doctest.ELLIPSIS)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"


def _plain_gradwise(line: str) -> bool:
    """A gradwise command with no pipe, redirection or second command."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.commenters = "#"
    words = list(lexer)
    return words[:1] == ["gradwise"] and not any(set(w) <= set("|&;<>()") for w in words)


def _in_process(line: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from gradwise.cli import main

    args = shlex.split(line, comments=True)[1:]
    result = CliRunner().invoke(main, args, prog_name="gradwise", catch_exceptions=False)
    return int(result.exit_code), result.output


def _in_bash(line: str) -> tuple[int, str]:
    bin_folder = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_folder + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run(["bash", "-c", line], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, timeout=300,
                          stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout
