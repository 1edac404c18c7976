"""Concentration on random AND/OR networks against the brute-force definitions of
DESIGN.md (tests/randomnets.py): normalised shares and their basis, HHI over
suppliers, countries and groups, hidden concentration, and propagated exposure
(the sum over every path, loops included where it settles)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from randomnets import build, naive_basis, naive_exposure, naive_shares, networks

from tierscope.graph.analysis.availability import SupplyModel
from tierscope.graph.analysis.context import DEFAULT_RECOVERY_DAYS, Context
from tierscope.graph.analysis.register import NEAR_SOLE
from tierscope.graph.analysis.run import analyze
from tierscope.graph.projection import Projection

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
            # the item where it peaks (exposure is capped at all of it: a company on a
            # loop can deliver more than the need, and then every such item ties at 1)
            assert min(by_company[(company, e.item_id)], 1.0) == pytest.approx(
                min(best[company], 1.0), abs=2e-6
            )
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
