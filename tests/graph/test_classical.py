"""The classical views against an independent library (python-igraph).

Articulation points of the undirected projection and immediate dominators of
the supply flow are computed by rustworkx in tierscope; igraph's own
implementations (C, Tarjan and Lengauer-Tarjan) must agree on random networks
and on the demo. The disagreements with the exact answer must be the set
differences they claim to be.
"""

from __future__ import annotations

import math

import igraph as ig
from hypothesis import given, settings
from randomnets import build, networks

from tierscope.graph.analysis.classical import (
    ROOT,
    Numbered,
    classical_views,
    flow_graph,
    product_dominators,
    undirected_projection,
)
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.run import analyze
from tierscope.graph.analysis.spof import necessity, single_points_of_failure
from tierscope.graph.projection import Projection, projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle


def to_igraph(g: Numbered, directed: bool) -> ig.Graph:
    """The same graph in igraph: node ``i`` is our integer node ``i``."""
    return ig.Graph(n=len(g.labels), edges=g.edges, directed=directed)


def igraph_articulation_points(ctx: Context) -> set[str]:
    u = undirected_projection(ctx)
    return {u.labels[i][1] for i in to_igraph(u, directed=False).articulation_points()}


def igraph_dominators(ctx: Context) -> dict[str, tuple[str, ...]]:
    """Each product's dominators (union over its input lines), from igraph's dominator tree."""
    f = flow_graph(ctx)
    labels = f.labels
    assert labels[-1] == ROOT
    tree = to_igraph(f, directed=True).dominator(len(labels) - 1, mode="out")
    idom = {labels[i]: labels[int(d)] for i, d in enumerate(tree) if not math.isnan(d) and d >= 0}
    out = {}
    for p in ctx.model.products:
        found: set[str] = set()
        product = labels.index(("product", p))
        lines = [labels[u] for u, v in f.edges if v == product and labels[u][0] == "input"]
        for node in lines or [("product", p)]:
            while node in idom:
                node = idom[node]
                if node[0] in ("company", "site") and node[1] != ctx.focal:
                    found.add(node[1])
        out[p] = tuple(sorted(found))
    return out


def check(g: Projection) -> None:
    ctx = Context.from_projection(g)
    spofs = single_points_of_failure(necessity(ctx.goals))
    views = classical_views(ctx, spofs)
    assert set(views.articulation_points) == igraph_articulation_points(ctx) - {ctx.focal}
    assert product_dominators(ctx) == igraph_dominators(ctx)
    # the listed disagreements are exactly the set differences, each with its reason
    exact = {(s.node_id, s.product_id) for s in spofs}
    for d in views.disagreements:
        if d.view == "dominator":
            assert d.product_id is not None
            assert ((d.node_id, d.product_id) in exact) == d.exact
            assert (d.node_id in views.dominators[d.product_id]) == d.classical
        else:
            assert (d.node_id in {n for n, _ in exact}) == d.exact
            assert (d.node_id in views.articulation_points) == d.classical
        assert d.exact != d.classical and d.reason
    expected_dominator_disagreements = sum(
        len({n for n, p in exact if p == product} ^ set(doms))
        for product, doms in views.dominators.items()
    )
    got = sum(v for k, v in views.disagreement_counts.items() if k.startswith("dominator"))
    assert got == expected_dominator_disagreements


@settings(max_examples=500, deadline=None)
@given(g=networks())
def test_classical_views_agree_with_igraph_on_random_networks(g: Projection) -> None:
    check(g)


def test_classical_views_agree_with_igraph_on_the_demo() -> None:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    g = projection_from_records(records, snapshot)
    check(g)
    a = analyze(g)
    # the demo's diamond-shaped dependencies: what dominators see and what they miss
    assert a.classical.dominators["P-MS20"] == ("FEINGUSS", "SITE-FEINGUSS-SUHL")
    missed = {
        (d.node_id, d.product_id)
        for d in a.classical.disagreements
        if d.view == "dominator" and d.exact
    }
    assert ("TKS", "P-NX400") in missed  # two tier-1 suppliers, one hidden tier-2 source


def test_a_diamond_shows_where_dominators_and_the_exact_answer_part() -> None:
    # P needs A and B. A comes from S1 or S2, both of which need X from T only; B comes from U.
    # Paths reach P through U, so T does not dominate P, yet without T no A can be made.
    g = build(
        {"F": "DE", "S1": "PL", "S2": "MY", "T": "TW", "U": "DE"},
        [
            ("S1", "F", "A", None),
            ("S2", "F", "A", None),
            ("T", "S1", "X", None),
            ("T", "S2", "X", None),
            ("U", "F", "B", None),
        ],
        [("P", "A"), ("P", "B"), ("A", "X")],
        {},
        [],
        products=("P",),
    )
    ctx = Context.from_projection(g)
    spofs = single_points_of_failure(necessity(ctx.goals))
    assert {s.node_id for s in spofs} == {"T", "U"}
    # per input line: T dominates the A line, U the B line
    assert product_dominators(ctx)["P"] == ("T", "U")
    # the undirected graph: T joins S1 and S2 to the rest only through F, so it is no cut vertex
    views = classical_views(ctx, spofs)
    assert "T" not in views.articulation_points
    assert any(
        d.node_id == "T" and d.view == "articulation_point" and d.exact for d in views.disagreements
    )
