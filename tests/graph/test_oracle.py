"""The brute-force oracle stands on its own: it imports nothing of the analyses it
checks, and it agrees with the word-for-word sweeps of ``randomnets.naive_available``."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from randomnets import COUNTRIES, naive_available, networks

from tierscope.graph.analysis import oracle
from tierscope.graph.projection import Projection

ORACLE = Path(oracle.__file__).resolve()


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    package = "tierscope.graph.analysis"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                found.add(module)
                found.update(f"{module}.{a.name}" for a in node.names)
            else:
                assert node.module is not None
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            found.add(ast.unparse(node))  # a dynamic import: named, so the check sees it
    return found


def test_the_oracle_imports_nothing_from_the_analyses() -> None:
    modules = imported_modules(ORACLE)
    analyses = sorted(
        m for m in modules if m.startswith(("tierscope.graph.analysis", "graph.analysis"))
    )
    assert analyses == []
    assert not any(m.startswith("importlib") or "__import__" in m for m in modules)
    # what it does import: the projection's type, the standard library
    assert modules >= {"tierscope.graph.projection"}


def test_the_import_check_sees_an_import_of_the_analyses(tmp_path: Path) -> None:
    for line in (
        "from tierscope.graph.analysis.availability import evaluate",
        "from .availability import SupplyModel",
        "from . import availability",
        "import tierscope.graph.analysis.spof",
    ):
        probe = tmp_path / "probe.py"
        probe.write_text(line + "\n", encoding="utf-8")
        assert any(m.startswith("tierscope.graph.analysis") for m in imported_modules(probe)), line


@settings(max_examples=1500, deadline=None)
@given(g=networks(), data=st.data())
def test_the_oracle_agrees_with_the_naive_sweeps(g: Projection, data: st.DataObject) -> None:
    companies = sorted(n[1] for n in g if n[0] == "Company" and n[1] != "F")
    sites = sorted(n[1] for n in g if n[0] == "Site")
    failed_c = data.draw(st.sets(st.sampled_from(companies)) if companies else st.just(set()))
    failed_s = data.draw(st.sets(st.sampled_from(sites)) if sites else st.just(set()))
    failed_cc = data.draw(st.sets(st.sampled_from(COUNTRIES), max_size=1))
    assert oracle.brute_force_available_products(g, failed_c, failed_s, failed_cc) == (
        naive_available(g, failed_c, failed_s, failed_cc)
    )
