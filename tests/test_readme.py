"""The README's quick start and CI stay in step."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_is_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("gradwise tour")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r'readme_test_command="(.*)"', ci)
    assert match and match.group(1) == quick_start_commands()[1]


ARCHITECTURE = ROOT / "docs" / "explanation" / "architecture.md"


def test_the_readme_points_to_the_architecture():
    """The README keeps its architecture section: the layers in brief and a link to the tree."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    assert "docs/explanation/architecture.md" in section


def test_the_readme_tree_names_every_top_level_entry_of_the_package():
    """The README's architecture section is a tree of the package's folders and top-level
    modules, one line each (several names may share a line); none is missing or stale."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text", 1)[1].split("```", 1)[0]
    named = set(re.findall(r"(?<![\w./])(_?\w+\.py|\w+/)(?=[\s,;]|$)", block)) - {"gradwise/"}
    package = ROOT / "src" / "gradwise"
    entries = {p.name + "/" for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    entries |= {p.name for p in package.glob("*.py")}
    assert named == entries


def architecture_tree():
    """The paths the architecture page's tree names under src/gradwise/, folders ending in /
    (the tree moved from the README to the docs site's architecture page, issue 17)."""
    page = ARCHITECTURE.read_text(encoding="utf-8")
    block = page.split("```text", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert lines[0].startswith("src/gradwise/")
    paths, folders = set(), []
    for line in lines[1:]:
        if not line.startswith(("├", "└", "│", " ")):
            break  # tests/, benchmarks/: outside the package
        name = line.lstrip("│├└─ ").split()[0]
        depth = (len(line) - len(line.lstrip("│├└─ "))) // 4 - 1
        del folders[depth:]
        paths.add("".join(folders) + name)
        if name.endswith("/"):
            folders.append(name)
    return paths


def test_architecture_tree_is_the_package():
    """Every module and folder of src/gradwise has its line in the tree, and no line is stale."""
    package = ROOT / "src" / "gradwise"
    actual = set()
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if relative.startswith(("cli/", "web/")):  # thin front ends: one line for the folder
            actual.add(relative.split("/")[0] + "/")
            continue
        parts = relative.split("/")
        actual |= {"/".join(parts[:i]) + "/" for i in range(1, len(parts))}
        if parts[-1] != "__init__.py" or len(parts) == 1:
            actual.add(relative)
    assert architecture_tree() == actual


def test_the_readme_examples_run(tmp_path, monkeypatch):
    """The front page's examples run as the docs' do, outputs compared (the quick start's
    bash block is not run here: CI runs it)."""
    from _docs_support import RUN, blocks, run_page

    monkeypatch.chdir(tmp_path)
    readme = ROOT / "README.md"
    assert run_page(readme, {"__name__": "__readme__"}) == 3
    assert [b.language for b in blocks(readme) if b.language in RUN] == [
        "console", "console", "pycon"]


def test_the_readme_fits_on_two_screens():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 120


def test_the_readme_links_into_the_site():
    """Every relative link and picture of the front page names a file that exists, and the
    links reach into the site (at least 30 of its pages)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", readme)
    assert len(targets) > 30
    for target in targets:
        assert (ROOT / target).is_file(), target
    assert sum(t.startswith("docs/") and t.endswith(".md") for t in targets) >= 30
