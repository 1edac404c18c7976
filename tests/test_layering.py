"""Who may import whom (STYLE.md): graph imports nothing of ours; loaders and viz only graph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ALLOWED = {
    "graph": {"graph"},
    "loaders": {"graph", "loaders"},
    "viz": {"graph", "viz"},
    "api": {"graph", "viz", "loaders", "api"},
}
OURS = {"graph", "loaders", "viz", "api", "cli"}


def imported_packages(path: Path) -> set[str]:
    """The tierscope sub-packages a module imports (tierscope.X -> X)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "tierscope" and len(parts) > 1 and parts[1] in OURS:
                found.add(parts[1])
            if parts[0] in OURS:
                found.add("TOP-LEVEL " + parts[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    bad = {}
    for path in sorted((REPO / package).rglob("*.py")):
        wrong = imported_packages(path) - ALLOWED[package]
        if wrong:
            bad[str(path.relative_to(REPO))] = sorted(wrong)
    assert bad == {}


def test_graph_uses_no_web_or_ui_library() -> None:
    for path in (REPO / "graph").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for lib in ("fastapi", "pyvis", "typer", "rich"):
            assert f"import {lib}" not in text and f"from {lib}" not in text, (path, lib)


def test_nothing_installs_a_top_level_graph_or_api_module() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = config["tool"]["setuptools"]["packages"]
    assert all(p == "tierscope" or p.startswith("tierscope.") for p in packages)


def test_the_analyses_are_pure_functions_of_the_projection() -> None:
    """graph/analysis never reaches the database: no neo4j, no store, no Cypher."""
    for path in (REPO / "graph" / "analysis").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("neo4j"), (path, name)
                assert name not in ("tierscope.graph.store", "tierscope.graph.cypher"), (
                    path,
                    name,
                )
