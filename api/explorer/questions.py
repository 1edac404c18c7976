"""What the home, search, product, paths, scenario and people pages show.

Like :mod:`~tierscope.api.explorer.entities`, each function returns a page's
context from the stored results (the register, the single points of failure,
exposures) and the catalogue's indexes; a scenario is the one thing computed
on request, by the same core as ``POST /v1/scenarios``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from tierscope.api.explorer.catalogue import Catalogue
from tierscope.api.explorer.entities import path_ref, shown
from tierscope.api.explorer.tables import Ref, Table, linked, ref, url
from tierscope.graph.analysis.finding import SEVERITIES, Finding
from tierscope.graph.ecosystem import UnknownId
from tierscope.graph.errors import TierscopeError
from tierscope.viz.charts import Bar, BarChart, money, short
from tierscope.viz.report import KIND_LABELS

__all__ = [
    "PAGE_SIZE",
    "SORTS",
    "home_page",
    "people_page",
    "product_page",
    "search_page",
    "suggestions",
]

PAGE_SIZE = 50
SORTS = ("rank", "revenue", "subject")


def _finding_cells(cat: Catalogue, f: Finding) -> list[Any]:
    """A finding's first cells in every register table: rank, severity, kind, subject,
    sentence (its ids linked)."""
    return [
        f.rank,
        f.severity,
        KIND_LABELS.get(f.kind, f.kind),
        _subject(cat, f),
        linked(cat.eco, f.sentence),
    ]


def _subject(cat: Catalogue, f: Finding) -> Ref:
    if f.subject_type == "country":
        return Ref("country", f.subject_id, f.subject_id)
    return ref(cat.eco, f.subject_id, full=True)


def register_table(
    cat: Catalogue,
    severity: str | None,
    kind: str | None,
    product: str | None,
    sort: str,
    page: int,
    everything: bool = False,
) -> Table:
    """One page of the register, filtered and sorted (``everything``: every matching row)."""
    eco = cat.eco
    reg = eco.analysis.register
    if severity is not None and severity not in SEVERITIES:
        raise TierscopeError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if sort not in SORTS:
        raise TierscopeError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
    if product is not None and product not in eco.ctx.model.products:
        raise UnknownId("product", product)
    cols = cat.register_columns
    keep = np.ones(len(reg), dtype=bool)
    if severity is not None:
        keep &= cols["severity"] == SEVERITIES.index(severity)
    if kind is not None:
        keep &= cols["kind"] == kind
    if product is not None:
        naming = np.zeros(len(reg), dtype=bool)
        naming[np.asarray(cat.findings_naming.get(product, []), dtype=np.int64)] = True
        keep &= naming
    rows = np.flatnonzero(keep)
    if sort == "revenue":
        rows = rows[np.lexsort((cols["rank"][rows], -cols["revenue"][rows]))]
    elif sort == "subject":
        rows = rows[np.lexsort((cols["rank"][rows], cols["subject"][rows].astype(str)))]
    total = len(rows)
    if not everything:
        rows = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    t = Table(
        "register",
        "Risk register",
        ["rank", "severity", "kind", "subject", "finding", "revenue at stake", "stops"],
        total=total,
        empty="No finding matches.",
        numeric=frozenset({"rank", "revenue at stake"}),
    )
    for k in rows.tolist():
        f = reg[k]
        t.rows.append(
            [
                *_finding_cells(cat, f),
                money(f.revenue_at_stake) if f.revenue_at_stake else None,
                [ref(eco, p) for p in f.products],
            ]
        )
    return t


def home_page(
    cat: Catalogue,
    severity: str | None,
    kind: str | None,
    product: str | None,
    sort: str,
    page: int,
    everything: bool = False,
) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    register = register_table(cat, severity, kind, product, sort, page, everything)
    products = Table(
        "products",
        "Products",
        ["product", "revenue per day", "inventory days", "single points of failure"],
        numeric=frozenset({"revenue per day", "inventory days", "single points of failure"}),
    )
    for p in sorted(ctx.model.products):
        products.rows.append(
            [
                ref(eco, p, full=True),
                money(ctx.revenue_per_day(p)),
                ctx.inventory_days(p),
                len(cat.spof_of_product.get(p, ())),
            ]
        )
    kinds = cat.register_kinds
    pages = max(1, -(-(register.total or 0) // PAGE_SIZE))
    return {
        "title": f"Partner risk explorer — {ctx.name(ctx.focal)}",
        "focal": ref(eco, ctx.focal, full=True),
        "headlines": cat.headlines,
        "register": register,
        "products": products,
        "filters": {
            "severity": severity or "",
            "kind": kind or "",
            "product": product or "",
            "sort": sort,
        },
        "severities": SEVERITIES,
        "kinds": [(k, KIND_LABELS.get(k, k)) for k in kinds],
        "product_ids": sorted(ctx.model.products),
        "sorts": SORTS,
        "page": page,
        "pages": pages,
        "page_url": lambda n: url(
            "/", severity=severity, kind=kind, product=product, sort=sort, page=n
        ),
        "companies": len(ctx.companies),
        "findings": len(eco.analysis.register),
    }


def suggestions(cat: Catalogue, q: str, limit: int = 10) -> dict[str, Any]:
    hits, more = cat.search.find(q, limit)
    return {"q": q, "hits": [_hit(cat, e) for e in hits], "more": more}


def _hit(cat: Catalogue, e: Any) -> dict[str, Any]:
    link = ref(cat.eco, e.id)
    return {"ref": link, "name": e.name, "detail": e.detail, "kind": link.kind}


def search_page(cat: Catalogue, q: str, limit: int = 200) -> dict[str, Any]:
    hits, more = cat.search.find(q, limit)
    t = Table("results", "Results", ["kind", "id", "name", "what"], empty="Nothing found.")
    for e in hits:
        h = _hit(cat, e)
        t.rows.append([h["kind"], h["ref"], e.name, e.detail])
    return {"title": f"Search: {q}", "q": q, "table": t, "more": more}


def product_page(
    cat: Catalogue, product_id: str, max_tier: int, everything: bool = False
) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    if product_id not in ctx.model.products:
        if product_id in ctx.items:
            raise TierscopeError(f"{product_id!r} is not a product: see /items/{product_id}")
        raise UnknownId("product", product_id)
    spofs = Table(
        "spof",
        "Single points of failure: each stops it on its own",
        ["company or site", "type", "tier", "revenue at stake if it fails", "paths", "what if"],
        empty="No single company or site can stop it.",
    )

    def lost(node: str) -> float:
        entry = eco.stake.get(node)
        losses = entry.products if entry is not None else ()
        return next((x.revenue_lost for x in losses if x.product_id == product_id), 0.0)

    points = sorted(
        ((lost(s.node_id), s) for s in cat.spof_of_product.get(product_id, ())),
        key=lambda x: (-x[0], x[1].node_id),
    )
    spofs.total = len(points)
    for stake, s in points[shown(len(points), everything)]:
        spofs.rows.append(
            [
                ref(eco, s.node_id, full=True),
                s.node_type,
                ctx.tier(s.node_id) if s.node_type == "company" else None,
                money(stake),
                path_ref(s.node_id, product_id),
                Ref("page", s.node_id, f"fail {s.node_id}", url("/scenarios", fail=s.node_id)),
            ]
        )
    tree = cat.supply_tree(product_id, max_tier)
    links = Table(
        "supply-tree",
        f"Supply tree to tier {max_tier}",
        ["tier", "supplier", "buyer", "item or link", "site", "supplier stops it alone"],
        total=len(tree["links"]),
        numeric=frozenset({"tier"}),
    )
    for link in tree["links"][shown(len(tree["links"]), everything)]:
        links.rows.append(
            [
                link["tier"],
                ref(eco, link["supplier_id"]),
                ref(eco, link["buyer_id"]),
                ref(eco, link["item_id"]) if link["item_id"] else "critical dependency",
                ref(eco, link["site_id"]) if link["site_id"] else None,
                "yes" if (product_id, link["supplier_id"]) in eco.spof else "",
            ]
        )
    findings = Table(
        "findings",
        "Findings that name it",
        ["rank", "severity", "kind", "subject", "finding"],
        empty="No finding names it.",
        numeric=frozenset({"rank"}),
    )
    reg = eco.analysis.register
    naming = cat.findings_naming.get(product_id, [])
    findings.total = len(naming)
    for k in naming[shown(len(naming), everything)]:
        f = reg[k]
        findings.rows.append(_finding_cells(cat, f))
    companies, countries, by_country = _exposure(cat, product_id, everything)
    d = ctx.items[product_id]
    return {
        "title": f"{ctx.name(product_id)} ({product_id})",
        "product_id": product_id,
        "facts": [
            ("revenue per day", money(ctx.revenue_per_day(product_id))),
            ("time to survive (inventory days)", f"{ctx.inventory_days(product_id):g}"),
            ("category", d.get("category")),
            ("made by", ref(eco, ctx.focal, full=True)),
            ("bill of materials", [ref(eco, c) for c in ctx.model.bom.get(product_id, ())]),
            ("companies in its supply tree", f"{len(tree['companies']):,} to tier {max_tier}"),
        ],
        "tables": [spofs, findings, by_country, links],
        "company_chart": companies,
        "country_chart": countries,
        "max_tier": max_tier,
        "picture": url("/pictures/product", id=product_id, max_tier=max_tier),
    }


def _exposure(
    cat: Catalogue, product_id: str, everything: bool
) -> tuple[BarChart, BarChart, Table]:
    """The companies and countries most of the product's supply passes through."""
    eco = cat.eco
    conc = eco.analysis.concentration
    rows = conc.exposure
    codes, names = cat.exposure_products
    k = names.get(product_id)
    top: list[tuple[str, float]] = []
    if k is not None:
        mine = np.flatnonzero(codes == k)
        values = rows.column("exposure")[mine].astype(float)
        best = mine[np.argsort(-values, kind="stable")[:12]]
        top = [(e.company_id, float(e.exposure)) for e in rows.take(best)]
    bars = tuple(
        Bar(short(f"{eco.ctx.name(c)} ({c})", 34), f"{eco.ctx.name(c)} ({c})", (x,), f"{x:.0%}")
        for c, x in top
    )
    company_chart = BarChart(bars, empty="No exposure recorded.")
    ccodes, cnames = cat.country_exposure_products
    peak: dict[str, float] = defaultdict(float)
    table = Table(
        "country-exposure",
        "Where its inputs come from",
        ["item", "country", "share", "enters below tier 1"],
        numeric=frozenset({"share"}),
    )
    kc = cnames.get(product_id)
    if kc is not None:
        cx = conc.country_exposure
        mine = np.flatnonzero(ccodes == kc)
        taken = cx.take(mine[np.argsort(-cx.column("share")[mine].astype(float), kind="stable")])
        for r in taken:
            peak[r.country] = max(peak[r.country], float(r.share))
        for r in taken[shown(len(taken), everything)]:
            table.rows.append(
                [
                    ref(eco, r.item_id),
                    Ref("country", r.country, r.country),
                    f"{r.share:.0%}",
                    "yes" if r.enters_below_tier_1 else "",
                ]
            )
        table.total = len(taken)
    ordered = sorted(peak.items(), key=lambda x: (-x[1], x[0]))[:12]
    country_chart = BarChart(
        tuple(Bar(c, f"{c}: up to {s:.0%} of an input", (s,), f"{s:.0%}") for c, s in ordered),
        empty="No country data.",
    )
    return company_chart, country_chart, table


def _carried(cat: Catalogue, person_id: str) -> list[str]:
    """The partners ``person_id`` sponsors or is a contact for."""
    contacts = [c for c, _ in cat.contact_for.get(person_id, ())]
    return sorted({*cat.sponsoring.get(person_id, ()), *contacts})


def people_page(cat: Catalogue, page: int, everything: bool = False) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    loads = cat.people_by_load
    t = Table(
        "people",
        "Sponsors and contacts, most loaded first",
        [
            "person",
            "title",
            "works at",
            "role",
            "partners",
            "critical partners",
            "too many",
            "carries",
        ],
        total=len(loads),
        numeric=frozenset({"partners", "critical partners"}),
    )
    listed = loads if everything else loads[page * 100 : (page + 1) * 100]
    for p in listed:
        d = ctx.people.get(p.person_id, {})
        employer = d.get("company_id")
        t.rows.append(
            [
                ref(eco, p.person_id, full=True),
                d.get("title"),
                ref(eco, str(employer)) if employer else None,
                p.role,
                p.partners,
                len(p.critical_partners),
                "yes" if p.overloaded else "",
                [ref(eco, c) for c in _carried(cat, p.person_id)[: None if everything else 8]],
            ]
        )
    gaps = Table(
        "gaps",
        "Coverage gaps",
        ["partner", "gap", "why it matters"],
        total=len(eco.analysis.coverage.gaps),
        empty="No coverage gap.",
    )
    every_gap = eco.analysis.coverage.gaps
    gap_rows = every_gap[shown(len(every_gap), everything)]
    for g in gap_rows:
        gaps.rows.append(
            [ref(eco, g.company_id, full=True), g.kind.replace("_", " "), linked(eco, g.sentence)]
        )
    return {
        "title": f"Relationships of {ctx.name(ctx.focal)}",
        "tables": [t, gaps],
        "page": page,
        "pages": max(1, -(-len(loads) // 100)),
    }
