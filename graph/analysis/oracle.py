"""The brute-force definition of a single point of failure: the test oracle.

Node ``n`` (a company other than the focal one, or a site) is a single point of
failure for product ``p`` when ``p`` is available with nothing failed and
unavailable with only ``n`` failed (DESIGN.md). This module applies that
definition literally — one full evaluation per node — so that faster
algorithms can be checked against it.

It shares no code with the analyses it checks: it reads the records from the
projection itself and applies DESIGN.md's availability rules as they are
written (down spreads until nothing changes; then the least fixpoint of
*receives* and *delivers*, found by re-checking a goal whenever one of its
suppliers starts to deliver). A defect in the analyses' model or fixpoint is
therefore not repeated here. Shares play no part: a supplier with share 0 is
a source like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tierscope.graph.projection import Projection

__all__ = [
    "brute_force_available_products",
    "brute_force_down",
    "brute_force_single_points_of_failure",
]

Goal = tuple[str, str]  # (company, item): the company delivers the item


class _Network:
    """The records availability reads, taken from the projection's nodes and edges."""

    def __init__(self, g: Projection) -> None:
        self.focal = str(g.graph["focal_id"])
        self.company_country: dict[str, Any] = {}
        self.site_company: dict[str, str] = {}
        self.site_country: dict[str, Any] = {}
        products: list[str] = []
        for (label, node_id), d in g.nodes(data=True):
            if label == "Company":
                self.company_country[node_id] = d.get("country")
            elif label == "Site":
                self.site_company[node_id] = str(d["company_id"])
                self.site_country[node_id] = d.get("country")
            elif label == "Item" and d.get("kind") == "product":
                products.append(node_id)
        self.products = sorted(products)
        self.own_sites: dict[str, list[str]] = defaultdict(list)
        for s, c in self.site_company.items():
            self.own_sites[c].append(s)
        self.bom: dict[str, list[str]] = defaultdict(list)
        #: provider -> the companies that depend on it critically
        self.dependents: dict[str, list[str]] = defaultdict(list)
        #: (buyer, item) -> its supply rows as (supplier, site or None)
        self.inbound: dict[Goal, list[tuple[str, str | None]]] = defaultdict(list)
        #: (supplier, item) -> the buyers it ships that item to
        self.buyers: dict[Goal, set[str]] = defaultdict(set)
        for (_, u), (_, v), (rtype, _), d in g.edges(keys=True, data=True):
            if rtype == "REQUIRES":
                self.bom[u].append(v)
            elif rtype == "DEPENDS_ON" and d.get("critical"):
                self.dependents[v].append(u)
            elif rtype == "SUPPLIES":
                item, site = str(d["item_id"]), d.get("site_id")
                self.inbound[(v, item)].append((u, None if site is None else str(site)))
                self.buyers[(u, item)].add(v)
        self.supplied: dict[str, set[str]] = defaultdict(set)
        for buyer, item in self.inbound:
            self.supplied[buyer].add(item)
        #: every goal: what each supplier ships, and the focal company's products
        self.goals: dict[str, list[str]] = defaultdict(list)
        for supplier, item in sorted(self.buyers):
            self.goals[supplier].append(item)
        for p in self.products:
            if p not in self.goals[self.focal]:
                self.goals[self.focal].append(p)
        #: rule 3: what each goal must receive — the item itself where the company has
        #: recorded suppliers of it, else its BOM children, else every item supplied to it
        self.inputs: dict[Goal, list[str]] = {}
        #: (company, item received) -> the company's goals that read it
        self.readers: dict[Goal, list[str]] = defaultdict(list)
        for c, items in self.goals.items():
            for i in items:
                if (c, i) in self.inbound:
                    needs = [i]
                else:
                    needs = self.bom.get(i) or sorted(self.supplied.get(c, ()))
                self.inputs[(c, i)] = needs
                for j in needs:
                    self.readers[(c, j)].append(i)

    def down(
        self, companies: set[str], sites: set[str], countries: set[str]
    ) -> tuple[set[str], set[str]]:
        """Rule 1: the companies and sites that are down, spread until nothing changes."""
        down_c: set[str] = set()
        down_s: set[str] = set()
        todo: list[tuple[str, str]] = []
        for s, country in self.site_country.items():
            if s in sites or (country is not None and country in countries):
                todo.append(("Site", s))
        for c, country in self.company_country.items():
            no_site = not self.own_sites.get(c)
            if c in companies or (no_site and country is not None and country in countries):
                todo.append(("Company", c))
        while todo:
            label, x = todo.pop()
            if label == "Site":
                if x in down_s:
                    continue
                down_s.add(x)
                owner = self.site_company[x]
                if all(s in down_s for s in self.own_sites[owner]):
                    todo.append(("Company", owner))
            else:
                if x in down_c:
                    continue
                down_c.add(x)
                todo.extend(("Site", s) for s in self.own_sites.get(x, ()))
                todo.extend(("Company", d) for d in self.dependents.get(x, ()))
        return down_c, down_s

    def available(self, companies: set[str], sites: set[str], countries: set[str]) -> set[str]:
        """Rules 2-5: the products the focal company delivers with these failed."""
        down_c, down_s = self.down(companies, sites, countries)
        delivered: set[Goal] = set()

        def receives(c: str, j: str) -> bool:  # rule 2
            rows = self.inbound.get((c, j))
            if not rows:
                return True  # unmapped: assumed received
            return any(
                a not in down_c and (s is None or s not in down_s) and (a, j) in delivered
                for a, s in rows
            )

        def delivers(c: str, i: str) -> bool:  # rule 3
            return c not in down_c and all(receives(c, j) for j in self.inputs[(c, i)])

        # rule 4: the least fixpoint. Start with nothing delivered; a goal is checked
        # once, and again whenever a supplier of an item it needs starts delivering it.
        todo: list[Goal] = [(c, i) for c in sorted(self.goals) for i in self.goals[c]]
        while todo:
            c, i = todo.pop()
            if (c, i) in delivered or not delivers(c, i):
                continue
            delivered.add((c, i))
            for buyer in self.buyers.get((c, i), ()):
                todo.extend((buyer, k) for k in self.readers.get((buyer, i), ()))
        return {p for p in self.products if (self.focal, p) in delivered}  # rule 5


def brute_force_available_products(
    g: Projection,
    companies: Iterable[str] = (),
    sites: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> frozenset[str]:
    """The products available with ``companies``, ``sites`` and ``countries`` failed.

    Examples
    --------
    The focal company F makes product P from part X, which only T supplies:

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(focal_id="F")
    >>> g.add_node(("Company", "F"), country="DE")
    >>> g.add_node(("Company", "T"), country="JP")
    >>> g.add_node(("Item", "P"), kind="product")
    >>> _ = g.add_edge(("Item", "P"), ("Item", "X"), key=("REQUIRES", "P-X"))
    >>> _ = g.add_edge(("Company", "T"), ("Company", "F"), key=("SUPPLIES", "1"), item_id="X")
    >>> sorted(brute_force_available_products(g)), sorted(brute_force_available_products(g, ["T"]))
    (['P'], [])
    """
    return frozenset(_Network(g).available(set(companies), set(sites), set(countries)))


def brute_force_down(
    g: Projection,
    companies: Iterable[str] = (),
    sites: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> tuple[frozenset[str], frozenset[str]]:
    """The companies and the sites that are down with these failed (rule 1)."""
    down_c, down_s = _Network(g).down(set(companies), set(sites), set(countries))
    return frozenset(down_c), frozenset(down_s)


def brute_force_single_points_of_failure(g: Projection) -> dict[str, frozenset[str]]:
    """Map each company or site whose failure alone stops a product to those products.

    Examples
    --------
    Nodes that stop nothing are left out, so a network without suppliers has none:

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(focal_id="F")
    >>> g.add_node(("Company", "F"), country="DE")
    >>> brute_force_single_points_of_failure(g)
    {}
    """
    net = _Network(g)
    baseline = net.available(set(), set(), set())
    found: dict[str, frozenset[str]] = {}
    for company in sorted(net.company_country):
        if company == net.focal:
            continue
        lost = baseline - net.available({company}, set(), set())
        if lost:
            found[company] = frozenset(lost)
    for site in sorted(net.site_company):
        lost = baseline - net.available(set(), {site}, set())
        if lost:
            found[site] = frozenset(lost)
    return found
