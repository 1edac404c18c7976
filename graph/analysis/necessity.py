"""Necessity sets: for every goal, the elements whose failure alone makes it fail.

DESIGN.md: node ``n`` (a company other than the focal one, or a site) is a
single point of failure for product ``p`` when ``p`` is available with nothing
failed and unavailable with only ``n`` failed. The brute force re-evaluates the
whole network once per node; this module gets the same answer for every node
at once.

Method
------
For every goal ``g`` compute ``N(g)``, the set of elements whose failure alone
makes ``g`` fail. Failing one element ``e`` leaves a boolean AND/OR system, and
the sets are just those systems side by side (bit ``e`` of every set is the
system "only ``e`` failed"), so they obey the same rules:

* ``Down(c)`` — what takes company ``c`` down: ``c`` itself, its only site (and
  that site's country), the one country all its sites are in (or its own
  country when it has none), and whatever takes down a provider it depends on
  critically. ``Down(site) = {site, its country} ∪ Down(its company)``.
* deliver (AND): ``N(c, i) = Down(c) ∪ ⋃ N(receive goals needed)``;
* receive (OR): ``N(c, j) = ⋂ over supply relationships (N(supplier, j) ∪ Down(site shipped from))``.

Availability is a *least* fixpoint, so unavailability is a greatest one: goals
that fail with nothing failed are "everything" (⊤), and every other set is
computed from ⊤ downwards. Goals are processed one strongly connected component
at a time, inputs first (scipy's strongly connected components over the goal
graph's arrays, in scipy's numbering, which puts inputs first; Tarjan's
algorithm [1]_ orders the small graph of critical dependencies), so an acyclic
network needs one pass; inside a supply loop the component is iterated until
nothing shrinks. Sets are shared where they are equal, and the work is
about linear in the size of the network times the size of the sets.

Countries come for free: a country is an element like any other, so the same
sets say which single country outage stops which product.

References
----------
.. [1] Tarjan, R. "Depth-first search and linear graph algorithms."
   SIAM J. Computing 1(2), 1972.
.. [2] Lengauer, T., Tarjan, R. "A fast algorithm for finding dominators in a
   flowgraph." TOPLAS 1(1), 1979 — the OR-only special case these sets generalise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.goals import GoalGraph

__all__ = ["Elements", "Necessity", "necessity"]

Elements = frozenset[int]
_EMPTY: Elements = frozenset()


@dataclass
class Necessity:
    """``N`` of every goal and ``Down`` of every company and site (``None`` is ⊤)."""

    graph: GoalGraph
    down: list[Elements]  # element (company or site) -> elements that take it down
    deliver: list[Elements | None]
    receive: list[Elements | None]
    delivered: list[bool]
    received: list[bool]

    def product_goal(self, product: str) -> int:
        return self.graph.deliver_index[(self.graph.model.focal, product)]


def _down_sets(gg: GoalGraph) -> list[Elements]:
    m = gg.model
    idx = gg.element_index
    own: dict[int, set[int]] = {}
    for c, cc in m.company_country.items():
        e = {idx[c]}
        sites = m.company_sites.get(c, [])
        if sites:
            common: set[int] | None = None
            for s in sites:
                mine = {idx[s]}
                if m.site_country.get(s):
                    mine.add(gg.country_index[str(m.site_country[s])])
                common = mine if common is None else common & mine
            e |= common or set()
        elif cc:
            e.add(gg.country_index[cc])
        own[idx[c]] = e
    # critical providers: Down(c) = own(c) ∪ Down(provider) for each, a union over the
    # critical-dependency graph, solved by a depth-first walk with memo per strongly
    # connected component (loops of critical dependencies share one set).
    # Companies outside that graph are taken down by their own set alone.
    providers = {idx[c]: [idx[p] for p in ps if p in idx] for c, ps in m.critical_providers.items()}
    comp_down: dict[int, Elements] = {}
    for scc in _tarjan(list(providers), lambda v: providers.get(v, ())):
        members = set(scc)
        parts: list[Any] = [own[v] for v in scc]
        for v in scc:
            for p in providers.get(v, ()):
                if p not in members:
                    parts.append(comp_down[p])
        total = frozenset().union(*parts)
        for v in scc:
            comp_down[v] = total
    down: list[Elements] = [_EMPTY] * len(gg.elements)
    for v, e in own.items():
        down[v] = comp_down.get(v) or frozenset(e)
    for s, c in m.site_company.items():
        extra = {idx[s]}
        if m.site_country.get(s):
            extra.add(gg.country_index[str(m.site_country[s])])
        down[idx[s]] = down[idx[c]] | extra
    return down


def _tarjan(nodes: list[int], succ: Any) -> Iterator[list[int]]:
    """Strongly connected components, each after every component it reaches (iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, Iterator[int]]] = [(root, iter(succ(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ(w))))
                    advanced = True
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            if advanced:
                continue
            work.pop()
            if work and low[v] < low[work[-1][0]]:
                low[work[-1][0]] = low[v]
            if low[v] == index[v]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    scc.append(w)
                    if w == v:
                        break
                yield scc


def necessity(gg: GoalGraph) -> Necessity:
    """``N`` of every goal (see the module docstring)."""
    down = _down_sets(gg)
    delivered, received = gg.baseline()
    n_deliver = len(gg.deliver)
    dset: list[Elements | None] = [None] * n_deliver
    rset: list[Elements | None] = [None] * len(gg.receive)
    company = gg.deliver_company
    # the links as flat lists: a goal's run is a slice (see Runs and Alternatives)
    r_bounds, r_flat = gg.requires.bounds, gg.requires.flat
    alts = gg.alternatives
    a_bounds, a_goal, a_site = alts.bounds, alts.goal, alts.site

    order, sizes = _components(gg, delivered)
    nodes = order.tolist()
    bounds = np.r_[0, np.cumsum(sizes)].tolist()

    def compute(v: int) -> Elements | None:
        if v < n_deliver:
            parts: list[Elements] = [down[company[v]]]
            for r in r_flat[r_bounds[v] : r_bounds[v + 1]]:
                nr = rset[r]
                if nr is None:
                    return None
                if nr:
                    parts.append(nr)
            if len(parts) == 1:
                return parts[0]
            parts.sort(key=len, reverse=True)
            big = parts[0]
            rest = [p for p in parts[1:] if not p <= big]
            return big.union(*rest) if rest else big
        best: Elements | None = None
        a, z = a_bounds[v - n_deliver], a_bounds[v - n_deliver + 1]
        for g, site in zip(a_goal[a:z], a_site[a:z], strict=True):
            ng = dset[g]
            if ng is None:
                continue
            if site >= 0 and not down[site] <= ng:
                ng = ng | down[site]
            best = ng if best is None else (best & ng if best else best)
            if best is not None and not best:
                return _EMPTY
        return best

    for a, z in pairwise(bounds):
        if z - a == 1:
            v = nodes[a]
            value = compute(v)
            if v < n_deliver:
                dset[v] = value
            else:
                rset[v - n_deliver] = value
            continue
        scc = nodes[a:z]
        changed = True
        while changed:
            changed = False
            for v in scc:
                value = compute(v)
                old = dset[v] if v < n_deliver else rset[v - n_deliver]
                if value != old:
                    changed = True
                    if v < n_deliver:
                        dset[v] = value
                    else:
                        rset[v - n_deliver] = value
    return Necessity(gg, down, dset, rset, delivered, received)


def _components(
    gg: GoalGraph, delivered: list[bool], waves: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The goals that hold with nothing failed, by strongly connected component,
    every component after the components it reads (its inputs): the goals in that
    order and the components' sizes.

    One node space: deliver goals ``0 .. n - 1``, receive goals ``n ..``. A deliver
    goal reads the receive goals it requires, a receive goal the deliver goals of
    its supply relationships that hold. The components come from scipy's strongly
    connected components (Pearce's depth-first algorithm), which numbers each
    component as it finishes it, after every component it reads: that numbering is
    the order, with a depth-first walk's locality (a goal comes soon after its
    inputs). It is checked on every link; should a scipy release number otherwise
    (or with ``waves``), the order comes from waves over the condensation instead:
    first the components that read nothing, then those whose inputs are all done.
    """
    n_d, n_r = len(gg.deliver), len(gg.receive)
    live = np.asarray(delivered, dtype=bool)
    link = gg.links()
    keep = live[link.need_goal]
    g_src, g_dst = link.need_goal[keep], link.need_receive[keep]
    reached = np.zeros(n_r, dtype=bool)  # receive goals some holding deliver goal needs
    reached[g_dst] = True
    r_src, r_dst = link.feed_receive, link.feed_goal
    keep = reached[r_src] & live[r_dst]
    src = np.concatenate([g_src, n_d + r_src[keep]])
    dst = np.concatenate([n_d + g_dst, r_dst[keep]])
    n = n_d + n_r
    in_play = np.concatenate([live, reached])
    graph = sparse.csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    n_comp, label = csgraph.connected_components(graph, directed=True, connection="strong")
    label = label.astype(np.int64)
    c_src, c_dst = label[src], label[dst]
    across = c_src != c_dst
    c_src, c_dst = c_src[across], c_dst[across]
    goals = np.flatnonzero(in_play)
    # order() needs distinct rows: the goals of one component tie, the goal breaks it
    if not waves and bool((c_src > c_dst).all()):
        at = arrays.order((label[goals], max(n_comp, 1)), (goals, max(n, 1)))
    else:
        wave_of, steps = _waves(c_src, c_dst, label[in_play], n_comp)
        at = arrays.order(
            (wave_of[label[goals]], max(steps, 1)),
            (label[goals], max(n_comp, 1)),
            (goals, max(n, 1)),
        )
    ordered = goals[at]
    lab = label[ordered]
    starts = arrays.first_of_runs(lab)
    return ordered, np.diff(np.r_[starts, len(lab)])


def _waves(
    reader: np.ndarray, read: np.ndarray, present: np.ndarray, n: int
) -> tuple[np.ndarray, int]:
    """The wave of each of ``n`` nodes of an acyclic graph whose links run from
    ``reader`` to ``read``: 0 for those reading nothing, else one more than the
    latest wave they read (-1: not ``present``); and the number of waves."""
    waiting = np.bincount(reader, minlength=n)
    readers = arrays.csr(read, reader, n)
    readers_len = np.diff(readers[0])
    wanted = np.zeros(n, dtype=bool)
    wanted[present] = True
    wave_of = np.full(n, -1, dtype=np.int64)
    wave = np.flatnonzero((waiting == 0) & wanted)
    step = 0
    while len(wave):
        wave_of[wave] = step
        step += 1
        r = readers[1][arrays.ranges(readers[0][wave], readers_len[wave])]
        r, counts = arrays.counted(r)
        waiting[r] -= counts
        wave = r[waiting[r] == 0]
    return wave_of, step
