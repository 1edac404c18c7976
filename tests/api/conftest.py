"""A real tierscope API server over HTTP (uvicorn in a thread) on the test Neo4j.

The demo bundle is loaded once for the API tests; the server checks the
loaded snapshot every 0.2 s, so tests that load another bundle see it at once.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from apitools import ADMIN_KEY, READ_KEY, Api, free_port

from tierscope.api.app import create_app
from tierscope.api.settings import ApiSettings
from tierscope.graph.config import Neo4jSettings
from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path, load_bundle, read_valid_bundle


@pytest.fixture(scope="session")
def api_server(neo4j_settings: Neo4jSettings) -> Iterator[Api]:
    store = Store(neo4j_settings, connect_timeout=3.0)
    settings = ApiSettings(
        api_keys=f"{READ_KEY}:read,{ADMIN_KEY}:admin",
        freshness_seconds=0.2,
        max_body_bytes=100_000,
        max_upload_bytes=5_000_000,
        retry_after_seconds=3,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, store), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the API server did not start in 30 s")
        time.sleep(0.05)
    try:
        yield Api(f"http://127.0.0.1:{port}", store)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        store.close()


@pytest.fixture
def api(api_server: Api) -> Api:
    """The API with the demo ecosystem loaded (loaded again if a test replaced it)."""
    demo_snapshot = _demo_snapshot()
    if api_server.store.state().snapshot != demo_snapshot:
        load_bundle(demo_bundle_path(), api_server.store)
    return api_server


@functools.cache
def _demo_snapshot() -> str:
    return read_valid_bundle(demo_bundle_path())[1]
