"""What one failure reaches: the paths from a company or site to a product, with
what each link carries, and a what-if (the explorer's ``/paths`` and ``/scenarios``).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

from tierscope.api.explorer.catalogue import Catalogue
from tierscope.api.explorer.tables import Ref, Table, linked, ref, url
from tierscope.viz.charts import money

__all__ = ["link_text", "paths_page", "scenario_page"]


def paths_page(cat: Catalogue, node_id: str, product_id: str, limit: int = 20) -> dict[str, Any]:
    eco = cat.eco
    check = eco.check(product_id, node_id, limit)
    paths = []
    for p in check.paths:
        steps = []
        for a, b in pairwise(p):
            how = link_text(cat, a, b, product_id)
            steps.append({"from": ref(eco, a), "to": ref(eco, b), "how": how})
        paths.append(steps)
    return {
        "title": f"From {eco.ctx.name(node_id)} ({node_id}) to {product_id}",
        "node": ref(eco, node_id, full=True),
        "product": ref(eco, product_id, full=True),
        "check": check,
        "evidence": [linked(eco, e) for e in check.evidence],
        "paths": paths,
        "picture": url("/pictures/paths", from_=node_id, to=product_id),
        "what_if": url("/scenarios", fail=node_id),
        "from_id": node_id,
        "to_id": product_id,
        "products": sorted(eco.ctx.model.products),
    }


def link_text(cat: Catalogue, a: str, b: str, product_id: str) -> str:
    """How ``a`` reaches ``b`` on a path to ``product_id``: the items of the product's
    supply tree it supplies, with their shares; a critical dependency; a site of its
    company; or the focal company making the product."""
    ctx = cat.eco.ctx
    if b in ctx.model.products and a == ctx.focal:
        return "makes"
    rows = cat.link_between(a, b)
    wanted = cat.tree_items(product_id).get((a, b))
    if wanted:  # the items of this product's tree (a tree cut short keeps them all)
        rows = [r for r in rows if r["item"] in wanted] or rows
    if rows:
        items: dict[str, float] = defaultdict(float)
        for r in rows:
            items[r["item"]] += r["share"] or 0.0
        return ", ".join(f"{i} {s:.0%}" for i, s in sorted(items.items()))
    if a in ctx.sites and ctx.sites[a].get("company_id") == b:
        return "site of"
    if a in ctx.model.critical_providers.get(b, ()):
        return "critical dependency"
    return "supplies"


def scenario_page(
    cat: Catalogue, fail: list[str], countries: list[str], days: float
) -> dict[str, Any]:
    eco = cat.eco
    ctx = eco.ctx
    form = {"fail": ",".join(fail), "country": ",".join(countries), "days": f"{days:g}"}
    base: dict[str, Any] = {"title": "What if", "form": form, "result": None}
    if not fail and not countries:
        return base
    result = cat.scenario(fail, countries, days)
    stopped = Table(
        "stopped",
        "Products that cannot be made",
        ["product", "stops after (days)", "stopped for (days)", "revenue lost", "why"],
        empty="No product stops.",
        numeric=frozenset({"stops after (days)", "stopped for (days)", "revenue lost"}),
    )
    for s in result.stopped_products:
        stopped.rows.append(
            [
                ref(eco, s.product_id, full=True),
                f"{s.stops_after_days:g}",
                f"{s.days_stopped:g}" if not s.covered_by_inventory else "0 (inventory lasts)",
                money(s.revenue_lost),
                linked(eco, " ".join(s.evidence[:3])),
            ]
        )
    running = Table("running", "Products that keep running", ["product"])
    for p in result.unaffected_products:
        running.rows.append([ref(eco, p, full=True)])
    failed = [ref(eco, c, full=True) for c in (*result.failed_companies, *result.failed_sites)]
    failed += [Ref("country", c, c) for c in result.failed_countries]
    query = {"fail": form["fail"], "country": form["country"], "days": form["days"]}
    return base | {
        "title": "What if " + ", ".join(r.id for r in failed) + f" fail for {days:g} days",
        "result": result,
        "failed": failed,
        "tables": [stopped, running],
        "revenue_lost": money(result.revenue_lost),
        "picture": url("/pictures/scenario", **query),
        "ctx_products": len(ctx.model.products),
    }
