"""The API tests' client helper and keys."""

from __future__ import annotations

import socket
from dataclasses import dataclass

import httpx

from tierscope.graph.store import Store

READ_KEY = "read-key-0123456789abcdef"
ADMIN_KEY = "admin-key-0123456789abcdef"


@dataclass
class Api:
    url: str
    store: Store

    def client(self, key: str | None = READ_KEY, bearer: bool = False) -> httpx.Client:
        headers = {}
        if key is not None:
            headers = {"Authorization": f"Bearer {key}"} if bearer else {"X-API-Key": key}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
