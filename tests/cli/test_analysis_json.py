"""``tierscope analyze --json`` (schema_version 3, docs/contracts.md) on the demo, as a
user runs it: the filters keep what filtering the whole output in Python keeps, unknown
filter values are refused in one line, each evidence value and step is written once, and
following the ``evidence_id`` s and ``steps`` gives back exactly the evidence of the in-memory analysis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from contract import evidence_of, problems, records

from tierscope.graph.analysis.finding import KIND_ORDER, SEVERITIES
from tierscope.graph.analysis.run import analyze
from tierscope.graph.config import Neo4jSettings
from tierscope.graph.reading import read_context
from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path, load_bundle

#: the keys of the object with --only
ONLY_KEYS = {
    "schema_version",
    "snapshot",
    "focal_id",
    "filters",
    "products",
    "register",
    "evidence",
    "timings_seconds",
}
#: the keys whose rows carry an evidence_id, and those whose rows name their steps
WITH_EVIDENCE = ("register",)
WITH_STEPS = ("single_points_of_failure", "country_outages")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def env(session_store: Store, neo4j_settings: Any) -> dict[str, str]:
    """The test server with the demo loaded (once for this module)."""
    session_store.clear()
    load_bundle(demo_bundle_path(), session_store)
    return {**os.environ, **neo4j_settings.as_env()}


def printed(env: dict[str, str], *args: str) -> dict[str, Any]:
    """``tierscope analyze --json ARGS``, checked against the schema."""
    out = run("analyze", "--json", *args, env=env)
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    assert problems(data) == []
    return data


@pytest.fixture(scope="module")
def whole(env: dict[str, str]) -> dict[str, Any]:
    return printed(env)


def resolved(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The rows of ``data[key]`` with their evidence in place of ``evidence_id``, so that
    two outputs (whose ids need not agree) compare."""
    out = []
    for row in data[key]:
        r = {k: v for k, v in row.items() if k not in ("evidence_id", "steps")}
        r["evidence"] = evidence_of(data, row)
        out.append(r)
    return out


def assert_evidence_is_what_the_rows_name(data: dict[str, Any]) -> None:
    named = {r["evidence_id"] for key in WITH_EVIDENCE for r in data.get(key, [])}
    assert set(data["evidence"]) == named - {None}


def tables_of_product(data: dict[str, Any], product: str) -> dict[str, Any]:
    """What --product keeps of the tables other than the register, filtered here."""
    c = data["concentration"]
    losses = [
        {**e, "products": [p for p in e["products"] if p["product_id"] == product]}
        for e in data["risk_exposure_index"]
    ]
    return {
        "single_points_of_failure": [
            r for r in resolved(data, "single_points_of_failure") if r["product_id"] == product
        ],
        "country_outages": [
            r for r in resolved(data, "country_outages") if r["product_id"] == product
        ],
        "risk_exposure_index": [e for e in losses if e["products"]],
        "hhi": c["hhi"],  # per buyer and item: about no one product
        **{
            key: [r for r in records(c[key]) if r["product_id"] == product]
            for key in ("exposure", "country_exposure", "hidden")
        },
        "convergence": [r for r in c["convergence"] if any(p == product for p, _ in r["products"])],
        "coverage": data["coverage"],
        "disagreements": [
            r
            for r in data["classical_views"]["disagreements"]
            if r.get("product_id") in (None, product)
        ],
    }


# -- filters ----------------------------------------------------------------------------


def test_only_two_kinds_keeps_their_findings_and_nothing_else(
    env: dict[str, str], whole: dict[str, Any]
) -> None:
    kinds = ["convergence", "single_point_of_failure"]
    # comma-separated and repeated are the same
    data = printed(env, "--only", ",".join(kinds))
    again = printed(env, "--only", kinds[0], "--only", kinds[1])
    data.pop("timings_seconds"), again.pop("timings_seconds")
    assert data == again
    assert set(data) == ONLY_KEYS - {"timings_seconds"}
    assert data["filters"] == {"only": kinds, "product": None, "min_severity": None}
    assert data["products"] == whole["products"]
    expected = [r for r in resolved(whole, "register") if r["kind"] in kinds]
    assert {r["kind"] for r in expected} == set(kinds)  # both kinds are there to keep
    assert resolved(data, "register") == expected
    assert_evidence_is_what_the_rows_name(data)


@pytest.mark.parametrize("product", ["P-MS20", "P-NX400"])
def test_product_keeps_what_concerns_that_product(
    env: dict[str, str], whole: dict[str, Any], product: str
) -> None:
    data = printed(env, "--product", product)
    assert data["filters"] == {"only": [], "product": product, "min_severity": None}
    assert data["products"] == [p for p in whole["products"] if p["product_id"] == product]
    expected = [r for r in resolved(whole, "register") if product in r["products"]]
    assert expected and len(expected) < len(whole["register"])
    assert resolved(data, "register") == expected
    kept, want = tables_of_product(data, product), tables_of_product(whole, product)
    assert kept == want
    for key in ("single_points_of_failure", "exposure", "country_exposure"):
        assert want[key], key  # each filter had rows to keep
    c = data["concentration"]
    assert len(data["single_points_of_failure"]) == len(want["single_points_of_failure"])
    assert len(data["risk_exposure_index"]) == len(want["risk_exposure_index"])
    for key in ("exposure", "country_exposure", "hidden"):
        assert len(c[key]["rows"]) == len(want[key]), key
    assert len(c["convergence"]) == len(want["convergence"])
    assert_evidence_is_what_the_rows_name(data)


def test_min_severity_keeps_the_findings_at_least_that_severe(
    env: dict[str, str], whole: dict[str, Any]
) -> None:
    data = printed(env, "--min-severity", "high")
    assert data["filters"] == {"only": [], "product": None, "min_severity": "high"}
    expected = [r for r in resolved(whole, "register") if r["severity"] in ("critical", "high")]
    assert {r["severity"] for r in expected} == {"critical", "high"}
    assert len(expected) < len(whole["register"])
    assert resolved(data, "register") == expected
    # the other tables are whole
    for key in ("single_points_of_failure", "country_outages"):
        assert resolved(data, key) == resolved(whole, key)
    for key in ("products", "risk_exposure_index", "concentration", "coverage"):
        assert data[key] == whole[key], key
    assert_evidence_is_what_the_rows_name(data)


def test_the_filters_combine(env: dict[str, str], whole: dict[str, Any]) -> None:
    kinds = ["single_point_of_failure", "coverage_no_sponsor", "hidden_concentration"]
    args = ["--only", ",".join(kinds), "--product", "P-NX400", "--min-severity", "high"]
    data = printed(env, *args)
    assert set(data) == ONLY_KEYS
    assert data["filters"] == {"only": kinds, "product": "P-NX400", "min_severity": "high"}
    assert [p["product_id"] for p in data["products"]] == ["P-NX400"]
    expected = [
        r
        for r in resolved(whole, "register")
        if r["kind"] in kinds
        and "P-NX400" in r["products"]
        and SEVERITIES.index(r["severity"]) <= SEVERITIES.index("high")
    ]
    # each filter leaves out what the others keep: P-NX400's hidden concentrations are
    # medium, its coverage_few_contacts finding is high, other products' failures critical
    assert {r["kind"] for r in expected} == set(kinds[:2])
    assert any(
        r["kind"] == "hidden_concentration" and "P-NX400" in r["products"]
        for r in whole["register"]
    )
    assert resolved(data, "register") == expected
    assert_evidence_is_what_the_rows_name(data)


def test_the_printed_register_is_filtered_too(env: dict[str, str], whole: dict[str, Any]) -> None:
    out = run("analyze", "--only", "country_outage", "--top", "100", env=env)
    assert out.returncode == 0, out.stderr
    outages = [r for r in whole["register"] if r["kind"] == "country_outage"]
    assert f"; {len(outages)} match the filters" in out.stdout
    assert out.stdout.count("· country outage ·") == len(outages)
    assert "· single point of failure ·" not in out.stdout


@pytest.mark.parametrize(
    "args,says,allowed",
    [
        (["--only", "convergence,nope"], "--only 'nope' is not a kind of finding", KIND_ORDER),
        (
            ["--product", "P-NOPE"],
            "--product 'P-NOPE' is not a product of the loaded ecosystem",
            ("P-C5CPU", "P-MS20", "P-NX400", "P-VP07"),
        ),
        (["--min-severity", "dire"], "--min-severity 'dire' is not one of", SEVERITIES),
    ],
    ids=["kind", "product", "severity"],
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_an_unknown_filter_value_is_one_clear_line(
    env: dict[str, str], args: list[str], says: str, allowed: tuple[str, ...], as_json: bool
) -> None:
    out = run("analyze", *(["--json"] if as_json else []), *args, env=env)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.startswith(f"Error: {says}") and out.stderr.count("\n") == 1, out.stderr
    assert all(a in out.stderr for a in allowed), out.stderr
    assert "Traceback" not in out.stderr


# -- evidence written once ----------------------------------------------------------------


def test_each_evidence_value_is_written_once_and_every_id_resolves(
    whole: dict[str, Any],
) -> None:
    ids = [r["evidence_id"] for key in WITH_EVIDENCE for r in whole[key]]
    assert None not in ids  # on the demo, every finding has its evidence
    assert set(ids) == set(whole["evidence"])  # every id resolves; no value is unnamed
    values = [json.dumps(v, sort_keys=True) for v in whole["evidence"].values()]
    assert len(set(values)) == len(values)  # no two ids name equal values
    assert len(whole["evidence"]) < len(ids)  # and the demo's rows do share some
    # the steps: each written once, each named by some row, every index in range
    named = [i for key in WITH_STEPS for r in whole[key] for i in r["steps"]]
    assert set(named) == set(range(len(whole["evidence_steps"])))
    steps = [json.dumps(v, sort_keys=True) for v in whole["evidence_steps"]]
    assert len(set(steps)) == len(steps)
    assert len(steps) < len(named)


def test_following_the_evidence_ids_gives_back_the_analysis_evidence(
    whole: dict[str, Any], neo4j_settings: Neo4jSettings
) -> None:
    """The stored, streamed contract and ``Analysis.to_dict()`` (schema version 1, what the
    API answers) of the same demo hold the same evidence for the same rows, and the same
    rows in the column tables."""
    # the analysis of the ecosystem as read from Neo4j (rows in id/key order, as every
    # reader reads them): the order of a bundle's rows can break ties differently
    with Store(neo4j_settings) as store:
        v1 = analyze(read_context(store)).to_dict()
    assert whole["snapshot"] == v1["snapshot"]

    register = resolved(whole, "register")
    assert [(r["rank"], r["kind"], r["subject_id"]) for r in register] == [
        (f["rank"], f["kind"], f["subject_id"]) for f in v1["register"]
    ]
    for mine, theirs in zip(register, v1["register"], strict=True):
        assert mine["evidence"] == theirs["evidence"], mine["rank"]
        assert mine == theirs

    spofs = {
        (s["product_id"], s["node_id"]): s for s in resolved(whole, "single_points_of_failure")
    }
    assert spofs.keys() == {(s["product_id"], s["node_id"]) for s in v1["single_points_of_failure"]}
    for s in v1["single_points_of_failure"]:
        mine = spofs[(s["product_id"], s["node_id"])]
        assert mine["evidence"] == s["evidence"]
        assert " ".join(step["text"] for step in mine["evidence"]) == s["summary"]
        assert mine == {k: v for k, v in s.items() if k != "summary"}

    outages = {(s["product_id"], s["node_id"]): s for s in resolved(whole, "country_outages")}
    assert outages.keys() == {(s["product_id"], s["country"]) for s in v1["country_outages"]}
    for s in v1["country_outages"]:
        mine = outages[(s["product_id"], s["country"])]
        assert mine["path"] == s["path"]
        assert " ".join(step["text"] for step in mine["evidence"]) == s["summary"]

    c, c1 = whole["concentration"], v1["concentration"]
    for key in ("hhi", "exposure", "country_exposure"):
        assert records(c[key]) == c1[key], key
    assert records(c["hidden"]) == [
        {k: v for k, v in h.items() if k != "sentence"} for h in c1["hidden"]
    ]
