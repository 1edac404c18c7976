"""Every route over HTTP against the real Neo4j holding the demo ecosystem."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from typing import Any

import pytest
from apitools import ADMIN_KEY, READ_KEY, Api

from tierscope.graph.analysis.oracle import (
    brute_force_available_products,
    brute_force_down,
    brute_force_single_points_of_failure,
)
from tierscope.graph.projection import read_projection


def cli_json(env: dict[str, str], *args: str) -> Any:
    """What ``tierscope ARGS --json`` prints, as a user runs it."""
    run = subprocess.run(
        [sys.executable, "-m", "tierscope", *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_every_dependency_check_agrees_with_the_analysis(
    api: Api, test_env: dict[str, str]
) -> None:
    """Every (product, company or site) pair: the API's answer is the brute-force
    oracle's (which reads the records itself) and what ``tierscope analyze`` prints."""
    g = read_projection(api.store)
    oracle = {(p, n) for n, ps in brute_force_single_points_of_failure(g).items() for p in ps}
    printed = cli_json(test_env, "analyze")
    assert printed["snapshot"] == g.graph["snapshot"]
    cli = {(s["product_id"], s["node_id"]) for s in printed["single_points_of_failure"]}
    assert cli == oracle
    assert ("P-NX400", "TKS") in oracle  # the demo's planted one is among them
    focal = g.graph["focal_id"]
    products = sorted(
        i for (label, i), d in g.nodes(data=True) if label == "Item" and d.get("kind") == "product"
    )
    nodes = sorted(n for label, n in g if label in ("Company", "Site"))
    answered = set()
    with api.client() as c:
        for p in products:
            for n in nodes:
                r = c.get("/v1/dependencies/check", params={"product": p, "company": n})
                assert r.status_code == 200, r.text
                d = r.json()
                if d["is_single_point_of_failure"]:
                    answered.add((p, n))
                    assert d["depends_on"] and d["evidence"] and d["paths"]
                for path in d["paths"]:
                    assert path[0] == n and path[-1] == p and path[-2] == focal
                assert d["depends_on"] == bool(d["tiers"]) == bool(d["paths"])
    assert answered == oracle


def test_a_planted_single_point_of_failure_comes_with_its_evidence(api: Api) -> None:
    with api.client(bearer=True) as c:
        d = c.get("/v1/dependencies/check", params={"product": "P-NX400", "company": "TKS"}).json()
    assert d["depends_on"] and d["is_single_point_of_failure"]
    assert ["TKS", "KESTREL", "NORVIK", "P-NX400"] in d["paths"]
    assert 2 in d["tiers"]
    assert any("KESTREL" in step for step in d["evidence"])


def test_unknown_ids_are_404_naming_the_id(api: Api) -> None:
    with api.client() as c:
        r = c.get("/v1/dependencies/check", params={"product": "NOPE-1", "company": "TKS"})
        assert r.status_code == 404
        assert r.json()["error"] == {
            "code": "not_found",
            "message": "no product with id 'NOPE-1' in the loaded ecosystem",
            "id": "NOPE-1",
        }
        r = c.get("/v1/companies/NOBODY")
        assert r.status_code == 404 and "'NOBODY'" in r.json()["error"]["message"]
        assert c.get("/v1/products/NOPE/supply-tree").status_code == 404
        assert c.get("/v1/companies/NOBODY/exposure").status_code == 404
        assert c.get("/v1/companies/NOBODY/neighborhood").status_code == 404


def test_bad_parameters_are_422_naming_the_parameter(api: Api) -> None:
    with api.client() as c:
        r = c.get("/v1/dependencies/check", params={"product": "P-NX400"})
        assert r.status_code == 422
        assert r.json()["error"]["message"].startswith("query parameter 'company'")
        for bad in ({"paths": "0"}, {"paths": "101"}, {"paths": "ten"}, {"product": ""}):
            r = c.get(
                "/v1/dependencies/check", params={"product": "P-NX400", "company": "TKS", **bad}
            )
            ((name, value),) = bad.items()
            problem = r.json()["error"]["problems"][0]
            assert r.status_code == 422 and problem["parameter"] == name, r.text
            assert problem["in"] == "query" and problem["value"] == value
        # the last of a repeated parameter counts (as with FastAPI's own parameters)
        r = c.get("/v1/dependencies/check?product=NOPE&product=P-NX400&company=TKS&paths=1")
        assert r.status_code == 200 and r.json()["product_id"] == "P-NX400"
        assert len(r.json()["paths"]) == 1 and r.json()["paths_truncated"]
        r = c.get("/v1/companies/TKS/neighborhood", params={"depth": 99})
        assert r.status_code == 422 and "'depth'" in r.json()["error"]["message"]
        r = c.get("/v1/companies", params={"limit": 100000})
        assert r.status_code == 422 and "'limit'" in r.json()["error"]["message"]
        r = c.get("/v1/risks", params={"severity": "dire"})
        assert r.status_code == 422 and "'severity'" in r.json()["error"]["message"]
        r = c.post("/v1/scenarios", json={"fail": ["NOBODY"], "days": 10})
        assert r.status_code == 422 and "'NOBODY'" in r.json()["error"]["message"]
        r = c.post("/v1/scenarios", json={"fail": ["TKS"], "days": -1})
        assert r.status_code == 422 and "'days'" in r.json()["error"]["message"]
        assert "Traceback" not in r.text


def test_companies_filter_and_paginate(api: Api) -> None:
    with api.client() as c:
        everyone = c.get("/v1/companies", params={"limit": 500}).json()
        suppliers = c.get("/v1/companies", params={"kind": "supplier", "limit": 500}).json()
        tier2 = c.get("/v1/companies", params={"tier": 2, "limit": 500}).json()
        page2 = c.get("/v1/companies", params={"offset": 10, "limit": 10}).json()
        one = c.get("/v1/companies/TKS").json()
    assert everyone["total"] == len(everyone["items"]) > 50
    assert 0 < suppliers["total"] < everyone["total"]
    assert all(x["kind"] == "supplier" for x in suppliers["items"])
    assert tier2["total"] > 0 and all(x["tier"] == 2 for x in tier2["items"])
    assert page2["items"] == everyone["items"][10:20]
    assert one["id"] == "TKS" and one["tier"] == 2


def test_exposure_neighborhood_and_supply_tree(api: Api) -> None:
    with api.client() as c:
        ex = c.get("/v1/companies/TKS/exposure").json()
        near = c.get(
            "/v1/companies/KESTREL/neighborhood", params={"depth": 1, "direction": "upstream"}
        ).json()
        tree = c.get("/v1/products/P-NX400/supply-tree", params={"max_tier": 3}).json()
    nx400 = next(p for p in ex["products"] if p["product_id"] == "P-NX400")
    assert nx400["is_single_point_of_failure"] and 2 in nx400["tiers"]
    assert ex["revenue_at_stake"] > 0
    ids = {n["id"] for n in near["nodes"]}
    assert {"KESTREL", "TKS"} <= ids
    assert all(n["distance"] <= 1 for n in near["nodes"])
    assert any(e["source"] == "TKS" and e["target"] == "KESTREL" for e in near["edges"])
    tks = next(x for x in tree["companies"] if x["id"] == "TKS")
    assert tks["is_single_point_of_failure"] and 2 in tks["tiers"]
    assert all(link["tier"] <= 3 for link in tree["links"])
    assert any(
        link["supplier_id"] == "TKS" and link["buyer_id"] == "KESTREL" for link in tree["links"]
    )


def test_risks_filters_and_sections(api: Api) -> None:
    with api.client() as c:
        top = c.get("/v1/risks", params={"limit": 5}).json()
        critical = c.get("/v1/risks", params={"severity": "critical", "limit": 500}).json()
        spof = c.get("/v1/risks/single-points-of-failure", params={"product": "P-NX400"}).json()
        hidden = c.get("/v1/risks/concentration", params={"section": "hidden"}).json()
        every_hidden = c.get(
            "/v1/risks/concentration", params={"section": "hidden", "limit": 500}
        ).json()
        hhi = c.get("/v1/risks/concentration", params={"section": "exposure", "limit": 3}).json()
        gaps = c.get("/v1/risks/coverage").json()
        kpis = c.get("/v1/risks/coverage", params={"section": "kpis"}).json()
    assert [f["rank"] for f in top["items"]] == [1, 2, 3, 4, 5]
    assert critical["total"] > 0 and all(f["severity"] == "critical" for f in critical["items"])
    assert spof["total"] > 0 and all(s["product_id"] == "P-NX400" for s in spof["items"])
    assert any(s["node_id"] == "TKS" for s in spof["items"])
    # the default page is the first 50 of them all; among them all, the demo's planted
    # hidden concentrations: China behind the dual-sourced magnets, TKS behind both EMS
    assert every_hidden["total"] == len(every_hidden["items"]) == hidden["total"] > 50
    assert hidden["items"] == every_hidden["items"][:50]
    rows = {
        (h["product_id"], h["kind"], h["subject_id"], h["item_id"]): h
        for h in every_hidden["items"]
    }
    china = rows[("P-MS20", "country", "CN", "M-NDPR-OXIDE")]
    assert china["share"] >= 0.9 and china["visible_share"] < 0.5
    tks = rows[("P-NX400", "company", "TKS", "C-ASIC-MC")]
    assert (tks["share"], tks["tier"]) == (1.0, 2)
    assert len(hhi["items"]) == 3 and hhi["total"] > 3
    assert gaps["total"] > 0 and kpis["total"] > 0


def test_a_scenario_answers_what_the_cli_prints(api: Api, test_env: dict[str, str]) -> None:
    """``POST /v1/scenarios`` answers what ``tierscope scenario --json`` prints; what
    stops and what goes down is the brute-force oracle's, and the revenue lost is
    DESIGN.md's ``revenue_per_day x max(0, D - inventory_days)`` from the item rows."""
    printed = cli_json(test_env, "scenario", "--fail", "TKS", "--country", "TW", "--days", "45")
    with api.client() as c:
        r = c.post("/v1/scenarios", json={"fail": ["TKS"], "countries": ["TW"], "days": 45})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got == printed

    g = read_projection(api.store)
    items = {i: d for (label, i), d in g.nodes(data=True) if label == "Item"}
    products = {i for i, d in items.items() if d.get("kind") == "product"}
    baseline = brute_force_available_products(g)
    after = brute_force_available_products(g, ["TKS"], [], ["TW"])
    stopped = {s["product_id"]: s for s in got["stopped_products"]}
    assert set(stopped) == baseline - after
    assert "P-NX400" in stopped
    assert set(got["unaffected_products"]) == products - set(stopped)
    down_c, down_s = brute_force_down(g, ["TKS"], [], ["TW"])
    assert (got["down_companies"], got["down_sites"]) == (len(down_c), len(down_s))
    for p, s in stopped.items():
        per_day = float(items[p].get("revenue_per_day") or 0)
        tts = float(items[p].get("inventory_days") or 0)
        assert s["revenue_lost"] == pytest.approx(per_day * max(0.0, 45 - tts))
        assert s["covered_by_inventory"] == (tts >= 45)
    assert got["revenue_lost"] == pytest.approx(sum(s["revenue_lost"] for s in stopped.values()))


def test_keys_missing_wrong_and_too_weak(api: Api) -> None:
    with api.client(key=None) as c:
        r = c.get("/v1/risks")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
        assert c.get("/v1/health").status_code == 200  # health reveals no data
    with api.client(key="not-a-key-0123456789") as c:
        assert (
            c.get(
                "/v1/dependencies/check", params={"product": "P-NX400", "company": "TKS"}
            ).status_code
            == 401
        )
    with api.client(key=READ_KEY) as c:
        r = c.post("/v1/imports", files={"file": ("b.zip", b"x", "application/zip")})
        assert r.status_code == 403 and "'admin'" in r.json()["error"]["message"]
    with api.client(key=ADMIN_KEY, bearer=True) as c:
        assert c.get("/v1/risks", params={"limit": 1}).status_code == 200


def test_every_route_but_health_refuses_a_request_without_a_key(api: Api) -> None:
    """Walks the OpenAPI document: a route added without the key check fails here."""
    with api.client(key=None) as c:
        doc = c.get("/openapi.json").json()
        checked = 0
        for path, operations in doc["paths"].items():
            url = path.replace("{company_id}", "TKS").replace("{product_id}", "P-NX400")
            assert "{" not in url, f"fill the path parameter of {path} in this test"
            for method in operations:
                r = c.request(method.upper(), url)
                expected = 200 if path in ("/v1/health", "/v1/ping") else 401
                assert r.status_code == expected, (method, path, r.status_code)
                checked += 1
        assert checked >= 14


def _zip(tables: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in tables.items():
            z.writestr(f"{name}.csv", text)
    return buf.getvalue()


def test_an_import_that_fails_validation_writes_nothing(api: Api) -> None:
    from tests_support import TINY

    before = api.store.state()
    nodes_before = api.store.count("MATCH (n) RETURN count(n) AS n")
    bad = dict(TINY, companies=TINY["companies"].replace("S2,شركة الخليج,supplier", "S2,x,wizard"))
    with api.client(key=ADMIN_KEY) as c:
        r = c.post("/v1/imports", files={"file": ("bad.zip", _zip(bad), "application/zip")})
    assert r.status_code == 422, r.text
    body = r.json()["error"]
    assert body["code"] == "invalid_bundle" and body["message"].startswith("bad.zip:")
    problem = next(p for p in body["problems"] if p["column"] == "kind")
    assert (
        problem["file"] == "companies.csv" and problem["row"] == 4 and problem["value"] == "wizard"
    )
    assert api.store.state() == before
    assert api.store.count("MATCH (n) RETURN count(n) AS n") == nodes_before


def test_an_import_replaces_the_ecosystem_and_the_answers(api: Api) -> None:
    from tests_support import TINY

    with api.client(key=ADMIN_KEY) as c:
        r = c.post("/v1/imports", files={"file": ("tiny.zip", _zip(TINY), "application/zip")})
        assert r.status_code == 201, r.text
        assert r.json()["counts"]["companies"] == 6
        d = c.get("/v1/dependencies/check", params={"product": "P", "company": "T"}).json()
        assert d["depends_on"] and d["is_single_point_of_failure"] and d["tiers"] == [2]
        assert c.get("/v1/companies/TKS").status_code == 404
        r = c.post("/v1/imports", files={"file": ("notes.txt", b"hello", "text/plain")})
        assert r.status_code == 422 and ".zip or .xlsx" in r.json()["error"]["message"]


def test_large_bodies_are_refused(api: Api) -> None:
    with api.client() as c:
        r = c.post("/v1/scenarios", json={"fail": ["X" * 200_000]})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
