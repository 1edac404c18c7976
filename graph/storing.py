"""Storing an analysis in Neo4j as a new run (see :mod:`tierscope.graph.stored`).

:func:`write_results` writes the run's parts and makes it the readable run (the
answer every tierscope reader gets from then on), then has its Cypher mirror
written (:mod:`tierscope.graph.mirror`) as :class:`MirrorMode` says:

* ``background`` (the default): by a process of its own, started now; the
  command goes on with its answer and the mirror becomes current a little later
  (``docs/results.md`` says how long, and how to wait for it);
* ``wait``: here, before returning (scripts that query the mirror right after,
  and the tests);
* ``off``: not at all (``tierscope mirror`` writes it later).

All-or-nothing: a process killed while writing the parts leaves the previous run
readable and current; one killed while writing the mirror leaves the new run
readable and the previous mirror current, whole. The next write deletes the
pieces of the interrupted one.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import neo4j

from tierscope.graph import results_cypher as q
from tierscope.graph.analysis.codec import FORMAT, Part, encode, tables
from tierscope.graph.analysis.run import Analysis, paused_gc
from tierscope.graph.errors import TierscopeError
from tierscope.graph.mirror import MirrorSummary, start_mirror_process, write_mirror
from tierscope.graph.store import Store
from tierscope.graph.stored import delete_stale, ensure_schema

__all__ = ["MirrorMode", "WriteSummary", "headline", "mirror_mode", "write_results"]

#: bytes of parts per write transaction (``$TIERSCOPE_PART_BYTES``: tests make it small)
PART_BYTES = int(os.environ.get("TIERSCOPE_PART_BYTES", str(16 << 20)))

Progress = Callable[[str], None]


class MirrorMode(StrEnum):
    background = "background"
    wait = "wait"
    off = "off"


def mirror_mode() -> MirrorMode:
    """``$TIERSCOPE_MIRROR`` (``background``, ``wait`` or ``off``; default background)."""
    given = os.environ.get("TIERSCOPE_MIRROR", "").strip().lower() or MirrorMode.background
    try:
        return MirrorMode(given)
    except ValueError:
        allowed = ", ".join(m.value for m in MirrorMode)
        raise TierscopeError(f"TIERSCOPE_MIRROR must be one of {allowed}, got {given!r}") from None


@dataclass(frozen=True)
class WriteSummary:
    run: str
    #: seconds until the run was readable (its parts written)
    seconds: float
    counts: dict[str, int]
    #: seconds of each stage of the parts
    parts: dict[str, float]
    #: the mirror when it was written here (``wait``)
    mirror: MirrorSummary | None = None
    #: the process writing it (``background``)
    mirror_pid: int | None = None


def write_results(
    store: Store,
    analysis: Analysis,
    progress: Progress | None = None,
    mirror: MirrorMode | None = None,
) -> WriteSummary:
    """Store ``analysis`` as a new run, make it readable, and have its mirror written
    (``mirror``, default :func:`mirror_mode`; see the module docstring)."""
    mode = mirror if mirror is not None else mirror_mode()
    started = time.perf_counter()
    ensure_schema(store)
    delete_stale(store)
    run = uuid.uuid4().hex
    counts: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    with paused_gc(), store.session() as session:
        session.run(q.BEGIN_RUN, run=run, snapshot=analysis.snapshot, format=FORMAT).consume()
        for name, table in tables(analysis).items():
            counts[f"rows_{name}"] = len(table)
        t = time.perf_counter()
        for rows in _part_batches(encode(analysis)):
            session.execute_write(_write, q.WRITE_PARTS, rows, run=run)
            if progress is not None:
                progress("parts")
        seconds["parts"] = time.perf_counter() - t
        session.run(q.PUBLISH_RUN, run=run, summary=headline(analysis, counts)).consume()
    readable = time.perf_counter() - started
    if mode is MirrorMode.wait:
        written = write_mirror(store, run, analysis, progress)
        return WriteSummary(run, readable, dict(counts), seconds, mirror=written)
    if mode is MirrorMode.background:
        pid = start_mirror_process(store, run)
        return WriteSummary(run, readable, dict(counts), seconds, mirror_pid=pid)
    return WriteSummary(run, readable, dict(counts), seconds)


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
        "top_revenue_at_stake": float(
            max((e.revenue_lost for e in a.risk_exposure_index), default=0.0)
        ),
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


def _part_batches(parts: Iterator[Part]) -> Iterator[list[dict[str, Any]]]:
    """The parts as rows, about :data:`PART_BYTES` of data per write."""
    batch: list[dict[str, Any]] = []
    size = 0
    for p in parts:
        batch.append(p.as_row())
        size += len(p.data)
        if size >= PART_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _write(tx: neo4j.ManagedTransaction, /, query: Any, rows: list[Any], **params: Any) -> None:
    tx.run(query, rows=rows, **params).consume()
