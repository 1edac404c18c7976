"""The whole analysis on the demo: concentration, coverage, the register and its contract
(the concentration definitions on random networks: test_concentration.py).

The demo's planted risks (tierscope/loaders/demo/README.md) must all be found
near the top of the register; the propagated country shares must equal the
demo builder's own walk; renaming every id must change nothing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx
import pytest

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import projection_from_records, read_projection
from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path, load_bundle, read_valid_bundle

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> Analysis:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    return analyze(projection_from_records(records, snapshot))


def make_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", REPO / "tools" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# -- concentration on the demo -----------------------------------------------------


def test_the_demo_hhi_rows_name_their_basis_and_flag_high_concentration(demo: Analysis) -> None:
    rows = {(h.buyer_id, h.item_id): h for h in demo.concentration.hhi}
    board = rows[("NORVIK", "C-PCBA-DRV")]  # KESTREL 0.6, PENANG 0.4
    assert (board.basis, board.hhi, board.top_supplier, board.top_share) == (
        "share",
        5_200.0,
        "KESTREL",
        0.6,
    )
    # the parent groups differ (VISTULA, TRICON), so the group HHI is the same
    assert board.group_hhi == 5_200.0 and board.highly_concentrated
    assert all(h.hhi == 10_000.0 for h in demo.concentration.hhi if h.suppliers == 1)


def test_propagated_country_shares_equal_the_demo_builders_walk(demo: Analysis) -> None:
    md = make_demo()
    bundle = md.read_bundle(demo_bundle_path())
    got: dict[str, dict[str, float]] = {}
    for row in demo.concentration.country_exposure:
        if row.product_id == "P-MS20":
            got.setdefault(row.item_id, {})[row.country] = row.share
    for item in ("M-NDFEB", "M-NDPR-OXIDE", "M-DY"):
        expected = md.country_exposure(bundle, "P-MS20", item)
        assert {cc: round(v, 3) for cc, v in got[item].items()} == expected
    assert got["M-NDFEB"]["CN"] == pytest.approx(0.72, abs=0.005)
    assert got["M-DY"] == {"CN": 1.0}


def test_hidden_concentration_finds_china_behind_dual_sourced_magnets(demo: Analysis) -> None:
    hidden = {(h.product_id, h.kind, h.subject_id, h.item_id): h for h in demo.concentration.hidden}
    cn = hidden[("P-MS20", "country", "CN", "M-NDPR-OXIDE")]
    assert cn.share == pytest.approx(0.94, abs=0.005)
    assert cn.visible_share < 0.5  # the tier-1 suppliers do not show it
    tks = hidden[("P-NX400", "company", "TKS", "C-ASIC-MC")]
    assert (tks.share, tks.tier) == (1.0, 2)
    # nothing the focal company buys itself (tier 1) is called hidden
    assert all(h.tier is None or h.tier >= 2 for h in demo.concentration.hidden)


def test_exposure_tiers_are_the_companies_tiers(demo: Analysis) -> None:
    """Kept as integers when every company has a tier (as here), read as ints."""
    exposure = demo.concentration.exposure
    assert exposure.column("tier").dtype.kind == "i"
    assert demo.context is not None
    assert all(e.tier == demo.context.tier(e.company_id) for e in exposure)
    assert {e.tier for e in exposure} >= {1, 2}


def test_convergence_names_tks_behind_both_ems_partners(demo: Analysis) -> None:
    conv = {c.company_id: c for c in demo.concentration.convergence}
    assert set(conv["TKS"].tier1_dependents) >= {"KESTREL", "PENANG"}
    # the sentence is derived when read, and still written to JSON and CSV
    sentence = conv["TKS"].sentence
    assert sentence == (
        "Both KESTREL and PENANG, our tier-1 suppliers, cannot deliver without TKS, a tier-2 "
        "supplier; 2 products get at least half of an input through it."
    )
    written = {c["company_id"]: c for c in demo.to_dict()["concentration"]["convergence"]}
    assert written["TKS"]["sentence"] == sentence
    frame = demo.frames()["convergence"].set_index("company_id")
    assert frame.loc["TKS", "sentence"] == sentence
    # a convergence finding of the register reads its sentence and evidence from the point
    for f in demo.register:
        if f.kind == "convergence":
            c = conv[f.subject_id]
            assert f.sentence == c.sentence
            assert f.evidence == {"tier1_dependents": list(c.tier1_dependents), "tier": c.tier}


# -- coverage, segments, KPIs -------------------------------------------------------


def test_coverage_gaps_are_the_planted_ones_joined_with_structure(demo: Analysis) -> None:
    gaps = {(g.company_id, g.kind) for g in demo.coverage.gaps}
    assert ("DAEHAN", "no_sponsor") in gaps  # strategic, 55% of C-IGBT
    assert ("FEINGUSS", "few_contacts") in gaps  # bottleneck, one contact
    assert ("TKS", "no_sponsor") in gaps  # undeclared, but a single point of failure
    # every other strategic or bottleneck partner is sponsored and has two contacts
    assert gaps <= {
        ("DAEHAN", "no_sponsor"),
        ("FEINGUSS", "few_contacts"),
        ("TKS", "no_sponsor"),
        ("TKS", "few_contacts"),
    }


def test_kpi_scorecard_shows_the_declining_partners(demo: Analysis) -> None:
    score = {(k.company_id, k.metric): k for k in demo.coverage.kpis}
    otd = score[("DAEHAN", "on_time_delivery")]
    assert (otd.latest, otd.target, otd.meets_target, otd.trend) == (89.7, 95.0, False, "declining")
    ppm = score[("DAEHAN", "ppm_defects")]
    assert ppm.latest == 95 and not ppm.higher_is_better and ppm.trend == "declining"
    assert any(k.company_id == "FEINGUSS" and k.trend == "declining" for k in score.values())


def test_kraljic_check_flags_a_routine_partner_that_carries_most_of_an_input(
    demo: Analysis,
) -> None:
    seg = {s.company_id: s for s in demo.coverage.segments}
    taiterm = seg["TAITERM"]
    assert (taiterm.declared, taiterm.computed, taiterm.mismatch) == (
        "routine",
        "bottleneck",
        True,
    )
    # declared right: a sole source outside the big spenders; a big spender carrying 55%
    assert (seg["FEINGUSS"].computed, seg["FEINGUSS"].mismatch) == ("bottleneck", False)
    assert (seg["DAEHAN"].computed, seg["DAEHAN"].mismatch) == ("strategic", False)
    assert seg["TKS"].declared is None and seg["TKS"].computed == "bottleneck"
    assert all(s.mismatch == (s.declared != s.computed) for s in seg.values())


# -- the register ------------------------------------------------------------------


def test_every_planted_risk_ranks_above_the_background(demo: Analysis) -> None:
    top = {(f.kind, f.subject_id): f.rank for f in demo.register}
    planted = [
        ("single_point_of_failure", "NORDKAP"),
        ("single_point_of_failure", "TKS"),
        ("country_outage", "TW"),
        ("hidden_concentration", "CN"),
        ("coverage_no_sponsor", "DAEHAN"),
        ("coverage_few_contacts", "FEINGUSS"),
        ("coverage_no_sponsor", "TKS"),
        ("single_point_of_failure", "QUBIT"),
        ("single_point_of_failure", "FEINGUSS"),
        ("single_point_of_failure", "SITE-FEINGUSS-SUHL"),
        ("country_outage", "CN"),
    ]
    ranks = [top[p] for p in planted]
    assert max(ranks) <= len(planted) + 4, sorted(zip(ranks, planted, strict=True))
    # nothing above them is absurd: every finding ranked higher is a single failure that
    # stops a product, or a coverage gap at such a node or a key partner
    worst = max(ranks)
    for f in demo.register[:worst]:
        assert f.severity in ("critical", "high"), f
    assert [f.rank for f in demo.register] == list(range(1, len(demo.register) + 1))
    assert demo.register[0].severity == "critical"


def test_every_finding_has_a_sentence_and_evidence(demo: Analysis) -> None:
    for f in demo.register:
        assert f.sentence and f.sentence.endswith(".")
        assert f.evidence, f
        assert f.severity in ("critical", "high", "medium", "low")


def test_the_json_contract(demo: Analysis, store: Store, test_env: dict[str, str]) -> None:
    """``tierscope analyze --json`` on the demo, as a user runs it, meets the published
    schema (docs/analysis.schema.json, schema_version 3) in every key, type and enum; the
    schema is no formality: what breaks it, the old shapes of version 1 included, is
    refused."""
    import copy
    import subprocess

    from contract import evidence_of, problems, records, schema

    load_bundle(demo_bundle_path(), store)
    run = subprocess.run(
        [sys.executable, "-m", "tierscope", "analyze", "--json"],
        env=test_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    d = json.loads(run.stdout)
    assert problems(d) == []
    assert d["schema_version"] == 3
    assert d["filters"] == {"only": [], "product": None, "min_severity": None}
    # every part of the contract is there and not empty, so each part was checked
    for key in ("products", "register", "single_points_of_failure", "country_outages"):
        assert d[key], key
    for key in ("hhi", "exposure", "country_exposure", "hidden"):
        assert d["concentration"][key]["rows"], key
    assert d["concentration"]["convergence"]
    for key in ("gaps", "people", "segments", "kpis"):
        assert d["coverage"][key], key
    # the demo plants every kind of finding the register has
    assert {f["kind"] for f in d["register"]} == set(schema()["$defs"]["findingKind"]["enum"])
    # the schema cannot follow an evidence_id: each finding's evidence has its kind's shape
    for f in d["register"]:
        assert problems(evidence_of(d, f), f"evidence_{f['kind']}") == [], f
    for s in [*d["single_points_of_failure"], *d["country_outages"]]:
        assert isinstance(evidence_of(d, s), list), s
    # it is the analysis of the demo: the same answers as analysing its rows here
    assert {(s["product_id"], s["node_id"]) for s in d["single_points_of_failure"]} == {
        (s.product_id, s.node_id) for s in demo.single_points_of_failure
    }
    tks = next(
        s
        for s in d["single_points_of_failure"]
        if (s["product_id"], s["node_id"]) == ("P-NX400", "TKS")
    )
    assert tks["node_type"] == "company" and tks["path"][0] == "TKS"
    assert "why" not in tks  # the lazily derived evidence is in, its machinery is not
    (in_memory,) = (
        s
        for s in demo.to_dict()["single_points_of_failure"]
        if (s["product_id"], s["node_id"]) == ("P-NX400", "TKS")
    )
    assert evidence_of(d, tks) == in_memory["evidence"]
    hidden = records(d["concentration"]["hidden"])
    assert {(h["product_id"], h["subject_id"], h["item_id"]) for h in hidden} == {
        (h.product_id, h.subject_id, h.item_id) for h in demo.concentration.hidden
    }

    def broken(change: Any) -> list[str]:
        bad = copy.deepcopy(d)
        change(bad)
        return problems(bad)

    first, spof = d["register"][0], d["single_points_of_failure"][0]
    hhi = d["concentration"]["hhi"]
    assert broken(lambda b: b["register"][0].update(severity="dire"))
    assert broken(lambda b: b["register"][0].update(colour="red"))
    assert broken(lambda b: b["register"][0].pop("evidence_id"))
    assert broken(lambda b: b["register"][0].update(evidence=evidence_of(d, first)))  # v1
    assert broken(lambda b: b["evidence"][first["evidence_id"]].update(path=7))
    assert broken(lambda b: b["evidence_steps"][spof["steps"][0]].update(kind="maybe"))
    assert broken(lambda b: b["single_points_of_failure"][0].update(steps=["s1"]))
    assert broken(lambda b: b["single_points_of_failure"][0].update(evidence_id="e1"))  # v2
    assert broken(lambda b: b["concentration"]["hhi"]["rows"][0].__setitem__(2, "guess"))
    assert broken(lambda b: b["concentration"]["hhi"]["rows"][0].pop())
    assert broken(lambda b: b["concentration"]["hhi"]["columns"].reverse())
    assert broken(lambda b: b["concentration"].update(hhi=records(hhi)))  # v1: objects
    assert broken(lambda b: b["concentration"]["hidden"]["rows"][0].append("a sentence"))
    assert broken(lambda b: b["single_points_of_failure"][0].pop("path"))
    assert broken(lambda b: b["single_points_of_failure"][0].update(summary="x"))  # v1
    assert broken(lambda b: b["country_outages"][0].update(node_type="company"))
    assert broken(lambda b: b["coverage"]["kpis"][0].update(trend="up"))
    assert broken(lambda b: b.update(extra=1))
    assert broken(lambda b: b.update(schema_version=1))
    assert broken(lambda b: b.pop("coverage"))  # unfiltered: every table is there
    assert broken(lambda b: b["filters"].update(only=["convergence"]))  # --only: no tables
    assert broken(lambda b: b["filters"].update(min_severity="dire"))
    frames = demo.frames()
    assert len(frames["single_points_of_failure"]) == len(d["single_points_of_failure"])
    assert set(frames["register"].columns) >= {"kind", "severity", "sentence", "rank"}


def test_renaming_every_id_changes_nothing(demo: Analysis) -> None:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    g = projection_from_records(records, snapshot)
    ids = {n[1] for n in g} | {c for c in Context.from_projection(g).model.company_country}

    def new(x: str) -> str:
        return "Z-" + x[::-1] if x in ids else x

    renamed = nx.relabel_nodes(g, {n: (n[0], new(n[1])) for n in g})
    for _, d in renamed.nodes(data=True):
        for key in ("id", "company_id"):
            if key in d:
                d[key] = new(d[key])
    for _, _, d in renamed.edges(data=True):
        for key in ("item_id", "site_id"):
            if d.get(key) is not None:
                d[key] = new(d[key])
    renamed.graph["focal_id"] = new(g.graph["focal_id"])
    b = analyze(renamed)
    before = {(s.product_id, s.node_id) for s in demo.single_points_of_failure}
    after = {(s.product_id, s.node_id) for s in b.single_points_of_failure}
    assert after == {(new(p), new(n)) for p, n in before}
    assert sorted(
        (f.kind, f.severity, new(f.subject_id), round(f.revenue_at_stake or 0, 2))
        for f in demo.register
    ) == sorted(
        (f.kind, f.severity, f.subject_id, round(f.revenue_at_stake or 0, 2)) for f in b.register
    )
    assert sorted(round(h.hhi, 1) for h in b.concentration.hhi) == sorted(
        round(h.hhi, 1) for h in demo.concentration.hhi
    )


def test_the_projection_from_rows_equals_the_one_read_from_neo4j(
    store: Store, demo_copy: Path
) -> None:
    load_bundle(demo_copy, store)
    from_db = read_projection(store)
    records, snapshot = read_valid_bundle(demo_copy)
    from_rows = projection_from_records(records, snapshot)
    assert set(from_db.nodes) == set(from_rows.nodes)
    assert {k: dict(d) for k, d in from_db.nodes.items()} == {
        k: dict(d) for k, d in from_rows.nodes.items()
    }
    assert sorted((u, v, k) for u, v, k in from_db.edges(keys=True)) == sorted(
        (u, v, k) for u, v, k in from_rows.edges(keys=True)
    )
    assert analyze(from_db).to_dict()["register"] == analyze(from_rows).to_dict()["register"]


def test_the_ecosystem_answers_each_companys_exposure_from_the_analysis_rows() -> None:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    eco = Ecosystem.build(projection_from_records(records, snapshot))
    expected: dict[str, dict[str, float]] = {}
    for row in eco.analysis.concentration.exposure:
        expected.setdefault(row.company_id, {})[row.product_id] = row.exposure
    assert len(expected) > 20
    for company in eco.ctx.companies:
        got = {
            p["product_id"]: p["exposure"]
            for p in eco.exposure(company)["products"]
            if p["exposure"] > 0
        }
        assert got == expected.get(company, {}), company
