"""The explorer's overview: every company, tiers as layers.

Colour by risk or segment, size by revenue at stake; above ``AGGREGATE_ABOVE``
companies, one node per (tier, country) that opens into its members (the page
draws a group's companies and their links when it is clicked).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from tierscope.graph.analysis.register import SEVERITIES
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.facts import (
    RISK,
    RISK_MODE,
    SEGMENT,
    SEGMENT_MODE,
    SHAPES,
    Facts,
    company_link,
    company_links,
    facets,
    money,
)
from tierscope.viz.network import Link, NetworkView, Node

__all__ = ["AGGREGATE_ABOVE", "overview"]

#: overviews of more companies than this are drawn as (tier, country) groups
AGGREGATE_ABOVE = 6000


def overview(eco: Ecosystem, aggregate_above: int = AGGREGATE_ABOVE) -> NetworkView:
    """Every company in tier layers; aggregated by (tier, country) above ``aggregate_above``."""
    facts = Facts(eco)
    ctx = eco.ctx
    links = company_links(eco)
    n = len(ctx.companies)
    title = f"Ecosystem of {ctx.name(ctx.focal)}"
    notes = [
        "Columns are tiers: the focal company's direct suppliers are tier 1, their suppliers tier 2, "
        "and so on; customers stand right of the focal company.",
        "A red ring marks a single point of failure: its failure alone stops a product.",
    ]
    if n <= aggregate_above:
        nodes = [facts.node(c, facts.level(c)) for c in sorted(ctx.companies)]
        return NetworkView(
            "overview",
            title,
            f"{n:,} companies · {len(links):,} links · coloured by risk or segment",
            eco.snapshot,
            nodes,
            [company_link(a, b, w) for (a, b), w in sorted(links.items())],
            [RISK_MODE, SEGMENT_MODE],
            facets(nodes),
            notes,
            "single point of failure",
            SHAPES,
        )
    return _aggregated(eco, facts, links, title, notes)


def _aggregated(
    eco: Ecosystem,
    facts: Facts,
    links: dict[tuple[str, str], list[str]],
    title: str,
    notes: list[str],
) -> NetworkView:
    ctx = eco.ctx
    companies = sorted(ctx.companies)
    index = {c: i for i, c in enumerate(companies)}

    def group_of(c: str) -> str:
        f = facts.facts(c)
        return f"tier {f['tier']} · {f['country']}" if f["kind"] != "customer" else "customers"

    members: dict[str, list[int]] = defaultdict(list)
    for c in companies:
        members[group_of(c)].append(index[c])
    nodes = []
    for g, idx in sorted(members.items()):
        cs = [companies[i] for i in idx]
        worst = min((facts.severity(c) for c in cs), key=lambda s: (*SEVERITIES, "none").index(s))
        stake = sum(facts.stake(c) for c in cs)
        spofs = sum(1 for c in cs if facts.spof_products.get(c))
        seg = Counter(str(ctx.companies[c].get("segment") or "none") for c in cs).most_common(1)[0][
            0
        ]
        first = facts.facts(cs[0])
        nodes.append(
            Node(
                id=g,
                label=f"{g} ({len(cs):,})",
                level=facts.level(cs[0]),
                name=g,
                title=(
                    f"{g}: {len(cs):,} companies\n"
                    f"revenue at stake (sum of single failures): {money(stake)}\n"
                    f"single points of failure: {spofs:,}\n"
                    f"worst finding: {worst}\nclick to open its companies"
                ),
                size=12.0 + 28.0 * math.sqrt(len(cs) / len(companies)),
                colors={"risk": RISK[worst], "segment": SEGMENT.get(seg, SEGMENT["none"])},
                facts={"tier": first["tier"], "country": first["country"], "kind": "group"},
                flagged=spofs > 0,
                shape="square",
                order=first["country"],
            )
        )
    between: Counter[tuple[str, str]] = Counter()
    for a, b in links:
        between[(group_of(a), group_of(b))] += 1
    group_links = [
        Link(a, b, f"{a} → {b}: {k:,} supply links")
        for (a, b), k in sorted(between.items())
        if a != b
    ]
    drill = [
        {
            "id": c,
            "label": c,
            "name": ctx.name(c),
            "title": facts.tooltip(c, findings=2),
            "size": round(facts.size(c), 1),
            "facts": facts.facts(c),
            "colors": facts.colors(c),
            "flagged": bool(facts.spof_products.get(c)),
            "tier": facts.level(c),
        }
        for c in companies
    ]
    return NetworkView(
        "overview",
        title,
        f"{len(companies):,} companies in {len(nodes):,} groups of tier and country · "
        "click a group to open it",
        eco.snapshot,
        nodes,
        group_links,
        [RISK_MODE, SEGMENT_MODE],
        facets(nodes, ("tier", "country")),
        [
            *notes,
            "This ecosystem is too large to draw company by company: each square is a "
            "group of one tier and country; click one to see its companies and their links.",
        ],
        "group holding a single point of failure",
        ["square: a group of companies (size: how many)"],
        groups=dict(members),
        drill_companies=drill,
        drill_links=sorted((index[a], index[b]) for a, b in links),
    )
