"""Neo4j stops and comes back: the API says 503 (with Retry-After), then recovers by itself;
a database that accepts connections but never answers is given up at the app's own
deadline, not the driver's (the time it takes is measured by ``bench/api.py --outage``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from apitools import READ_KEY, Api, free_port
from fastapi import FastAPI

from tierscope.api.app import app_from_env
from tierscope.graph.config import Neo4jSettings

CHECK = {"product": "P-NX400", "company": "TKS"}
#: the first bytes of every Bolt connection (the "magic preamble")
BOLT_MAGIC = b"\x60\x60\xb0\x17"


def test_a_stopped_then_restarted_database_gives_503_then_200(
    api: Api, neo4j_settings: Neo4jSettings
) -> None:
    if neo4j_settings.external:
        pytest.fail("this test stops the database: run it against the local test server")
    from tests_support import test_server  # the server the session started

    with api.client() as c:
        assert c.get("/v1/dependencies/check", params=CHECK).status_code == 200
        server = test_server()
        assert server.stop()
        try:
            time.sleep(0.5)  # past the API's freshness interval (0.2 s)
            r = c.get("/v1/dependencies/check", params=CHECK)
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "3"
            err = r.json()["error"]
            assert err["code"] == "database_unavailable" and "not reachable" in err["message"]
            h = c.get("/v1/health").json()
            assert h["database"] == "unreachable" and h["status"] == "degraded"
        finally:
            server.start(log=lambda m: None)
        deadline = time.monotonic() + 60
        while True:
            r = c.get("/v1/dependencies/check", params=CHECK)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert r.status_code == 200, r.text
        assert r.json()["is_single_point_of_failure"]
        assert c.get("/v1/health").json()["database"] == "reachable"


class SilentDatabase:
    """A TCP port that accepts connections and never answers (a hung server, a
    firewall that swallows replies): only a deadline of the client's ends the wait."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def received(self) -> list[bytes]:
        """What each accepted connection sent (never answered)."""
        out = []
        for conn in self.accepted:
            conn.settimeout(5)
            try:
                out.append(conn.recv(64))
            except TimeoutError:
                out.append(b"")
        return out

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.listener.close()


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_a_database_that_never_answers_gives_503_at_the_apps_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app as ``uvicorn --factory tierscope.api.app:app_from_env`` builds it, on a
    database that takes the connection and says nothing. The driver sends its Bolt
    handshake, gets no answer, and gives up at the deadline it was given: the 503
    names that deadline, 3 s (the driver's own connection timeout is 30 s, its
    acquisition timeout 60 s)."""
    silent = SilentDatabase()
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{silent.port}")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-used-never-answered")
    monkeypatch.setenv("TIERSCOPE_API_KEYS", f"{READ_KEY}:read")
    app = app_from_env()
    try:
        with served(app) as url:
            r = httpx.get(
                f"{url}/v1/dependencies/check",
                params=CHECK,
                headers={"X-API-Key": READ_KEY},
                timeout=None,  # no deadline of the test's: the app's own ends the wait
            )
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "5"
        err = r.json()["error"]
        assert err["code"] == "database_unavailable"
        assert f"Neo4j at bolt://127.0.0.1:{silent.port} is not reachable" in err["message"]
        assert "Bolt handshake" in err["message"]
        assert "Deadline(timeout=3.0)" in err["message"]  # the app's deadline, not 30 s
        sent = silent.received()
        assert sent and all(s.startswith(BOLT_MAGIC) for s in sent)  # it did connect and wait
    finally:
        app.state.engine.store.close()
        silent.close()
