"""Concentration on hand-drawn networks, against answers computed by hand.

The cases come from a check on a real public data set (shipment lines of a
public health supply chain, USD values per vendor and manufacturing site):
a share or spend of 0 is a value (DESIGN.md, "Concentration"); a supplier
shipping from two sites is one supplier; a distributor's re-purchase of what it
passes on is no extra need, so exposure is measured against the need of the
buyers who use the item.
"""

from __future__ import annotations

from typing import Any

import pytest
from randomnets import build, naive_exposure

from tierscope.graph.analysis.availability import SupplyModel, evaluate
from tierscope.graph.analysis.concentration import Hhi
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.projection import Projection

COUNTRY = {"F": "DE", "S0": "DE", "S1": "CN", "S2": "TW", "T": "JP"}


def one_item(facts: list[dict[str, Any]], sites: list[str | None] | None = None) -> Projection:
    """F makes P from A, bought from S0, S1, ... (one row per fact; ``sites`` names
    the site of each row: rows of one supplier from two sites share a supplier)."""
    sites = sites or [None] * len(facts)
    supplier = [s.split("-")[0] if s else f"S{k}" for k, s in enumerate(sites)]
    site_rows = {s: (s.split("-")[0], COUNTRY_OF_SITE[s]) for s in sites if s}
    rows = [(a, "F", "A", s) for a, s in zip(supplier, sites, strict=True)]
    companies = {c: COUNTRY[c] for c in ["F", *supplier]}
    return build(companies, rows, [("P", "A")], site_rows, [], ("P",), None, None, facts)


COUNTRY_OF_SITE = {"S2-A": "CN", "S2-B": "TW"}


def hhi(g: Projection) -> Hhi:
    (row,) = list(analyze(g).concentration.hhi)
    return row


def test_a_share_of_0_is_a_value_not_a_missing_one() -> None:
    # 0.6 / 0.4 / 0: the definition gives 3,600 + 1,600 + 0 = 5,200 on basis share
    # (an equal split, 5,555.6, where the 0 was taken as missing)
    h = hhi(one_item([{"share": 0.6}, {"share": 0.4}, {"share": 0.0}]))
    assert (h.basis, h.hhi, h.suppliers) == ("share", 5_200.0, 3)
    assert (h.country_hhi, h.group_hhi) == (5_200.0, 5_200.0)  # DE, CN, TW; no groups
    assert (h.top_supplier, h.top_share) == ("S0", 0.6)


def test_a_share_0_supplier_still_counts_as_a_source_for_availability() -> None:
    g = one_item([{"share": 1.0}, {"share": 0.0}])
    m = SupplyModel.from_projection(g)
    assert evaluate(m, companies=["S0"]).available_products == {"P"}
    assert evaluate(m, companies=["S0", "S1"]).available_products == frozenset()
    assert "S0" not in {s.node_id for s in analyze(g).single_points_of_failure}


def test_a_spend_of_0_is_a_value_and_all_zeros_give_way_to_the_next_basis() -> None:
    # a near-sole source by spend stays one when a $0 donation line is added
    h = hhi(one_item([{"annual_spend": 9_130.0}, {"annual_spend": 870.0}, {"annual_spend": 0.0}]))
    assert (h.basis, h.hhi) == (
        "annual_spend",
        pytest.approx((0.913**2 + 0.087**2) * 1e4, abs=0.05),
    )
    # every share 0: nothing to normalise, so spend is used
    h = hhi(one_item([{"share": 0.0, "annual_spend": 3e6}, {"share": 0.0, "annual_spend": 1e6}]))
    assert (h.basis, h.hhi) == ("annual_spend", 6_250.0)
    # every share and spend 0: an equal split
    h = hhi(one_item([{"share": 0.0, "annual_spend": 0.0}, {"share": 0.0, "annual_spend": 0.0}]))
    assert (h.basis, h.hhi) == ("equal", 5_000.0)


def test_a_zero_share_moves_the_propagated_exposure_too() -> None:
    c = analyze(one_item([{"share": 1.0}, {"share": 0.0}])).concentration
    assert {e.company_id: e.exposure for e in c.exposure} == {"S0": 1.0}
    assert {(r.country, r.share) for r in c.country_exposure} == {("DE", 1.0)}


TWO_SITES = [None, "S2-A", "S2-B"]  # S0 from no site; S2 from its sites in CN and TW


def test_a_supplier_shipping_from_two_sites_is_one_supplier_in_an_equal_split() -> None:
    h = hhi(one_item([{}, {}, {}], TWO_SITES))
    # S0 and S2 half each (5,000, not 5,555.6 for three rows); S2's half is shared by
    # its sites for the country HHI: DE 0.5, CN 0.25, TW 0.25
    assert (h.basis, h.hhi, h.suppliers) == ("equal", 5_000.0, 2)
    assert h.country_hhi == 3_750.0
    assert (h.top_country, h.top_country_share) == ("DE", 0.5)


def test_a_supplier_shipping_from_two_sites_adds_its_shares_up() -> None:
    h = hhi(one_item([{"share": 0.5}, {"share": 0.25}, {"share": 0.25}], TWO_SITES))
    assert (h.basis, h.hhi, h.suppliers) == ("share", 5_000.0, 2)
    assert (h.top_supplier, h.top_share) == ("S0", 0.5)


def test_the_evidence_names_a_two_site_supplier_once_with_its_sites() -> None:
    # S0 and S2 both make A from X, bought only from T: T alone stops P
    rows = [
        ("S0", "F", "A", None),
        ("S2", "F", "A", "S2-A"),
        ("S2", "F", "A", "S2-B"),
        ("T", "S0", "X", None),
        ("T", "S2", "X", None),
    ]
    g = build(
        {c: COUNTRY[c] for c in ("F", "S0", "S2", "T")},
        rows,
        [("P", "A"), ("A", "X")],
        {s: ("S2", cc) for s, cc in COUNTRY_OF_SITE.items()},
        [],
        ("P",),
    )
    (t,) = [s for s in analyze(g).single_points_of_failure if s.node_id == "T"]
    assert next(step.text for step in t.evidence if step.kind == "sources") == (
        "F buys A from S0 (50%), S2 (50%, from sites S2-A and S2-B), "
        "and every one of them depends on T."
    )


def chain_graph(rows: list[tuple[str, str, float]], country: dict[str, str]) -> Projection:
    """F makes P from X; ``rows`` are (supplier, buyer, share) of X. Each company's
    tier is its shortest supply distance to F, as the store sets it when loading."""
    g = build(
        {"F": "DE", **country},
        [(a, b, "X", None) for a, b, _ in rows],
        [("P", "X")],
        {},
        [],
        ("P",),
        None,
        None,
        [{"share": s} for _, _, s in rows],
    )
    tier = {"F": 0}
    for _ in rows:
        for a, b, _ in rows:
            if b in tier:
                tier[a] = min(tier.get(a, 99), tier[b] + 1)
    for c, t in tier.items():
        g.nodes[("Company", c)]["tier"] = t
    return g


def chain(rows: list[tuple[str, str, float]], country: dict[str, str]) -> Analysis:
    return analyze(chain_graph(rows, country))


TWO_LEVELS = [("D1", "F", 0.5), ("M", "F", 0.5), ("D2", "D1", 0.6), ("M", "D1", 0.4)]
TWO_LEVELS += [("M", "D2", 1.0)]


def exposures(a: Analysis) -> tuple[dict[str, float], dict[str, float]]:
    c = a.concentration
    return (
        {e.company_id: e.exposure for e in c.exposure},
        {r.country: r.share for r in c.country_exposure if r.item_id == "X"},
    )


def test_a_distributors_repurchase_is_no_extra_need() -> None:
    # F buys X 90% through distributor D and 10% directly from maker M in India; D buys
    # all of it from M. Every unit is made by M in India, 90% passes through D
    # (tierscope used to divide by 1.9: India 52.6%, D's country 47.4%, M 52.6%).
    a = chain([("D", "F", 0.9), ("M", "F", 0.1), ("M", "D", 1.0)], {"D": "SG", "M": "IN"})
    assert exposures(a) == ({"M": 1.0, "D": 0.9}, {"IN": 1.0, "SG": 0.9})


def test_a_distributor_without_a_direct_source_hides_a_sole_maker() -> None:
    a = chain([("D", "F", 1.0), ("M", "D", 1.0)], {"D": "SG", "M": "IN"})
    assert exposures(a) == ({"M": 1.0, "D": 1.0}, {"IN": 1.0, "SG": 1.0})
    hidden = {(h.kind, h.subject_id): h.share for h in a.concentration.hidden}
    assert hidden[("company", "M")] == 1.0  # tier 2: the 50% threshold is not hidden under


def test_two_distributor_levels_with_a_direct_source() -> None:
    # F: D1 0.5, M 0.5; D1: D2 0.6, M 0.4; D2: M 1.0. M makes every unit; D1 passes
    # on half; D2 passes on 0.5 x 0.6 = 0.3
    rows = TWO_LEVELS
    a = chain(rows, {"D1": "SG", "D2": "AE", "M": "IN"})
    assert exposures(a) == ({"M": 1.0, "D1": 0.5, "D2": 0.3}, {"IN": 1.0, "SG": 0.5, "AE": 0.3})


def test_two_distributor_levels_without_a_direct_source() -> None:
    rows = [("D1", "F", 1.0), ("D2", "D1", 1.0), ("M", "D2", 1.0)]
    a = chain(rows, {"D1": "SG", "D2": "AE", "M": "IN"})
    assert exposures(a) == (
        {"M": 1.0, "D1": 1.0, "D2": 1.0},
        {"IN": 1.0, "SG": 1.0, "AE": 1.0},
    )


def test_a_unit_that_passes_a_country_twice_counts_once_there() -> None:
    # D2 and M both in India: every unit leaves India, some of them twice
    rows = TWO_LEVELS
    a = chain(rows, {"D1": "SG", "D2": "IN", "M": "IN"})
    assert exposures(a)[1] == {"IN": 1.0, "SG": 0.5}


@pytest.mark.parametrize("direct", [True, False])
def test_the_path_sum_oracle_agrees_on_the_distributor_chains(direct: bool) -> None:
    rows = [("D1", "F", 0.5 if direct else 1.0), ("D2", "D1", 0.6), ("M", "D1", 0.4)]
    rows += [("M", "D2", 1.0)] + ([("M", "F", 0.5)] if direct else [])
    g = chain_graph(rows, {"D1": "SG", "D2": "IN", "M": "IN"})
    walked = naive_exposure(g, "P")
    assert walked is not None
    by_company, by_country = walked
    got_company, got_country = exposures(analyze(g))
    assert got_company == pytest.approx({c: v for (c, _), v in by_company.items()})
    assert got_country == pytest.approx({cc: v for (_, cc), v in by_country.items()})
