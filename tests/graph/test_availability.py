"""AND/OR availability and the brute-force single-point-of-failure oracle, on hand-drawn
networks (each named after the DESIGN.md rule it exercises), on random networks against
an independent naive fixpoint, and on the demo ecosystem's planted risks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tierscope.graph.analysis.availability import SupplyModel, evaluate
from tierscope.graph.analysis.oracle import brute_force_single_points_of_failure
from tierscope.graph.projection import Projection, read_projection
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle


def network(
    companies: dict[str, str],
    supplies: list[tuple[str, str, str] | tuple[str, str, str, str]],
    bom: list[tuple[str, str]] = (),  # type: ignore[assignment]
    products: list[str] = ("P",),  # type: ignore[assignment]
    sites: dict[str, tuple[str, str]] | None = None,  # site -> (company, country)
    critical: list[tuple[str, str]] = (),  # type: ignore[assignment]
    focal: str = "F",
) -> Projection:
    g: Projection = nx.MultiDiGraph(focal_id=focal)
    for c, country in companies.items():
        g.add_node(
            ("Company", c), id=c, country=country, kind="focal" if c == focal else "supplier"
        )
    for p in products:
        g.add_node(("Item", p), id=p, kind="product")
    for s, (c, country) in (sites or {}).items():
        g.add_node(("Site", s), id=s, company_id=c, country=country)
    for k, row in enumerate(supplies):
        props: dict[str, Any] = {"item_id": row[2]}
        if len(row) == 4:
            props["site_id"] = row[3]
        g.add_edge(("Company", row[0]), ("Company", row[1]), ("SUPPLIES", str(k)), **props)
    for parent, child in bom:
        g.add_edge(("Item", parent), ("Item", child), ("REQUIRES", parent + child))
    for a, b in critical:
        g.add_edge(("Company", a), ("Company", b), ("DEPENDS_ON", a + b), critical=True)
    return g


def spofs(g: Projection) -> dict[str, set[str]]:
    return {n: set(p) for n, p in brute_force_single_points_of_failure(g).items()}


def test_design_example_hidden_sole_source_behind_two_suppliers() -> None:
    # DESIGN.md, "Availability": P needs B and H; B from S1 and S2, who both buy X only from T;
    # nobody records who supplies H.
    g = network(
        {"F": "DE", "S1": "PL", "S2": "MY", "T": "TW"},
        [("S1", "F", "B"), ("S2", "F", "B"), ("T", "S1", "X"), ("T", "S2", "X")],
        bom=[("P", "B"), ("P", "H"), ("B", "X")],
    )
    m = SupplyModel.from_projection(g)
    result = evaluate(m)
    assert result.available_products == {"P"}
    assert ("F", "H") in result.unmapped
    assert spofs(g) == {"T": {"P"}}


def test_diamond_with_two_independent_paths_has_no_single_point() -> None:
    g = network(
        {"F": "DE", "S1": "PL", "S2": "MY", "T1": "TW", "T2": "JP"},
        [("S1", "F", "B"), ("S2", "F", "B"), ("T1", "S1", "X"), ("T2", "S2", "X")],
        bom=[("P", "B"), ("B", "X")],
    )
    assert spofs(g) == {}


def test_sole_source() -> None:
    g = network({"F": "DE", "S": "CN"}, [("S", "F", "B")], bom=[("P", "B")])
    assert spofs(g) == {"S": {"P"}}


def test_loop_without_outside_source_stays_dark() -> None:
    # A and B only supply each other: the least fixpoint never lights them.
    g = network(
        {"F": "DE", "A": "CN", "B": "CN"},
        [("A", "F", "X"), ("B", "A", "Y"), ("A", "B", "X")],
        bom=[("P", "X"), ("X", "Y"), ("Y", "X")],
    )
    assert evaluate(SupplyModel.from_projection(g)).available_products == frozenset()


def test_site_failure_takes_down_a_single_site_supplier_and_its_shipments() -> None:
    g = network(
        {"F": "DE", "S": "CN", "R": "VN"},
        [("S", "F", "B", "S-1"), ("R", "F", "C", "R-1")],
        bom=[("P", "B"), ("P", "C")],
        sites={"S-1": ("S", "CN"), "R-1": ("R", "VN"), "R-2": ("R", "TH")},
    )
    m = SupplyModel.from_projection(g)
    assert evaluate(m, sites=["S-1"]).available_products == frozenset()
    # R has a second site, but what F gets ships from R-1: R-1 alone still stops P
    assert evaluate(m, sites=["R-1"]).available_products == frozenset()
    assert evaluate(m, sites=["R-2"]).available_products == {"P"}
    assert evaluate(m, countries=["CN"]).available_products == frozenset()
    assert spofs(g) == {"S": {"P"}, "R": {"P"}, "S-1": {"P"}, "R-1": {"P"}}


def test_critical_dependency_spreads_down() -> None:
    g = network(
        {"F": "DE", "S": "CN", "L": "NL"},
        [("S", "F", "B")],
        bom=[("P", "B")],
        critical=[("S", "L")],
    )
    assert spofs(g) == {"S": {"P"}, "L": {"P"}}


def test_missing_bill_of_materials_needs_every_supplied_item_and_says_so() -> None:
    # S makes B with no BOM for B: it needs everything it buys (W from D and V from E).
    g = network(
        {"F": "DE", "S": "CN", "D": "JP", "E": "KR"},
        [("S", "F", "B"), ("D", "S", "W"), ("E", "S", "V")],
        bom=[("P", "B")],
    )
    m = SupplyModel.from_projection(g)
    assert ("S", "B") in evaluate(m).assumed_inputs
    assert spofs(g) == {"S": {"P"}, "D": {"P"}, "E": {"P"}}


def test_distributor_needs_its_own_source() -> None:
    # F buys B from distributor D, who buys B from maker M.
    g = network(
        {"F": "DE", "D": "DE", "M": "CN"}, [("D", "F", "B"), ("M", "D", "B")], bom=[("P", "B")]
    )
    assert spofs(g) == {"D": {"P"}, "M": {"P"}}


# -- random networks against an independent, naive fixpoint ------------------


def naive_available(g: Projection, failed: set[str]) -> set[str]:
    """DESIGN.md's rules applied by repeated full sweeps until nothing changes (no sites)."""
    focal = g.graph["focal_id"]
    comps = [n[1] for n in g if n[0] == "Company"]
    sup = [
        (u[1], v[1], d["item_id"])
        for u, v, k, d in g.edges(keys=True, data=True)
        if k[0] == "SUPPLIES"
    ]
    bom: dict[str, list[str]] = {}
    for u, v, k in g.edges(keys=True):
        if k[0] == "REQUIRES":
            bom.setdefault(u[1], []).append(v[1])
    crit = [(u[1], v[1]) for u, v, k in g.edges(keys=True) if k[0] == "DEPENDS_ON"]
    down = set(failed)
    while True:
        more = {a for a, b in crit if b in down} - down
        if not more:
            break
        down |= more
    products = [
        n[1] for n, d in g.nodes(data=True) if n[0] == "Item" and d.get("kind") == "product"
    ]
    goals = {(s, i) for s, _, i in sup} | {(focal, p) for p in products}
    delivered: set[tuple[str, str]] = set()

    def receives(c: str, j: str) -> bool:
        sources = [s for s, b, i in sup if b == c and i == j]
        return not sources or any(s not in down and (s, j) in delivered for s in sources)

    changed = True
    while changed:
        changed = False
        for c, i in goals:
            if (c, i) in delivered or c in down:
                continue
            if any(b == c and j == i for _, b, j in sup):
                ok = receives(c, i)
            else:
                needs = bom.get(i) or sorted({j for _, b, j in sup if b == c})
                ok = all(receives(c, j) for j in needs)
            if ok:
                delivered.add((c, i))
                changed = True
    assert comps
    return {p for p in products if (focal, p) in delivered}


@st.composite
def random_networks(draw: st.DrawFn) -> Projection:
    n = draw(st.integers(2, 7))
    companies = {"F": "DE"} | {f"C{k}": "CN" for k in range(n)}
    items = ["P", "Q", "A", "B", "X", "Y"]
    names = list(companies)
    supplies = draw(
        st.lists(
            st.tuples(
                st.sampled_from(names[1:]), st.sampled_from(names), st.sampled_from(items[2:])
            ),
            max_size=14,
        ).map(lambda rows: sorted({r for r in rows if r[0] != r[1]}))
    )
    bom = draw(st.lists(st.tuples(st.sampled_from(items), st.sampled_from(items[2:])), max_size=8))
    bom = sorted({(a, b) for a, b in bom if a != b and items.index(a) < items.index(b)})
    critical = draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names[1:])), max_size=3)
    )
    critical = [(a, b) for a, b in critical if a != b]
    return network(companies, supplies, bom=bom, products=["P", "Q"], critical=critical)


@settings(max_examples=1500, deadline=None)
@given(g=random_networks(), data=st.data())
def test_random_networks_agree_with_the_naive_fixpoint(g: Projection, data: st.DataObject) -> None:
    companies = [n[1] for n in g if n[0] == "Company" and n[1] != "F"]
    failed = set(data.draw(st.lists(st.sampled_from(companies), max_size=2)))
    m = SupplyModel.from_projection(g)
    assert set(evaluate(m, companies=failed).available_products) == naive_available(g, failed)


def test_renaming_every_id_changes_nothing() -> None:
    g = network(
        {"F": "DE", "S1": "PL", "S2": "MY", "T": "TW"},
        [("S1", "F", "B"), ("S2", "F", "B"), ("T", "S1", "X"), ("T", "S2", "X")],
        bom=[("P", "B"), ("B", "X")],
    )
    renamed = nx.relabel_nodes(g, {n: (n[0], "new-" + n[1]) for n in g})
    for _, _, d in renamed.edges(data=True):
        if "item_id" in d:
            d["item_id"] = "new-" + d["item_id"]
    renamed.graph["focal_id"] = "new-F"
    assert spofs(renamed) == {"new-" + n: {"new-" + p for p in ps} for n, ps in spofs(g).items()}


def test_the_demo_planted_single_points_of_failure_are_exactly_found(
    store: Store, demo_copy: Path
) -> None:
    load_bundle(demo_copy, store)
    found = spofs(read_projection(store))
    # loaders/demo/README.md: the brute force finds these five and no other
    assert set(found) == {"NORDKAP", "TKS", "QUBIT", "FEINGUSS", "SITE-FEINGUSS-SUHL"}
    assert found["TKS"] == {"P-NX400", "P-NX750"}
    assert len(found["NORDKAP"]) == 8
