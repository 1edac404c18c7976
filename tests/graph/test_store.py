"""Loading into the real Neo4j: round trip, idempotence, replacement, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j.exceptions import ConstraintError

from tierscope.graph.errors import BundleError, IncompleteLoad, NoEcosystem
from tierscope.graph.projection import read_projection, to_records
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle, read_valid_bundle

DUMP_NODES = (
    "MATCH (n) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props ORDER BY eid"
)
DUMP_RELS = (
    "MATCH (a)-[r]->(b) RETURN elementId(r) AS eid, type(r) AS type, elementId(a) AS a, "
    "elementId(b) AS b, properties(r) AS props ORDER BY eid"
)


def dump(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Everything in the database, internal ids included: equal dumps mean nothing changed."""
    with store._driver.session(database=store.settings.database) as s:
        nodes = [r.data() for r in s.run(DUMP_NODES)]
        rels = [r.data() for r in s.run(DUMP_RELS)]
    for n in nodes:  # the state node records when the load happened; it is not data
        if "TierscopeState" in n["labels"]:
            n["props"].pop("loaded_at", None)
    return nodes, rels


def test_round_trip_bundle_to_neo4j_to_projection_to_bundle(store: Store, tiny: Path) -> None:
    records, _ = read_valid_bundle(tiny)
    load_bundle(tiny, store)
    back = to_records(read_projection(store))
    assert back.canonical() == records.canonical()


def test_round_trip_of_the_demo_ecosystem(store: Store, demo_copy: Path) -> None:
    records, _ = read_valid_bundle(demo_copy)
    load_bundle(demo_copy, store)
    assert to_records(read_projection(store)).canonical() == records.canonical()


def test_projection_carries_properties_tiers_and_relationships(store: Store, tiny: Path) -> None:
    load_bundle(tiny, store)
    g = read_projection(store)
    assert g.nodes["Company", "S1"]["name"] == "Shenzhen 华芯"
    assert g.nodes["Company", "S1"]["annual_spend"] == 1000.5
    assert {c: g.nodes["Company", c].get("tier") for c in ["F", "S1", "S2", "T", "L", "G"]} == {
        "F": 0,
        "S1": 1,
        "S2": 1,
        "T": 2,
        "L": None,
        "G": None,
    }
    types = sorted({k[0] for _, _, k in g.edges(keys=True)})
    assert types == [
        "CONTACT_FOR",
        "DEPENDS_ON",
        "KPI_OF",
        "OPERATES",
        "PART_OF",
        "REQUIRES",
        "SPONSORS",
        "SUPPLIES",
        "WORKS_AT",
    ]
    supplies = [
        (u[1], v[1], d["item_id"], d.get("share"))
        for u, v, k, d in g.edges(keys=True, data=True)
        if k[0] == "SUPPLIES"
    ]
    assert sorted(supplies, key=str) == sorted(
        [
            ("S1", "F", "B", 0.6),
            ("S2", "F", "B", 0.4),
            ("T", "S1", "X", None),
            ("T", "S2", "X", None),
        ],
        key=str,
    )
    assert g.graph["focal_id"] == "F"


def test_loading_the_same_bundle_twice_changes_nothing(store: Store, tiny: Path) -> None:
    first = load_bundle(tiny, store)
    before = dump(store)
    second = load_bundle(tiny, store)
    assert second.snapshot == first.snapshot
    assert dump(store) == before


def test_a_changed_bundle_replaces_the_ecosystem(store: Store, tiny: Path, bundle_with) -> None:  # type: ignore[no-untyped-def]
    load_bundle(tiny, store)
    changed = bundle_with(
        companies=(tiny / "companies.csv")
        .read_text()
        .replace("T,Kaito Chemicals", "T,Kaito KK")
        .replace("L,LogiCo 🚚,service_provider,NL,,,\n", ""),
        dependencies=None,
        supplies="supplier_id,buyer_id,item_id\nS1,F,B\nT,S1,X\n",
        kpis=None,
    )
    records, _ = read_valid_bundle(changed)
    load_bundle(changed, store)
    assert to_records(read_projection(store)).canonical() == records.canonical()
    assert store.count("MATCH (c:Company {id: 'L'}) RETURN count(c) AS n") == 0
    assert store.count("MATCH (k:Kpi) RETURN count(k) AS n") == 0
    assert store.count("MATCH ()-[r:DEPENDS_ON]->() RETURN count(r) AS n") == 0
    # share was a column before and is gone now: the property goes with it
    assert (
        store.count("MATCH ()-[r:SUPPLIES]->() WHERE r.share IS NOT NULL RETURN count(r) AS n") == 0
    )
    assert (
        store.count("MATCH (c:Company {id: 'T'}) WHERE c.name = 'Kaito KK' RETURN count(c) AS n")
        == 1
    )


def test_a_bundle_with_any_error_writes_nothing(store: Store, tiny: Path, bundle_with) -> None:  # type: ignore[no-untyped-def]
    bad = bundle_with(supplies="supplier_id,buyer_id,item_id,share\nS1,F,B,1.5\n")
    with pytest.raises(BundleError):
        load_bundle(bad, store)
    assert dump(store) == ([], [])
    load_bundle(tiny, store)
    before = dump(store)
    with pytest.raises(BundleError):
        load_bundle(bad, store)
    assert dump(store) == before


def test_every_id_has_a_uniqueness_constraint(store: Store, tiny: Path) -> None:
    load_bundle(tiny, store)
    with store._driver.session(database=store.settings.database) as s:
        rows = [
            r.data()
            for r in s.run("SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties")
        ]
    unique = {
        (r["labelsOrTypes"][0], tuple(r["properties"]))
        for r in rows
        if r["type"].endswith("UNIQUENESS")
    }
    for label in ["Company", "Site", "Item", "Person", "Kpi"]:
        assert (label, ("id",)) in unique
    for rtype in ["SUPPLIES", "REQUIRES", "DEPENDS_ON", "SPONSORS", "CONTACT_FOR"]:
        assert (rtype, ("key",)) in unique
    with pytest.raises(ConstraintError), store._driver.session() as s:
        s.run("CREATE (:Company {id: 'S1'})").consume()


def test_reading_an_empty_database_says_what_to_do(store: Store) -> None:
    with pytest.raises(NoEcosystem, match="load one with `tierscope load PATH`"):
        read_projection(store)


def test_an_unfinished_load_is_refused_until_repeated(store: Store, tiny: Path) -> None:
    records, snapshot = read_valid_bundle(tiny)

    class Stop(Exception):
        pass

    def stop_after_first_batch(_: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        store.load(records, snapshot, progress=stop_after_first_batch)
    assert store.state().status == "loading"
    with pytest.raises(IncompleteLoad, match="did not finish"):
        read_projection(store)
    store.load(records, snapshot)
    assert to_records(read_projection(store)).canonical() == records.canonical()
