"""The ecosystem read from Neo4j as columns: the fast read every analysis starts from.

Each node label and relationship type is one :class:`ColumnTable`: a list per
property (the columns of ``graph/cypher.py`` :data:`~tierscope.graph.cypher.NODE_COLUMNS`
and :data:`~tierscope.graph.cypher.RELATIONSHIP_COLUMNS`), collected on the server
in chunks of ``chunk_rows`` rows in the order of the uniquely constrained id or key
(keyset pagination, a range seek on the constraint's index: the server holds one
chunk at a time, not the graph). Rows come in that order, whatever the storage:
the analyses of what is read equal those of the bundle's rows sorted so (the
record-by-record read's order was the store's and the planner's; graph/cypher.py). Reading a few long lists is several times
faster than one record per row: on 100,000 companies the 503,585 supply rows took
11.3 s record by record and 1.5 s as collected columns (issue 23).

A missing property is NaN in the lists (the loader never stores NaN);
:meth:`ColumnTable.objects` turns it into ``None`` and :meth:`ColumnTable.rows`
drops it, giving the property maps the record-by-record read gave.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, LiteralString

import numpy as np
import pandas as pd

from tierscope.graph import cypher
from tierscope.graph.store import Store

__all__ = [
    "CONTEXT_RELATIONSHIPS",
    "DEFAULT_CHUNK_ROWS",
    "ColumnTable",
    "Columns",
    "read_columns",
    "reading_columns",
]

#: Rows per chunk: 100,000 was the fastest of 50,000 / 100,000 / 200,000 measured on
#: the 503,585 supply rows of a 100,000-company ecosystem, and bounds the server's heap.
DEFAULT_CHUNK_ROWS = 100_000

#: The relationship types the analyses' context reads (OPERATES, WORKS_AT and KPI_OF
#: repeat the ``company_id`` of sites, people and KPI rows).
CONTEXT_RELATIONSHIPS = ("SUPPLIES", "REQUIRES", "DEPENDS_ON", "PART_OF", "SPONSORS", "CONTACT_FOR")

_NAN = float("nan")


@dataclass
class ColumnTable:
    """One label's nodes or one type's relationships as columns of equal length.

    ``columns`` maps each property (and, for relationships, ``start`` and ``end``:
    the end nodes' ids) to its values in id or key order, NaN where missing.
    ``extras`` holds, by id or key, the whole property map of each row with a
    property beyond the columns (a bundle's extra column), when the read asked for them.
    """

    names: tuple[str, ...]
    columns: dict[str, list[Any]]
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns[self.names[0]])

    def __getitem__(self, name: str) -> list[Any]:
        return self.columns[name]

    def objects(self, name: str) -> np.ndarray:
        """Column ``name`` as an object array, ``None`` where missing."""
        out = np.empty(len(self), dtype=object)
        out[:] = self.columns[name]
        out[pd.isna(out)] = None
        return out

    def floats(self, name: str) -> np.ndarray:
        """Column ``name`` as floats, NaN where missing."""
        return np.asarray(self.columns[name], dtype=float)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row's properties (``start`` and ``end`` excluded), missing ones left out:
        the maps the record-by-record read gave."""
        names = self.names
        extras = self.extras
        for values in zip(*(self.columns[n] for n in names), strict=True):
            if extras and values[0] in extras:
                yield dict(extras[values[0]])
                continue
            yield {n: v for n, v in zip(names, values, strict=True) if v == v}


@dataclass
class Columns:
    """The whole ecosystem as :class:`ColumnTable` s, with the load's state.

    Inside :func:`reading_columns`, a table is read when first asked for (waiting
    for the thread that reads them in turn)."""

    snapshot: str | None
    source: str | None
    loaded_at: str | None
    focal_id: str | None
    nodes: Mapping[str, ColumnTable]
    relationships: Mapping[str, ColumnTable]


def read_columns(
    store: Store,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    extras: bool = False,
    relationship_types: Collection[str] | None = None,
) -> Columns:
    """Read every node label and relationship type of the loaded ecosystem as columns.

    ``extras`` also reads the properties beyond the columns (a bundle's extra
    columns; the analyses read none of them). ``relationship_types`` limits the
    relationships read to those types (the others are empty tables). Raises
    :class:`~tierscope.graph.errors.NoEcosystem` or
    :class:`~tierscope.graph.errors.IncompleteLoad` when there is nothing complete to read.
    """
    with reading_columns(store, chunk_rows, extras, relationship_types) as c:
        return Columns(
            c.snapshot, c.source, c.loaded_at, c.focal_id, dict(c.nodes), dict(c.relationships)
        )


@contextmanager
def reading_columns(
    store: Store,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    extras: bool = False,
    relationship_types: Collection[str] | None = None,
    order: Sequence[str] = (),
) -> Iterator[Columns]:
    """:func:`read_columns` read by a thread, in turn, while the caller uses each table
    as it arrives: the server reads the next table while Python builds from the last.

    ``order`` names the labels and types to read first (the rest follow). Leaving the
    block stops the reads not yet begun.
    """
    if chunk_rows < 2:
        raise ValueError(f"chunk_rows must be at least 2, got {chunk_rows}")
    state = store.require_complete()
    pool: dict[str, str] = {}
    wanted = [label for label in cypher.NODE_LABELS] + [
        t
        for t, _, _ in cypher.RELATIONSHIP_TYPES
        if relationship_types is None or t in relationship_types
    ]
    first = [name for name in order if name in wanted]
    sequence = first + [name for name in wanted if name not in first]
    with ThreadPoolExecutor(1, thread_name_prefix="tierscope-read") as reader:
        futures: dict[str, Future[ColumnTable]] = {}
        for name in sequence:
            if name in cypher.NODE_COLUMNS:
                query = cypher.READ_NODE_COLUMNS[extras][name]
                futures[name] = reader.submit(
                    _read_table,
                    store,
                    query,
                    cypher.COUNT_NODES[name],
                    cypher.NODE_COLUMNS[name],
                    (),
                    chunk_rows,
                    pool,
                )
            else:
                query = cypher.READ_RELATIONSHIP_COLUMNS[extras][name]
                names = cypher.RELATIONSHIP_COLUMNS[name]
                futures[name] = reader.submit(
                    _read_table,
                    store,
                    query,
                    cypher.COUNT_RELATIONSHIPS[name],
                    names,
                    ("start", "end"),
                    chunk_rows,
                    pool,
                )
        relationships: dict[str, ColumnTable | Future[ColumnTable]] = {
            t: futures[t]
            if t in futures
            else ColumnTable(
                cypher.RELATIONSHIP_COLUMNS[t],
                {n: [] for n in ("start", "end", *cypher.RELATIONSHIP_COLUMNS[t])},
            )
            for t, _, _ in cypher.RELATIONSHIP_TYPES
        }
        try:
            yield Columns(
                snapshot=state.snapshot,
                source=state.source,
                loaded_at=state.loaded_at,
                focal_id=state.focal_id,
                nodes=_Arriving({label: futures[label] for label in cypher.NODE_LABELS}),
                relationships=_Arriving(relationships),
            )
        finally:
            for f in futures.values():
                f.cancel()


class _Arriving(Mapping[str, ColumnTable]):
    """Tables by name, each waited for when first asked for."""

    def __init__(self, tables: Mapping[str, ColumnTable | Future[ColumnTable]]) -> None:
        self._tables = tables

    def __getitem__(self, name: str) -> ColumnTable:
        t = self._tables[name]
        return t.result() if isinstance(t, Future) else t

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


def _read_table(
    store: Store,
    query: LiteralString,
    count: LiteralString,
    names: tuple[str, ...],
    ends: tuple[str, ...],
    chunk_rows: int,
    pool: dict[str, str],
) -> ColumnTable:
    """Read one table chunk by chunk: each chunk starts at the last id (or key) of the
    one before (``>=``, so no value is assumed to sort first) and drops that row."""
    key = names[0]
    columns: dict[str, list[Any]] = {n: [] for n in (*ends, *names)}
    extras: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": chunk_rows, "none": _NAN, "known": list(names)}
    start: str | None = None
    while True:
        chunk = store.read_columns(query, **params, **{"from": "" if start is None else start})
        got = chunk[key]
        skip = 1 if start is not None and got and got[0] == start else 0
        for name, values in columns.items():
            values.extend(chunk[name][skip:] if skip else chunk[name])
        for row_key, props in chunk.get("extras") or ():
            extras[row_key] = props
        if len(got) < chunk_rows:
            break
        start = got[-1]
    if store.count(count) != len(columns[key]):
        # a node without its id or a relationship without its key (a hand edit): the
        # record-by-record read failed on it the same way
        raise KeyError(key)
    # one string object per id (a million-company ecosystem has tens of millions of
    # copies otherwise): the analyses' lookups then also find the very same object
    for name in (*ends, *names):
        if name == "id" or name.endswith("_id") or name in ("start", "end"):
            columns[name] = _pooled(columns[name], pool)
    return ColumnTable(names, columns, extras)


def _pooled(values: list[Any], pool: dict[str, str]) -> list[Any]:
    setdefault = pool.setdefault
    return [setdefault(v, v) if type(v) is str else v for v in values]
