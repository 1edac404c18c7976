"""The classical graph views other tools show, labelled as such and compared with the exact answer.

* **Articulation points** of the undirected projection: companies and sites,
  linked by supplies (through the site a row ships from, when it names one),
  site ownership and every dependency. A node whose removal disconnects that
  graph.
* **Dominators** of each product in the supply flow: a directed graph from a
  virtual source (linked to every node nothing flows into) along supplies
  (supplier → site → buyer), critical dependencies (provider → dependent), from
  the focal company's suppliers of each input to an *input line* of the product,
  and from the lines to the product. ``d`` dominates a line when every path from
  the source to it passes through ``d`` (Cooper, Harvey and Kennedy's
  algorithm, as implemented by networkx); a product's dominators are those of
  its lines.

Both see a plain graph, not the AND/OR rules, so they disagree with the exact
single points of failure: an assembly needs *all* its inputs, so a node can stop
a product although paths avoid it (missed by dominators), and connectivity says
nothing about whether anything needed flows (articulation points both miss and
over-report). Every disagreement is listed with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.spof import SinglePoint

__all__ = [
    "ClassicalViews",
    "Disagreement",
    "classical_views",
    "flow_graph",
    "undirected_projection",
]

ROOT = ("source", "")
#: at most this many disagreements of each kind are listed (all are counted)
LISTED = 1000

Node = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Disagreement:
    view: str  # "articulation_point" or "dominator"
    node_id: str
    product_id: str | None  # dominators are per product
    exact: bool  # a single point of failure (of this product) by the exact definition
    classical: bool  # flagged by the classical view
    reason: str


@dataclass(frozen=True, slots=True)
class ClassicalViews:
    articulation_points: tuple[str, ...]
    dominators: dict[str, tuple[str, ...]]  # product -> dominating companies and sites
    disagreements: tuple[Disagreement, ...]
    disagreement_counts: dict[str, int]
    label: str = (
        "classical graph views (plain connectivity, not the AND/OR rules): for comparison only"
    )


def undirected_projection(ctx: Context) -> nx.Graph[Node]:
    g: nx.Graph[Node] = nx.Graph()
    g.add_nodes_from(("company", c) for c in ctx.companies)
    g.add_nodes_from(("site", s) for s in ctx.sites)
    for site, d in ctx.sites.items():
        g.add_edge(("company", str(d["company_id"])), ("site", site))
    for s in ctx.model.supplies:
        a = ("site", s.site) if s.site else ("company", s.supplier)
        g.add_edge(a, ("company", s.buyer))
    for dependent, providers in _all_dependencies(ctx).items():
        for p in providers:
            g.add_edge(("company", dependent), ("company", p))
    return g


def _all_dependencies(ctx: Context) -> dict[str, list[str]]:
    return ctx.model.all_providers


def flow_graph(ctx: Context) -> nx.DiGraph[Node]:
    m = ctx.model
    f: nx.DiGraph[Node] = nx.DiGraph()
    f.add_nodes_from(("company", c) for c in ctx.companies)
    for s in m.supplies:
        if s.site:
            f.add_edge(("company", s.supplier), ("site", s.site))
            f.add_edge(("site", s.site), ("company", s.buyer))
        else:
            f.add_edge(("company", s.supplier), ("company", s.buyer))
    for dependent, providers in m.critical_providers.items():
        for p in providers:
            f.add_edge(("company", p), ("company", dependent))
    for p in m.products:
        node = ("product", p)
        f.add_node(node)
        needed, _ = m.inputs(m.focal, p)
        for j in needed:
            line = ("input", f"{p}\x1f{j}")
            f.add_edge(line, node)
            for k in m.inbound.get((m.focal, j), ()):
                s = m.supplies[k]
                f.add_edge(("site", s.site) if s.site else ("company", s.supplier), line)
        for provider in m.critical_providers.get(m.focal, ()):
            f.add_edge(("company", provider), node)
    sources = [n for n, deg in f.in_degree() if deg == 0]
    f.add_node(ROOT)
    f.add_edges_from((ROOT, n) for n in sources)
    return f


def product_dominators(
    ctx: Context, f: nx.DiGraph[Node] | None = None
) -> dict[str, tuple[str, ...]]:
    """Companies and sites that dominate each product in the flow graph (focal excluded)."""
    f = flow_graph(ctx) if f is None else f
    idom = nx.immediate_dominators(f, ROOT)
    out: dict[str, tuple[str, ...]] = {}
    for p in ctx.model.products:
        found: set[str] = set()
        targets = [ln for ln in f.predecessors(("product", p)) if ln[0] == "input"]
        for start in targets or [("product", p)]:
            node = start
            while node in idom and node != ROOT:
                node = idom[node]
                if node[0] in ("company", "site") and node[1] != ctx.focal:
                    found.add(node[1])
        out[p] = tuple(sorted(found))
    return out


def classical_views(ctx: Context, spofs: Iterable[SinglePoint]) -> ClassicalViews:
    exact: dict[str, set[str]] = defaultdict(set)
    for s in spofs:
        if s.node_type in ("company", "site"):
            exact[s.product_id].add(s.node_id)
    exact_nodes = set().union(*exact.values()) if exact else set()
    ap = sorted(
        n[1] for n in nx.articulation_points(undirected_projection(ctx)) if n[1] != ctx.focal
    )
    dom = product_dominators(ctx)
    out: list[Disagreement] = []
    counts: dict[str, int] = defaultdict(int)

    def add(d: Disagreement) -> None:
        key = f"{d.view}:{'missed' if d.exact else 'extra'}"
        counts[key] += 1
        if counts[key] <= LISTED:
            out.append(d)

    for p in ctx.model.products:
        d_set, e_set = set(dom.get(p, ())), exact.get(p, set())
        for n in sorted(e_set - d_set):
            add(
                Disagreement(
                    "dominator",
                    n,
                    p,
                    True,
                    False,
                    f"{p} needs several inputs at once (AND): paths avoid {n} through other inputs, "
                    f"but without {n} one needed input cannot be made or received.",
                )
            )
        for n in sorted(d_set - e_set):
            add(
                Disagreement(
                    "dominator",
                    n,
                    p,
                    False,
                    True,
                    f"every path to {p} passes {n}, but the plain graph ignores which item flows: "
                    f"what {p} needs still arrives without it (or is unmapped and assumed available).",
                )
            )
    ap_set = set(ap)
    for n in sorted(ap_set - exact_nodes):
        add(
            Disagreement(
                "articulation_point",
                n,
                None,
                False,
                True,
                f"removing {n} splits the undirected network, but no product needs it alone: "
                "what is cut off is not needed, or has another source.",
            )
        )
    for n in sorted(exact_nodes - ap_set):
        add(
            Disagreement(
                "articulation_point",
                n,
                None,
                True,
                False,
                f"the undirected network stays connected without {n}, but the supply flow "
                "cannot make a product without it.",
            )
        )
    return ClassicalViews(tuple(ap), dom, tuple(out), dict(counts))
