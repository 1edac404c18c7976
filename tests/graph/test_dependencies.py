"""The dependency check (product X on company or site Y) against plain definitions.

* ``is_single_point_of_failure`` equals the brute-force oracle (remove Y alone,
  re-evaluate);
* ``depends_on`` equals a naive walk of the supply relation written here from
  DESIGN.md (what a company needs to make an item, who supplies it, whom it
  depends on critically), and the shortest tier equals that walk's depth;
* every path is made of real links and runs from Y to the product.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

from hypothesis import given, settings
from randomnets import build, networks

from tierscope.graph.analysis.availability import SupplyModel
from tierscope.graph.analysis.dependencies import DependencyCheck, SupplyTree
from tierscope.graph.analysis.goals import GoalGraph
from tierscope.graph.analysis.oracle import brute_force_single_points_of_failure
from tierscope.graph.analysis.spof import SinglePoint, necessity, single_points_of_failure
from tierscope.graph.projection import Projection


def naive_depths(m: SupplyModel, product: str) -> tuple[dict[str, int], dict[str, int]]:
    """Shortest tier of every company and of every site upstream of ``product``."""
    companies: dict[str, int] = {}
    sites: dict[str, int] = {}
    todo: deque[tuple[str, str | None, int]] = deque([(m.focal, product, 0)])
    seen: set[tuple[str, str | None]] = set()
    while todo:
        c, item, t = todo.popleft()
        if (c, item) in seen:
            continue
        seen.add((c, item))
        companies.setdefault(c, t)
        for p in m.critical_providers.get(c, []):
            todo.append((p, None, t + 1))
        if item is None or (c == m.focal and t == 0):
            # a provider, or the focal company: it needs one of its own sites up
            for site in m.company_sites.get(c, []):
                sites[site] = min(sites.get(site, t), t)
        if item is None:
            continue
        needed = [item] if (c, item) in m.inbound else m.inputs(c, item)[0]
        for j in needed:
            for s in m.supplies:
                if s.buyer == c and s.item == j:
                    todo.append((s.supplier, j, t + 1))
                    shipped = [s.site] if s.site else m.company_sites.get(s.supplier, [])
                    for site in shipped:
                        sites[site] = min(sites.get(site, t + 1), t + 1)
    return companies, sites


def links(g: Projection) -> set[tuple[str, str]]:
    out = set()
    for (_, a), (_, b), k in g.edges(keys=True):
        if k[0] == "SUPPLIES":
            out.add((a, b))
        elif k[0] == "DEPENDS_ON":
            out.add((b, a))  # the provider comes before its dependent on a path
    for s, d in g.nodes(data=True):
        if s[0] == "Site":
            out.add((s[1], str(d["company_id"])))
    return out


@settings(max_examples=1500, deadline=None)
@given(g=networks())
def test_checks_equal_the_brute_force_and_a_naive_walk(g: Projection) -> None:
    m = SupplyModel.from_projection(g)
    gg = GoalGraph.build(m)
    nec = necessity(gg)
    oracle = brute_force_single_points_of_failure(g)
    spofs: dict[tuple[str, str], SinglePoint] = {
        (s.product_id, s.node_id): s for s in single_points_of_failure(nec)
    }
    real = links(g)
    for p in m.products:
        tree = SupplyTree.build(nec, p)
        companies, sites = naive_depths(m, p)
        for e, node in enumerate(gg.elements):
            kind = gg.element_kind[e]
            if kind == "country" or node == m.focal:
                continue
            c = tree.check(e, spofs.get((p, node)), limit=50)
            assert c.is_single_point_of_failure == (p in oracle.get(node, ())), (p, node)
            expected = companies if kind == "company" else sites
            assert c.depends_on == (node in expected), (p, node, c)
            if c.is_single_point_of_failure:
                assert c.depends_on and c.evidence
            if c.depends_on:
                assert c.tiers[0] == expected[node], (p, node, c.tiers)
                assert c.paths
            for path in c.paths:
                assert path[0] == node and path[-1] == p and path[-2] == m.focal
                assert all(link in real for link in pairwise(path[:-1]))
                if kind == "company" and not c.paths_truncated:
                    assert len(path) - 2 in c.tiers


def test_a_company_at_two_tiers_has_both_and_a_path_for_each() -> None:
    # T supplies X to F directly (tier 1) and to S, which supplies B to F (tier 2)
    g = build(
        {"F": "DE", "S": "CN", "T": "TW"},
        [("S", "F", "B", None), ("T", "F", "X", None), ("T", "S", "X", None)],
        [("P", "B"), ("P", "X"), ("B", "X")],
        {},
        [],
        products=("P",),
    )
    nec = necessity(GoalGraph.build(SupplyModel.from_projection(g)))
    tree = SupplyTree.build(nec, "P")
    spof = {s.node_id: s for s in single_points_of_failure(nec)}
    c = tree.check(nec.graph.element_index["T"], spof.get("T"))
    assert c.depends_on and c.is_single_point_of_failure
    assert c.tiers == (1, 2)
    assert c.paths == (("T", "F", "P"), ("T", "S", "F", "P"))
    assert c.evidence and not c.paths_truncated
    one = tree.check(nec.graph.element_index["T"], spof.get("T"), limit=1)
    assert one.paths == (("T", "F", "P"),) and one.paths_truncated


def test_a_site_reached_only_past_a_goals_kept_tiers_is_depended_on() -> None:
    # No BOM, so each company needs everything it buys. F buys X from C1 (site
    # S-C1-1) and B from C3; C1 and C3 pass B round a loop (C1 ships it from
    # S-C1-1), so C1's goal (C1, B) is kept at its four shortest tiers, 2 to 5,
    # all through S-C1-1. The A chain C1 <- C4 <- C3 <- C2 <- C0 puts C0 at tier
    # 5, and C0 buys B from C1 naming no site: S-C1-0 may carry it, at tier 6.
    # That link, into (C1, B) a fifth time, was dropped with the goal's state, and
    # S-C1-0 was said not to be depended on at all.
    g = build(
        {c: "DE" for c in ("F", "C0", "C1", "C2", "C3", "C4")},
        [
            ("C0", "C2", "A", None),
            ("C1", "C0", "B", None),
            ("C1", "C3", "B", "S-C1-1"),
            ("C1", "F", "X", "S-C1-1"),
            ("C2", "C3", "A", None),
            ("C3", "C1", "B", None),
            ("C3", "C4", "A", None),
            ("C3", "F", "B", None),
            ("C4", "C1", "A", None),
        ],
        [],
        {"S-C1-0": ("C1", "DE"), "S-C1-1": ("C1", "DE")},
        [],
        products=("P",),
    )
    nec = necessity(GoalGraph.build(SupplyModel.from_projection(g)))
    tree = SupplyTree.build(nec, "P")
    assert tree.check(nec.graph.element_index["S-C1-0"], None) == DependencyCheck(
        "P",
        "S-C1-0",
        "site",
        depends_on=True,
        is_single_point_of_failure=False,
        tiers=(6,),
        paths=(("S-C1-0", "C1", "C0", "C2", "C3", "C4", "C1", "F", "P"),),
        paths_truncated=False,
    )
    assert tree.check(nec.graph.element_index["C0"], None).tiers == (5,)
