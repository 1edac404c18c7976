"""The Cypher mirror of a stored run: the findings as nodes and relationships.

A run is stored in two stages (:mod:`tierscope.graph.storing`). First its parts,
which tierscope's own readers decode (a few seconds): the run is then
``readable``. Then this mirror, for Cypher users (Neo4j Browser, Bloom, another
system's queries): one ``(:Finding)`` per register row ``-[:ABOUT]->`` its
subject and ``-[:STOPS]->`` the products it names; ``SINGLE_POINT_OF_FAILURE_FOR``
from each company, site or ``(:Country)`` to the products it alone stops;
``BUYS`` from each buyer to each item it sources, carrying the HHIs;
``EXPOSURE`` from each country to each product, and from each company at least
half of a product's supply passes through (:data:`MIRRORED_EXPOSURE`), carrying
its share. When the mirror is whole the run becomes ``current`` in one
transaction, and the runs that are neither readable nor current are deleted:
a Cypher user scoped to the current run sees one whole run, never a mixture.

The mirror is the slow stage (the server writes some 25,000 elements a second),
so by default a process of its own writes it (:func:`start_mirror_process`,
``tierscope mirror``) while the command that analysed goes on with its answer.
It checks between batches that its run is still the readable one and stops
(deleting what it wrote) when a newer run has replaced it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString

import neo4j
import numpy as np
import pandas as pd

from tierscope.graph import results_cypher as q
from tierscope.graph.analysis.exposure import MAJORITY
from tierscope.graph.analysis.results import Rows, jsonable
from tierscope.graph.analysis.run import Analysis, paused_gc
from tierscope.graph.config import tierscope_home
from tierscope.graph.store import Store, prefetched
from tierscope.graph.stored import delete_mirror, delete_stale

__all__ = [
    "MIRRORED_EXPOSURE",
    "MirrorSummary",
    "Superseded",
    "start_mirror_process",
    "write_mirror",
]

#: rows per write transaction (``$TIERSCOPE_RESULTS_BATCH``: tests make it small)
BATCH = int(os.environ.get("TIERSCOPE_RESULTS_BATCH", "20000"))

#: the companies' EXPOSURE relationships mirror the exposures at least this large (at
#: least half of the product's supply passes through the company: the threshold of
#: hidden concentration); the whole table is in the parts (``analyze --json``/``--csv``).
#: A 100,000-company analysis has a million exposures, a tenth of them this large:
#: writing (and later deleting) all of them took the server minutes.
MIRRORED_EXPOSURE = MAJORITY

Progress = Callable[[str], None]
Write = tuple[str, LiteralString, list[Any]]


class Superseded(Exception):
    """The run being mirrored is no longer the readable one (a newer run replaced it)."""


@dataclass(frozen=True)
class MirrorSummary:
    run: str
    #: False when a newer run replaced this one while it was written (what it wrote is
    #: deleted)
    completed: bool
    seconds: float
    counts: dict[str, int]
    #: seconds the server took for each kind of write
    parts: dict[str, float]


def write_mirror(
    store: Store, run: str, analysis: Analysis, progress: Progress | None = None
) -> MirrorSummary:
    """Write the Cypher mirror of ``run`` (whose parts hold ``analysis``), make the run
    current, and delete the runs before it."""
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    seconds: dict[str, float] = defaultdict(float)
    try:
        _begin(store, run)
        with paused_gc(), store.session() as session:
            t = time.perf_counter()
            ids = _node_ids(session, analysis)
            seconds["node_ids"] = time.perf_counter() - t
            # the batches are made a batch or two ahead of the server (made all at once
            # they outgrew the memory at 1,000,000 companies)
            waited = time.perf_counter()
            for what, query, rows in prefetched(_mirror_batches(analysis, ids, counts)):
                t = time.perf_counter()
                seconds[f"{what}_batches"] += t - waited  # the server waited for Python
                session.execute_write(_write, query, rows, run=run, snapshot=analysis.snapshot)
                waited = time.perf_counter()
                seconds[what] += waited - t
                if progress is not None:
                    progress(what)
            summary = {
                "exposure_mirrored": counts.get("exposure", 0),
                "exposure_mirrored_at_least": MIRRORED_EXPOSURE,
            }
            done = session.run(q.COMPLETE_MIRROR, run=run, summary=summary).single()
            if done is None:
                raise Superseded(run)
    except Superseded:
        delete_stale(store, also=[run])
        return MirrorSummary(run, False, time.perf_counter() - started, dict(counts), {})
    t = time.perf_counter()
    for what, took in delete_stale(store).items():
        seconds[f"delete_previous_{what}"] = took
    seconds["delete_previous"] = time.perf_counter() - t
    return MirrorSummary(run, True, time.perf_counter() - started, dict(counts), dict(seconds))


def _begin(store: Store, run: str) -> None:
    """Mark ``run`` as being mirrored by this process (deleting what an earlier attempt
    wrote); raise :class:`Superseded` when it is not the readable run."""
    with store.session() as session:
        marked = session.run(q.BEGIN_MIRROR, run=run, pid=os.getpid()).single()
    if marked is None:
        raise Superseded(run)
    if marked["again"]:
        delete_mirror(store, run)


def _write(
    tx: neo4j.ManagedTransaction, /, query: LiteralString, rows: list[Any], **params: Any
) -> None:
    # the batch and the check that the run is still the readable one, in one transaction
    if tx.run(q.STILL_READABLE, run=params["run"]).single() is None:
        raise Superseded(params["run"])
    tx.run(query, rows=rows, **params).consume()


# -- a process of its own ------------------------------------------------------------------


def mirror_log() -> Path:
    """Where a mirror process writes what it says (``$TIERSCOPE_HOME/logs/mirror.log``)."""
    return tierscope_home() / "logs" / "mirror.log"


def start_mirror_process(store: Store, run: str) -> int:
    """Start ``tierscope mirror --run RUN`` as a process of its own (it outlives the
    caller), on the caller's database; its pid."""
    log = mirror_log()
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **store.settings.as_env())
    with log.open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "tierscope", "mirror", "--run", run],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not stopped by the caller's Ctrl-C or exit
        )
    return child.pid


# -- the batches -----------------------------------------------------------------------------

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


def _spof_stakes(a: Analysis) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for e in a.risk_exposure_index:
        for p in e.products:
            out[(p.product_id, e.node_id)] = p.revenue_lost
    return out


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
