"""The explorer's overview: every company, tiers as layers.

Colour by risk or segment, size by revenue at stake; above ``AGGREGATE_ABOVE``
companies, one node per (tier, country) that opens into its members (the page
draws a group's companies and their links when it is clicked).
"""

from __future__ import annotations

import base64
import math
from collections import Counter, defaultdict
from typing import Any

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

__all__ = ["AGGREGATE_ABOVE", "DRILL_LIMIT", "overview", "packed_links"]

#: overviews of more companies than this are drawn as (tier, country) groups
AGGREGATE_ABOVE = 6000
#: an opened group draws its members' partners outside it until it holds this many companies
DRILL_LIMIT = 1500


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
    told = {c: facts.facts(c) for c in ctx.companies}

    def group_of(c: str) -> str:
        f = told[c]
        return f"tier {f['tier']} · {f['country']}" if f["kind"] != "customer" else "customers"

    group = {c: group_of(c) for c in ctx.companies}
    # companies ordered by group, so that a group's members are one range of the page's columns
    companies = sorted(ctx.companies, key=lambda c: (group[c], c))
    index = {c: i for i, c in enumerate(companies)}
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(companies):
        members[group[c]].append(i)
    nodes = []
    for g, idx in sorted(members.items()):
        cs = [companies[i] for i in idx]
        worst = min((facts.severity(c) for c in cs), key=lambda s: (*SEVERITIES, "none").index(s))
        stake = sum(facts.stake(c) for c in cs)
        spofs = sum(1 for c in cs if facts.spof_products.get(c))
        seg = Counter(told[c]["segment"] for c in cs).most_common(1)[0][0]
        first = told[cs[0]]
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
        between[(group[a], group[b])] += 1
    group_links = [
        Link(a, b, f"{a} → {b}: {k:,} supply links")
        for (a, b), k in sorted(between.items())
        if a != b
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
            "group of one tier and country; click one to see its companies and their links "
            "(a company's findings in full: tierscope view company ID).",
        ],
        "group holding a single point of failure",
        ["square: a group of companies (size: how many)"],
        groups=dict(members),
        drill=_drill(facts, companies, told, [(index[a], index[b]) for a, b in links]),
    )


def _drill(
    facts: Facts,
    companies: list[str],
    told: dict[str, dict[str, str]],
    links: list[tuple[int, int]],
) -> dict[str, Any]:
    """What the page needs to open a group, one column per fact (``viz/templates/network.html``
    builds each company's node and tooltip from them when its group is opened).

    A value repeated across companies (tier, country, segment, kind, severity,
    recovery) is a code into its list of values; what few companies have (revenue at
    stake, the products they alone stop) is keyed by company; the links are packed
    (see :func:`packed_links`). The findings are counted, not told: the text of every
    finding of 100,000 companies would be most of the page.
    """
    ctx = facts.ctx
    columns: dict[str, list[Any]] = defaultdict(list)
    stake: dict[int, str] = {}
    spof: dict[int, str] = {}
    for i, c in enumerate(companies):
        f = told[c]
        for key in ("tier", "country", "segment", "kind"):
            columns[key].append(f[key])
        columns["severity"].append(facts.severity(c))
        ttr, assumed = ctx.recovery_days(c)
        columns["recovery"].append(f"{ttr:g} days{' (assumed)' if assumed else ''}")
        columns["findings"].append(len(facts.findings.get(c, ())))
        columns["size"].append(round(facts.size(c), 1))
        columns["level"].append(facts.level(c))
        if (x := facts.stake(c)) > 0:
            stake[i] = money(x)
        if products := sorted(facts.spof_products.get(c, ())):
            spof[i] = ", ".join(products[:8]) + (" …" if len(products) > 8 else "")
    coded: dict[str, Any] = {}
    for key in ("tier", "country", "segment", "kind", "severity", "recovery"):
        values = sorted(set(columns[key]))
        code = {v: k for k, v in enumerate(values)}
        coded[key] = {"values": values, "codes": [code[v] for v in columns[key]]}
    return {
        "ids": companies,
        "names": [ctx.name(c) for c in companies],
        "coded": coded,
        "findings": columns["findings"],
        "size": columns["size"],
        "level": columns["level"],
        "stake": stake,
        "spof": spof,
        "colors": {"risk": RISK, "segment": SEGMENT},
        "links": packed_links(len(companies), links),
        "limit": DRILL_LIMIT,
    }


def packed_links(n: int, links: list[tuple[int, int]]) -> str:
    """Links between ``n`` companies (index pairs) as base64 text, about 3 bytes a link.

    For each company in order: how many links leave it, then their targets in
    ascending order, each as its distance from the one before (the first from 0),
    every number a little-endian base-128 varint. The page unpacks it with
    ``unpackLinks``.
    """
    out: dict[int, list[int]] = defaultdict(list)
    for a, b in links:
        out[a].append(b)
    buf = bytearray()

    def varint(x: int) -> None:
        while x >= 0x80:
            buf.append((x & 0x7F) | 0x80)
            x >>= 7
        buf.append(x)

    for a in range(n):
        targets = sorted(set(out.get(a, ())))
        varint(len(targets))
        last = 0
        for b in targets:
            varint(b - last)
            last = b
    return base64.b64encode(bytes(buf)).decode("ascii")
