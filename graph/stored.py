"""The analysis' results kept in Neo4j, once per loaded snapshot.

:func:`write_results` stores one :class:`~tierscope.graph.analysis.run.Analysis`
as a *run*, in two forms:

* for Cypher users (Neo4j Browser, Bloom, another system's queries): one
  ``(:Finding)`` per register row ``-[:ABOUT]->`` its subject and ``-[:STOPS]->``
  the products it names; ``SINGLE_POINT_OF_FAILURE_FOR`` from each company, site
  or ``(:Country)`` to the products it alone stops; ``BUYS`` from each buyer to
  each item it sources, carrying the HHIs; ``EXPOSURE`` from each country to
  each product, and from each company at least half of a product's supply
  passes through (:data:`MIRRORED_EXPOSURE`), carrying its share; the headline
  numbers on the run's ``(:Summary)``;
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

import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, LiteralString, TypeVar

import neo4j
import numpy as np
import pandas as pd

from tierscope.graph import results_cypher as q
from tierscope.graph.analysis.codec import (
    FORMAT,
    Part,
    decode,
    decode_row,
    encode,
    read_part,
    tables,
)
from tierscope.graph.analysis.exposure import MAJORITY
from tierscope.graph.analysis.finding import Finding
from tierscope.graph.analysis.results import Rows, jsonable
from tierscope.graph.analysis.run import Analysis, paused_gc
from tierscope.graph.store import Store, prefetched

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
BATCH = int(os.environ.get("TIERSCOPE_RESULTS_BATCH", "20000"))
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
    #: seconds the server took for each kind of write (the batches are made meanwhile)
    parts: dict[str, float]


def ensure_schema(store: Store) -> None:
    with store.session() as session:
        for statement in q.SCHEMA:
            session.run(statement).consume()


def write_results(
    store: Store, analysis: Analysis, progress: Progress | None = None
) -> WriteSummary:
    """Store ``analysis`` as a new run and make it current (see the module docstring).

    The batches are made in a thread while the server writes the one before.
    """
    started = time.perf_counter()
    ensure_schema(store)
    _delete_stale(store)
    run = uuid.uuid4().hex
    snapshot = analysis.snapshot
    counts: Counter[str] = Counter()
    seconds: dict[str, float] = defaultdict(float)
    # the collector's passes over the batches' millions of small objects are wasted time
    with paused_gc(), store.session() as session:
        session.run(q.BEGIN_RUN, run=run, snapshot=snapshot, format=FORMAT).consume()
        t = time.perf_counter()
        ids = _node_ids(session, analysis)
        seconds["node_ids"] = time.perf_counter() - t
        # the mirror's batches are made a batch or two ahead of the server (made all
        # at once they outgrew the memory at 1,000,000 companies), and the parts are
        # encoded meanwhile in a thread of their own, to be written last
        mirror = prefetched(_mirror_batches(analysis, ids, counts))
        parts = _in_background(lambda: list(_batches(analysis, counts)))
        waited = time.perf_counter()
        for what, query, rows in chain(mirror, _later(parts)):
            t = time.perf_counter()
            # the time the server waited for the batch (made in Python)
            seconds[f"{what}_batches"] += t - waited
            session.execute_write(_write, query, rows, run=run, snapshot=snapshot)
            waited = time.perf_counter()
            seconds[what] += waited - t
            if progress is not None:
                progress(what)
        session.run(q.COMPLETE_RUN, run=run, summary=headline(analysis, counts)).consume()
    t = time.perf_counter()
    for what, took in _delete_stale(store).items():
        seconds[f"delete_previous_{what}"] = took
    seconds["delete_previous"] = time.perf_counter() - t
    return WriteSummary(run, time.perf_counter() - started, dict(counts), dict(seconds))


Write = tuple[str, LiteralString, list[Any]]
T = TypeVar("T")


def _later(make: Callable[[], list[Write]]) -> Iterator[Write]:
    """The writes ``make`` gives, asked for only when the first is needed."""
    yield from make()


def _in_background(make: Callable[[], T]) -> Callable[[], T]:
    """Start ``make()`` in a (daemon) thread now; the function returned waits for its
    result (or raises its exception)."""
    out: list[T] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            out.append(make())
        except BaseException as e:  # raised in the caller
            failed.append(e)

    worker = threading.Thread(target=work, name="tierscope-parts", daemon=True)
    worker.start()

    def result() -> T:
        worker.join()
        if failed:
            raise failed[0]
        return out[0]

    return result


#: element ids by node kind ("company", "item", "site", "person", "country") and key
Ids = dict[str, dict[str, str]]


def _node_ids(session: neo4j.Session, a: Analysis) -> Ids:
    """The element ids of the nodes a run links to, read once (the countries it names
    are created when new)."""
    out: Ids = {}
    for kind, query in q.NODE_IDS.items():
        r = session.run(query).single(strict=True)
        out[kind] = dict(zip(r["keys"], r["ids"], strict=True))
    codes = {f.subject_id for f in a.register if f.subject_type == "country"}
    codes |= {s.node_id for s in a.country_outages}
    held = a.concentration.country_exposure
    if len(held):
        codes |= {str(c) for c in held.codes("country")[1]}
    r = session.run(q.COUNTRY_IDS, codes=sorted(codes)).single(strict=True)
    out["country"] = dict(zip(r["keys"], r["ids"], strict=True))
    return out


def _batches(a: Analysis, counts: Counter[str]) -> Iterator[Write]:
    """The writes of a run's parts: (what, query, rows)."""
    for name, table in tables(a).items():
        counts[f"rows_{name}"] = len(table)
    for rows in _part_batches(encode(a)):
        yield "parts", q.WRITE_PARTS, rows


def _mirror_batches(a: Analysis, ids: Ids, counts: Counter[str]) -> Iterator[Write]:
    """The writes of a run's Cypher mirror: (what, query, columns), each at most
    :data:`BATCH` rows."""
    yield from _chunks("findings", q.WRITE_FINDINGS, _finding_columns(a, ids), counts)
    yield from _chunks("single_points_of_failure", q.WRITE_SPOFS, _spof_columns(a, ids), counts)
    c = a.concentration
    yield from _chunks("hhi", q.WRITE_HHI, _table_columns(c.hhi, HHI_COLUMNS, ids), counts)
    material = c.exposure.column("exposure") >= MIRRORED_EXPOSURE
    exposure = _table_columns(c.exposure, EXPOSURE_COLUMNS, ids, material)
    yield from _chunks("exposure", q.WRITE_EXPOSURE, exposure, counts)
    peaks = _country_peaks(c.country_exposure, ids)
    yield from _chunks("country_exposure", q.WRITE_COUNTRY_EXPOSURE, peaks, counts)


#: the columns of the BUYS and EXPOSURE rows, in the order the queries read them
HHI_COLUMNS = (
    "buyer_id",
    "item_id",
    "basis",
    "suppliers",
    "hhi",
    "country_hhi",
    "group_hhi",
    "top_supplier",
    "top_share",
    "top_country",
    "top_country_share",
    "highly_concentrated",
)
EXPOSURE_COLUMNS = ("company_id", "product_id", "exposure", "tier", "item_id")
#: the companies' EXPOSURE relationships mirror the exposures at least this large (at
#: least half of the product's supply passes through the company: the threshold of
#: hidden concentration); the whole table is in the parts (``analyze --json``/``--csv``).
#: A 100,000-company analysis has a million exposures, a tenth of them this large:
#: writing (and later deleting) all of them took the server minutes.
MIRRORED_EXPOSURE = MAJORITY


def _chunks(
    what: str, query: LiteralString, columns: list[list[Any]], counts: Counter[str]
) -> Iterator[Write]:
    n = len(columns[0])
    counts[what] += n
    for start in range(0, n, BATCH):
        yield what, query, [col[start : start + BATCH] for col in columns]


def _finding_columns(a: Analysis, ids: Ids) -> list[list[Any]]:
    items = ids["item"]
    fs = a.register
    about = [ids.get(f.subject_type, {}).get(f.subject_id) for f in fs]
    stops = [
        [e for e in (items.get(p) for p in dict.fromkeys(f.products)) if e is not None] for f in fs
    ]
    return [
        [f.rank for f in fs],
        [f.kind for f in fs],
        [f.severity for f in fs],
        [f.subject_id for f in fs],
        [f.subject_type for f in fs],
        [f.sentence for f in fs],
        [f.revenue_at_stake for f in fs],
        [list(f.products) for f in fs],
        about,
        stops,
    ]


def _spof_columns(a: Analysis, ids: Ids) -> list[list[Any]]:
    stake = _spof_stakes(a)
    spofs = [*a.single_points_of_failure, *a.country_outages]
    items = ids["item"]
    return [
        [ids.get(s.node_type, {}).get(s.node_id) for s in spofs],
        [items.get(s.product_id) for s in spofs],
        [stake.get((s.product_id, s.node_id), 0.0) for s in spofs],
    ]


def _table_columns(
    rows: Rows[Any], names: tuple[str, ...], ids: Ids, keep: np.ndarray | None = None
) -> list[list[Any]]:
    """A column table as lists (in the order of ``names``), its first two columns (a
    company, an item) as element ids; only the rows ``keep`` says (all when None) whose
    nodes are there."""
    columns: list[np.ndarray] = []
    for n, kind in zip(names, ("company", "item", *[None] * len(names)), strict=False):
        if kind is not None:
            codes, values = rows.codes(n)
            known = ids[kind]
            columns.append(np.array([known.get(v) for v in values], dtype=object)[codes])
        elif _categorical(rows, n):
            codes, values = rows.codes(n)
            columns.append(values[codes])
        else:
            columns.append(rows.column(n))
    found = (columns[0] != None) & (columns[1] != None)  # noqa: E711 (elementwise)
    if keep is not None:
        found &= keep
    if not found.all():
        columns = [c[found] for c in columns]
    return [c.tolist() if c.dtype == object else jsonable(c.tolist()) for c in columns]


def _categorical(rows: Rows[Any], name: str) -> bool:
    return isinstance(rows._held(name), pd.Categorical)


def _country_peaks(rows: Rows[Any], ids: Ids) -> list[list[Any]]:
    """Columns (country, product, share, item, items, below tier 1) of each (product,
    country): its largest share over the items of the product's tree, and the item it is
    of (country and product as element ids)."""
    if not len(rows):
        return [[] for _ in range(6)]
    df = rows.frame().sort_values(
        ["product_id", "country", "share", "item_id"], ascending=[True, True, False, True]
    )
    items = df.groupby(["product_id", "country"], sort=False)["item_id"].transform("count")
    first = ~df.duplicated(["product_id", "country"], keep="first")
    top = df[first]
    countries, products = ids["country"], ids["item"]
    return [
        [countries.get(c) for c in top["country"].astype(str).tolist()],
        [products.get(p) for p in top["product_id"].astype(str).tolist()],
        top["share"].astype(float).tolist(),
        top["item_id"].astype(str).tolist(),
        items[first].astype(int).tolist(),
        top["enters_below_tier_1"].astype(bool).tolist(),
    ]


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
    # how many of the exposures (rows_exposure) have an EXPOSURE relationship
    out["exposure_mirrored"] = counts.get("exposure", 0)
    out["exposure_mirrored_at_least"] = MIRRORED_EXPOSURE
    return out


def _spof_stakes(a: Analysis) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for e in a.risk_exposure_index:
        for p in e.products:
            out[(p.product_id, e.node_id)] = p.revenue_lost
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


def _write(
    tx: neo4j.ManagedTransaction, /, query: LiteralString, rows: list[Any], **params: Any
) -> None:
    tx.run(query, rows=rows, **params).consume()


def _delete_stale(store: Store) -> dict[str, float]:
    """Delete every run but the current one (interrupted or superseded); the seconds
    each kind of element took."""
    seconds: dict[str, float] = {}
    with store.session() as session:
        runs = [r["run"] for r in session.run(q.STALE_RUNS)]
        if runs:
            for what, statement in q.DELETE_RUN.items():
                t = time.perf_counter()
                session.run(statement, runs=runs).consume()
                seconds[what] = time.perf_counter() - t
    return seconds


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
