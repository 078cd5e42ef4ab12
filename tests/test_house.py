"""The house as the README draws it: the module map is true, engines only translate, no import circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from support import REPO

PACKAGE = REPO / "src" / "locbrief"
#: Files that are plumbing, not modules a reader looks for.
PLUMBING = {"__init__.py", "__main__.py"}


def modules() -> set[str]:
    """Every module file under src/locbrief/, as the README names it (``translate/segment.py``)."""
    return {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name not in PLUMBING and "__pycache__" not in path.parts
    }


def readme_map() -> set[str]:
    """The modules the README's "How it works" tables name (a folder entry names its files)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set()
    for row in re.findall(r"^\| `([\w/]+(?:\.py|/))` \|(.*)$", section, re.M):
        path, rest = row
        if path.endswith("/"):
            named.update(path + name for name in re.findall(r"`(\w+\.py)`", rest))
        else:
            named.add(path)
    return named


def test_every_module_the_readme_names_exists_and_every_module_is_named():
    on_disk, in_readme = modules(), readme_map()
    assert not in_readme - on_disk, "the README names modules that do not exist"
    assert not on_disk - in_readme, "modules missing from the README's map"


def test_the_top_holds_only_the_shared_ground():
    top = [p.name for p in PACKAGE.glob("*.py") if p.name not in PLUMBING]
    assert len(top) <= 10, top
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} == {
        "read",
        "translate",
        "catalog",
        "publish",
        "review",
    }


def module_name(path: Path) -> str:
    parts = ["locbrief", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The locbrief modules a file imports when it runs (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("locbrief"):
            base = node.module
            for alias in node.names:  # `from locbrief.publish import page` imports a module
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in ALL else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("locbrief"))
    return found & ALL


ALL = {module_name(p) for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
GRAPH = {module_name(p): set() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
for _path in PACKAGE.rglob("*.py"):
    if "__pycache__" not in _path.parts:
        GRAPH[module_name(_path)] = runtime_imports(_path) - {module_name(_path)}


def _package_of(name: str) -> str:
    return name.rsplit(".", 1)[0]


def reach(start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_circle():
    """A module's imports, lazy ones included, never lead back to it. A package's __init__ that
    looks its own modules up by name (the engine registry) is how a package opens, not a circle."""
    circles = {}
    for name in GRAPH:
        circle = {m for m in reach(name) if name in reach(m)}
        if circle and not any(all(m.startswith(p) for m in circle) for p in circle):
            circles[name] = sorted(circle)
    assert not circles


@pytest.mark.parametrize(
    "engine", sorted(n for n in GRAPH if n.startswith("locbrief.translate.engines"))
)
def test_engines_only_translate(engine):
    """An engine imports engines and the shared ground, never a stage (suggest, chain, memory…)."""
    shared = {n for n in GRAPH if n.count(".") == 1}
    above = (
        GRAPH[engine] - shared - {n for n in GRAPH if n.startswith("locbrief.translate.engines")}
    )
    assert not above, f"{engine} imports {sorted(above)}"
