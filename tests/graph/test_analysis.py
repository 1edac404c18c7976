"""The whole analysis: shares and HHI, concentration, coverage, the register and its contract.

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
from hypothesis import assume, given, settings
from randomnets import build, naive_basis, naive_exposure, naive_shares, networks

from tierscope.graph.analysis.availability import SupplyModel
from tierscope.graph.analysis.context import DEFAULT_RECOVERY_DAYS, Context
from tierscope.graph.analysis.register import NEAR_SOLE
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import Projection, projection_from_records, read_projection
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


# -- shares and HHI ---------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(g=networks(facts=True))
def test_shares_of_every_buyer_and_item_sum_to_one_with_the_basis_named(g: Projection) -> None:
    """Against the definition word for word (randomnets.naive_shares): zero shares and
    spends are values, a supplier's rows from two sites are one supplier."""
    m = SupplyModel.from_projection(g)
    for (buyer, item), rows in m.inbound.items():
        assert sum(m.shares[k] for k in rows) == pytest.approx(1.0)
        facts = [
            (
                m.supplies[k].supplier,
                None,
                {"share": m.supplies[k].share, "annual_spend": m.supplies[k].spend},
            )
            for k in rows
        ]
        assert m.share_basis(buyer, item) == naive_basis(facts)
        for k, expected in zip(rows, naive_shares(facts), strict=True):
            assert m.shares[k] == pytest.approx(expected)


def hhi_of(facts: list[dict[str, float]]) -> dict[tuple[str, str], tuple[str, float]]:
    suppliers = [f"S{k}" for k in range(len(facts))]
    g = build(
        {"F": "DE", **{s: ["DE", "CN", "TW"][k % 3] for k, s in enumerate(suppliers)}},
        [(s, "F", "A", None) for s in suppliers],
        [("P", "A")],
        {},
        [],
        products=("P",),
        supply_facts=facts,
    )
    a = analyze(g)
    return {(h.buyer_id, h.item_id): (h.basis, h.hhi) for h in a.concentration.hhi}


def test_hhi_uses_shares_then_spend_then_an_equal_split() -> None:
    assert hhi_of([{}]) == {("F", "A"): ("equal", 10_000.0)}  # sole source
    assert hhi_of([{"share": 0.6}, {"share": 0.4}]) == {("F", "A"): ("share", 5_200.0)}
    # shares that do not sum to one are normalised: 3 : 1 is 0.75 / 0.25
    assert hhi_of([{"share": 0.3}, {"share": 0.1}]) == {("F", "A"): ("share", 6_250.0)}
    # one share missing: spend is used where every supplier has it
    spend = hhi_of([{"share": 0.9, "annual_spend": 1e6}, {"annual_spend": 3e6}])
    assert spend == {("F", "A"): ("annual_spend", 6_250.0)}
    assert hhi_of([{"share": 0.9}, {}, {}]) == {("F", "A"): ("equal", pytest.approx(3_333.3))}


@settings(max_examples=500, deadline=None)
@given(g=networks(facts=True))
def test_hhi_rows_equal_the_definition_summed_by_hand(g: Projection) -> None:
    """Every (buyer, item) once, in id order; HHI over suppliers, countries and groups
    equal to the sum of squared shares; the top holder the largest (first id on ties)."""
    ctx = Context.from_projection(g)
    rows_of: dict[tuple[str, str], list[tuple[str, Any, dict[str, Any]]]] = {}
    for u, v, key, d in g.edges(keys=True, data=True):
        if key[0] == "SUPPLIES":
            rows_of.setdefault((v[1], d["item_id"]), []).append((u[1], d.get("site_id"), d))
    held: dict[str, dict[tuple[str, str], dict[str, float]]] = {
        "supplier": {},
        "country": {},
        "group": {},
    }
    for (buyer, item), found in rows_of.items():
        for (supplier, site, _), share in zip(found, naive_shares(found), strict=True):
            country = (ctx.sites.get(site, {}).get("country") if site else None) or (
                ctx.companies[supplier].get("country") or "?"
            )
            for basis, holder in (
                ("supplier", supplier),
                ("country", country),
                ("group", ctx.group(supplier)),
            ):
                by = held[basis].setdefault((buyer, item), {})
                by[holder] = by.get(holder, 0.0) + share
    rows = analyze(g).concentration.hhi
    assert [(h.buyer_id, h.item_id) for h in rows] == sorted(held["supplier"])

    def top(by: dict[str, float]) -> tuple[str, float]:
        return min(by.items(), key=lambda kv: (-kv[1], kv[0]))

    for h in rows:
        key = (h.buyer_id, h.item_id)
        for basis, value in (
            ("supplier", h.hhi),
            ("country", h.country_hhi),
            ("group", h.group_hhi),
        ):
            assert value == pytest.approx(
                sum(v * v for v in held[basis][key].values()) * 1e4, abs=0.051
            )
        assert h.suppliers == len(held["supplier"][key])
        assert (h.top_supplier, h.top_share) == pytest.approx(top(held["supplier"][key]))
        assert (h.top_country, h.top_country_share) == pytest.approx(top(held["country"][key]))
        assert h.basis == naive_basis(rows_of[key])
        assert h.highly_concentrated == (
            sum(v * v for v in held["supplier"][key].values()) * 1e4 > 2500 + 1e-9
        )


@settings(max_examples=300, deadline=None)
@given(g=networks(facts=True))
def test_hidden_findings_group_each_subjects_rows_as_the_definition_does(g: Projection) -> None:
    """One finding per company or country with hidden concentration (none for a single
    point of failure), its evidence every one of its rows by share, largest first, then
    product and item, and its revenue at stake the sum over products of the largest share
    times the revenue of the days not covered by inventory."""
    a = analyze(g)
    ctx = a.context
    assert ctx is not None
    hidden = list(a.concentration.hidden)
    order = [(-h.share, h.product_id, h.kind, h.subject_id, h.item_id) for h in hidden]
    assert order == sorted(order)
    spof_nodes = {s.node_id for s in a.single_points_of_failure}
    groups: dict[tuple[str, str], list[Any]] = {}
    for h in hidden:
        groups.setdefault((h.kind, h.subject_id), []).append(h)
    expected = {
        key: hs for key, hs in groups.items() if not (key[0] == "company" and key[1] in spof_nodes)
    }
    found = {
        (f.subject_type, f.subject_id): f for f in a.register if f.kind == "hidden_concentration"
    }
    assert set(found) == set(expected)
    for key, hs in expected.items():
        f = found[key]
        top = sorted(hs, key=lambda h: (-h.share, h.product_id, h.item_id))
        assert f.told.top == top
        best: dict[str, float] = {}
        for h in hs:
            best[h.product_id] = max(best.get(h.product_id, 0.0), h.share)
        days = {p: max(0.0, DEFAULT_RECOVERY_DAYS - ctx.inventory_days(p)) for p in best}
        lost = sum(v * ctx.revenue_per_day(p) * days[p] for p, v in best.items())
        assert f.revenue_at_stake == pytest.approx(lost)
        assert f.products == tuple(sorted(best))
        assert f.severity == ("high" if top[0].share >= NEAR_SOLE else "medium")
        assert f.evidence["items"][0]["share"] == round(top[0].share, 4)


@settings(max_examples=500, deadline=None)
@given(g=networks(facts=True))
def test_exposure_rows_are_one_per_product_and_company_largest_first(g: Projection) -> None:
    c = analyze(g).concentration
    rows = [(e.product_id, e.company_id, e.exposure, e.item_id) for e in c.exposure]
    assert len({(p, co) for p, co, _, _ in rows}) == len(rows)
    assert rows == sorted(rows, key=lambda r: (r[0], -r[2], r[1]))
    assert all(0.01 <= v <= 1.0 for _, _, v, _ in rows)
    shares = [(r.product_id, r.item_id, -r.share, r.country) for r in c.country_exposure]
    assert shares == sorted(shares)
    # a unit a distributor passes on may leave two countries: each share is at most all
    assert all(r.share <= 1.0 + 1e-5 for r in c.country_exposure)


@settings(max_examples=500, deadline=None)
@given(g=networks(facts=True))
def test_propagated_exposure_equals_the_sum_over_every_path(g: Projection) -> None:
    """Each product's exposure to every company, and each item's share from every
    country, equal the sum over every path (loops included, where it settles)."""
    a = analyze(g)
    c = a.concentration
    assume(not c.exposure_truncated)
    assert a.context is not None
    assert all(e.tier == a.context.tier(e.company_id) for e in c.exposure)
    for p in ("P", "Q"):
        walked = naive_exposure(g, p)
        if walked is None:  # a loop whose sum does not settle: truncated above
            continue
        by_company, by_country = walked
        best: dict[str, float] = {}
        for (company, _), v in by_company.items():
            best[company] = max(best.get(company, 0.0), v)
        rows = {e.company_id: e for e in c.exposure if e.product_id == p}
        assert {x for x, v in best.items() if v >= 0.01 + 1e-9} <= set(rows)
        for company, e in rows.items():
            assert best[company] >= 0.01 - 5e-7  # listed as rounded to 6 decimals
            assert e.exposure == pytest.approx(min(best[company], 1.0), abs=2e-6)
            assert by_company[(company, e.item_id)] == pytest.approx(best[company], abs=2e-6)
        shares = {(r.item_id, r.country): r.share for r in c.country_exposure if r.product_id == p}
        assert {k for k, v in by_country.items() if v >= 0.01 + 1e-9} <= set(shares)
        for key, share in shares.items():
            assert share == pytest.approx(by_country[key], abs=2e-6)


def loop(c3_share: float | None) -> Projection:
    """F makes P from A (C1); C1 makes A from X, a tenth bought from C2, the rest from
    C3 (when given a share); C2 makes X from A, bought from C1: a loop."""
    rows = [("C1", "F", "A", None), ("C2", "C1", "X", None), ("C1", "C2", "A", None)]
    facts: list[dict[str, Any]] = [{"share": 1.0}, {"share": 0.1}, {"share": 1.0}]
    if c3_share is not None:
        rows.append(("C3", "C1", "X", None))
        facts.append({"share": c3_share})
    companies = {"F": "DE", "C1": "DE", "C2": "CN", "C3": "TW"}
    return build(companies, rows, [("P", "A"), ("A", "X")], {}, [], ("P",), None, None, facts)


def test_exposure_follows_a_supply_loop_until_it_settles() -> None:
    g = loop(c3_share=0.9)
    c = analyze(g).concentration
    # C1 delivers 1 + 1/10 + 1/100 + ... = 10/9 units of A, all that is needed (1 by F,
    # 1/9 by C2); of the 10/9 units of X it needs, C2 delivers a tenth and C3 the rest
    assert {e.company_id: e.exposure for e in c.exposure} == {"C1": 1.0, "C2": 0.1, "C3": 0.9}
    assert not c.exposure_truncated
    walked = naive_exposure(g, "P")
    assert walked is not None and walked[0][("C1", "A")] == pytest.approx(1.0)


def test_a_loop_that_never_shrinks_is_cut_and_flagged() -> None:
    c = analyze(loop(c3_share=None)).concentration  # C2 is the sole source of X
    assert c.exposure_truncated and naive_exposure(loop(c3_share=None), "P") is None


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


# -- concentration ----------------------------------------------------------------


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
    schema (docs/analysis.schema.json) in every key, type and enum; the schema is no
    formality: what breaks it is refused."""
    import copy
    import subprocess

    from contract import problems, schema

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
    # every part of the contract is there and not empty, so each part was checked
    for key in ("products", "register", "single_points_of_failure", "country_outages"):
        assert d[key], key
    for key in ("hhi", "exposure", "country_exposure", "hidden", "convergence"):
        assert d["concentration"][key], key
    for key in ("gaps", "people", "segments", "kpis"):
        assert d["coverage"][key], key
    # the demo plants every kind of finding the register has
    assert {f["kind"] for f in d["register"]} == set(schema()["$defs"]["findingKind"]["enum"])
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

    def broken(change: Any) -> list[str]:
        bad = copy.deepcopy(d)
        change(bad)
        return problems(bad)

    assert broken(lambda b: b["register"][0].update(severity="dire"))
    assert broken(lambda b: b["register"][0].update(colour="red"))
    assert broken(lambda b: b["register"][0]["evidence"].update(path=7))
    assert broken(lambda b: b["concentration"]["hhi"][0].update(basis="guess"))
    assert broken(lambda b: b["single_points_of_failure"][0].pop("path"))
    assert broken(lambda b: b["coverage"]["kpis"][0].update(trend="up"))
    assert broken(lambda b: b.update(extra=1))
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
