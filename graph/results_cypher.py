"""The Cypher of the stored results (:mod:`tierscope.graph.stored`), as named constants.

Every element a run writes carries its ``run`` id and ``snapshot``; the run's
``(:Summary)`` node says whether it is ``complete`` and which run is
``current``. The schema is documented in ``docs/results.md``.
"""

from __future__ import annotations

from typing import LiteralString

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT summary_run IF NOT EXISTS FOR (n:Summary) REQUIRE n.run IS UNIQUE",
    "CREATE CONSTRAINT country_code IF NOT EXISTS FOR (n:Country) REQUIRE n.code IS UNIQUE",
    "CREATE INDEX finding_run IF NOT EXISTS FOR (n:Finding) ON (n.run)",
    "CREATE INDEX finding_subject IF NOT EXISTS FOR (n:Finding) ON (n.subject_id)",
    "CREATE INDEX result_part_run IF NOT EXISTS FOR (n:ResultPart) ON (n.run)",
    "CREATE INDEX spof_run IF NOT EXISTS FOR ()-[r:SINGLE_POINT_OF_FAILURE_FOR]-() ON (r.run)",
    "CREATE INDEX buys_run IF NOT EXISTS FOR ()-[r:BUYS]-() ON (r.run)",
    "CREATE INDEX exposure_run IF NOT EXISTS FOR ()-[r:EXPOSURE]-() ON (r.run)",
    "CREATE INDEX about_run IF NOT EXISTS FOR ()-[r:ABOUT]-() ON (r.run)",
)

BEGIN_RUN: LiteralString = (
    "CREATE (s:Summary {run: $run, snapshot: $snapshot, status: 'writing', current: false, "
    "format: $format, started_at: datetime()})"
)

WRITE_PARTS: LiteralString = (
    "UNWIND $rows AS row CREATE (p:ResultPart {run: $run, table: row.table, column: row.column, "
    "seq: row.seq, codec: row.codec, rows: row.rows, data: row.data})"
)

_FINDING: LiteralString = (
    "f.run = $run, f.snapshot = $snapshot, f.rank = row.rank, f.kind = row.kind, "
    "f.severity = row.severity, f.subject_id = row.subject_id, "
    "f.subject_type = row.subject_type, f.sentence = row.sentence, "
    "f.revenue_at_stake = row.revenue_at_stake, f.products = row.products "
)
_STOPS: LiteralString = (
    "WITH f, row CALL (f, row) { UNWIND row.products AS pid MATCH (i:Item {id: pid}) "
    "CREATE (f)-[:STOPS {run: $run}]->(i) }"
)
#: findings by the label of their subject (``subject_type``); other subjects: no ABOUT
WRITE_FINDINGS: dict[str, LiteralString] = {
    "company": "UNWIND $rows AS row CREATE (f:Finding) SET " + _FINDING + "WITH f, row "
    "OPTIONAL MATCH (s:Company {id: row.subject_id}) "
    "CALL (f, s) { WITH * WHERE s IS NOT NULL CREATE (f)-[:ABOUT {run: $run}]->(s) } " + _STOPS,
    "site": "UNWIND $rows AS row CREATE (f:Finding) SET " + _FINDING + "WITH f, row "
    "OPTIONAL MATCH (s:Site {id: row.subject_id}) "
    "CALL (f, s) { WITH * WHERE s IS NOT NULL CREATE (f)-[:ABOUT {run: $run}]->(s) } " + _STOPS,
    "person": "UNWIND $rows AS row CREATE (f:Finding) SET " + _FINDING + "WITH f, row "
    "OPTIONAL MATCH (s:Person {id: row.subject_id}) "
    "CALL (f, s) { WITH * WHERE s IS NOT NULL CREATE (f)-[:ABOUT {run: $run}]->(s) } " + _STOPS,
    "country": "UNWIND $rows AS row CREATE (f:Finding) SET " + _FINDING + "WITH f, row "
    "MERGE (s:Country {code: row.subject_id}) CREATE (f)-[:ABOUT {run: $run}]->(s) " + _STOPS,
    "other": "UNWIND $rows AS row CREATE (f:Finding) SET " + _FINDING + _STOPS,
}

#: rows: [node id, product id, revenue at stake]
_SPOF: LiteralString = (
    "MATCH (p:Item {id: row[1]}) CREATE (n)-[:SINGLE_POINT_OF_FAILURE_FOR "
    "{run: $run, snapshot: $snapshot, revenue_at_stake: row[2]}]->(p)"
)
WRITE_SPOFS: dict[str, LiteralString] = {
    "company": "UNWIND $rows AS row MATCH (n:Company {id: row[0]}) " + _SPOF,
    "site": "UNWIND $rows AS row MATCH (n:Site {id: row[0]}) " + _SPOF,
    "country": "UNWIND $rows AS row MERGE (n:Country {code: row[0]}) WITH n, row " + _SPOF,
}

#: rows in the order of stored.HHI_COLUMNS
WRITE_HHI: LiteralString = (
    "UNWIND $rows AS row MATCH (b:Company {id: row[0]}) MATCH (i:Item {id: row[1]}) "
    "CREATE (b)-[:BUYS {run: $run, snapshot: $snapshot, basis: row[2], suppliers: row[3], "
    "hhi: row[4], country_hhi: row[5], group_hhi: row[6], top_supplier: row[7], "
    "top_share: row[8], top_country: row[9], top_country_share: row[10], "
    "highly_concentrated: row[11]}]->(i)"
)
#: rows in the order of stored.EXPOSURE_COLUMNS
WRITE_EXPOSURE: LiteralString = (
    "UNWIND $rows AS row MATCH (c:Company {id: row[0]}) MATCH (p:Item {id: row[1]}) "
    "CREATE (c)-[:EXPOSURE {run: $run, snapshot: $snapshot, exposure: row[2], tier: row[3], "
    "item_id: row[4]}]->(p)"
)
#: rows: [country, product, share, item id, items, enters below tier 1]
WRITE_COUNTRY_EXPOSURE: LiteralString = (
    "UNWIND $rows AS row MERGE (c:Country {code: row[0]}) WITH c, row "
    "MATCH (p:Item {id: row[1]}) "
    "CREATE (c)-[:EXPOSURE {run: $run, snapshot: $snapshot, share: row[2], item_id: row[3], "
    "items: row[4], enters_below_tier_1: row[5]}]->(p)"
)

#: the run becomes the current one in one transaction: readers see the old or the new
COMPLETE_RUN: LiteralString = (
    "MATCH (s:Summary {run: $run}) "
    "SET s += $summary, s.status = 'complete', s.current = true, s.finished_at = datetime() "
    "WITH s OPTIONAL MATCH (o:Summary) WHERE o.current AND o.run <> $run "
    "SET o.current = false"
)

CURRENT: LiteralString = (
    "MATCH (s:Summary) WHERE s.current AND s.status = 'complete' "
    "RETURN properties(s) AS summary ORDER BY s.finished_at DESC LIMIT 1"
)
#: runs to delete: every one but the current (interrupted writes, superseded results)
STALE_RUNS: LiteralString = (
    "MATCH (s:Summary) WHERE NOT coalesce(s.current, false) RETURN s.run AS run"
)
#: the parts of a run (of one table, or all), in order (a column table's categories
#: first, then its rows part by part, every column of a part together), without their
#: data: sorting the data on the server would hold all of it in its heap at once
LIST_PARTS: LiteralString = (
    "MATCH (p:ResultPart {run: $run}) WHERE $table IS NULL OR p.table = $table "
    "RETURN elementId(p) AS id, p.table AS table, p.column AS column, p.seq AS seq, "
    "p.codec AS codec, p.rows AS rows ORDER BY p.table, p.seq, p.column"
)
READ_PART_DATA: LiteralString = (
    "UNWIND $ids AS id MATCH (p:ResultPart) WHERE elementId(p) = id RETURN p.data AS data"
)

DELETE_RUN: tuple[LiteralString, ...] = (
    "MATCH (f:Finding {run: $run}) CALL (f) { DETACH DELETE f } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (p:ResultPart {run: $run}) CALL (p) { DELETE p } IN TRANSACTIONS OF 200 ROWS",
    "MATCH ()-[r:SINGLE_POINT_OF_FAILURE_FOR {run: $run}]->() "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH ()-[r:BUYS {run: $run}]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH ()-[r:EXPOSURE {run: $run}]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (s:Summary {run: $run}) DELETE s",
)
