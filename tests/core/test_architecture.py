"""The house's shape (docs/architecture.md), checked from the source: imports
point one way, from the floors above to the floors below, with no circle in
core/ or dashboard/ (counting imports inside functions too); every file can
be read at a sitting; DuckDB is used through its package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "dashboard")
MAX_LINES = 600

# Lower floors never import higher ones (a module of a floor may import its
# own floor and those below it). The leaves (core.filters, fmt, columns,
# users) import no other module of core.
FLOORS = [
    ("core.rules",),
    ("core.data",),
    ("core.views",),
    ("core.export",),
    ("core.cli", "dashboard"),
]
LEAVES = ("core.filters", "core.fmt", "core.columns", "core.users")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


SOURCES = _sources()


def _imports(name: str, path: Path) -> set[str]:
    """The modules of core/ and dashboard/ that ``name`` imports, wherever
    in the file (an import inside a function counts too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from core.data import facts` imports the module core.data.facts,
            # `from core.filters import Filters` the module core.filters.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in SOURCES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in SOURCES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in SOURCES.items()}


def _floor(name: str) -> int | None:
    for level, prefixes in enumerate(FLOORS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return level
    return None


def test_the_graph_is_read() -> None:
    assert "core.data.facts" in GRAPH["core.views"]
    assert "core.rules.allocation" in GRAPH["core.data.facts.money"]
    assert "core.views" in GRAPH["dashboard.components"]


def test_no_import_circle() -> None:
    """Depth-first search for a path back to where it started."""
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                cycle = [*path[path.index(target) :], target] if target in path else [name, target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


def test_imports_point_down_the_floors() -> None:
    wrong = []
    for name, targets in GRAPH.items():
        here = _floor(name)
        for target in targets:
            there = _floor(target)
            if here is not None and there is not None and there > here:
                wrong.append(f"{name} -> {target}")
            if name.startswith("core") and target.startswith("dashboard"):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_leaves_import_no_other_module_of_core() -> None:
    assert {name: GRAPH[name] for name in LEAVES if GRAPH[name]} == {}


def test_every_file_can_be_read_at_a_sitting() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in SOURCES.items()
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_duckdb_through_its_package_and_a_normal_exit() -> None:
    for name, path in SOURCES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name != "_duckdb" for a in node.names), name
            if isinstance(node, ast.ImportFrom):
                assert node.module != "_duckdb", name
            if isinstance(node, ast.Attribute) and node.attr == "_exit":
                pytest.fail(f"{name} ends the process with os._exit")
