"""Neo4j stops and comes back: the API says 503 (with Retry-After), then recovers by itself."""

from __future__ import annotations

import time

import pytest
from apitools import Api

from tierscope.graph.config import Neo4jSettings

CHECK = {"product": "P-NX400", "company": "TKS"}


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
            t = time.monotonic()
            r = c.get("/v1/dependencies/check", params=CHECK)
            answered_in = time.monotonic() - t
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "3"
            err = r.json()["error"]
            assert err["code"] == "database_unavailable" and "not reachable" in err["message"]
            assert answered_in < 10  # refused quickly, not after the driver's long timeouts
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
