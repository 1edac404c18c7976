"""The analysis' results kept in Neo4j: what a run is, reading it, deleting old ones.

A *run* is one stored :class:`~tierscope.graph.analysis.run.Analysis`, written by
:mod:`tierscope.graph.storing` in two stages:

* its ``(:ResultPart)`` nodes (:mod:`~tierscope.graph.analysis.codec`), the whole
  analysis for tierscope's own readers, read back in a second or two instead of
  recomputed; once they are written the run is ``readable``;
* its Cypher mirror (:mod:`tierscope.graph.mirror`) for Cypher users; once that
  is written the run is ``current``.

Each becomes true in one transaction that makes it false on the run before, so a
reader sees one whole run. Every node and relationship of a run carries its
``run`` id; the run's ``(:Summary)`` holds its snapshot and headline numbers.
Runs that are neither readable nor current (interrupted or superseded) are
deleted by the next write (:func:`delete_stale`). The schema is documented in
``docs/results.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import neo4j

from tierscope.graph import results_cypher as q
from tierscope.graph.analysis.codec import FORMAT, Part, decode, decode_row, read_part
from tierscope.graph.analysis.finding import Finding
from tierscope.graph.analysis.run import Analysis
from tierscope.graph.store import Store

__all__ = [
    "StoredRun",
    "current_run",
    "delete_stale",
    "ensure_schema",
    "iter_parts",
    "read_analysis",
    "read_meta",
    "read_register",
    "results_for",
]


@dataclass(frozen=True)
class StoredRun:
    """The readable stored results: their run id, snapshot and headline numbers."""

    run: str
    snapshot: str | None
    summary: dict[str, Any]

    def rows(self, table: str) -> int:
        return int(self.summary.get(f"rows_{table}", 0))

    @property
    def mirrored(self) -> bool:
        """Whether the run's Cypher mirror is written (the run is ``current``)."""
        return bool(self.summary.get("current"))


def ensure_schema(store: Store) -> None:
    with store.session() as session:
        for statement in q.SCHEMA:
            session.run(statement).consume()


def delete_stale(store: Store, also: list[str] | None = None) -> dict[str, float]:
    """Delete every run neither readable nor current (interrupted or superseded), and the
    runs ``also`` names; the seconds each kind of element took."""
    seconds: dict[str, float] = {}
    with store.session() as session:
        runs = [r["run"] for r in session.run(q.STALE_RUNS)]
        runs = sorted({*runs, *(also or [])})
        if runs:
            for what, statement in q.DELETE_RUN.items():
                t = time.perf_counter()
                session.run(statement, runs=runs).consume()
                seconds[what] = time.perf_counter() - t
    return seconds


def delete_mirror(store: Store, run: str) -> None:
    """Delete what a mirror of ``run`` wrote (before it is written again)."""
    with store.session() as session:
        for statement in q.DELETE_MIRROR.values():
            session.run(statement, runs=[run]).consume()


# -- reading ---------------------------------------------------------------------------


def current_run(store: Store) -> StoredRun | None:
    """The readable results, whatever their snapshot (None when there are none or they
    are of another format)."""
    try:
        rows = store._run(q.READABLE)
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
    with store.session() as session:
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
