"""The results kept in Neo4j: read back with plain Cypher, they are the analysis.

A bundle is loaded and analysed, the analysis stored (graph/stored.py), and the
stored results are read back two ways: with plain Cypher through the official
driver, as an analyst in Neo4j Browser would (the queries of docs/results.md),
and through tierscope's own reader. Both must equal ``analyze(projection)``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from tierscope.graph.analysis.codec import same
from tierscope.graph.analysis.run import Analysis, analyze, index
from tierscope.graph.mirror import MIRRORED_EXPOSURE
from tierscope.graph.projection import read_projection
from tierscope.graph.store import Store
from tierscope.graph.stored import current_run, read_analysis, read_register
from tierscope.graph.storing import write_results
from tierscope.loaders.bundle import demo_bundle_path, load_bundle
from tierscope.loaders.generator import generate

CURRENT = "MATCH (s:Summary {current: true}) "


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(1500, 11, tmp_path_factory.mktemp("stored") / "gen").path


def load_and_store(store: Store, path: Path) -> Analysis:
    load_bundle(path, store)
    a = analyze(index(read_projection(store)))
    write_results(store, a)
    return a


def rows(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    with store.session() as session:
        return [r.data() for r in session.run(query, params)]


def country_peaks(a: Analysis) -> dict[tuple[str, str], tuple[float, int]]:
    """(product, country) -> (largest share of one item from there, items with a share)."""
    out: dict[tuple[str, str], tuple[float, int]] = {}
    for e in a.concentration.country_exposure:
        share, items = out.get((e.product_id, e.country), (0.0, 0))
        out[(e.product_id, e.country)] = (max(share, e.share), items + 1)
    return out


def close(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        x, y = float(a or 0.0), float(b or 0.0)  # type: ignore[arg-type]
        return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("bundle", ["demo", "generated"])
def test_plain_cypher_reads_back_the_analysis(bundle: str, store: Store, generated: Path) -> None:
    path = demo_bundle_path() if bundle == "demo" else generated
    a = load_and_store(store, path)

    spofs = rows(
        store,
        CURRENT + "MATCH (n)-[r:SINGLE_POINT_OF_FAILURE_FOR {run: s.run}]->(p:Item) "
        "RETURN coalesce(n.id, n.code) AS node, p.id AS product, r.snapshot AS snapshot",
    )
    assert {(r["product"], r["node"]) for r in spofs} == {
        (s.product_id, s.node_id) for s in [*a.single_points_of_failure, *a.country_outages]
    }
    assert len(spofs) == len(a.single_points_of_failure) + len(a.country_outages)
    assert {r["snapshot"] for r in spofs} <= {a.snapshot}

    hhi = rows(
        store,
        CURRENT + "MATCH (b:Company)-[x:BUYS {run: s.run}]->(i:Item) "
        "RETURN b.id AS buyer, i.id AS item, x.hhi AS hhi, x.country_hhi AS country_hhi, "
        "x.group_hhi AS group_hhi, x.suppliers AS suppliers, x.top_supplier AS top",
    )
    got = {(r["buyer"], r["item"]): r for r in hhi}
    expected = list(a.concentration.hhi)
    assert len(got) == len(expected) == len(hhi)
    for h in expected:
        r = got[(h.buyer_id, h.item_id)]
        assert (r["hhi"], r["country_hhi"], r["group_hhi"]) == (h.hhi, h.country_hhi, h.group_hhi)
        assert (r["suppliers"], r["top"]) == (h.suppliers, h.top_supplier)

    exposure = rows(
        store,
        CURRENT + "MATCH (c:Company)-[x:EXPOSURE {run: s.run}]->(p:Item) "
        "RETURN p.id AS product, c.id AS company, x.exposure AS exposure",
    )
    # the material exposures (at least half of the product's supply), every one
    material = {
        (e.product_id, e.company_id): e.exposure
        for e in a.concentration.exposure
        if e.exposure >= MIRRORED_EXPOSURE
    }
    assert material and len(material) < len(a.concentration.exposure)
    assert {(r["product"], r["company"]): r["exposure"] for r in exposure} == material
    countries = rows(
        store,
        CURRENT + "MATCH (c:Country)-[x:EXPOSURE {run: s.run}]->(p:Item) "
        "RETURN p.id AS product, c.code AS country, x.share AS share, x.items AS items",
    )
    assert {(r["product"], r["country"]): (r["share"], r["items"]) for r in countries} == (
        country_peaks(a)
    )

    findings = rows(
        store,
        CURRENT + "MATCH (f:Finding {run: s.run}) OPTIONAL MATCH (f)-[:ABOUT]->(x) "
        "RETURN f.rank AS rank, f.kind AS kind, f.severity AS severity, "
        "f.subject_id AS subject, f.sentence AS sentence, f.products AS products, "
        "f.revenue_at_stake AS stake, coalesce(x.id, x.code) AS about, "
        "COUNT { (f)-[:STOPS]->() } AS stops ORDER BY rank",
    )
    assert len(findings) == len(a.register)
    for r, f in zip(findings, a.register, strict=True):
        assert (r["rank"], r["kind"], r["severity"], r["subject"]) == (
            f.rank,
            f.kind,
            f.severity,
            f.subject_id,
        )
        assert r["sentence"] == f.sentence
        assert tuple(r["products"]) == f.products and r["stops"] == len(set(f.products))
        assert close(r["stake"], f.revenue_at_stake)
        assert r["about"] == f.subject_id

    summary = rows(store, CURRENT + "RETURN properties(s) AS s")[0]["s"]
    assert summary["snapshot"] == a.snapshot and summary["status"] == "complete"
    assert summary["findings"] == len(a.register)
    assert summary["single_points_of_failure"] == len(a.single_points_of_failure)
    assert summary["rows_exposure"] == len(a.concentration.exposure)
    assert summary["exposure_mirrored"] == len(material)


def test_tierscopes_reader_gets_the_same_analysis_back(store: Store, generated: Path) -> None:
    a = load_and_store(store, generated)
    run = current_run(store)
    assert run is not None and run.snapshot == a.snapshot
    assert same(read_analysis(store, run), a)
    top = read_register(store, run, 7)
    assert [f.__json__() for f in top] == [f.__json__() for f in a.register[:7]]


def test_a_new_run_replaces_the_old_one_whole(store: Store) -> None:
    a = load_and_store(store, demo_bundle_path())
    first = current_run(store)
    write_results(store, a)
    second = current_run(store)
    assert first is not None and second is not None and first.run != second.run
    left = rows(
        store,
        "MATCH (n) WHERE n.run IS NOT NULL AND n.run <> $run RETURN count(n) AS n",
        run=second.run,
    )
    assert left == [{"n": 0}]
    rels = rows(
        store,
        "MATCH ()-[r]->() WHERE r.run IS NOT NULL AND r.run <> $run RETURN count(r) AS n",
        run=second.run,
    )
    assert rels == [{"n": 0}]
    assert same(read_analysis(store, second), a)


def doc_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text()
    return [block.split("```", 1)[0] for block in text.split("```cypher\n")[1:]]


def test_the_documented_queries_answer_from_the_analysis(store: Store) -> None:
    a = load_and_store(store, demo_bundle_path())
    spof_q, unsponsored_q, country_q = doc_queries()

    got = rows(store, spof_q)
    assert {r["id"] for r in got} == {
        s.node_id
        for s in [*a.single_points_of_failure, *a.country_outages]
        if s.product_id == "P-NX400"
    }
    assert "TKS" in {r["id"] for r in got}
    stakes = [r["revenue_at_stake"] for r in got]
    assert stakes == sorted(stakes, reverse=True)

    ctx = a.context
    assert ctx is not None
    expected: dict[str, set[str]] = {}
    for s in a.single_points_of_failure:
        if s.node_type == "company" and not ctx.sponsors.get(s.node_id):
            expected.setdefault(s.node_id, set()).add(s.product_id)
    got = rows(store, unsponsored_q)
    assert {r["company"]: set(r["products"]) for r in got} == expected
    assert expected  # the demo plants unsponsored single points of failure

    got = rows(store, country_q)
    assert {r["country"]: (r["share"], r["items"]) for r in got} == {
        country: v for (product, country), v in country_peaks(a).items() if product == "P-NX400"
    }
    assert got and got[0]["share"] == max(r["share"] for r in got)
