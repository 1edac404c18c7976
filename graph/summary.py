"""A short description of a loaded ecosystem: what the demo prints after loading."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from tierscope.graph.projection import Projection, Tables

__all__ = ["EcosystemSummary", "summarize"]


@dataclass(frozen=True)
class EcosystemSummary:
    """Counts that tell a reader what was loaded."""

    snapshot: str
    source: str
    loaded_at: str
    focal_id: str
    focal_name: str
    companies: int
    companies_by_tier: dict[str, int]  # "0" is the focal company, "none" not upstream
    companies_by_kind: dict[str, int]
    countries: int
    products: list[str]
    items: int
    supply_relationships: int
    bom_lines: int
    sites: int
    dependencies: int
    critical_dependencies: int
    people: int
    sponsors: int
    contacts: int
    kpi_rows: int
    revenue_per_day: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(g: Projection) -> EcosystemSummary:
    """Summarise the projection ``g`` (see :mod:`tierscope.graph.projection`).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(focal_id="F")
    >>> g.add_node(("Company", "F"), name="Focal", kind="focal", country="DE", tier=0)
    >>> g.add_node(("Company", "A"), name="A", kind="supplier", country="CN", tier=1)
    >>> s = summarize(g)
    >>> s.companies, s.companies_by_tier, s.countries
    (2, {'0': 1, '1': 1}, 2)
    """
    t = Tables.of(g)
    companies = t.node_rows("Company")
    focal_id = str(g.graph.get("focal_id") or "")
    focal_name = next((str(d.get("name")) for cid, d in companies if cid == focal_id), "")
    tiers = Counter(d.get("tier") for _, d in companies)
    by_tier = {
        ("none" if t is None else str(t)): tiers[t]
        for t in sorted(tiers, key=lambda t: (t is None, t or 0))
    }
    countries = {d.get("country") for _, d in companies} | {
        d.get("country") for _, d in t.node_rows("Site")
    }
    items = t.node_rows("Item")
    products = sorted(i for i, d in items if d.get("kind") == "product")
    deps = t.edge_rows("DEPENDS_ON")
    return EcosystemSummary(
        snapshot=str(g.graph.get("snapshot") or ""),
        source=str(g.graph.get("source") or ""),
        loaded_at=str(g.graph.get("loaded_at") or ""),
        focal_id=focal_id,
        focal_name=focal_name,
        companies=len(companies),
        companies_by_tier=by_tier,
        companies_by_kind=dict(sorted(Counter(str(d.get("kind")) for _, d in companies).items())),
        countries=len(countries - {None}),
        products=products,
        items=len(items),
        supply_relationships=len(t.edge_rows("SUPPLIES")),
        bom_lines=len(t.edge_rows("REQUIRES")),
        sites=len(t.node_rows("Site")),
        dependencies=len(deps),
        critical_dependencies=sum(1 for _, _, d in deps if d.get("critical")),
        people=len(t.node_rows("Person")),
        sponsors=len(t.edge_rows("SPONSORS")),
        contacts=len(t.edge_rows("CONTACT_FOR")),
        kpi_rows=len(t.node_rows("Kpi")),
        revenue_per_day=float(
            sum(
                float(d.get("revenue_per_day") or 0) for _, d in items if d.get("kind") == "product"
            )
        ),
    )
