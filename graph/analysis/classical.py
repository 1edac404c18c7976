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
  algorithm, as implemented by rustworkx); a product's dominators are those of
  its lines.

Both see a plain graph, not the AND/OR rules, so they disagree with the exact
single points of failure: an assembly needs *all* its inputs, so a node can stop
a product although paths avoid it (missed by dominators), and connectivity says
nothing about whether anything needed flows (articulation points both miss and
over-report). Every disagreement is listed with its reason.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import rustworkx as rx

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.spof import SinglePoint

__all__ = [
    "ClassicalViews",
    "Disagreement",
    "Numbered",
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


@dataclass
class Numbered:
    """A graph as integer nodes ``0 .. len(labels) - 1`` and edges between them, with the
    ``(kind, id)`` each integer stands for. The views run on rustworkx (compiled):
    networkx's dict-of-dicts took 97 s at 1,000,000 companies."""

    labels: list[Node]
    edges: list[tuple[int, int]]
    #: each kind's ids and their integers (as ``labels`` has them)
    index: dict[str, dict[str, int]] = field(default_factory=dict)

    def undirected(self) -> rx.PyGraph:
        g = rx.PyGraph()  # parallel edges change no cut vertex and no dominator
        g.add_nodes_from(range(len(self.labels)))
        g.extend_from_edge_list(self.edges)
        return g

    def directed(self) -> rx.PyDiGraph:
        g = rx.PyDiGraph()
        g.add_nodes_from(range(len(self.labels)))
        g.extend_from_edge_list(self.edges)
        return g


class _Numbering:
    """Integers for the nodes, by kind: ``index[kind][id]``, and ``labels`` back;
    ``ends``: the supplier, shipping site (-1 for none) and buyer node of every supply
    row, once :func:`_companies_and_sites` has numbered them."""

    def __init__(self) -> None:
        self.labels: list[Node] = []
        self.index: dict[str, dict[str, int]] = defaultdict(dict)
        self.ends: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, kind: str, ids: Iterable[str]) -> dict[str, int]:
        table = self.index[kind]
        for i in ids:
            if i not in table:
                table[i] = len(self.labels)
                self.labels.append((kind, i))
        return table

    def one(self, kind: str, node_id: str) -> int:
        table = self.index[kind]
        n = table.get(node_id)
        if n is None:
            n = table[node_id] = len(self.labels)
            self.labels.append((kind, node_id))
        return n

    def copy(self) -> _Numbering:
        twin = _Numbering()
        twin.labels = list(self.labels)
        twin.index.update((kind, dict(table)) for kind, table in self.index.items())
        twin.ends = self.ends  # numbers of nodes both have: shared, never written
        return twin


def _companies_and_sites(ctx: Context) -> _Numbering:
    """Companies, then sites, then any company or site only a supply row names; with
    the node numbers of every supply row's ends."""
    num = _Numbering()
    num.add("company", ctx.companies)
    num.add("site", ctx.sites)
    m = ctx.model
    # the rows' ids, sorted (suppliers and buyers share one set): the new ones are added
    company = num.add("company", m.codes("supplier")[1].tolist())
    site = num.add("site", (x for x in m.codes("site")[1].tolist() if x))
    supplier, buyer = _numbers(ctx, ("supplier", "buyer"), company)
    (via,) = _numbers(ctx, ("site",), site)
    num.ends = supplier, via, buyer
    return num


def _numbers(ctx: Context, columns: tuple[str, ...], table: dict[str, int]) -> list[np.ndarray]:
    """The node number of each supply row's id in each of ``columns`` (-1 where it
    names none), looking each distinct id up once: the columns share their ids."""
    ids = ctx.model.codes(columns[0])[1]
    known = np.array([table.get(x, -1) if x else -1 for x in ids] + [-1], dtype=np.int64)
    # code -1 (no id) reads the trailing -1
    return [known[ctx.model.codes(c)[0]] for c in columns]


def _supply_ends(num: _Numbering) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Supplier, shipping site (-1 for none) and buyer node of every supply row."""
    if num.ends is None:
        raise ValueError("supply rows not numbered: use _companies_and_sites")
    return num.ends


def undirected_projection(ctx: Context, base: _Numbering | None = None) -> Numbered:
    """Companies and sites, linked by supplies (through the shipping site), site
    ownership and every dependency. ``base``: the companies and sites numbered
    already (:func:`_companies_and_sites`), extended here."""
    num = _companies_and_sites(ctx) if base is None else base
    company, site = num.index["company"], num.index["site"]
    for d in ctx.sites.values():
        num.add("company", (str(d["company_id"]),))
    edges = [(company[str(d["company_id"])], site[s]) for s, d in ctx.sites.items()]
    supplier, via, buyer = _supply_ends(num)
    start = np.where(via >= 0, via, supplier)
    edges += zip(start.tolist(), buyer.tolist(), strict=True)
    for dependent, providers in ctx.model.all_providers.items():
        for p in providers:
            edges.append((num.one("company", dependent), num.one("company", p)))
    return Numbered(num.labels, edges, num.index)


def flow_graph(ctx: Context, base: _Numbering | None = None) -> Numbered:
    """The supply flow; ``ROOT``, the virtual source, is the last node. ``base``: as
    for :func:`undirected_projection`."""
    m = ctx.model
    num = _companies_and_sites(ctx) if base is None else base
    company, site = num.index["company"], num.index["site"]
    supplier, via, buyer = _supply_ends(num)
    shipped = via >= 0
    edges: list[tuple[int, int]] = list(
        zip(
            np.r_[supplier[shipped], via[shipped], supplier[~shipped]].tolist(),
            np.r_[via[shipped], buyer[shipped], buyer[~shipped]].tolist(),
            strict=True,
        )
    )
    for dependent, providers in m.critical_providers.items():
        for p in providers:
            edges.append((num.one("company", p), num.one("company", dependent)))
    for p in m.products:
        node = num.one("product", p)
        needed, _ = m.inputs(m.focal, p)
        for j in needed:
            line = num.one("input", f"{p}\x1f{j}")
            edges.append((line, node))
            for k in m.inbound_rows(m.focal, j):
                s = m.supplies[k]
                edges.append((site[s.site] if s.site else company[s.supplier], line))
        for provider in m.critical_providers.get(m.focal, ()):
            edges.append((num.one("company", provider), node))
    has_inflow = np.zeros(len(num.labels), dtype=bool)
    if edges:
        has_inflow[np.array([v for _, v in edges], dtype=np.int64)] = True
    root = num.one(*ROOT)
    edges += [(root, n) for n in np.flatnonzero(~has_inflow).tolist()]
    return Numbered(num.labels, edges, num.index)


def product_dominators(ctx: Context, f: Numbered | None = None) -> dict[str, tuple[str, ...]]:
    """Companies and sites that dominate each product in the flow graph (focal excluded).

    A product's dominators are those of its input lines (the product itself when it
    has none); ``rustworkx.immediate_dominators`` (Cooper, Harvey and Kennedy).
    """
    f = flow_graph(ctx) if f is None else f
    labels = f.labels
    root = len(labels) - 1
    idom = rx.immediate_dominators(f.directed(), root)
    product_node = f.index.get("product", {})
    lines: dict[int, list[int]] = defaultdict(list)
    for line, u in f.index.get("input", {}).items():
        lines[product_node[line.split("\x1f")[0]]].append(u)
    out: dict[str, tuple[str, ...]] = {}
    for p in ctx.model.products:
        found: set[str] = set()
        for start in lines.get(product_node[p]) or [product_node[p]]:
            node = start
            while node in idom and node != root:
                node = idom[node]
                kind, node_id = labels[node]
                if kind in ("company", "site") and node_id != ctx.focal:
                    found.add(node_id)
        out[p] = tuple(sorted(found))
    return out


def classical_views(ctx: Context, spofs: Iterable[SinglePoint]) -> ClassicalViews:
    exact: dict[str, set[str]] = defaultdict(set)
    for s in spofs:
        if s.node_type in ("company", "site"):
            exact[s.product_id].add(s.node_id)
    exact_nodes = set().union(*exact.values()) if exact else set()
    num = _companies_and_sites(ctx)  # the same in both graphs: numbered once
    u = undirected_projection(ctx, num.copy())
    ap = sorted(
        node_id
        for node_id in (u.labels[n][1] for n in rx.articulation_points(u.undirected()))
        if node_id != ctx.focal
    )
    del u
    dom = product_dominators(ctx, flow_graph(ctx, num))
    out: list[Disagreement] = []
    counts: dict[str, int] = defaultdict(int)

    def add(view: str, product: str | None, exact: bool, nodes: set[str]) -> None:
        """Count every one of ``nodes``; list the first ones, by id, up to ``LISTED``.

        Only the listed ones are built: at scale there are millions (every product
        times every node of its tree)."""
        if not nodes:
            return
        key = f"{view}:{'missed' if exact else 'extra'}"
        room = LISTED - counts[key]
        counts[key] += len(nodes)
        if room <= 0:
            return
        first = sorted(nodes) if len(nodes) <= room else heapq.nsmallest(room, nodes)
        out.extend(
            Disagreement(view, n, product, exact, not exact, _reason(view, exact, n, product))
            for n in first
        )

    for p in ctx.model.products:
        d_set, e_set = set(dom.get(p, ())), exact.get(p, set())
        add("dominator", p, True, e_set - d_set)
        add("dominator", p, False, d_set - e_set)
    ap_set = set(ap)
    add("articulation_point", None, False, ap_set - exact_nodes)
    add("articulation_point", None, True, exact_nodes - ap_set)
    return ClassicalViews(tuple(ap), dom, tuple(out), dict(counts))


def _reason(view: str, exact: bool, n: str, p: str | None) -> str:
    """Why ``view`` disagrees with the exact answer about node ``n`` (of product ``p``)."""
    if view == "dominator" and exact:
        return (
            f"{p} needs several inputs at once (AND): paths avoid {n} through other inputs, "
            f"but without {n} one needed input cannot be made or received."
        )
    if view == "dominator":
        return (
            f"every path to {p} passes {n}, but the plain graph ignores which item flows: "
            f"what {p} needs still arrives without it (or is unmapped and assumed available)."
        )
    if exact:
        return (
            f"the undirected network stays connected without {n}, but the supply flow "
            "cannot make a product without it."
        )
    return (
        f"removing {n} splits the undirected network, but no product needs it alone: "
        "what is cut off is not needed, or has another source."
    )
