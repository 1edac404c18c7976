"""The analysis' results kept in Neo4j, once per loaded snapshot.

:func:`write_results` stores one :class:`~tierscope.graph.analysis.run.Analysis`
as a *run*, in two forms:

* for Cypher users (Neo4j Browser, Bloom, another system's queries): one
  ``(:Finding)`` per register row ``-[:ABOUT]->`` its subject and ``-[:STOPS]->``
  the products it names; ``SINGLE_POINT_OF_FAILURE_FOR`` from each company, site
  or ``(:Country)`` to the products it alone stops; ``BUYS`` from each buyer to
  each item it sources, carrying the HHIs; ``EXPOSURE`` from each company and
  country to each product, carrying its share; the headline numbers on the
  run's ``(:Summary)``;
* for tierscope's own readers: the whole analysis as ``(:ResultPart)`` nodes
  (:mod:`~tierscope.graph.analysis.codec`), read back in a second or two instead
  of recomputed.

All-or-nothing like the load: everything is stamped with the run, and the run
becomes ``current`` in one transaction at its very end, after which the runs
before it are deleted. A process killed while writing leaves the previous run
current and whole; the next write deletes the pieces of the interrupted one.
Readers (and the documented queries, ``docs/results.md``) go through the
current ``Summary``.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, LiteralString

import neo4j

from tierscope.graph import results_cypher as q
from tierscope.graph.analysis.codec import (
    FORMAT,
    JSON_TABLES,
    ROW_TABLES,
    Part,
    decode,
    decode_row,
    encode,
    read_part,
)
from tierscope.graph.analysis.finding import Finding
from tierscope.graph.analysis.results import jsonable
from tierscope.graph.analysis.run import Analysis
from tierscope.graph.store import Store

__all__ = [
    "StoredRun",
    "WriteSummary",
    "current_run",
    "iter_parts",
    "read_analysis",
    "read_register",
    "results_for",
    "write_results",
]

#: rows per write transaction (``$TIERSCOPE_RESULTS_BATCH``: tests make it small)
BATCH = int(os.environ.get("TIERSCOPE_RESULTS_BATCH", "10000"))
#: bytes of parts per write transaction
PART_BYTES = 16 << 20

Progress = Callable[[str], None]


@dataclass(frozen=True)
class StoredRun:
    """The current stored results: their run id, snapshot and headline numbers."""

    run: str
    snapshot: str | None
    summary: dict[str, Any]

    def rows(self, table: str) -> int:
        return int(self.summary.get(f"rows_{table}", 0))


@dataclass(frozen=True)
class WriteSummary:
    run: str
    seconds: float
    counts: dict[str, int]
    #: seconds of each part of the write
    parts: dict[str, float]


def ensure_schema(store: Store) -> None:
    with store._session() as session:
        for statement in q.SCHEMA:
            session.run(statement).consume()


def write_results(
    store: Store, analysis: Analysis, progress: Progress | None = None
) -> WriteSummary:
    """Store ``analysis`` as a new run and make it current (see the module docstring)."""
    started = time.perf_counter()
    ensure_schema(store)
    _delete_stale(store)
    run = uuid.uuid4().hex
    snapshot = analysis.snapshot
    counts: Counter[str] = Counter()
    with store._session() as session:
        session.run(q.BEGIN_RUN, run=run, snapshot=snapshot, format=FORMAT).consume()
        parts: dict[str, float] = {}
        clock = [time.perf_counter()]

        def say(what: str) -> None:
            now = time.perf_counter()
            parts[what] = now - clock[0]
            clock[0] = now
            if progress is not None:
                progress(what)

        say("begin")
        for batch in _part_batches(encode(analysis), counts):
            session.execute_write(_write, q.WRITE_PARTS, batch, run=run)
        say("parts")
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in analysis.register:
            kind = f.subject_type if f.subject_type in q.WRITE_FINDINGS else "other"
            by_type[kind].append(
                {
                    "rank": f.rank,
                    "kind": f.kind,
                    "severity": f.severity,
                    "subject_id": f.subject_id,
                    "subject_type": f.subject_type,
                    "sentence": f.sentence,
                    "revenue_at_stake": f.revenue_at_stake,
                    "products": list(f.products),
                }
            )
        for kind, rows in by_type.items():
            _write_rows(session, q.WRITE_FINDINGS[kind], rows, run, snapshot)
            counts["findings"] += len(rows)
        say("findings")
        stake = _spof_stakes(analysis)
        spofs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in [*analysis.single_points_of_failure, *analysis.country_outages]:
            spofs[s.node_type].append(
                {
                    "product_id": s.product_id,
                    "node_id": s.node_id,
                    "path": list(s.path),
                    "revenue_at_stake": stake.get((s.product_id, s.node_id), 0.0),
                }
            )
        for kind, rows in spofs.items():
            if kind in q.WRITE_SPOFS:
                _write_rows(session, q.WRITE_SPOFS[kind], rows, run, snapshot)
                counts["single_points_of_failure"] += len(rows)
        c = analysis.concentration
        say("single_points_of_failure")
        counts["hhi"] = _write_table(session, q.WRITE_HHI, c.hhi, run, snapshot)
        say("hhi")
        counts["exposure"] = _write_table(session, q.WRITE_EXPOSURE, c.exposure, run, snapshot)
        counts["country_exposure"] = _write_table(
            session, q.WRITE_COUNTRY_EXPOSURE, c.country_exposure, run, snapshot
        )
        say("exposure")
        session.run(q.COMPLETE_RUN, run=run, summary=headline(analysis, counts)).consume()
    _delete_stale(store)
    say("complete")
    return WriteSummary(run, time.perf_counter() - started, dict(counts), parts)


def headline(a: Analysis, counts: Counter[str] | dict[str, int]) -> dict[str, Any]:
    """The numbers on the run's ``Summary`` node (the report's headline, and more)."""
    severity = Counter(f.severity for f in a.register)
    at_risk = {p for f in a.register if f.severity == "critical" for p in f.products}
    kinds = Counter(f.kind for f in a.register)
    out: dict[str, Any] = {
        "focal_id": a.focal_id,
        "products": len(a.products),
        "products_at_risk": len(at_risk),
        "findings": len(a.register),
        "single_points_of_failure": len(a.single_points_of_failure),
        "country_outages": len(a.country_outages),
        "revenue_at_stake": float(sum(e.revenue_lost for e in a.risk_exposure_index)),
        "analysis_seconds": float(a.timings.get("total", 0.0)),
    }
    for s in ("critical", "high", "medium", "low"):
        out[f"severity_{s}"] = severity.get(s, 0)
    for k, n in kinds.items():
        out[f"kind_{k}"] = n
    for table, n in counts.items():
        if table.startswith("rows_"):
            out[table] = n
    return out


def _spof_stakes(a: Analysis) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for e in a.risk_exposure_index:
        for p in e.products:
            out[(p.product_id, e.node_id)] = p.revenue_lost
    return out


def _part_batches(parts: Iterator[Part], counts: Counter[str]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for p in parts:
        counted = p.table in JSON_TABLES or (
            p.table in ROW_TABLES and p.column == _first_column(p.table)
        )
        if counted and p.seq >= 0:
            counts[f"rows_{p.table}"] += p.rows
        batch.append(p.as_row())
        size += len(p.data)
        if size >= PART_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _first_column(table: str) -> str:
    return dataclasses.fields(ROW_TABLES[table])[0].name


def _write_table(
    session: neo4j.Session, query: LiteralString, rows: Any, run: str, snapshot: str | None
) -> int:
    """Write a column table's rows (as plain JSON values) in batches."""
    n = 0
    frame = rows.frame()
    for start in range(0, len(frame), BATCH):
        chunk = frame.iloc[start : start + BATCH]
        records = jsonable(chunk.to_dict("records"))
        _write_rows(session, query, records, run, snapshot)
        n += len(records)
    return n


def _write_rows(
    session: neo4j.Session,
    query: LiteralString,
    rows: list[dict[str, Any]],
    run: str,
    snapshot: str | None,
) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute_write(
            _write, query, rows[start : start + BATCH], run=run, snapshot=snapshot
        )


def _write(
    tx: neo4j.ManagedTransaction, /, query: LiteralString, rows: list[Any], **params: Any
) -> None:
    tx.run(query, rows=rows, **params).consume()


def _delete_stale(store: Store) -> None:
    """Delete every run but the current one (interrupted or superseded)."""
    with store._session() as session:
        runs = [r["run"] for r in session.run(q.STALE_RUNS)]
        for run in runs:
            for statement in q.DELETE_RUN:
                session.run(statement, run=run).consume()


# -- reading ---------------------------------------------------------------------------


def current_run(store: Store) -> StoredRun | None:
    """The current complete results, whatever their snapshot (None when there are none or
    they are of another format)."""
    try:
        rows = store._run(q.CURRENT)
    except neo4j.exceptions.ClientError:
        return None
    if not rows:
        return None
    s = dict(rows[0]["summary"])
    if s.get("format") != FORMAT:
        return None
    return StoredRun(str(s["run"]), s.get("snapshot"), s)


def results_for(store: Store, snapshot: str | None) -> StoredRun | None:
    """The current results when they belong to ``snapshot``, else None."""
    run = current_run(store)
    return run if run is not None and run.snapshot == snapshot else None


def iter_parts(store: Store, run: str, table: str | None = None) -> Iterator[Part]:
    """The stored parts of ``run`` (of one ``table``), ordered by table, part and column,
    fetched one at a time (a caller may stop early)."""
    with store._session() as session:
        listed = [r.data() for r in session.run(q.LIST_PARTS, run=run, table=table)]
        for p in listed:
            data = session.run(q.READ_PART_DATA, ids=[p["id"]]).single(strict=True)["data"]
            yield Part(p["table"], p["column"], p["seq"], p["codec"], p["rows"], data)


def read_analysis(store: Store, run: StoredRun) -> Analysis:
    """The whole stored analysis of ``run``."""
    return decode(iter_parts(store, run.run))


def read_register(
    store: Store,
    run: StoredRun,
    limit: int | None = None,
    keep: Callable[[dict[str, Any]], bool] = lambda _row: True,
) -> list[Finding]:
    """The first ``limit`` findings of the stored register (all when None) that ``keep``
    accepts (given the finding's JSON row), ranked."""
    out: list[Finding] = []
    for part in iter_parts(store, run.run, "register"):
        for row in read_part(part.codec, part.data):
            if limit is not None and len(out) >= limit:
                return out
            if keep(row):
                out.append(decode_row(Finding, row))
    return out


def read_meta(store: Store, run: StoredRun) -> dict[str, Any]:
    """The stored analysis' facts beside its tables (snapshot, products, timings…)."""
    meta: dict[str, Any] = next(
        read_part(p.codec, p.data) for p in iter_parts(store, run.run, "meta")
    )
    return meta
