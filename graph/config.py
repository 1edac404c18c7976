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

    def as_env(self) -> dict[str, str]:
        """The ``NEO4J_*`` variables that point a ``tierscope`` process at this server."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
        }

    @classmethod
    def external_from_env(cls, prefix: str = "NEO4J_") -> Neo4jSettings | None:
        """Settings from ``{prefix}URI``, ``USER``, ``PASSWORD`` and ``DATABASE``.

        ``None`` when ``{prefix}URI`` is unset or empty. The default prefix reads
        ``NEO4J_URI`` and friends; the tests use ``TIERSCOPE_TEST_NEO4J_``.
        """
        uri = os.environ.get(f"{prefix}URI", "").strip()
        if not uri:
            return None
        return cls(
            uri=uri,
            user=os.environ.get(f"{prefix}USER", "neo4j"),
            password=os.environ.get(f"{prefix}PASSWORD", ""),
            database=os.environ.get(f"{prefix}DATABASE", "neo4j"),
            external=True,
        )
