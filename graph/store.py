"""The Neo4j store: connect, load records all-or-nothing and idempotently, read back.

A load is safe to interrupt and to repeat:

1. the state node is marked ``loading`` with the new snapshot id;
2. every row is ``MERGE``d on its unique key, in batches (``UNWIND $rows``),
   nodes stamped with the snapshot;
3. nodes that still carry another snapshot, and relationships whose key is
   not in the bundle, were not in the bundle and are deleted (so a changed
   bundle replaces the old ecosystem);
4. the state node is marked ``complete``.

Killed anywhere before 4, the state stays ``loading`` and readers refuse the
half-written ecosystem (:class:`IncompleteLoad`); running the same load again
ends exactly where a clean load would. Loading the same bundle twice sets
every property to the value it already has: nothing changes.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar, cast

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from tierscope.graph import cypher
from tierscope.graph.config import Neo4jSettings
from tierscope.graph.errors import DatabaseUnavailable, IncompleteLoad, NoEcosystem
from tierscope.graph.mapping import iter_batches, relationship_keys
from tierscope.graph.schema import Records
from tierscope.graph.tiers import supply_tiers

__all__ = ["LoadState", "LoadSummary", "Store"]

Progress = Callable[[int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class LoadState:
    """What the state node says about the ecosystem in the database."""

    status: str  # "complete", "loading" or "empty"
    snapshot: str | None
    source: str | None
    loaded_at: str | None
    counts: dict[str, int]
    focal_id: str | None
    loading_snapshot: str | None = None
    loading_source: str | None = None


@dataclass(frozen=True)
class LoadSummary:
    """The result of :meth:`Store.load`."""

    snapshot: str
    counts: dict[str, int]
    rows_written: int
    seconds: float


class Store:
    """A connection to the Neo4j database holding one ecosystem.

    ``batch_size`` rows go in each write transaction (default
    ``$TIERSCOPE_BATCH_SIZE`` or 5,000). Use as a context manager, or call
    :meth:`close`.
    """

    def __init__(
        self,
        settings: Neo4jSettings,
        batch_size: int | None = None,
        connect_timeout: float = 30.0,
        pool_size: int = 100,
    ) -> None:
        self.settings = settings
        self.batch_size = batch_size or int(os.environ.get("TIERSCOPE_BATCH_SIZE", "5000"))
        self._driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=connect_timeout,
            max_transaction_retry_time=min(15.0, connect_timeout),
            max_connection_pool_size=pool_size,
            # "property key does not exist" on an empty database is expected, not news
            notifications_min_severity="OFF",
        )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    # -- sessions ----------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        """A session on the database, its connection errors turned into clear ones."""
        try:
            with self._driver.session(database=self.settings.database) as session:
                yield session
        except AuthError as e:
            raise DatabaseUnavailable(
                f"Neo4j at {self.settings.uri} refused user '{self.settings.user}': "
                "check NEO4J_USER and NEO4J_PASSWORD"
            ) from e
        except ServiceUnavailable as e:
            raise DatabaseUnavailable(
                f"Neo4j at {self.settings.uri} is not reachable ({e}); start it with "
                "`tierscope db start` or check NEO4J_URI"
            ) from e

    def _run(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        with self.session() as session:
            return [r.data() for r in session.run(query, params)]

    def verify(self) -> None:
        """Raise :class:`DatabaseUnavailable` unless the database answers a query."""
        self._run("RETURN 1 AS ok")

    def server_version(self) -> str:
        """The Neo4j version and edition, e.g. ``5.26.30 community``."""
        rows = self._run(cypher.SERVER_VERSION)
        kernel = next((r for r in rows if r["name"] == "Neo4j Kernel"), rows[0])
        return f"{kernel['version']} {kernel['edition']}"

    # -- writing -----------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the uniqueness constraints (idempotent)."""
        with self.session() as session:
            for statement in cypher.CONSTRAINTS:
                session.run(statement).consume()

    def load(
        self, records: Records, snapshot: str, progress: Progress | None = None
    ) -> LoadSummary:
        """Replace the ecosystem in the database with ``records``.

        ``snapshot`` identifies the bundle (a digest of its files). ``progress``
        is called with the number of rows written after each batch.
        """
        started = time.perf_counter()
        self.ensure_schema()
        counts = dict(records.counts())
        focal_id = records.focal_id()
        tiers = supply_tiers(records)
        source = records.source
        self._run(cypher.SET_STATE_LOADING, snapshot=snapshot, source=source)
        had_data = self.count(cypher.COUNT_ECOSYSTEM_NODES) > 0
        written = 0
        with self.session() as session:
            for batch in prefetched(iter_batches(records, self.batch_size, tiers, snapshot)):
                query = (
                    cypher.MERGE_NODES[batch.label]
                    if batch.kind == "node"
                    else cypher.MERGE_RELATIONSHIPS[batch.label]
                )
                session.execute_write(_write_batch, query, batch.rows)
                written += len(batch.rows)
                if progress is not None:
                    progress(len(batch.rows))
        with self.session() as session:
            # Rows that carry another snapshot were not in this bundle. A database
            # that held no ecosystem when the load began has none to sweep.
            if had_data:
                keys = relationship_keys(records)
                for rtype, statement in cypher.SWEEP_RELATIONSHIPS.items():
                    session.run(statement, keys=keys.get(rtype, [])).consume()
                for statement in cypher.SWEEP_NODES.values():
                    session.run(statement, snapshot=snapshot).consume()
            session.run(
                cypher.SET_STATE_COMPLETE,
                snapshot=snapshot,
                source=source,
                counts_json=json.dumps(counts, sort_keys=True),
                focal_id=focal_id,
            ).consume()
        return LoadSummary(snapshot, counts, written, time.perf_counter() - started)

    def clear(self) -> None:
        """Delete everything tierscope stored (every node and relationship)."""
        with self.session() as session:
            session.run(cypher.DELETE_ALL).consume()

    # -- reading -----------------------------------------------------------
    def state(self) -> LoadState:
        """What is loaded: ``status`` is ``complete``, ``loading`` (interrupted) or ``empty``."""
        rows = self._run(cypher.READ_STATE)
        if not rows:
            return LoadState("empty", None, None, None, {}, None)
        r = rows[0]
        return LoadState(
            status=r["status"],
            snapshot=r["snapshot"],
            source=r["source"],
            loaded_at=r["loaded_at"],
            counts=json.loads(r["counts_json"]) if r["counts_json"] else {},
            focal_id=r["focal_id"],
            loading_snapshot=r["loading_snapshot"],
            loading_source=r["loading_source"],
        )

    def require_complete(self) -> LoadState:
        """The state of a completely loaded ecosystem, else a clear error."""
        state = self.state()
        if state.status == "empty":
            raise NoEcosystem(
                f"The database at {self.settings.uri} holds no ecosystem yet; "
                "load one with `tierscope load PATH` (or `tierscope demo`)"
            )
        if state.status != "complete":
            raise IncompleteLoad(
                f"The last load of {state.loading_source or 'a bundle'} into "
                f"{self.settings.uri} did not finish; run `tierscope load` with that bundle "
                "again to complete it"
            )
        return state

    def read_nodes(self, label: str) -> Generator[tuple[str, dict[str, Any]], None, None]:
        """Every node of ``label`` as (id, properties)."""
        with self.session() as session:
            for rec in session.run(cypher.READ_NODES[label]):
                yield rec["id"], rec["props"]

    def read_relationships(
        self, rtype: str
    ) -> Generator[tuple[str, str, dict[str, Any]], None, None]:
        """Every relationship of ``rtype`` as (start id, end id, properties)."""
        with self.session() as session:
            for rec in session.run(cypher.READ_RELATIONSHIPS[rtype]):
                yield rec["start"], rec["end"], rec["props"]

    def read_columns(self, query: LiteralString, **params: Any) -> dict[str, Any]:
        """Run a query that returns one record of lists (``RETURN collect(...) AS a, ...``)
        and return them by column name."""
        with self.session() as session:
            record = session.run(query, params).single(strict=True)
            # not record.data(): it walks every element of every list
            return dict(zip(record.keys(), record.values(), strict=True))

    def count(self, query: LiteralString, **params: Any) -> int:
        """Run a counting query (one row, one column) and return the number."""
        rows = self._run(query, **params)
        return int(next(iter(rows[0].values()))) if rows else 0


def prefetched(batches: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Build the next batches in a thread while the server writes the current one."""
    done = object()
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for b in batches:
                while not stop.is_set():
                    try:
                        q.put(b, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as e:  # handed to the consumer, raised there
            q.put(e)

    worker = threading.Thread(target=produce, name="tierscope-batches", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)
    finally:
        stop.set()


def _write_batch(
    tx: neo4j.ManagedTransaction, query: LiteralString, rows: list[dict[str, Any]]
) -> None:
    tx.run(query, rows=rows).consume()
