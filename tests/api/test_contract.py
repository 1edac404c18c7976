"""The API's risk answers have the item shapes of the published analysis contract
(docs/analysis.schema.json ``$defs``, the shapes of schema version 1), and are the rows
``tierscope analyze --json`` (schema version 2) prints, once its evidence ids are followed
and its column tables read as objects."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from apitools import Api
from contract import evidence_of, problems, records

#: route and query -> (the part of the schema its items are, where the CLI has them)
SECTIONS: dict[tuple[str, str | None], tuple[str, tuple[str, ...]]] = {
    ("/v1/risks", None): ("finding", ("register",)),
    ("/v1/risks/single-points-of-failure", None): ("singlePoint", ("single_points_of_failure",)),
    ("/v1/risks/concentration", "hhi"): ("hhi", ("concentration", "hhi")),
    ("/v1/risks/concentration", "exposure"): ("exposure", ("concentration", "exposure")),
    ("/v1/risks/concentration", "country_exposure"): (
        "countryExposure",
        ("concentration", "country_exposure"),
    ),
    ("/v1/risks/concentration", "hidden"): ("hidden", ("concentration", "hidden")),
    ("/v1/risks/concentration", "convergence"): ("convergence", ("concentration", "convergence")),
    ("/v1/risks/coverage", "gaps"): ("coverageGap", ("coverage", "gaps")),
    ("/v1/risks/coverage", "people"): ("personLoad", ("coverage", "people")),
    ("/v1/risks/coverage", "segments"): ("segmentCheck", ("coverage", "segments")),
    ("/v1/risks/coverage", "kpis"): ("kpiScore", ("coverage", "kpis")),
}


_printed: dict[str, dict[str, Any]] = {}  # snapshot -> what the CLI printed


@pytest.fixture
def cli_json(api: Api, test_env: dict[str, str]) -> dict[str, Any]:
    """``tierscope analyze --json`` on the ecosystem the API serves (run once)."""
    snapshot = api.store.state().snapshot
    assert snapshot is not None
    if snapshot not in _printed:
        run = subprocess.run(
            [sys.executable, "-m", "tierscope", "analyze", "--json"],
            env=test_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stderr
        _printed[snapshot] = json.loads(run.stdout)
        assert _printed[snapshot]["snapshot"] == snapshot
    return _printed[snapshot]


def every_item(c: Any, route: str, section: str | None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"limit": 500}
    if section is not None:
        params["section"] = section
    items: list[dict[str, Any]] = []
    while True:
        r = c.get(route, params={**params, "offset": len(items)})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            assert len(items) == body["total"]
            return items


@pytest.mark.parametrize("route,section", sorted(SECTIONS, key=str))
def test_risk_answers_meet_the_contract_and_equal_the_cli(
    route: str, section: str | None, api: Api, cli_json: dict[str, Any]
) -> None:
    part, where = SECTIONS[(route, section)]
    with api.client() as c:
        items = every_item(c, route, section)
    assert items, f"{route} {section} answered nothing: nothing was checked"
    bad = [(n, p) for n, item in enumerate(items) for p in problems(item, part)]
    assert bad == []
    expected: Any = cli_json
    for key in where:
        expected = expected[key]
    if part == "hidden":  # its derived sentence is the API's alone since schema version 2
        assert all(i["sentence"] for i in items)
        items = [{k: v for k, v in i.items() if k != "sentence"} for i in items]
    assert items == as_api_items(cli_json, part, expected)


def as_api_items(printed: dict[str, Any], part: str, rows: Any) -> list[dict[str, Any]]:
    """The rows of ``analyze --json`` as the API's items: a column table's rows as objects,
    the evidence in place of its id, and a single point of failure's ``summary`` (its
    steps' texts joined)."""
    if isinstance(rows, dict):
        rows = records(rows)
    if part not in ("finding", "singlePoint"):
        return list(rows)
    out = []
    for row in rows:
        item = {k: v for k, v in row.items() if k not in ("evidence_id", "steps")}
        item["evidence"] = evidence_of(printed, row)
        if part == "singlePoint":
            item["summary"] = " ".join(step["text"] for step in item["evidence"])
        out.append(item)
    return out
