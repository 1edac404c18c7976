"""Random AND/OR supply networks for property tests, and a builder for hand-drawn ones.

A network is a projection (the same graph :func:`read_projection` returns) with
a focal company ``F``, up to seven suppliers in three countries, sites, items
that form a bill of materials (sometimes missing, so the "every input is
needed" assumption is used), supplies that may run in loops, critical
dependencies, and the figures scenarios read: revenue, inventory, recovery
days and supply shares or spend.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from hypothesis import strategies as st

from tierscope.graph.projection import Projection

COUNTRIES = ["DE", "CN", "TW"]
ITEMS = ["P", "Q", "A", "B", "X", "Y"]


def build(
    companies: dict[str, str],
    supplies: list[tuple[str, str, str, str | None]],
    bom: list[tuple[str, str]],
    sites: dict[str, tuple[str, str]],
    critical: list[tuple[str, str]],
    products: tuple[str, ...] = ("P", "Q"),
    product_facts: dict[str, dict[str, Any]] | None = None,
    recovery: dict[str, float] | None = None,
    supply_facts: list[dict[str, Any]] | None = None,
) -> Projection:
    g: Projection = nx.MultiDiGraph(focal_id="F")
    recovery = recovery or {}
    for c, country in companies.items():
        g.add_node(
            ("Company", c),
            id=c,
            country=country,
            kind="focal" if c == "F" else "supplier",
            **({"recovery_days": recovery[c]} if c in recovery else {}),
        )
    for p in products:
        g.add_node(("Item", p), id=p, kind="product", **(product_facts or {}).get(p, {}))
    for s, (c, country) in sites.items():
        extra = {"recovery_days": recovery[s]} if s in recovery else {}
        g.add_node(("Site", s), id=s, company_id=c, country=country, **extra)
    for k, (a, b, item, site) in enumerate(supplies):
        props: dict[str, Any] = {"item_id": item}
        if site is not None:
            props["site_id"] = site
        if supply_facts is not None:
            props.update(supply_facts[k])
        g.add_edge(("Company", a), ("Company", b), ("SUPPLIES", str(k)), **props)
    for parent, child in bom:
        g.add_edge(("Item", parent), ("Item", child), ("REQUIRES", parent + child))
    for a, b in critical:
        g.add_edge(("Company", a), ("Company", b), ("DEPENDS_ON", a + b), critical=True)
    return g


@st.composite
def networks(draw: st.DrawFn, facts: bool = False) -> Projection:
    """A random network; with ``facts``, also revenue, inventory, recovery days and shares."""
    n = draw(st.integers(1, 7))
    names = ["F"] + [f"C{k}" for k in range(n)]
    companies = {c: draw(st.sampled_from(COUNTRIES)) for c in names}
    sites: dict[str, tuple[str, str]] = {}
    for c in names:
        for k in range(draw(st.integers(0, 2))):
            sites[f"S-{c}-{k}"] = (c, draw(st.sampled_from(COUNTRIES)))
    # one row per (supplier, buyer, item, site): a supplier may ship the same item to
    # the same buyer from two sites (two rows, one supplier)
    supplies: set[tuple[str, str, str, str | None]] = set()
    for _ in range(draw(st.integers(0, 16))):
        a = draw(st.sampled_from(names[1:]))
        b = draw(st.sampled_from(names))
        item = draw(st.sampled_from(ITEMS[2:]))
        if a == b:
            continue
        own = [s for s, (c, _) in sites.items() if c == a]
        supplies.add((a, b, item, draw(st.sampled_from([None, *own]))))
    # distributor chains: a buyer passes on what it buys, bought from a maker
    for _ in range(draw(st.integers(0, 3))):
        if not supplies:
            break
        a, _, item, _ = draw(st.sampled_from(sorted(supplies, key=str)))
        maker = draw(st.sampled_from(names[1:]))
        if maker != a:
            supplies.add((maker, a, item, None))
    # BOM edges may point "backwards" too: loops through supplies are then possible
    bom = draw(st.lists(st.tuples(st.sampled_from(ITEMS), st.sampled_from(ITEMS[2:])), max_size=8))
    bom_set = sorted({(a, b) for a, b in bom if a != b and ITEMS.index(a) < ITEMS.index(b)})
    critical = draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names[1:])), max_size=3)
    )
    crit = sorted({(a, b) for a, b in critical if a != b})
    rows = sorted(supplies, key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    if not facts:
        return build(companies, rows, bom_set, sites, crit)
    days = st.sampled_from([0.0, 5.0, 14.0, 30.0, 60.0])
    product_facts: dict[str, dict[str, Any]] = {}
    for p in ("P", "Q"):
        product_facts[p] = {"revenue_per_day": draw(st.sampled_from([0.0, 100.0, 2500.0]))}
        inventory = draw(st.one_of(st.none(), days))
        if inventory is not None:
            product_facts[p]["inventory_days"] = inventory
    recovery = {x: draw(days) for x in [*names, *sites] if draw(st.booleans())}
    supply_facts = []
    for _ in rows:
        # 0 is a value: a qualified alternate that ships nothing today
        share = draw(st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0])))
        spend = draw(st.one_of(st.none(), st.sampled_from([0.0, 1e3, 5e4, 2e6])))
        row: dict[str, Any] = {}
        if share is not None:
            row["share"] = share
        if spend is not None:
            row["annual_spend"] = spend
        supply_facts.append(row)
    return build(
        companies, rows, bom_set, sites, crit, ("P", "Q"), product_facts, recovery, supply_facts
    )


def naive_available(
    g: Projection,
    companies: Iterable[str] = (),
    sites: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> set[str]:
    """DESIGN.md's availability rules, word for word, by repeated full sweeps.

    Slow and independent of ``graph/analysis``: the oracle for scenarios.
    """
    focal = g.graph["focal_id"]
    comp = {n[1]: d for n, d in g.nodes(data=True) if n[0] == "Company"}
    site = {n[1]: d for n, d in g.nodes(data=True) if n[0] == "Site"}
    sup = [
        (u[1], v[1], d["item_id"], d.get("site_id"))
        for u, v, k, d in g.edges(keys=True, data=True)
        if k[0] == "SUPPLIES"
    ]
    bom: dict[str, list[str]] = {}
    for u, v, k in g.edges(keys=True):
        if k[0] == "REQUIRES":
            bom.setdefault(u[1], []).append(v[1])
    crit = [
        (u[1], v[1])
        for u, v, k, d in g.edges(keys=True, data=True)
        if k[0] == "DEPENDS_ON" and d.get("critical")
    ]
    failed_c, failed_s, failed_cc = set(companies), set(sites), set(countries)
    down_c: set[str] = set()
    down_s: set[str] = set()
    changed = True
    while changed:  # rule 1, spread until nothing changes
        changed = False
        for s, d in site.items():
            if s not in down_s and (
                s in failed_s or d.get("country") in failed_cc or d["company_id"] in down_c
            ):
                down_s.add(s)
                changed = True
        for c, d in comp.items():
            own = [s for s, sd in site.items() if sd["company_id"] == c]
            if c not in down_c and (
                c in failed_c
                or (own and all(s in down_s for s in own))
                or (not own and d.get("country") in failed_cc)
                or any(b == c and a in down_c for b, a in crit)
            ):
                down_c.add(c)
                changed = True
    products = [
        n[1] for n, d in g.nodes(data=True) if n[0] == "Item" and d.get("kind") == "product"
    ]
    delivered: set[tuple[str, str]] = set()

    def receives(c: str, j: str) -> bool:  # rule 2
        rows = [(a, st_) for a, b, i, st_ in sup if b == c and i == j]
        if not rows:
            return True  # unmapped
        return any(
            a not in down_c and (st_ is None or st_ not in down_s) and (a, j) in delivered
            for a, st_ in rows
        )

    goals = {(a, i) for a, _, i, _ in sup} | {(focal, p) for p in products}
    changed = True
    while changed:  # rules 3-4, least fixpoint by sweeps
        changed = False
        for c, i in sorted(goals):
            if (c, i) in delivered or c in down_c:
                continue
            if any(b == c and j == i for _, b, j, _ in sup):
                ok = receives(c, i)
            else:
                needs = bom.get(i) or sorted({j for _, b, j, _ in sup if b == c})
                ok = all(receives(c, j) for j in needs)
            if ok:
                delivered.add((c, i))
                changed = True
    return {p for p in products if (focal, p) in delivered}  # rule 5


def naive_exposure(
    g: Projection, product: str, rounds: int = 5000
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]] | None:
    """DESIGN.md's propagated exposure of ``product``: the sum over every path.

    One unit of the product needs one unit of each input (AND); a buyer's need
    is split over its suppliers by their normalised shares (OR); multiplying along
    each path and summing gives, per (company, item), the fraction of the item's
    whole need in the tree that the company delivers, and per (item, country) the
    fraction shipped from the country. Paths are summed one length at a time, as
    long as any is left (a loop adds ever longer ones, shrinking by its shares);
    ``None`` when the sum does not settle within ``rounds`` lengths.
    Slow and independent of ``graph/analysis``: the oracle for the sparse flows.
    """
    focal = g.graph["focal_id"]
    comp = {n[1]: d for n, d in g.nodes(data=True) if n[0] == "Company"}
    site = {n[1]: d for n, d in g.nodes(data=True) if n[0] == "Site"}
    bom: dict[str, set[str]] = {}
    rows: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if k[0] == "REQUIRES":
            bom.setdefault(u[1], set()).add(v[1])
        elif k[0] == "SUPPLIES":
            where = site[d["site_id"]].get("country") if d.get("site_id") else None
            where = where or comp[u[1]].get("country") or "?"
            rows.setdefault((v[1], d["item_id"]), []).append((u[1], where, d))
    weights = {
        key: [(s, cc, w) for (s, cc, _), w in zip(found, naive_shares(found), strict=True)]
        for key, found in rows.items()
    }
    products = {
        n[1] for n, d in g.nodes(data=True) if n[0] == "Item" and d.get("kind") == "product"
    }
    through: dict[tuple[str, str], float] = {}
    shipped: dict[tuple[str, str], float] = {}
    need: dict[str, float] = {}
    # what paths of the current length deliver, by (company, item, countries the
    # unit already left on its way through distributors of that item)
    frontier: dict[tuple[str, str, frozenset[str]], float] = {(focal, product, frozenset()): 1.0}
    for _ in range(rounds):
        if not frontier or max(frontier.values()) < 1e-15:
            break
        if max(frontier.values()) > 1e9:  # a loop that multiplies its need
            return None
        longer: dict[tuple[str, str, frozenset[str]], float] = {}
        for (c, i, left), q in frontier.items():
            through[(c, i)] = through.get((c, i), 0.0) + q
            # a company that receives what it delivers needs only that
            own = (c, i) in rows
            needed = [i] if own else sorted(bom.get(i) or {j for b, j in rows if b == c})
            # what it passes on is no new need (the product's own need is), and a unit
            # passed on counts once for each country it leaves
            uses = not own or (c == focal and i in products)
            for j in needed:
                before = frozenset() if uses else left
                if uses:
                    need[j] = need.get(j, 0.0) + q
                for s, cc, w in weights.get((c, j), []):
                    if cc not in before:
                        shipped[(j, cc)] = shipped.get((j, cc), 0.0) + q * w
                    up = (s, j, before | {cc})
                    longer[up] = longer.get(up, 0.0) + q * w
        frontier = longer
    else:
        return None
    return (
        {k: v / need[k[1]] for k, v in through.items() if need.get(k[1], 0) > 0},
        {k: v / need[k[0]] for k, v in shipped.items() if need.get(k[0], 0) > 0},
    )


def naive_shares(rows: list[tuple[str, Any, dict[str, Any]]]) -> list[float]:
    """DESIGN.md's normalised shares of one (buyer, item)'s supply rows
    ``(supplier, anything, row facts)``, word for word: ``share`` where every row has
    one, else ``annual_spend`` where every row has it, else an equal split; a value of
    0 is a value, a basis whose values are all 0 gives way to the next; an equal
    split gives each supplier the same part, shared equally by its rows."""
    for basis in ("share", "annual_spend"):
        values = [d.get(basis) for _, _, d in rows]
        if all(v is not None for v in values) and sum(values) > 0:
            return [float(v) / sum(values) for v in values]
    suppliers = [s for s, _, _ in rows]
    per = {s: 1.0 / len(set(suppliers)) for s in suppliers}
    return [per[s] / suppliers.count(s) for s in suppliers]


def naive_basis(rows: list[tuple[str, Any, dict[str, Any]]]) -> str:
    """The basis :func:`naive_shares` uses."""
    for basis in ("share", "annual_spend"):
        values = [d.get(basis) for _, _, d in rows]
        if all(v is not None for v in values) and sum(values) > 0:
            return basis
    return "equal"
