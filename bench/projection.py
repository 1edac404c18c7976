"""The projection read against the columnar drain of the same columns (issue 23).

    python bench/projection.py [--repeat 3]

``bench/end_to_end.py --only projection`` runs the same, beside the whole commands.

Runs against the database every command uses (``NEO4J_URI``, else the local server
of ``TIERSCOPE_HOME`` / ``TIERSCOPE_BOLT_PORT``), which must hold a loaded ecosystem
(e.g. ``tierscope generate --companies 100000 --seed 7`` then ``tierscope load``);
nothing is written to it.

(a) ``read_context(store)``: the analyses' context read from Neo4j, whole (the
    columnar, chunked read, then the context and its goal graph built from it); against
    (b) the reference: the same columns drained with one plain ``RETURN collect(...)``
    query per table (no chunks, no Python building). Target (a) <= 1.5 x (b). Also
    (c) the record-by-record read it replaced, ``index(read_projection_by_records(store))``,
    run once. Each of (a) and (b) is run ``--repeat`` times, alternating, after one
    untimed drain that warms the page cache; the best run of each is compared.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from tierscope.graph import cypher
from tierscope.graph.analysis.run import index
from tierscope.graph.columns import CONTEXT_RELATIONSHIPS
from tierscope.graph.config import Neo4jSettings
from tierscope.graph.localdb import ensure_database
from tierscope.graph.projection import read_projection_by_records
from tierscope.graph.reading import read_context
from tierscope.graph.store import Store


def _timed(f: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    result = f()
    seconds = time.perf_counter() - started
    del result
    return seconds


def _drain(store: Store) -> int:
    """The reference: every column read_context reads, one plain collect() query per table."""
    values = 0
    for label in cypher.NODE_LABELS:
        values += sum(map(len, store.read_columns(cypher.DRAIN_NODE_COLUMNS[label]).values()))
    for rtype in CONTEXT_RELATIONSHIPS:
        columns = store.read_columns(cypher.DRAIN_RELATIONSHIP_COLUMNS[rtype])
        values += sum(map(len, columns.values()))
    return values


def bench_projection(settings: Neo4jSettings, repeat: int = 3) -> dict[str, Any]:
    """Time the read of the analyses' context against the columnar drain (see above)."""
    with Store(settings) as store:
        state = store.require_complete()
        _drain(store)  # warm the page cache for both
        new: list[float] = []
        drain: list[float] = []
        for _ in range(repeat):
            drain.append(_timed(lambda: _drain(store)))
            new.append(_timed(lambda: read_context(store)))
        old = _timed(lambda: index(read_projection_by_records(store)))
    best_new, best_drain = min(new), min(drain)
    return {
        "companies": state.counts.get("companies"),
        "supplies": state.counts.get("supplies"),
        "read_context_s": round(best_new, 2),
        "columnar_drain_s": round(best_drain, 2),
        "ratio": round(best_new / best_drain, 2),
        "target_ratio": 1.5,
        "record_by_record_s": round(old, 2),
        "speed_up_over_record_by_record": round(old / best_new, 1),
        "runs_read_context_s": [round(x, 2) for x in new],
        "runs_columnar_drain_s": [round(x, 2) for x in drain],
    }


SECTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "projection": bench_projection,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = ensure_database(start=True, log=print)
    for name in args.only or list(SECTIONS):
        print(f"== {name}")
        print(json.dumps(SECTIONS[name](settings, repeat=args.repeat), indent=2))


if __name__ == "__main__":
    main()
