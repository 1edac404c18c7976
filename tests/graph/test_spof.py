"""The exact single-point-of-failure algorithm against the brute-force definition.

Random AND/OR networks (assemblies, alternatives, sites, critical dependencies,
loops, countries) must give exactly the oracle's answer; hand-drawn cases check
the evidence reads right.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from randomnets import COUNTRIES, build, networks

from tierscope.graph.analysis.availability import SupplyModel, evaluate
from tierscope.graph.analysis.goals import GoalGraph
from tierscope.graph.analysis.necessity import _components
from tierscope.graph.analysis.oracle import brute_force_single_points_of_failure
from tierscope.graph.analysis.spof import (
    explanations_kept,
    necessity,
    single_points_of_failure,
)
from tierscope.graph.projection import Projection, read_projection
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle


def fast(g: Projection, countries: bool = False) -> dict[str, set[str]]:
    nec = necessity(GoalGraph.build(SupplyModel.from_projection(g)))
    out: dict[str, set[str]] = {}
    for s in single_points_of_failure(nec, countries=countries):
        out.setdefault(s.node_id, set()).add(s.product_id)
    return out


@settings(max_examples=3000, deadline=None)
@given(g=networks())
def test_equals_the_brute_force_oracle_on_random_networks(g: Projection) -> None:
    oracle = {n: set(ps) for n, ps in brute_force_single_points_of_failure(g).items()}
    assert fast(g) == oracle


@settings(max_examples=1000, deadline=None)
@given(g=networks())
def test_single_country_outages_equal_a_full_re_evaluation(g: Projection) -> None:
    m = SupplyModel.from_projection(g)
    baseline = evaluate(m).available_products
    expected = {
        cc: set(baseline - evaluate(m, countries=[cc]).available_products) for cc in COUNTRIES
    }
    got = {n: ps for n, ps in fast(g, countries=True).items() if n in COUNTRIES}
    assert got == {cc: ps for cc, ps in expected.items() if ps}


@settings(max_examples=500, deadline=None)
@given(g=networks())
def test_goals_come_after_their_inputs_in_both_orders(g: Projection) -> None:
    """The order necessity walks: scipy's numbering and the waves over the
    condensation give the same components, each after every component it reads."""
    gg = GoalGraph.build(SupplyModel.from_projection(g))
    delivered = gg.baseline()[0]
    n = len(gg.deliver)
    holding = {v for v in range(n) if delivered[v]}
    holding |= {n + r for v in list(holding) for r in gg.requires[v]}

    def reads(v: int) -> list[int]:
        if v < n:
            return [n + r for r in gg.requires[v]]
        return [d for d, _, _ in gg.alternatives[v - n] if delivered[d]]

    partitions = []
    for waves in (False, True):
        order, sizes = _components(gg, delivered, waves=waves)
        assert sorted(order.tolist()) == sorted(holding)
        component: dict[int, int] = {}
        at = 0
        for k, size in enumerate(sizes.tolist()):
            for v in order[at : at + size].tolist():
                component[v] = k
            at += size
        for v in holding:
            for w in reads(v):
                assert component[w] <= component[v]  # an input is done first, or is a peer
        partitions.append(sorted(sorted(order[a:z].tolist()) for a, z in _runs(sizes)))
    assert partitions[0] == partitions[1]


def _runs(sizes: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each component in the order."""
    ends = np.cumsum(sizes).tolist()
    return list(zip([0, *ends], ends, strict=False))


@settings(max_examples=300, deadline=None)
@given(g=networks())
def test_every_path_runs_from_the_node_to_the_product(g: Projection) -> None:
    nec = necessity(GoalGraph.build(SupplyModel.from_projection(g)))
    for s in single_points_of_failure(nec, countries=True):
        assert s.path[0] == s.node_id
        assert s.path[-1] == s.product_id
        assert s.path[-2] == "F"
        assert s.evidence


def test_loop_with_an_outside_source_is_not_a_single_point() -> None:
    # A and B pass X to each other; only T brings X in from outside, so without T the
    # loop cannot keep itself alive. X reaches F through T -> A -> B: all three stop P,
    # and a fourth supplier C feeding B directly removes A and T from the answer.
    g = build(
        {"F": "DE", "A": "DE", "B": "DE", "T": "CN"},
        [
            ("A", "B", "X", None),
            ("B", "A", "X", None),
            ("T", "A", "X", None),
            ("B", "F", "X", None),
        ],
        [("P", "X")],
        {},
        [],
        products=("P",),
    )
    assert fast(g) == {"T": {"P"}, "A": {"P"}, "B": {"P"}}
    g.add_node(("Company", "C"), id="C", country="CN", kind="supplier")
    g.add_edge(("Company", "C"), ("Company", "B"), ("SUPPLIES", "extra"), item_id="X")
    assert fast(g) == {"B": {"P"}}


def test_the_design_example_names_the_hidden_sole_source_and_both_tier_one_suppliers() -> None:
    g = build(
        {"F": "DE", "S1": "PL", "S2": "MY", "T": "TW"},
        [
            ("S1", "F", "B", None),
            ("S2", "F", "B", None),
            ("T", "S1", "X", None),
            ("T", "S2", "X", None),
        ],
        [("P", "B"), ("P", "H"), ("B", "X")],
        {},
        [],
        products=("P",),
    )
    nec = necessity(GoalGraph.build(SupplyModel.from_projection(g)))
    [spof] = single_points_of_failure(nec)
    assert (spof.product_id, spof.node_id, spof.node_type) == ("P", "T", "company")
    assert spof.path == ("T", "S1", "F", "P")
    texts = [s.text for s in spof.evidence]
    assert texts[0] == "F needs B to make P."
    assert texts[1] == "F buys B from S1 (50%), S2 (50%), and every one of them depends on T."
    assert "T is the only supplier of X to S1." in texts
    assert "T is the only supplier of X to S2." in texts


def test_the_demo_answer_equals_the_oracle_with_evidence(store: Store, demo_copy: Path) -> None:
    load_bundle(demo_copy, store)
    g = read_projection(store)
    m = SupplyModel.from_projection(g)
    oracle = {n: set(ps) for n, ps in brute_force_single_points_of_failure(g).items()}
    assert fast(g) == oracle
    nec = necessity(GoalGraph.build(m))
    by = {(s.node_id, s.product_id): s for s in single_points_of_failure(nec, countries=True)}
    tks = by[("TKS", "P-NX400")]
    assert tks.path == ("TKS", "KESTREL", "NORVIK", "P-NX400")
    assert any("KESTREL (60%), PENANG (40%)" in s.text for s in tks.evidence)
    assert by[("NORDKAP", "P-IO16")].evidence[0].text == "NORVIK depends critically on NORDKAP."
    assert by[("SITE-FEINGUSS-SUHL", "P-MS20")].path[:2] == ("SITE-FEINGUSS-SUHL", "FEINGUSS")
    # single country outages (README): Taiwan stops the drives, China the encoder
    assert {p for n, p in by if n == "TW"} >= {"P-NX400", "P-NX750"}
    assert "P-MS20" in {p for n, p in by if n == "CN"}


@settings(max_examples=50)
@given(g=networks())
def test_kept_explanations_are_walked_once_and_dropped_after(g: Projection) -> None:
    points = single_points_of_failure(necessity(GoalGraph.build(SupplyModel.from_projection(g))))
    kept, rest = points[::2], points[1::2]
    with explanations_kept(kept):
        for p in kept:
            first = p.explained()
            for q in rest[:1]:  # another walk in between: not the walker's last one
                q.explained()
            assert p.explained() is first
        walkers = {id(p.why.walker): p.why.walker for p in points}.values()
        assert sum(len(w.kept) for w in walkers) == len({(p.product_id, p.node_id) for p in kept})
    assert all(not w.kept and not w.keep for w in walkers)
    if kept:  # walked again after the block: an equal explanation
        assert kept[-1].explained() == first
