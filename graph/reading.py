"""The analyses' context read from Neo4j as columns, with no networkx graph.

Kept out of :mod:`tierscope.graph.analysis` (the analyses never touch the store):
this module joins the reader (:mod:`tierscope.graph.columns`) and the context.
"""

from __future__ import annotations

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.run import paused_gc
from tierscope.graph.columns import CONTEXT_RELATIONSHIPS, DEFAULT_CHUNK_ROWS, reading_columns
from tierscope.graph.store import Store

__all__ = ["read_context"]


def read_context(store: Store, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Context:
    """The analyses' :class:`Context` of the ecosystem loaded in ``store``, read as
    columns (:func:`~tierscope.graph.columns.read_columns`), with no networkx graph:
    the same context as ``index(read_projection(store))``, several times faster.

    Raises :class:`~tierscope.graph.errors.NoEcosystem` or
    :class:`~tierscope.graph.errors.IncompleteLoad` when there is nothing complete to read.
    """
    with (
        paused_gc(),
        reading_columns(
            store, chunk_rows, relationship_types=CONTEXT_RELATIONSHIPS, order=_CONTEXT_ORDER
        ) as columns,
    ):
        return Context.from_columns(columns)


#: The order Context.from_columns uses the tables in: the server reads each while
#: Python builds from the ones before.
_CONTEXT_ORDER = (
    "SUPPLIES",
    "Company",
    "Site",
    "Item",
    "REQUIRES",
    "DEPENDS_ON",
    "Person",
    "Kpi",
    "PART_OF",
    "SPONSORS",
    "CONTACT_FOR",
)
