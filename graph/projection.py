"""The networkx projection: the whole ecosystem read from Neo4j into one ``MultiDiGraph``.

Nodes are keyed ``(label, id)`` — ``("Company", "ACME")``, ``("Item", "RES-7")``
— so ids of different kinds never collide; their attributes are the stored
properties (including the computed ``tier`` of companies). Edges are keyed
``(type, key)`` — ``("SUPPLIES", ...)`` — and carry the relationship's
properties. Edge directions are those of the data model: supplier to buyer,
BOM parent to child, dependent to provider, company to site, person to company.
``graph.graph`` holds ``snapshot``, ``source``, ``loaded_at`` and ``focal_id``.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

from tierscope.graph.columns import DEFAULT_CHUNK_ROWS, Columns, read_columns
from tierscope.graph.cypher import NODE_LABELS, RELATIONSHIP_TYPES
from tierscope.graph.mapping import iter_batches, records_from_graph_rows
from tierscope.graph.schema import Records
from tierscope.graph.store import Store
from tierscope.graph.tiers import supply_tiers

__all__ = [
    "NodeKey",
    "Projection",
    "Tables",
    "edges_of_type",
    "nodes_of_label",
    "projection_from_columns",
    "projection_from_records",
    "read_projection",
    "read_projection_by_records",
    "to_records",
]

#: A node of the projection: (label, id).
NodeKey = tuple[str, str]
#: The projection's type (networkx's classes are generic only in its type stubs).
if TYPE_CHECKING:
    Projection: TypeAlias = nx.MultiDiGraph[NodeKey]
else:
    Projection = nx.MultiDiGraph


def read_projection(store: Store, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Projection:
    """Read the loaded ecosystem from ``store`` into a ``MultiDiGraph``.

    Read as columns (:func:`~tierscope.graph.columns.read_columns`, every property
    included), then built. Readers of the analyses alone use
    :func:`~tierscope.graph.analysis.run.read_context`, which builds no graph.

    Raises :class:`~tierscope.graph.errors.NoEcosystem` or
    :class:`~tierscope.graph.errors.IncompleteLoad` when there is nothing complete to read.
    """
    return projection_from_columns(read_columns(store, chunk_rows, extras=True))


def projection_from_columns(c: Columns) -> Projection:
    """The projection of an ecosystem read as columns."""
    g: Projection = nx.MultiDiGraph(
        snapshot=c.snapshot, source=c.source, loaded_at=c.loaded_at, focal_id=c.focal_id
    )
    for label in NODE_LABELS:
        t = c.nodes[label]
        g.add_nodes_from(zip(((label, i) for i in t["id"]), t.rows(), strict=True))
    for rtype, start_label, end_label in RELATIONSHIP_TYPES:
        t = c.relationships[rtype]
        # (u, v, key, data) tuples: the properties include one named "key"
        g.add_edges_from(
            ((start_label, a), (end_label, b), (rtype, k), d)  # type: ignore[misc]
            for a, b, k, d in zip(t["start"], t["end"], t["key"], t.rows(), strict=True)
        )
    return g


def read_projection_by_records(store: Store) -> Projection:
    """The projection read record by record (``properties(n)`` maps, one record per row):
    what :func:`read_projection` did before the columnar read, kept as the reference
    of its tests and of ``bench/end_to_end.py``."""
    state = store.require_complete()
    g: Projection = nx.MultiDiGraph(
        snapshot=state.snapshot,
        source=state.source,
        loaded_at=state.loaded_at,
        focal_id=state.focal_id,
    )
    one = _Ids()
    # closing(): a failure half-way ends the read's session now, while the driver is
    # open, not when the traceback is dropped (the driver then warns on stderr)
    for label in NODE_LABELS:
        with closing(store.read_nodes(label)) as nodes:
            g.add_nodes_from(((label, one(node_id)), one.props(props)) for node_id, props in nodes)
    for rtype, start_label, end_label in RELATIONSHIP_TYPES:
        with closing(store.read_relationships(rtype)) as rels:
            g.add_edges_from(
                (
                    (start_label, one(a)),
                    (end_label, one(b)),
                    (rtype, props["key"]),
                    one.props(props),
                )  # type: ignore[misc]
                for a, b, props in rels
            )
    return g


class _Ids:
    """One string object per id: every row read brings its own copy of the ids it names
    (a million-company ecosystem has tens of millions of them). Sharing them saves that
    memory, and the analyses' lookups by id then find the very same object in their
    indexes (an identity check instead of comparing the characters)."""

    def __init__(self) -> None:
        self.pool: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        return self.pool.setdefault(value, value)

    def props(self, props: dict[str, Any]) -> dict[str, Any]:
        for k, v in props.items():
            if type(v) is str and (k == "id" or k.endswith("_id")):
                props[k] = self.pool.setdefault(v, v)
        return props


def projection_from_records(
    records: Records, snapshot: str | None = None, source: str = ""
) -> Projection:
    """The projection :func:`read_projection` would return after loading ``records``.

    Built straight from the bundle's rows, with the same nodes, edges, keys and
    properties (computed ``tier`` included), for benchmarks and for analysing a
    bundle without a database round trip.
    """
    label_of = {rtype: (a, b) for rtype, a, b in RELATIONSHIP_TYPES}
    g: Projection = nx.MultiDiGraph(
        snapshot=snapshot, source=source, loaded_at=None, focal_id=records.focal_id()
    )
    one = _Ids()
    for batch in iter_batches(records, 50_000, supply_tiers(records), snapshot):
        if batch.kind == "node":
            g.add_nodes_from(
                ((batch.label, one(r["id"])), one.props(r["props"])) for r in batch.rows
            )
        else:
            a, b = label_of[batch.label]
            g.add_edges_from(
                (
                    (a, one(r["start"])),
                    (b, one(r["end"])),
                    (batch.label, r["props"]["key"]),
                    one.props(r["props"]),
                )  # type: ignore[misc]
                for r in batch.rows
            )
    return g


@dataclass(frozen=True)
class Tables:
    """The projection's nodes by label and edges by type, from one pass over each:
    readers of several kinds use this rather than walking the whole graph per kind."""

    nodes: dict[str, list[tuple[str, dict[str, Any]]]]
    edges: dict[str, list[tuple[str, str, dict[str, Any]]]]

    @classmethod
    def of(cls, g: Projection) -> Tables:
        nodes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for (label, node_id), d in g.nodes(data=True):
            nodes[label].append((node_id, d))
        edges: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        for u, v, k, d in g.edges(keys=True, data=True):
            edges[k[0]].append((u[1], v[1], d))
        return cls(dict(nodes), dict(edges))

    def node_rows(self, label: str) -> list[tuple[str, dict[str, Any]]]:
        return self.nodes.get(label, [])

    def edge_rows(self, rtype: str) -> list[tuple[str, str, dict[str, Any]]]:
        return self.edges.get(rtype, [])


def nodes_of_label(g: Projection, label: str) -> list[tuple[str, dict[str, Any]]]:
    """(id, attributes) of every node of ``label``."""
    return [(n[1], d) for n, d in g.nodes(data=True) if n[0] == label]


def edges_of_type(g: Projection, rtype: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(start id, end id, attributes) of every edge of relationship type ``rtype``."""
    return [(u[1], v[1], d) for u, v, k, d in g.edges(keys=True, data=True) if k[0] == rtype]


def to_records(g: Projection) -> Records:
    """The bundle rows the projection holds: the inverse of loading."""
    nodes = {label: [dict(d) for _, d in nodes_of_label(g, label)] for label in NODE_LABELS}
    rels = {
        rtype: [(a, b, dict(d)) for a, b, d in edges_of_type(g, rtype)]
        for rtype, _, _ in RELATIONSHIP_TYPES
    }
    return records_from_graph_rows(nodes, rels, source=str(g.graph.get("source") or ""))
