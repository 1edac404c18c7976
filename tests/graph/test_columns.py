"""The columnar read (graph/columns.py) against the record-by-record read it replaced
and against the bundle's own rows, on the demo and on a generated bundle, with chunks
small enough that every table spans several.

The record-by-record read's row order was the store's: node and relationship numbers
(reused after deletes, as between these tests) or, where the planner expanded each
node (it does on larger graphs, and for SUPPLIES on the demo), each node's
relationships newest first; which supplier a sentence names first followed it. The
columnar read gives rows in id (key) order, whatever the storage: its context and its
whole analysis equal, order included, those of the projection built from the bundle's
rows sorted so. Against the record-by-record read, the projection is equal as sets and
the register the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tierscope.graph import cypher
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.run import analyze, index
from tierscope.graph.columns import read_columns
from tierscope.graph.mapping import _DERIVED, _NODE_TABLES, _REL_TABLES, relationship_key
from tierscope.graph.projection import (
    Projection,
    projection_from_records,
    read_projection,
    read_projection_by_records,
)
from tierscope.graph.reading import read_context
from tierscope.graph.schema import Records, table
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle, read_valid_bundle
from tierscope.loaders.generator import generate


def test_the_columns_read_are_the_bundle_columns_and_what_the_load_adds() -> None:
    for name, label in _NODE_TABLES.items():
        added = {"snapshot", "tier"} if label == "Company" else {"snapshot"}
        assert set(cypher.NODE_COLUMNS[label]) == set(table(name).column_names) | added | {"id"}
        assert cypher.NODE_COLUMNS[label][0] == "id"
    for name, (rtype, start, end) in _REL_TABLES.items():
        expected = set(table(name).column_names) - {start, end} | {"key"}
        assert set(cypher.RELATIONSHIP_COLUMNS[rtype]) == expected
    for _, rtype, _, _ in _DERIVED:
        assert cypher.RELATIONSHIP_COLUMNS[rtype] == ("key",)
    for rtype in ("SPONSORS", "CONTACT_FOR"):
        assert cypher.RELATIONSHIP_COLUMNS[rtype] == ("key", "primary")


def _same_projection(a: Projection, b: Projection) -> None:
    assert a.graph == b.graph
    assert {k: dict(d) for k, d in a.nodes.items()} == {k: dict(d) for k, d in b.nodes.items()}
    assert sorted(
        (u, v, k, sorted(d.items())) for u, v, k, d in a.edges(keys=True, data=True)
    ) == sorted((u, v, k, sorted(d.items())) for u, v, k, d in b.edges(keys=True, data=True))


def _columns_of(label: str, d: dict[str, Any]) -> dict[str, Any]:
    """The properties of ``d`` read as columns (read_context reads no extra column)."""
    return {k: v for k, v in d.items() if k in cypher.NODE_COLUMNS[label]}


def _same_context(new: Context, old: Context) -> None:
    """Equal, and in the same order wherever the context keeps one."""
    assert (new.focal, new.snapshot) == (old.focal, old.snapshot)
    for name, label in (
        ("companies", "Company"),
        ("items", "Item"),
        ("sites", "Site"),
        ("people", "Person"),
    ):
        mine, theirs = getattr(new, name), getattr(old, name)
        assert [(k, _columns_of(label, d)) for k, d in mine.items()] == [
            (k, _columns_of(label, d)) for k, d in theirs.items()
        ], name
    for name in ("sponsors", "contacts", "parent", "services"):
        assert list(getattr(new, name).items()) == list(getattr(old, name).items()), name
    assert [_columns_of("Kpi", d) for d in new.kpis] == [_columns_of("Kpi", d) for d in old.kpis]
    m, o = new.model, old.model
    assert (m.focal, m.products) == (o.focal, o.products)
    assert m.supplies == o.supplies and m.shares == o.shares
    assert np.array_equal(m.row_basis, o.row_basis)
    for name in (
        "bom",
        "company_country",
        "company_sites",
        "site_company",
        "site_country",
        "critical_providers",
        "all_providers",
    ):
        assert list(getattr(m, name).items()) == list(getattr(o, name).items()), name


def _same_analysis(new: Context, old: Context) -> None:
    a, b = analyze(new).to_dict(), analyze(old).to_dict()
    a.pop("timings_seconds", None)
    b.pop("timings_seconds", None)
    assert a == b


def _in_key_order(records: Records) -> Records:
    """The bundle's rows sorted by id, or by the key the load gives each relationship."""
    frames = {}
    for name, frame in records.frames.items():
        cols = ["id"] if "id" in frame.columns else list(table(name).key)
        keys = [relationship_key(*row) for row in frame[cols].itertuples(index=False)]
        frames[name] = frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)]
    return Records(frames, records.source)


def _check(store: Store, bundle: Path, chunk_rows: int) -> None:
    load_bundle(bundle, store)
    old = read_projection_by_records(store)
    new = read_projection(store, chunk_rows=chunk_rows)
    _same_projection(new, old)
    assert analyze(new).to_dict()["register"] == analyze(old).to_dict()["register"]
    records, snapshot = read_valid_bundle(bundle)
    from_rows = index(projection_from_records(_in_key_order(records), snapshot))
    ctx = read_context(store, chunk_rows=chunk_rows)
    _same_context(ctx, from_rows)
    _same_analysis(ctx, from_rows)
    _same_context(index(new), from_rows)


@pytest.mark.parametrize("chunk_rows", [2, 3, 1000])
def test_the_columnar_read_of_the_demo_is_its_rows_and_the_record_by_record_read(
    store: Store, demo_copy: Path, chunk_rows: int
) -> None:
    _check(store, demo_copy, chunk_rows)


def test_the_columnar_read_of_a_generated_bundle_is_its_rows_and_the_record_by_record_read(
    store: Store, tmp_path: Path
) -> None:
    _check(store, generate(400, 11, tmp_path / "gen").path, 7)


def test_every_chunk_is_read_once_whatever_its_size(store: Store, demo_copy: Path) -> None:
    load_bundle(demo_copy, store)
    whole = read_columns(store, chunk_rows=1_000_000)
    for size in (2, 5):
        chunked = read_columns(store, chunk_rows=size)
        for kind in ("nodes", "relationships"):
            for name, t in getattr(whole, kind).items():
                assert getattr(chunked, kind)[name].columns.keys() == t.columns.keys()
                for col, values in t.columns.items():
                    assert repr(getattr(chunked, kind)[name][col]) == repr(values), (name, col)


def test_extra_columns_come_with_the_projection_not_with_the_context(
    store: Store, bundle_with: Any
) -> None:
    from tests_support import TINY

    companies = TINY["companies"].splitlines()
    extended = [companies[0] + ",note"] + [line + f",n{k}" for k, line in enumerate(companies[1:])]
    load_bundle(bundle_with(companies="\n".join(extended) + "\n"), store)
    _same_projection(read_projection(store, chunk_rows=2), read_projection_by_records(store))
    notes = {d.get("note") for d in read_context(store, chunk_rows=2).companies.values()}
    assert notes == {None}


def test_a_chunk_must_hold_two_rows(store: Store, demo_copy: Path) -> None:
    load_bundle(demo_copy, store)
    with pytest.raises(ValueError, match="chunk_rows must be at least 2, got 1"):
        read_columns(store, chunk_rows=1)
