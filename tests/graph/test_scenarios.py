"""Scenarios and the Risk Exposure Index against DESIGN.md's rules applied by brute force.

The oracle (``randomnets.naive_available``) re-derives availability by full
sweeps with no code shared with ``graph/analysis``; a scenario's stopped
products, stop days and revenue lost, and every entry of the Risk Exposure
Index, must equal what it and DESIGN.md's formula give.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from randomnets import COUNTRIES, build, naive_available, networks

from tierscope.graph.analysis.context import DEFAULT_RECOVERY_DAYS, Context
from tierscope.graph.analysis.scenarios import UnknownFailure, risk_exposure_index, run_scenario
from tierscope.graph.analysis.spof import necessity, single_points_of_failure
from tierscope.graph.errors import TierscopeError
from tierscope.graph.projection import Projection, projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle


def facts(g: Projection, node: str, key: str) -> float | None:
    for label in ("Item", "Company", "Site"):
        if (label, node) in g:
            v = g.nodes[(label, node)].get(key)
            return None if v is None else float(v)
    return None


@settings(max_examples=1500, deadline=None)
@given(g=networks(facts=True), data=st.data())
def test_scenarios_equal_the_brute_force_rules(g: Projection, data: st.DataObject) -> None:
    ctx = Context.from_projection(g)
    companies = data.draw(st.lists(st.sampled_from(sorted(ctx.companies)), max_size=2, unique=True))
    sites = data.draw(
        st.lists(st.sampled_from(sorted(ctx.sites) or ["-"]), max_size=2, unique=True)
    )
    sites = [s for s in sites if s in ctx.sites]
    present = sorted({d["country"] for d in ctx.companies.values()})
    countries = data.draw(st.lists(st.sampled_from(present), max_size=1))
    days = data.draw(st.sampled_from([0.0, 3.0, 14.0, 30.0, 90.0]))

    result = run_scenario(ctx, companies, sites, countries, days)

    before, after = naive_available(g), naive_available(g, companies, sites, countries)
    assert {s.product_id for s in result.stopped_products} == before - after
    assert set(result.unaffected_products) == after
    for s in result.stopped_products:
        tts = facts(g, s.product_id, "inventory_days") or 0.0
        rpd = facts(g, s.product_id, "revenue_per_day") or 0.0
        assert s.stops_after_days == tts
        assert s.days_stopped == max(0.0, days - tts)
        assert s.revenue_lost == pytest.approx(rpd * max(0.0, days - tts))
        assert s.covered_by_inventory == (days <= tts)
        assert s.evidence  # why it cannot be made
    assert result.revenue_lost == pytest.approx(
        sum(s.revenue_lost for s in result.stopped_products)
    )


@settings(max_examples=1000, deadline=None)
@given(g=networks(facts=True))
def test_the_risk_exposure_index_fails_each_node_alone_for_its_own_recovery_time(
    g: Projection,
) -> None:
    ctx = Context.from_projection(g)
    spofs = single_points_of_failure(necessity(ctx.goals))
    index = {e.node_id: e for e in risk_exposure_index(ctx, spofs)}
    before = naive_available(g)
    for node in [c for c in ctx.companies if c != ctx.focal] + sorted(ctx.sites):
        is_site = node in ctx.sites
        stopped = before - naive_available(
            g, companies=[] if is_site else [node], sites=[node] if is_site else []
        )
        if not stopped:
            assert node not in index
            continue
        entry = index[node]
        ttr = facts(g, node, "recovery_days")
        assert entry.recovery_days == (DEFAULT_RECOVERY_DAYS if ttr is None else ttr)
        assert entry.recovery_days_assumed == (ttr is None)
        assert {p.product_id for p in entry.products} == stopped
        expected = sum(
            (facts(g, p, "revenue_per_day") or 0.0)
            * max(0.0, entry.recovery_days - (facts(g, p, "inventory_days") or 0.0))
            for p in stopped
        )
        assert entry.revenue_lost == pytest.approx(expected)
    ranked = [e.revenue_lost for e in risk_exposure_index(ctx, spofs)]
    assert ranked == sorted(ranked, reverse=True)


def sole_source_chain() -> Projection:
    # F makes P from A (from S, sole source) and B (from U at site U-1 in CN or U-2 in DE)
    return build(
        {"F": "DE", "S": "TW", "U": "DE", "R": "CN"},
        [
            ("S", "F", "A", None),
            ("U", "F", "B", "U-1"),
            ("U", "F", "B", "U-2"),
            ("R", "S", "X", None),
        ],
        [("P", "A"), ("P", "B"), ("A", "X")],
        {"U-1": ("U", "CN"), "U-2": ("U", "DE")},
        [],
        products=("P",),
        product_facts={"P": {"revenue_per_day": 1000.0, "inventory_days": 10.0}},
        recovery={"S": 45.0},
    )


def test_a_sole_source_stops_the_product_after_its_inventory_runs_out() -> None:
    ctx = Context.from_projection(sole_source_chain())
    s = run_scenario(ctx, companies=["S"], days=30)
    [p] = s.stopped_products
    assert (p.product_id, p.stops_after_days, p.days_stopped, p.revenue_lost) == (
        "P",
        10.0,
        20.0,
        20_000.0,
    )
    assert p.evidence[0] == "F cannot get A: S is down."
    # inventory outlasts a short failure: unavailable, but nothing lost
    [short] = run_scenario(ctx, companies=["S"], days=7).stopped_products
    assert short.covered_by_inventory and short.revenue_lost == 0


def test_one_site_down_is_survived_and_both_sites_down_stop_the_product() -> None:
    ctx = Context.from_projection(sole_source_chain())
    assert run_scenario(ctx, sites=["U-1"], days=30).stopped_products == ()
    both = run_scenario(ctx, sites=["U-1", "U-2"], days=30)
    assert [p.product_id for p in both.stopped_products] == ["P"]
    assert both.down_companies == 1  # U: all its sites are down
    # a whole country: Taiwan takes S; China takes R (tier 2) and site U-1
    assert [p.product_id for p in run_scenario(ctx, countries=["TW"]).stopped_products] == ["P"]
    assert [p.product_id for p in run_scenario(ctx, countries=["CN"]).stopped_products] == ["P"]


def test_the_index_uses_the_recovery_days_given_and_says_when_it_assumed_30() -> None:
    ctx = Context.from_projection(sole_source_chain())
    index = {
        e.node_id: e
        for e in risk_exposure_index(ctx, single_points_of_failure(necessity(ctx.goals)))
    }
    assert (index["S"].recovery_days, index["S"].recovery_days_assumed) == (45.0, False)
    assert index["S"].revenue_lost == 1000.0 * (45 - 10)
    assert (index["R"].recovery_days, index["R"].recovery_days_assumed) == (30.0, True)
    assert "U" in index  # the only supplier of B, whichever site ships it
    assert "U-1" not in index and "U-2" not in index  # each site alone is survived


def test_unknown_ids_and_bad_days_are_refused_by_name() -> None:
    ctx = Context.from_projection(sole_source_chain())
    with pytest.raises(UnknownFailure, match="'NOPE'"):
        run_scenario(ctx, companies=["NOPE"])
    with pytest.raises(UnknownFailure, match="it is a site"):
        run_scenario(ctx, companies=["U-1"])
    with pytest.raises(UnknownFailure, match=r"'XX'.*CN, DE, TW"):
        run_scenario(ctx, countries=["XX"])
    with pytest.raises(TierscopeError, match="days"):
        run_scenario(ctx, companies=["S"], days=-1)


def test_demo_taiwan_outage_stops_the_drives() -> None:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    ctx = Context.from_projection(projection_from_records(records, snapshot))
    s = run_scenario(ctx, countries=["TW"], days=30)
    stopped = {p.product_id for p in s.stopped_products}
    assert {"P-NX400", "P-NX750"} <= stopped
    assert s.revenue_lost > 0
    assert set(COUNTRIES) >= {"TW"}
