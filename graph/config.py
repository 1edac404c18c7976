"""Where the database is: ``NEO4J_*`` environment variables, else the local server.

``TIERSCOPE_HOME`` (default ``~/.tierscope``) holds the local server: the Neo4j
jars fetched from Maven Central, its configuration, data and logs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Neo4jSettings", "tierscope_home"]


def tierscope_home() -> Path:
    """The folder for tierscope's local state (``$TIERSCOPE_HOME`` or ``~/.tierscope``)."""
    return Path(os.environ.get("TIERSCOPE_HOME") or Path.home() / ".tierscope")


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach Neo4j. ``external`` is true when ``NEO4J_URI`` names a server of the user's."""

    uri: str
    user: str
    password: str
    database: str
    external: bool

    @classmethod
    def external_from_env(cls) -> Neo4jSettings | None:
        """Settings from ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``.

        ``None`` when ``NEO4J_URI`` is unset or empty.
        """
        uri = os.environ.get("NEO4J_URI", "").strip()
        if not uri:
            return None
        return cls(
            uri=uri,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
            external=True,
        )
