"""How far a neighbourhood reaches: bounds that the CLI's and the API's options declare.

Kept apart from :mod:`~tierscope.graph.ecosystem` (which imports numpy and the
analyses) so that ``tierscope --help`` can state them without importing those.
"""

from __future__ import annotations

__all__ = ["MAX_DEPTH", "MAX_NODES"]

#: neighbourhoods go at most this many hops out and list at most this many nodes
MAX_DEPTH = 4
MAX_NODES = 2000
