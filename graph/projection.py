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

from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

from tierscope.graph.cypher import NODE_LABELS, RELATIONSHIP_TYPES
from tierscope.graph.mapping import iter_batches, records_from_graph_rows
from tierscope.graph.schema import Records
from tierscope.graph.store import Store
from tierscope.graph.tiers import supply_tiers

__all__ = [
    "NodeKey",
    "Projection",
    "edges_of_type",
    "nodes_of_label",
    "projection_from_records",
    "read_projection",
    "to_records",
]

#: A node of the projection: (label, id).
NodeKey = tuple[str, str]
#: The projection's type (networkx's classes are generic only in its type stubs).
if TYPE_CHECKING:
    Projection: TypeAlias = nx.MultiDiGraph[NodeKey]
else:
    Projection = nx.MultiDiGraph


def read_projection(store: Store) -> Projection:
    """Read the loaded ecosystem from ``store`` into a ``MultiDiGraph``.

    Raises :class:`~tierscope.graph.errors.NoEcosystem` or
    :class:`~tierscope.graph.errors.IncompleteLoad` when there is nothing
    complete to read.
    """
    state = store.require_complete()
    g: Projection = nx.MultiDiGraph(
        snapshot=state.snapshot,
        source=state.source,
        loaded_at=state.loaded_at,
        focal_id=state.focal_id,
    )
    for label in NODE_LABELS:
        g.add_nodes_from(((label, node_id), props) for node_id, props in store.read_nodes(label))
    for rtype, start_label, end_label in RELATIONSHIP_TYPES:
        # (u, v, key, data) tuples: the properties include one named "key"
        g.add_edges_from(
            ((start_label, a), (end_label, b), (rtype, props["key"]), props)  # type: ignore[misc]
            for a, b, props in store.read_relationships(rtype)
        )
    return g


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
    for batch in iter_batches(records, 50_000, supply_tiers(records), snapshot):
        if batch.kind == "node":
            g.add_nodes_from(((batch.label, r["id"]), r["props"]) for r in batch.rows)
        else:
            a, b = label_of[batch.label]
            g.add_edges_from(
                ((a, r["start"]), (b, r["end"]), (batch.label, r["props"]["key"]), r["props"])  # type: ignore[misc]
                for r in batch.rows
            )
    return g


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
