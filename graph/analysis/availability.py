"""Availability of products under failures: the AND/OR least fixpoint of DESIGN.md.

A company can make an item only if it has **every** input (AND); it has an
input if **at least one** supplier of it can deliver (OR). Given failed
companies, sites and countries:

1. *Down* spreads from what failed: a site is down when it failed, its country
   failed or its company is down; a company is down when it failed, when all its
   sites are down (if it has any), when it has no site and its country failed,
   or when a provider it depends on critically is down.
2. Company ``c`` *receives* item ``j`` when an up supply relationship into ``c``
   for ``j`` comes from a supplier that delivers ``j``; with none recorded at all
   the source is *unmapped* and ``j`` is assumed received.
3. Company ``c`` *delivers* ``i`` when it is not down and receives ``i`` (if it
   has recorded suppliers of ``i`` itself), else every input of ``i``: its BOM
   children, or — with no BOM for ``i`` — every item supplied to ``c``.
4. The least fixpoint is computed, so a loop with no outside source stays dark.

The fixpoint is found by forward propagation over the AND/OR graph (each
``delivers`` goal counts its missing inputs; each ``receives`` goal turns true
on its first delivering supplier), linear in the size of the supply network.

The supply rows it reads, indexed once, are :class:`SupplyModel`'s
(:mod:`~tierscope.graph.analysis.supplies`; re-exported here with
``SHARE_BASES`` and :class:`Inbound`). This module owns the evaluation under
failures; the analyses at scale follow the same rules over the compiled goal
graph (:mod:`~tierscope.graph.analysis.goals`).

References
----------
.. [1] Dowling, W. F., Gallier, J. H. "Linear-time algorithms for testing the
   satisfiability of propositional Horn formulae." J. Logic Programming 1(3), 1984.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from tierscope.graph.analysis.supplies import SHARE_BASES, Inbound, SupplyModel
from tierscope.graph.projection import Projection

__all__ = [
    "SHARE_BASES",
    "Availability",
    "Inbound",
    "SupplyModel",
    "available_products",
    "evaluate",
]


@dataclass(frozen=True, slots=True)
class Availability:
    """The outcome of one evaluation."""

    down_companies: frozenset[str]
    down_sites: frozenset[str]
    delivers: frozenset[tuple[str, str]]
    available_products: frozenset[str]
    unmapped: frozenset[tuple[str, str]]  # (company, item) assumed received
    assumed_inputs: frozenset[tuple[str, str]]  # (company, item) made without a BOM


def _down(
    m: SupplyModel, companies: Iterable[str], sites: Iterable[str], countries: Iterable[str]
) -> tuple[set[str], set[str]]:
    """Spread "down" from what failed (rule 1), with a work list: linear in the network."""
    failed_countries = set(countries)
    down_c: set[str] = set()
    down_s: set[str] = set()
    dependents: dict[str, list[str]] = defaultdict(list)
    for c, providers in m.critical_providers.items():
        for p in providers:
            dependents[p].append(c)
    sites_up = {c: len(ss) for c, ss in m.company_sites.items()}
    todo: deque[tuple[str, str]] = deque()
    todo.extend(("company", c) for c in companies)
    todo.extend(("site", s) for s in sites)
    if failed_countries:
        todo.extend(("site", s) for s, cc in m.site_country.items() if cc in failed_countries)
        todo.extend(
            ("company", c)
            for c, cc in m.company_country.items()
            if cc in failed_countries and not m.company_sites.get(c)
        )
    while todo:
        what, x = todo.popleft()
        if what == "site":
            if x in down_s:
                continue
            down_s.add(x)
            owner = m.site_company.get(x)
            if owner is not None:
                sites_up[owner] -= 1
                if sites_up[owner] == 0:
                    todo.append(("company", owner))
            continue
        if x in down_c:
            continue
        down_c.add(x)
        todo.extend(("site", s) for s in m.company_sites.get(x, ()))
        todo.extend(("company", d) for d in dependents.get(x, ()))
    return down_c, down_s


def evaluate(
    m: SupplyModel,
    companies: Iterable[str] = (),
    sites: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> Availability:
    """Which products are available when ``companies``, ``sites`` and ``countries`` fail."""
    down_c, down_s = _down(m, companies, sites, countries)
    m.supplied_items  # noqa: B018 -- made once here, so each goal's inputs are a lookup
    # Goals: (company, item) that must be delivered — whatever a company ships,
    # and the focal company's products.
    rows = m.supplies
    goals = set(zip(rows.supplier.tolist(), rows.item.tolist(), strict=True))
    goals |= {(m.focal, p) for p in m.products}
    assumed: set[tuple[str, str]] = set()
    unmapped: set[tuple[str, str]] = set()
    waiting: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # receive -> goals
    missing: dict[tuple[str, str], int] = {}
    received: set[tuple[str, str]] = set()
    ready: deque[tuple[str, str]] = deque()
    for c, i in goals:
        if c in down_c:
            continue
        if (c, i) in m.inbound:  # a distributor or second source: it must receive i itself
            required = [i]
        else:
            required, used_assumption = m.inputs(c, i)
            if used_assumption:
                assumed.add((c, i))
        count = 0
        for j in set(required):
            if (c, j) not in m.inbound:
                unmapped.add((c, j))
                continue
            waiting[(c, j)].append((c, i))
            count += 1
        missing[(c, i)] = count
        if count == 0:
            ready.append((c, i))
    # supplier delivers (s, j) -> the receive goals (buyer, j) it can feed
    feeds: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for supplier, buyer, item, site in zip(
        rows.supplier.tolist(),
        rows.buyer.tolist(),
        rows.item.tolist(),
        rows.site.tolist(),
        strict=True,
    ):
        if supplier in down_c or (site is not None and site in down_s):
            continue
        feeds[(supplier, item)].append((buyer, item))
    delivered: set[tuple[str, str]] = set()
    while ready:
        goal = ready.popleft()
        if goal in delivered:
            continue
        delivered.add(goal)
        for rec in feeds.get(goal, ()):
            if rec in received:
                continue
            received.add(rec)
            for parent in waiting.get(rec, ()):
                missing[parent] -= 1
                if missing[parent] == 0:
                    ready.append(parent)
    products = frozenset(p for p in m.products if (m.focal, p) in delivered)
    return Availability(
        frozenset(down_c),
        frozenset(down_s),
        frozenset(delivered),
        products,
        frozenset(unmapped),
        frozenset(assumed),
    )


def available_products(g: Projection, **failed: Iterable[str]) -> frozenset[str]:
    """Shortcut: the products available in projection ``g`` with ``failed`` failed."""
    return evaluate(SupplyModel.from_projection(g), **failed).available_products
