"""What the page of a company, site, item or person shows, read from the catalogue.

Each function returns the page's context: facts, links and :class:`Table`s.
Nothing here recomputes an analysis; everything comes from the stored results
held by the :class:`~tierscope.graph.ecosystem.Ecosystem` and its
:class:`~tierscope.api.explorer.catalogue.Catalogue`.
"""

from __future__ import annotations

from typing import Any

from tierscope.api.explorer.catalogue import Catalogue
from tierscope.api.explorer.tables import Ref, Table, linked, ref, url
from tierscope.graph.analysis.coverage import KpiScore
from tierscope.graph.ecosystem import MAX_DEPTH, UnknownId
from tierscope.viz.chains import chain_view
from tierscope.viz.charts import kpi_chart, money
from tierscope.viz.report import KIND_LABELS

__all__ = ["company_page", "item_page", "person_page", "site_page"]

#: rows of a long table shown on the page (the CSV has them all)
SHOWN = 100


def shown(n: int, everything: bool) -> slice:
    """The rows of ``n`` a page shows: all of them for its CSV, else the first SHOWN."""
    return slice(0, n if everything else SHOWN)


def company_page(
    cat: Catalogue, company_id: str, depth: int, direction: str, everything: bool = False
) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    d = eco.company(company_id)  # raises UnknownId
    exposure = eco.exposure(company_id)
    ttr, assumed = ctx.recovery_days(company_id)
    parent = ctx.parent.get(company_id)
    facts: list[tuple[str, Any]] = [
        ("kind", d.get("kind")),
        ("country", Ref("country", str(d.get("country")), str(d.get("country")))),
        ("tier", ctx.tier(company_id) if ctx.tier(company_id) is not None else "none"),
        ("declared tier", d.get("declared_tier")),
        ("segment", d.get("segment")),
        ("parent group", ref(eco, parent, full=True) if parent else None),
        ("annual spend", money(d["annual_spend"]) if d.get("annual_spend") else None),
        ("recovers in", f"{ttr:g} days" + (" (assumed: none recorded)" if assumed else "")),
        ("revenue at stake if it fails alone", money(exposure["revenue_at_stake"])),
    ]
    spofs = sorted(cat.spof_of_node.get(company_id, ()), key=lambda s: s.product_id)
    stops = Table(
        "stops",
        "Products it can stop on its own",
        ["product", "revenue per day", "inventory days", "revenue at stake", "paths"],
        empty="No product stops when it alone fails.",
        numeric=frozenset({"revenue per day", "inventory days", "revenue at stake"}),
    )
    stake = {p["product_id"]: p["revenue_at_stake"] for p in exposure["products"]}
    for s in spofs:
        stops.rows.append(
            [
                ref(eco, s.product_id, full=True),
                money(ctx.revenue_per_day(s.product_id)),
                ctx.inventory_days(s.product_id),
                money(stake.get(s.product_id, 0.0)),
                path_ref(company_id, s.product_id),
            ]
        )
    depends = Table(
        "depends",
        "Products that depend on it",
        ["product", "tiers", "single point of failure", "share of supply", "revenue at stake"],
        empty="No product depends on it.",
        numeric=frozenset({"share of supply", "revenue at stake"}),
    )
    for p in exposure["products"]:
        depends.rows.append(
            [
                ref(eco, p["product_id"], full=True),
                ", ".join(str(t) for t in p["tiers"]),
                "yes" if p["is_single_point_of_failure"] else "",
                f"{p['exposure']:.0%}",
                money(p["revenue_at_stake"]),
            ]
        )
    evidence = []
    for f in cat.findings_of.get(company_id, ()):
        if f.kind == "single_point_of_failure":
            evidence.append(
                {
                    "chain": chain_view(eco, f),
                    "steps": [
                        (s.product_id, [linked(eco, step.text) for step in s.explained()[0]])
                        for s in spofs[:4]
                    ],
                }
            )
            break
    return {
        "title": f"{ctx.name(company_id)} ({company_id})",
        "company_id": company_id,
        "name": ctx.name(company_id),
        "facts": facts,
        "tables": [
            stops,
            depends,
            _supply_table(cat, "suppliers", company_id, "buyer", everything),
            _supply_table(cat, "buyers", company_id, "supplier", everything),
            _dependencies(cat, company_id),
            _hhi(cat, company_id, everything),
            _sites(cat, company_id),
            _findings(cat, company_id),
        ],
        "evidence": evidence,
        "people": _relationship(cat, company_id),
        "kpis": _kpis(cat, company_id),
        "kpi_chart": kpi_chart(ctx, tuple(cat.kpis_of.get(company_id, ()))),
        "depth": depth,
        "direction": direction,
        "depths": list(range(1, MAX_DEPTH + 1)),
        "picture": url("/pictures/company", id=company_id, depth=depth, direction=direction),
        "what_if": url("/scenarios", fail=company_id),
    }


def path_ref(node_id: str, product_id: str) -> Ref:
    return Ref("path", node_id, "paths", url("/paths", from_=node_id, to=product_id))


def _supply_table(cat: Catalogue, name: str, company_id: str, side: str, everything: bool) -> Table:
    """``side`` = "buyer": what ``company_id`` buys (its suppliers); "supplier": what it
    sells (its buyers)."""
    eco = cat.eco
    rows = (cat.bought_by if side == "buyer" else cat.supplied_by).rows(company_id)
    other = "supplier" if side == "buyer" else "buyer"
    t = Table(
        name,
        "Its suppliers" if side == "buyer" else "Its buyers",
        [other, "item", "site", "share"],
        total=len(rows),
        empty="None recorded.",
        numeric=frozenset({"share"}),
    )
    for r in cat.supply_rows(rows[shown(len(rows), everything)]):
        t.rows.append(
            [
                ref(eco, r[other], full=True),
                ref(eco, r["item"]),
                ref(eco, r["site"]) if r["site"] else None,
                f"{r['share']:.0%}" if r["share"] is not None else None,
            ]
        )
    return t


def _dependencies(cat: Catalogue, company_id: str) -> Table:
    eco = cat.eco
    t = Table(
        "critical-dependencies",
        "Critical dependencies",
        ["depends on", "depended on by"],
        empty="No critical dependency either way.",
    )
    providers = eco.ctx.model.critical_providers.get(company_id, [])
    dependents = cat.dependents.get(company_id, [])
    for k in range(max(len(providers), len(dependents))):
        t.rows.append(
            [
                ref(eco, providers[k], full=True) if k < len(providers) else None,
                ref(eco, dependents[k], full=True) if k < len(dependents) else None,
            ]
        )
    return t


def _hhi(cat: Catalogue, company_id: str, everything: bool) -> Table:
    eco = cat.eco
    t = Table(
        "hhi",
        "Concentration of what it buys (HHI, 0-10,000)",
        ["item", "basis", "suppliers", "HHI", "country HHI", "group HHI", "top supplier"],
        empty="It buys nothing recorded.",
        numeric=frozenset({"suppliers", "HHI", "country HHI", "group HHI"}),
    )
    found = sorted(cat.hhi_of(company_id), key=lambda h: (-h.hhi, h.item_id))
    t.total = len(found)
    for h in found[shown(len(found), everything)]:
        t.rows.append(
            [
                ref(eco, h.item_id),
                h.basis,
                h.suppliers,
                round(h.hhi),
                round(h.country_hhi),
                round(h.group_hhi),
                ref(eco, h.top_supplier),
            ]
        )
    return t


def _sites(cat: Catalogue, company_id: str) -> Table:
    eco = cat.eco
    t = Table("sites", "Its sites", ["site", "country", "recovery days", "stops alone"])
    for s in sorted(cat.sites_of.get(company_id, ())):
        d = eco.ctx.sites[s]
        ttr, assumed = eco.ctx.recovery_days(s)
        t.rows.append(
            [
                ref(eco, s, full=True),
                Ref("country", str(d.get("country")), str(d.get("country"))),
                f"{ttr:g}" + (" (assumed)" if assumed else ""),
                [ref(eco, x.product_id) for x in cat.spof_of_node.get(s, ())],
            ]
        )
    return t


def _findings(cat: Catalogue, subject: str) -> Table:
    eco = cat.eco
    t = Table(
        "findings",
        "Findings about it",
        ["rank", "severity", "kind", "finding", "products"],
        empty="No finding.",
        numeric=frozenset({"rank"}),
    )
    for f in cat.findings_of.get(subject, ()):
        t.rows.append(
            [
                f.rank,
                f.severity,
                KIND_LABELS.get(f.kind, f.kind),
                linked(eco, f.sentence),
                [ref(eco, p) for p in f.products],
            ]
        )
    return t


def _relationship(cat: Catalogue, company_id: str) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    return {
        "sponsors": [ref(eco, p, full=True) for p in ctx.sponsors.get(company_id, ())],
        "contacts": [
            (ref(eco, p, full=True), primary) for p, primary in ctx.contacts.get(company_id, ())
        ],
        "gaps": [linked(eco, g.sentence) for g in cat.gaps_of.get(company_id, ())],
        "staff": [ref(eco, p, full=True) for p in sorted(cat.staff_of.get(company_id, ()))],
    }


def _kpis(cat: Catalogue, company_id: str) -> Table:
    t = Table(
        "kpis",
        "KPIs against target",
        ["metric", "periods", "latest period", "latest", "target", "meets target", "trend"],
        empty="No KPI recorded.",
        numeric=frozenset({"periods", "latest", "target"}),
    )
    k: KpiScore
    for k in sorted(cat.kpis_of.get(company_id, ()), key=lambda k: k.metric):
        t.rows.append(
            [
                k.metric,
                k.periods,
                k.latest_period,
                k.latest,
                k.target,
                "" if k.meets_target is None else ("yes" if k.meets_target else "no"),
                f"{k.trend} ({k.slope_per_period:+.3g} a period)",
            ]
        )
    return t


def site_page(cat: Catalogue, site_id: str) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    d = ctx.sites.get(site_id)
    if d is None:
        raise UnknownId("site", site_id)
    ttr, assumed = ctx.recovery_days(site_id)
    owner = str(d.get("company_id"))
    stops = Table(
        "stops",
        "Products it can stop on its own",
        ["product", "revenue per day", "inventory days", "paths"],
        empty="No product stops when this site alone fails.",
    )
    for s in sorted(cat.spof_of_node.get(site_id, ()), key=lambda s: s.product_id):
        stops.rows.append(
            [
                ref(eco, s.product_id, full=True),
                money(ctx.revenue_per_day(s.product_id)),
                ctx.inventory_days(s.product_id),
                path_ref(site_id, s.product_id),
            ]
        )
    ships = Table("ships", "What ships from it", ["buyer", "item", "share"])
    for r in cat.supply_rows(cat.shipped_from.rows(site_id)):
        ships.rows.append(
            [
                ref(eco, r["buyer"], full=True),
                ref(eco, r["item"]),
                f"{r['share']:.0%}" if r["share"] is not None else None,
            ]
        )
    return {
        "title": f"{ctx.name(site_id)} ({site_id})",
        "facts": [
            ("operated by", ref(eco, owner, full=True)),
            ("country", Ref("country", str(d.get("country")), str(d.get("country")))),
            ("recovers in", f"{ttr:g} days" + (" (assumed: none recorded)" if assumed else "")),
            ("latitude, longitude", _where(d)),
        ],
        "tables": [stops, ships, _findings(cat, site_id)],
        "what_if": url("/scenarios", fail=site_id),
    }


def _where(d: dict[str, Any]) -> str | None:
    lat, lon = d.get("lat"), d.get("lon")
    if lat is None or lon is None or lat != lat or lon != lon:
        return None
    return f"{float(lat):.4f}, {float(lon):.4f}"


def item_page(cat: Catalogue, item_id: str, everything: bool = False) -> dict[str, Any]:
    """A component, material or service: who supplies it to whom, and its bill of materials."""
    eco = cat.eco
    ctx = eco.ctx
    d = ctx.items.get(item_id)
    if d is None:
        raise UnknownId("item", item_id)
    rows = cat.by_item.rows(item_id)
    flows = Table(
        "supplies",
        f"Who supplies {item_id} to whom",
        ["supplier", "buyer", "site", "share"],
        total=len(rows),
        numeric=frozenset({"share"}),
    )
    for r in cat.supply_rows(rows[shown(len(rows), everything)]):
        flows.rows.append(
            [
                ref(eco, r["supplier"], full=True),
                ref(eco, r["buyer"], full=True),
                ref(eco, r["site"]) if r["site"] else None,
                f"{r['share']:.0%}" if r["share"] is not None else None,
            ]
        )
    parts = Table("bom", "Its bill of materials", ["needs"], empty="No bill of materials.")
    for child in sorted(ctx.model.bom.get(item_id, ())):
        parts.rows.append([ref(eco, child, full=True)])
    used = Table("used-in", "Needed by", ["item"], empty="No bill of materials needs it.")
    for parent in sorted(cat.used_in.get(item_id, ())):
        used.rows.append([ref(eco, parent, full=True)])
    return {
        "title": f"{ctx.name(item_id)} ({item_id})",
        "facts": [("kind", d.get("kind")), ("category", d.get("category"))],
        "tables": [flows, parts, used],
    }


def person_page(cat: Catalogue, person_id: str) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    d = ctx.people.get(person_id)
    if d is None:
        raise UnknownId("person", person_id)
    load = cat.load_of.get(person_id)
    critical = set(load.critical_partners) if load else set()
    carries = Table(
        "partners",
        "Partners carried",
        ["partner", "role", "critical", "coverage gaps"],
        empty="Sponsors or contacts no partner.",
    )
    for c in sorted(cat.sponsoring.get(person_id, ())):
        carries.rows.append(
            [
                ref(eco, c, full=True),
                "sponsor",
                "yes" if c in critical else "",
                linked(eco, "; ".join(g.sentence for g in cat.gaps_of.get(c, ()))),
            ]
        )
    for c, primary in sorted(cat.contact_for.get(person_id, ())):
        carries.rows.append(
            [
                ref(eco, c, full=True),
                "primary contact" if primary else "contact",
                "yes" if c in critical else "",
                linked(eco, "; ".join(g.sentence for g in cat.gaps_of.get(c, ()))),
            ]
        )
    employer = d.get("company_id")
    return {
        "title": f"{ctx.name(person_id)} ({person_id})",
        "facts": [
            ("title", d.get("title")),
            ("works at", ref(eco, str(employer), full=True) if employer else None),
            ("role", load.role if load else None),
            ("critical partners", len(critical) if load else None),
            ("carries too many critical partners", "yes" if load and load.overloaded else None),
        ],
        "tables": [carries, _findings(cat, person_id)],
    }
