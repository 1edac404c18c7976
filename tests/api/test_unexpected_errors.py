"""An unexpected error over HTTP: a 500 naming a request id, the traceback only in the log.

The error is a real one, as in tests/cli/test_unexpected_errors.py: a bundle
of this test's own is loaded, then damaged in Neo4j as a hand edit could do it
(one SUPPLIES relationship loses its ``key``), so the server's first read of
it fails on a ``KeyError`` nobody planned for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from apitools import Api
from neo4j import GraphDatabase

from tierscope.graph.config import Neo4jSettings
from tierscope.loaders.bundle import load_bundle

DAMAGE = "MATCH ()-[r:SUPPLIES]->() WHERE r.key = $key REMOVE r.key"
ROUTES = [
    "/v1/risks",
    "/v1/companies",
    "/v1/dependencies/check?product=P&company=T",
    "/v1/views/overview",
    "/v1/report",
]


@pytest.fixture
def damaged(
    api_server: Api,
    bundle_with,
    neo4j_settings: Neo4jSettings,  # type: ignore[no-untyped-def]
) -> Iterator[Api]:
    # a snapshot the server has never analysed: an id no other test's bundle has
    load_bundle(
        bundle_with(kpis="company_id,metric,period,value,target\nS1,damaged,2026-Q1,1,1\n"),
        api_server.store,
    )
    s = neo4j_settings
    with GraphDatabase.driver(s.uri, auth=(s.user, s.password)) as driver:
        key = driver.execute_query(
            "MATCH ()-[r:SUPPLIES]->() RETURN r.key AS key ORDER BY key LIMIT 1",
            database_=s.database,
        ).records[0]["key"]
        summary = driver.execute_query(DAMAGE, key=key, database_=s.database).summary
    assert summary.counters.properties_set == 1
    try:
        yield api_server
    finally:
        api_server.store.clear()  # the next test's `api` loads the demo again


@pytest.mark.parametrize("route", ROUTES)
def test_an_unexpected_error_is_a_500_with_a_request_id_and_no_traceback(
    damaged: Api, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="tierscope.api")
    with damaged.client() as c:
        r = c.get(route)
    assert r.status_code == 500
    request_id = r.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "error": {
            "code": "internal",
            "message": "Internal error; the server log has the details under request id "
            f"{request_id}.",
            "request_id": request_id,
        }
    }
    for secret in ("Traceback", "KeyError", "key", "props", ".py"):
        assert secret not in r.text

    path = route.split("?")[0]
    (record,) = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.name == "tierscope.api"
    assert record.getMessage() == f"request {request_id}: internal error on GET {path}"
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    logged = logging.Formatter().format(record)
    assert "Traceback (most recent call last):" in logged
    assert "raise KeyError(key)" in logged and logged.endswith("KeyError: 'key'")


def test_every_answer_carries_its_own_request_id(api: Api) -> None:
    with api.client() as c:
        answers = [c.get("/v1/ping"), c.get("/v1/companies/NOPE"), c.get("/v1/risks")]
    assert [a.status_code for a in answers] == [200, 404, 200]
    ids = [a.headers["X-Request-ID"] for a in answers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == 3


def test_no_route_answers_a_csv_or_spreadsheet_file(api: Api) -> None:
    """Every CSV or XLSX tierscope writes goes through tierscope.graph.csvsafe (tested in
    tests/graph/test_csvsafe.py and tests/cli/test_csv_injection.py). The API writes none
    today; a route that starts to must add its own test of each prefix over HTTP."""
    with api.client() as c:
        doc = c.get("/openapi.json").json()
    types = {
        media
        for operations in doc["paths"].values()
        for operation in operations.values()
        for response in operation.get("responses", {}).values()
        for media in response.get("content", {})
    }
    assert types == {"application/json", "text/html"}


def test_the_damage_is_real(damaged: Api, tmp_path: Path) -> None:
    """What the 500 above stands for: reading the damaged ecosystem fails by itself."""
    from tierscope.graph.projection import read_projection

    with pytest.raises(KeyError, match="'key'"):
        read_projection(damaged.store)
