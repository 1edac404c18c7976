"""The API's settings, from the environment (``TIERSCOPE_*``; Neo4j from ``NEO4J_*``).

``TIERSCOPE_API_KEYS`` holds comma-separated ``key:role`` pairs, role ``read``
or ``admin``. Empty means no keys: the server then refuses any address but a
loopback one (:meth:`ApiSettings.check_host`).
"""

from __future__ import annotations

import ipaddress
from enum import IntEnum

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tierscope.graph.errors import TierscopeError

__all__ = ["ApiSettings", "Role", "is_loopback", "parse_keys"]


class Role(IntEnum):
    read = 1
    admin = 2


def parse_keys(text: str) -> dict[str, Role]:
    """``"k1:read,k2:admin"`` as {key: role}; a clear error naming the bad entry."""
    keys: dict[str, Role] = {}
    for n, entry in enumerate((e.strip() for e in text.split(",")), 1):
        if not entry:
            continue
        key, sep, role = entry.rpartition(":")
        if not sep or not key or role not in Role.__members__:
            raise TierscopeError(
                f"TIERSCOPE_API_KEYS entry {n} ({entry[:4]}…) is not key:role with role "
                "'read' or 'admin'"
            )
        if len(key) < 16:
            raise TierscopeError(
                f"TIERSCOPE_API_KEYS entry {n}: the key is {len(key)} characters; use at least 16"
            )
        keys[key] = Role[role]
    return keys


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIERSCOPE_", extra="ignore")

    api_keys: str = Field(default="", repr=False)
    #: request bodies above this are refused with 413 (uploads have their own limit)
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 200_000_000
    #: how often (seconds) the loaded snapshot is checked against the database
    freshness_seconds: float = 1.0
    retry_after_seconds: int = 5
    #: how long a browser's sign-in lasts (``api/sessions.py``)
    session_minutes: float = Field(default=480, gt=0, le=60 * 24 * 30)

    def keys(self) -> dict[str, Role]:
        return parse_keys(self.api_keys)

    def check_host(self, host: str) -> None:
        """Refuse to serve on ``host`` without keys unless it is a loopback address
        (an open API would answer anyone who can reach it)."""
        if not self.keys() and not is_loopback(host):
            raise TierscopeError(
                f"No API keys are configured (TIERSCOPE_API_KEYS), so the API serves only "
                f"on a loopback address (127.0.0.1, ::1, localhost), not {host}: set "
                "TIERSCOPE_API_KEYS or drop --host"
            )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
