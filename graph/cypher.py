"""Every Cypher statement tierscope runs, as named constants with ``$parameters`` only.

Labels and relationship types come from this fixed text, never from input.
Writes are batched: ``UNWIND $rows AS row`` then an idempotent ``MERGE`` on a
uniquely constrained key, so loading the same rows twice changes nothing.
Each row is ``{id or endpoint ids, props}``; ``props`` carries the load's
``snapshot`` stamp, and ``SET x = row.props`` replaces every property, so a
column removed from the bundle disappears too.
"""

from __future__ import annotations

from typing import LiteralString

__all__ = [
    "CONSTRAINTS",
    "COUNT_NODES",
    "COUNT_RELATIONSHIPS",
    "DELETE_ALL",
    "DRAIN_NODE_COLUMNS",
    "DRAIN_RELATIONSHIP_COLUMNS",
    "MERGE_NODES",
    "MERGE_RELATIONSHIPS",
    "NODE_COLUMNS",
    "READ_NODES",
    "READ_NODE_COLUMNS",
    "READ_RELATIONSHIPS",
    "READ_RELATIONSHIP_COLUMNS",
    "READ_STATE",
    "RELATIONSHIP_COLUMNS",
    "SERVER_VERSION",
    "SET_STATE_COMPLETE",
    "SET_STATE_LOADING",
    "SWEEP_NODES",
    "SWEEP_RELATIONSHIPS",
]

#: Node labels of the ecosystem (``Kpi`` holds the rows of kpis.csv).
NODE_LABELS: tuple[LiteralString, ...] = ("Company", "Site", "Item", "Person", "Kpi")
#: Relationship types: (type, start label, end label).
RELATIONSHIP_TYPES: tuple[tuple[LiteralString, LiteralString, LiteralString], ...] = (
    ("SUPPLIES", "Company", "Company"),
    ("REQUIRES", "Item", "Item"),
    ("DEPENDS_ON", "Company", "Company"),
    ("OPERATES", "Company", "Site"),
    ("PART_OF", "Company", "Company"),
    ("WORKS_AT", "Person", "Company"),
    ("SPONSORS", "Person", "Company"),
    ("CONTACT_FOR", "Person", "Company"),
    ("KPI_OF", "Kpi", "Company"),
)

CONSTRAINTS: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT site_id IF NOT EXISTS FOR (n:Site) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT kpi_id IF NOT EXISTS FOR (n:Kpi) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT state_id IF NOT EXISTS FOR (n:TierscopeState) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT supplies_key IF NOT EXISTS FOR ()-[r:SUPPLIES]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT requires_key IF NOT EXISTS FOR ()-[r:REQUIRES]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT depends_key IF NOT EXISTS FOR ()-[r:DEPENDS_ON]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT operates_key IF NOT EXISTS FOR ()-[r:OPERATES]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT part_of_key IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT works_at_key IF NOT EXISTS FOR ()-[r:WORKS_AT]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT sponsors_key IF NOT EXISTS FOR ()-[r:SPONSORS]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT contact_key IF NOT EXISTS FOR ()-[r:CONTACT_FOR]-() REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT kpi_of_key IF NOT EXISTS FOR ()-[r:KPI_OF]-() REQUIRE r.key IS UNIQUE",
)

MERGE_NODES: dict[str, LiteralString] = {
    "Company": "UNWIND $rows AS row MERGE (n:Company {id: row.id}) SET n = row.props",
    "Site": "UNWIND $rows AS row MERGE (n:Site {id: row.id}) SET n = row.props",
    "Item": "UNWIND $rows AS row MERGE (n:Item {id: row.id}) SET n = row.props",
    "Person": "UNWIND $rows AS row MERGE (n:Person {id: row.id}) SET n = row.props",
    "Kpi": "UNWIND $rows AS row MERGE (n:Kpi {id: row.id}) SET n = row.props",
}

_MERGE_REL_TAIL: LiteralString = "SET r = row.props"
MERGE_RELATIONSHIPS: dict[str, LiteralString] = {
    "SUPPLIES": "UNWIND $rows AS row "
    "MATCH (a:Company {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:SUPPLIES {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "REQUIRES": "UNWIND $rows AS row "
    "MATCH (a:Item {id: row.start}) MATCH (b:Item {id: row.end}) "
    "MERGE (a)-[r:REQUIRES {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "DEPENDS_ON": "UNWIND $rows AS row "
    "MATCH (a:Company {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:DEPENDS_ON {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "OPERATES": "UNWIND $rows AS row "
    "MATCH (a:Company {id: row.start}) MATCH (b:Site {id: row.end}) "
    "MERGE (a)-[r:OPERATES {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "PART_OF": "UNWIND $rows AS row "
    "MATCH (a:Company {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:PART_OF {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "WORKS_AT": "UNWIND $rows AS row "
    "MATCH (a:Person {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:WORKS_AT {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "SPONSORS": "UNWIND $rows AS row "
    "MATCH (a:Person {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:SPONSORS {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "CONTACT_FOR": "UNWIND $rows AS row "
    "MATCH (a:Person {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:CONTACT_FOR {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
    "KPI_OF": "UNWIND $rows AS row "
    "MATCH (a:Kpi {id: row.start}) MATCH (b:Company {id: row.end}) "
    "MERGE (a)-[r:KPI_OF {key: row.props.key}]->(b) " + _MERGE_REL_TAIL,
}

# After a load, a node that still carries another snapshot was not in the bundle,
# nor was a relationship whose key is not among the bundle's keys of its type
# (relationships are not stamped: a stamp on each cost ~9% of load time).
SWEEP_NODES: dict[str, LiteralString] = {
    "Company": "MATCH (n:Company) WHERE n.snapshot <> $snapshot "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "Site": "MATCH (n:Site) WHERE n.snapshot <> $snapshot "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "Item": "MATCH (n:Item) WHERE n.snapshot <> $snapshot "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "Person": "MATCH (n:Person) WHERE n.snapshot <> $snapshot "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "Kpi": "MATCH (n:Kpi) WHERE n.snapshot <> $snapshot "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
}
SWEEP_RELATIONSHIPS: dict[str, LiteralString] = {
    "SUPPLIES": "MATCH ()-[r:SUPPLIES]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "REQUIRES": "MATCH ()-[r:REQUIRES]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "DEPENDS_ON": "MATCH ()-[r:DEPENDS_ON]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "OPERATES": "MATCH ()-[r:OPERATES]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "PART_OF": "MATCH ()-[r:PART_OF]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "WORKS_AT": "MATCH ()-[r:WORKS_AT]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "SPONSORS": "MATCH ()-[r:SPONSORS]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "CONTACT_FOR": "MATCH ()-[r:CONTACT_FOR]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "KPI_OF": "MATCH ()-[r:KPI_OF]->() WHERE NOT r.key IN $keys "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
}

READ_NODES: dict[str, LiteralString] = {
    "Company": "MATCH (n:Company) RETURN n.id AS id, properties(n) AS props",
    "Site": "MATCH (n:Site) RETURN n.id AS id, properties(n) AS props",
    "Item": "MATCH (n:Item) RETURN n.id AS id, properties(n) AS props",
    "Person": "MATCH (n:Person) RETURN n.id AS id, properties(n) AS props",
    "Kpi": "MATCH (n:Kpi) RETURN n.id AS id, properties(n) AS props",
}
READ_RELATIONSHIPS: dict[str, LiteralString] = {
    "SUPPLIES": "MATCH (a:Company)-[r:SUPPLIES]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "REQUIRES": "MATCH (a:Item)-[r:REQUIRES]->(b:Item) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "DEPENDS_ON": "MATCH (a:Company)-[r:DEPENDS_ON]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "OPERATES": "MATCH (a:Company)-[r:OPERATES]->(b:Site) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "PART_OF": "MATCH (a:Company)-[r:PART_OF]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "WORKS_AT": "MATCH (a:Person)-[r:WORKS_AT]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "SPONSORS": "MATCH (a:Person)-[r:SPONSORS]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "CONTACT_FOR": "MATCH (a:Person)-[r:CONTACT_FOR]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
    "KPI_OF": "MATCH (a:Kpi)-[r:KPI_OF]->(b:Company) "
    "RETURN a.id AS start, b.id AS end, properties(r) AS props",
}

# -- the columnar read (graph/columns.py) ------------------------------------------------
# Each table is read in chunks, each chunk ONE record holding one list per property,
# built on the server by collect(): decoding a few long lists is several times faster
# than one record per row. A chunk is the $limit rows from id (or key) $from on, in the
# order of that uniquely constrained property: a range seek on the constraint's index
# (no sort), and one chunk on the server at a time, not the graph. That order is also
# the one order that does not depend on how the graph is stored: the record-by-record
# read (READ_NODES, READ_RELATIONSHIPS) gave rows in node and relationship number order
# (which a database reuses after deletes) or, where the planner expanded each node,
# newest first. collect() drops nulls, which would misalign the lists, so a missing
# property is returned as $none (NaN, which the loader never stores).

#: The properties read of each label (the id first): the bundle's columns (graph/schema.py)
#: plus what the load adds (the companies' ``tier``, the ``snapshot`` stamp).
NODE_COLUMNS: dict[str, tuple[LiteralString, ...]] = {
    "Company": (
        "id", "name", "kind", "country", "segment", "parent_id", "annual_spend",
        "declared_tier", "region", "recovery_days", "tier", "snapshot",
    ),
    "Site": ("id", "company_id", "country", "name", "recovery_days", "lat", "lon", "snapshot"),
    "Item": (
        "id", "name", "kind", "category", "revenue_per_day", "inventory_days", "snapshot",
    ),
    "Person": ("id", "name", "company_id", "title", "email", "snapshot"),
    "Kpi": (
        "id", "company_id", "metric", "period", "value", "target", "higher_is_better",
        "snapshot",
    ),
}  # fmt: skip
#: The properties read of each relationship type (the key first); the start and end
#: node ids come as the columns ``start`` and ``end``.
RELATIONSHIP_COLUMNS: dict[str, tuple[LiteralString, ...]] = {
    "SUPPLIES": ("key", "item_id", "share", "annual_spend", "lead_time_days", "site_id"),
    "REQUIRES": ("key", "quantity"),
    "DEPENDS_ON": ("key", "kind", "critical"),
    "OPERATES": ("key",),
    "PART_OF": ("key",),
    "WORKS_AT": ("key",),
    "SPONSORS": ("key", "primary"),
    "CONTACT_FOR": ("key", "primary"),
    "KPI_OF": ("key",),
}


def _collected(var: LiteralString, names: tuple[LiteralString, ...]) -> LiteralString:
    """``collect(x.id) AS id, collect(coalesce(x.name, $none)) AS name, ...``"""
    first, *rest = names
    parts = ["collect(" + var + "." + first + ") AS " + first]  # the id or key: always set
    parts += ["collect(coalesce(" + var + "." + p + ", $none)) AS " + p for p in rest]
    return ", ".join(parts)


def _drained(names: tuple[LiteralString, ...]) -> LiteralString:
    return ", ".join(["collect(x." + p + ") AS " + p for p in names])


#: Rows with a property outside the columns (a bundle's extra column): [id, properties].
_EXTRAS: dict[bool, LiteralString] = {
    False: "",
    True: ", collect(CASE WHEN any(k IN keys(x) WHERE NOT k IN $known) "
    "THEN [x.id, properties(x)] END) AS extras",
}


def _node_query(label: LiteralString, extras: bool) -> LiteralString:
    return (
        "MATCH (x:" + label + ") WHERE x.id >= $from WITH x ORDER BY x.id LIMIT $limit "
        "RETURN " + _collected("x", NODE_COLUMNS[label]) + _EXTRAS[extras]
    )


def _relationship_query(
    rtype: LiteralString, a: LiteralString, b: LiteralString, extras: bool
) -> LiteralString:
    return (
        "MATCH (a:" + a + ")-[x:" + rtype + "]->(b:" + b + ") WHERE x.key >= $from "
        "WITH a, x, b ORDER BY x.key LIMIT $limit "
        "RETURN collect(a.id) AS start, collect(b.id) AS end, "
        + _collected("x", RELATIONSHIP_COLUMNS[rtype])
        + _EXTRAS[extras].replace("x.id", "x.key")
    )


#: How many nodes of each label and relationships of each type there are (from the count
#: store): a row without its id or key is not in the chunks, and must not go unnoticed.
COUNT_NODES: dict[str, LiteralString] = {
    label: "MATCH (x:" + label + ") RETURN count(x) AS n" for label in NODE_LABELS
}
COUNT_RELATIONSHIPS: dict[str, LiteralString] = {
    t: "MATCH ()-[x:" + t + "]->() RETURN count(x) AS n" for t, _, _ in RELATIONSHIP_TYPES
}
#: READ_NODE_COLUMNS[extras][label]: one chunk of ``label`` (see above).
READ_NODE_COLUMNS: dict[bool, dict[str, LiteralString]] = {
    e: {label: _node_query(label, e) for label in NODE_LABELS} for e in (False, True)
}
#: READ_RELATIONSHIP_COLUMNS[extras][type]: one chunk of ``type`` (see above).
READ_RELATIONSHIP_COLUMNS: dict[bool, dict[str, LiteralString]] = {
    e: {t: _relationship_query(t, a, b, e) for t, a, b in RELATIONSHIP_TYPES} for e in (False, True)
}
#: The reference of bench/end_to_end.py: the same columns drained in one query per
#: table, no chunks, plain collect() (nulls dropped: the lists do not line up).
DRAIN_NODE_COLUMNS: dict[str, LiteralString] = {
    label: "MATCH (x:" + label + ") RETURN " + _drained(NODE_COLUMNS[label])
    for label in NODE_LABELS
}
DRAIN_RELATIONSHIP_COLUMNS: dict[str, LiteralString] = {
    t: "MATCH (a:" + a + ")-[x:" + t + "]->(b:" + b + ") "
    "RETURN collect(a.id) AS start, collect(b.id) AS end, " + _drained(RELATIONSHIP_COLUMNS[t])
    for t, a, b in RELATIONSHIP_TYPES
}

SET_STATE_LOADING: LiteralString = (
    "MERGE (s:TierscopeState {id: 'ecosystem'}) "
    "SET s.status = 'loading', s.loading_snapshot = $snapshot, s.loading_source = $source, "
    "s.loading_started_at = datetime()"
)
SET_STATE_COMPLETE: LiteralString = (
    "MATCH (s:TierscopeState {id: 'ecosystem'}) "
    "SET s.status = 'complete', s.snapshot = $snapshot, s.source = $source, "
    "s.loaded_at = datetime(), s.counts_json = $counts_json, s.focal_id = $focal_id, "
    "s.loading_snapshot = null, s.loading_source = null, s.loading_started_at = null"
)
READ_STATE: LiteralString = (
    "MATCH (s:TierscopeState {id: 'ecosystem'}) RETURN s.status AS status, "
    "s.snapshot AS snapshot, s.source AS source, toString(s.loaded_at) AS loaded_at, "
    "s.counts_json AS counts_json, s.focal_id AS focal_id, s.loading_snapshot AS loading_snapshot, "
    "s.loading_source AS loading_source"
)
#: Whether any ecosystem data is stored (answered from Neo4j's count store).
COUNT_ECOSYSTEM_NODES: LiteralString = (
    "CALL () { MATCH (n:Company) RETURN count(n) AS c UNION ALL MATCH (n:Item) RETURN count(n) AS c "
    "UNION ALL MATCH (n:Site) RETURN count(n) AS c UNION ALL MATCH (n:Person) RETURN count(n) AS c "
    "UNION ALL MATCH (n:Kpi) RETURN count(n) AS c } RETURN sum(c) AS n"
)
DELETE_ALL: LiteralString = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
SERVER_VERSION: LiteralString = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)
