"""Everything the analyses read, indexed once from the projection.

:class:`Context` holds the node attributes by id, the people and KPI rows, the
AND/OR :class:`~tierscope.graph.analysis.supplies.SupplyModel` and its
compiled :class:`~tierscope.graph.analysis.goals.GoalGraph`, so that each
analysis is a small function of it and the projection is walked only once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tierscope.graph.analysis.goals import GoalGraph
from tierscope.graph.analysis.supplies import SupplyModel
from tierscope.graph.columns import Columns
from tierscope.graph.projection import Projection, Tables

__all__ = ["DEFAULT_RECOVERY_DAYS", "Context"]

#: DESIGN.md: time to recover when neither the site nor the company gives one.
DEFAULT_RECOVERY_DAYS = 30.0


@dataclass
class Context:
    """The projection's facts by id, plus the supply model and goal graph."""

    focal: str
    snapshot: str | None
    companies: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]
    sites: dict[str, dict[str, Any]]
    people: dict[str, dict[str, Any]]
    sponsors: dict[str, list[str]]  # company -> person ids
    contacts: dict[str, list[tuple[str, bool]]]  # company -> (person id, primary)
    kpis: list[dict[str, Any]]
    model: SupplyModel
    goals: GoalGraph
    parent: dict[str, str] = field(default_factory=dict)  # company -> parent group
    #: provider -> the kinds of dependencies on it (``logistics``, ``software``...), sorted
    services: dict[str, list[str]] = field(default_factory=dict)
    #: where the loaded data came from and when it was loaded (None when not recorded)
    source: str | None = None
    loaded_at: str | None = None

    @classmethod
    def from_projection(cls, g: Projection) -> Context:
        t = Tables.of(g)
        by_label = {label: dict(rows) for label, rows in t.nodes.items()}
        sponsors: dict[str, list[str]] = defaultdict(list)
        contacts: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for person, company, _ in t.edge_rows("SPONSORS"):
            sponsors[company].append(person)
        for person, company, d in t.edge_rows("CONTACT_FOR"):
            contacts[company].append((person, bool(d.get("primary"))))
        parent = {c: group for c, group, _ in t.edge_rows("PART_OF")}
        services: dict[str, set[str]] = defaultdict(set)
        for _, provider, d in t.edge_rows("DEPENDS_ON"):
            if d.get("kind"):
                services[provider].add(str(d["kind"]))
        model = SupplyModel.from_projection(g, t)
        del t
        return cls(
            focal=str(g.graph["focal_id"]),
            snapshot=g.graph.get("snapshot"),
            companies=by_label.get("Company", {}),
            items=by_label.get("Item", {}),
            sites=by_label.get("Site", {}),
            people=by_label.get("Person", {}),
            sponsors={c: sorted(p) for c, p in sponsors.items()},
            contacts={c: sorted(p) for c, p in contacts.items()},
            kpis=list(by_label.get("Kpi", {}).values()),
            model=model,
            goals=GoalGraph.build(model),
            parent=parent,
            services={c: sorted(k) for c, k in services.items()},
            source=g.graph.get("source"),
            loaded_at=g.graph.get("loaded_at"),
        )

    @classmethod
    def from_columns(cls, c: Columns) -> Context:
        """The context of the ecosystem read as columns: the same as
        :meth:`from_projection` of the projection of the same data, without building it.
        Tables are used in the order :func:`~tierscope.graph.analysis.run.read_context`
        reads them."""
        nodes, rels = c.nodes, c.relationships

        def by_id(label: str) -> dict[str, dict[str, Any]]:
            t = nodes[label]
            return dict(zip(t["id"], t.rows(), strict=True))

        model = SupplyModel.from_columns(c)
        companies, sites, items = by_id("Company"), by_id("Site"), by_id("Item")
        people, kpis = by_id("Person"), list(nodes["Kpi"].rows())
        s = rels["PART_OF"]
        parent = dict(zip(s["start"], s["end"], strict=True))
        sponsors: dict[str, list[str]] = defaultdict(list)
        s = rels["SPONSORS"]
        for person, company in zip(s["start"], s["end"], strict=True):
            sponsors[company].append(person)
        contacts: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        s = rels["CONTACT_FOR"]
        for person, company, primary in zip(s["start"], s["end"], s["primary"], strict=True):
            contacts[company].append((person, primary == primary and bool(primary)))
        services: dict[str, set[str]] = defaultdict(set)
        s = rels["DEPENDS_ON"]
        for provider, kind in zip(s["end"], s["kind"], strict=True):
            if kind == kind and kind:
                services[provider].add(str(kind))
        return cls(
            focal=str(c.focal_id),
            snapshot=c.snapshot,
            companies=companies,
            items=items,
            sites=sites,
            people=people,
            sponsors={c: sorted(p) for c, p in sponsors.items()},
            contacts={c: sorted(p) for c, p in contacts.items()},
            kpis=kpis,
            model=model,
            goals=GoalGraph.build(model),
            parent=parent,
            services={c: sorted(k) for c, k in services.items()},
            source=c.source,
            loaded_at=c.loaded_at,
        )

    # -- small helpers used by several analyses --------------------------------------

    def name(self, node_id: str) -> str:
        """Display name of a company, site, item or person (the id when it has none)."""
        for table in (self.companies, self.items, self.sites, self.people):
            d = table.get(node_id)
            if d is not None:
                return str(d.get("name") or node_id)
        return node_id

    def tier(self, company: str) -> int | None:
        t = self.companies.get(company, {}).get("tier")
        return None if t is None else int(t)

    def revenue_per_day(self, product: str) -> float:
        return _num(self.items.get(product, {}).get("revenue_per_day"))

    def inventory_days(self, product: str) -> float:
        """Time to survive: ``inventory_days`` of the product, 0 when unknown."""
        return _num(self.items.get(product, {}).get("inventory_days"))

    def recovery_days(self, node_id: str) -> tuple[float, bool]:
        """Time to recover of a site or company, and whether it is the 30-day default."""
        d = self.sites.get(node_id) or self.companies.get(node_id) or {}
        v = d.get("recovery_days")
        if v is None or v != v:
            return DEFAULT_RECOVERY_DAYS, True
        return float(v), False

    def group(self, company: str) -> str:
        """The top parent group of ``company`` (itself when it has none)."""
        seen = {company}
        while company in self.parent and self.parent[company] not in seen:
            company = self.parent[company]
            seen.add(company)
        return company


def _num(v: object) -> float:
    if v is None or isinstance(v, bool):
        return 0.0
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if x != x else x
