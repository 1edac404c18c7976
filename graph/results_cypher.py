"""The Cypher of the stored results (:mod:`tierscope.graph.stored`), as named constants.

Every node and relationship a run writes carries its ``run`` id; the findings and
single points of failure its ``snapshot`` too. The run's ``(:Summary)`` node holds
the snapshot, says whether the run is ``complete`` and which run is ``current``. The schema is documented in ``docs/results.md``.
"""

from __future__ import annotations

from typing import LiteralString

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT summary_run IF NOT EXISTS FOR (n:Summary) REQUIRE n.run IS UNIQUE",
    "CREATE CONSTRAINT country_code IF NOT EXISTS FOR (n:Country) REQUIRE n.code IS UNIQUE",
    "CREATE INDEX finding_run IF NOT EXISTS FOR (n:Finding) ON (n.run)",
    "CREATE INDEX finding_subject IF NOT EXISTS FOR (n:Finding) ON (n.subject_id)",
    "CREATE INDEX result_part_run IF NOT EXISTS FOR (n:ResultPart) ON (n.run)",
    # every relationship written would update these; a run's relationships are found
    # by their type instead (DELETE_RUN), and a reader starts from its nodes
    "DROP INDEX spof_run IF EXISTS",
    "DROP INDEX buys_run IF EXISTS",
    "DROP INDEX exposure_run IF EXISTS",
    "DROP INDEX about_run IF EXISTS",
)

BEGIN_RUN: LiteralString = (
    "CREATE (s:Summary {run: $run, snapshot: $snapshot, status: 'writing', readable: false, "
    "current: false, format: $format, started_at: datetime()})"
)

#: the internal ids of the nodes a run links to, by their key: read once, then every
#: write finds its nodes by id (NodeByElementIdSeek) instead of through an index
NODE_IDS: dict[str, LiteralString] = {
    "company": "MATCH (n:Company) RETURN collect(n.id) AS keys, collect(elementId(n)) AS ids",
    "item": "MATCH (n:Item) RETURN collect(n.id) AS keys, collect(elementId(n)) AS ids",
    "site": "MATCH (n:Site) RETURN collect(n.id) AS keys, collect(elementId(n)) AS ids",
    "person": "MATCH (n:Person) RETURN collect(n.id) AS keys, collect(elementId(n)) AS ids",
}
#: the countries a run names (created when new), with their internal ids
COUNTRY_IDS: LiteralString = (
    "UNWIND $codes AS code MERGE (c:Country {code: code}) "
    "RETURN collect(code) AS keys, collect(elementId(c)) AS ids"
)

WRITE_PARTS: LiteralString = (
    "UNWIND $rows AS row CREATE (p:ResultPart {run: $run, table: row.table, column: row.column, "
    "seq: row.seq, codec: row.codec, rows: row.rows, data: row.data})"
)

#: the writes below take ``$rows`` as columns (one list per column, the rows at the same
#: position), node ids as element ids: no per-row maps to build, pack and unpack
_ROWS: LiteralString = "UNWIND range(0, size($rows[0]) - 1) AS i WITH $rows AS c, i "

#: columns: rank, kind, severity, subject id, subject type, sentence, revenue at stake,
#: products, the subject's element id (null: none), the products' element ids
WRITE_FINDINGS: LiteralString = (
    _ROWS + "CREATE (f:Finding {run: $run, snapshot: $snapshot, rank: c[0][i], kind: c[1][i], "
    "severity: c[2][i], subject_id: c[3][i], subject_type: c[4][i], sentence: c[5][i], "
    "revenue_at_stake: c[6][i], products: c[7][i]}) "
    "WITH f, c[8][i] AS about, c[9][i] AS stops "
    "CALL (f, about) { MATCH (s) WHERE elementId(s) = about CREATE (f)-[:ABOUT {run: $run}]->(s) } "
    "CALL (f, stops) { UNWIND stops AS pid MATCH (p) WHERE elementId(p) = pid "
    "CREATE (f)-[:STOPS {run: $run}]->(p) }"
)

#: columns: node element id, product element id, revenue at stake
WRITE_SPOFS: LiteralString = (
    _ROWS + "MATCH (n) WHERE elementId(n) = c[0][i] MATCH (p) WHERE elementId(p) = c[1][i] "
    "CREATE (n)-[:SINGLE_POINT_OF_FAILURE_FOR {run: $run, snapshot: $snapshot, "
    "revenue_at_stake: c[2][i]}]->(p)"
)

#: columns in the order of stored.HHI_COLUMNS (buyer and item as element ids)
WRITE_HHI: LiteralString = (
    _ROWS + "MATCH (b) WHERE elementId(b) = c[0][i] MATCH (p) WHERE elementId(p) = c[1][i] "
    "CREATE (b)-[:BUYS {run: $run, basis: c[2][i], suppliers: c[3][i], "
    "hhi: c[4][i], country_hhi: c[5][i], group_hhi: c[6][i], top_supplier: c[7][i], "
    "top_share: c[8][i], top_country: c[9][i], top_country_share: c[10][i], "
    "highly_concentrated: c[11][i]}]->(p)"
)
#: columns in the order of stored.EXPOSURE_COLUMNS (company and product as element ids)
WRITE_EXPOSURE: LiteralString = (
    _ROWS + "MATCH (n) WHERE elementId(n) = c[0][i] MATCH (p) WHERE elementId(p) = c[1][i] "
    "CREATE (n)-[:EXPOSURE {run: $run, exposure: c[2][i], tier: c[3][i], "
    "item_id: c[4][i]}]->(p)"
)
#: columns: country element id, product element id, share, item id, items, enters below
#: tier 1
WRITE_COUNTRY_EXPOSURE: LiteralString = (
    _ROWS + "MATCH (n) WHERE elementId(n) = c[0][i] MATCH (p) WHERE elementId(p) = c[1][i] "
    "CREATE (n)-[:EXPOSURE {run: $run, share: c[2][i], item_id: c[3][i], "
    "items: c[4][i], enters_below_tier_1: c[5][i]}]->(p)"
)

#: the parts are written: the run becomes the one tierscope's readers read, in one
#: transaction (they see the old or the new); its mirror is still to be written
PUBLISH_RUN: LiteralString = (
    "MATCH (s:Summary {run: $run}) "
    "SET s += $summary, s.status = 'mirroring', s.readable = true, s.readable_at = datetime() "
    "WITH s OPTIONAL MATCH (o:Summary) WHERE o.readable AND o.run <> $run "
    "SET o.readable = false"
)
#: a mirror process takes the run (only while it is the readable one); ``again``: one
#: took it before (and may have written part of the mirror)
BEGIN_MIRROR: LiteralString = (
    "MATCH (s:Summary {run: $run}) WHERE s.readable "
    "WITH s, s.mirror_at IS NOT NULL AS again "
    "SET s.mirror_pid = $pid, s.mirror_at = datetime() RETURN s.run AS run, again"
)
#: in the transaction of each mirror batch: the run is still the readable one (the write
#: lock on its Summary orders this batch and a newer run's PUBLISH_RUN)
STILL_READABLE: LiteralString = (
    "MATCH (s:Summary {run: $run}) WHERE s.readable SET s.mirror_at = datetime() "
    "RETURN s.run AS run"
)
#: the mirror is whole: the run becomes the current one for Cypher users in one
#: transaction (they see the old mirror or the new one, never a mixture)
COMPLETE_MIRROR: LiteralString = (
    "MATCH (s:Summary {run: $run}) WHERE s.readable "
    "SET s += $summary, s.status = 'complete', s.current = true, s.finished_at = datetime() "
    "WITH s OPTIONAL MATCH (o:Summary) WHERE o.current AND o.run <> $run "
    "WITH s, collect(o) AS before FOREACH (o IN before | SET o.current = false) "
    "RETURN s.run AS run"
)

#: the results tierscope reads: the run whose parts were written last (its mirror may
#: still be being written)
READABLE: LiteralString = (
    "MATCH (s:Summary) WHERE s.readable "
    "RETURN properties(s) AS summary ORDER BY s.readable_at DESC LIMIT 1"
)
#: runs to delete: every one neither readable nor current (interrupted writes,
#: superseded results)
STALE_RUNS: LiteralString = (
    "MATCH (s:Summary) WHERE NOT coalesce(s.current, false) AND NOT coalesce(s.readable, false) "
    "RETURN s.run AS run"
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

#: a run's pieces, deleted in transactions of their own (``$runs``: the runs to delete).
#: The relationships are found by a scan of their type (no index on ``run``: keeping one
#: costs every write more than the scan costs the delete); a finding goes with its ABOUT
#: and STOPS.
DELETE_MIRROR: dict[str, LiteralString] = {
    "findings": "MATCH (f:Finding) WHERE f.run IN $runs "
    "CALL (f) { DETACH DELETE f } IN TRANSACTIONS OF 20000 ROWS",
    "single_points_of_failure": "MATCH ()-[r:SINGLE_POINT_OF_FAILURE_FOR]->() "
    "WHERE r.run IN $runs CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS",
    "hhi": "MATCH ()-[r:BUYS]->() WHERE r.run IN $runs "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS",
    "exposure": "MATCH ()-[r:EXPOSURE]->() WHERE r.run IN $runs "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS",
}
DELETE_RUN: dict[str, LiteralString] = {
    **DELETE_MIRROR,
    "parts": "MATCH (p:ResultPart) WHERE p.run IN $runs "
    "CALL (p) { DELETE p } IN TRANSACTIONS OF 200 ROWS",
    "summary": "MATCH (s:Summary) WHERE s.run IN $runs DELETE s",
}
