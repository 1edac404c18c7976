"""What the explorer views say about a company: colour, size, tooltip, links and facets.

Shared by every view of :mod:`~tierscope.viz.views`: the colours by risk
(the worst finding's severity) and by segment, the size by revenue at stake,
the tooltip text, the links between companies and the filters (facets).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.register import SEVERITIES, Finding
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.network import ColourMode, Facet, Link, Node

__all__ = [
    "RISK",
    "RISK_MODE",
    "SEGMENT",
    "SEGMENT_MODE",
    "SHAPES",
    "Facts",
    "company_link",
    "company_links",
    "facets",
    "money",
]

RISK = {
    "critical": "#b3261e",
    "high": "#e8710a",
    "medium": "#f2b705",
    "low": "#7a9cc6",
    "none": "#c9d1db",
}
SEGMENT = {
    "strategic": "#6a3d9a",
    "bottleneck": "#e31a1c",
    "leverage": "#1f78b4",
    "routine": "#33a02c",
    "none": "#c9d1db",
}
RISK_MODE = ColourMode(
    "risk",
    "risk",
    [(f"{s} finding", RISK[s]) for s in SEVERITIES] + [("no finding", RISK["none"])],
)
SEGMENT_MODE = ColourMode(
    "segment",
    "segment",
    [(s, c) for s, c in SEGMENT.items() if s != "none"] + [("no segment", SEGMENT["none"])],
)


def money(v: float | None) -> str:
    if not v:
        return "0"
    for unit, size in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(v) >= size:
            return f"{v / size:,.1f} {unit}"
    return f"{v:,.0f}"


class Facts:
    """What the views say about a company: tier, findings, stake, tooltip."""

    def __init__(self, eco: Ecosystem) -> None:
        self.eco = eco
        ctx = eco.analysis.context
        assert ctx is not None  # an analysed ecosystem keeps its context
        self.ctx: Context = ctx
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        self.worst: dict[str, str] = {}  # subject -> the severity of its worst finding
        for f in eco.analysis.register:
            self.findings[f.subject_id].append(f)
            w = self.worst.get(f.subject_id)
            if w is None or SEVERITIES.index(f.severity) < SEVERITIES.index(w):
                self.worst[f.subject_id] = f.severity
        self.spof_products: dict[str, set[str]] = defaultdict(set)
        for s in eco.analysis.single_points_of_failure:
            self.spof_products[s.node_id].add(s.product_id)
        stakes = [e.revenue_lost for e in eco.analysis.risk_exposure_index if e.revenue_lost > 0]
        self.top_stake = max(stakes, default=0.0) if eco.top_stake is None else eco.top_stake

    def tier(self, c: str) -> int | None:
        return self.ctx.tier(c)

    def level(self, c: str) -> int:
        """The overview's column: the tier; customers right of the focal company."""
        d = self.ctx.companies.get(c, {})
        if d.get("kind") == "customer":
            return -1
        t = self.tier(c)
        return t if t is not None else 9

    def severity(self, node: str) -> str:
        return self.worst.get(node, "none")

    def stake(self, node: str) -> float:
        e = self.eco.stake.get(node)
        return e.revenue_lost if e else 0.0

    def size(self, node: str) -> float:
        """10 to 40 by revenue at stake (square-root scale: the area tells)."""
        if self.top_stake <= 0:
            return 12.0
        return 10.0 + 30.0 * math.sqrt(max(0.0, self.stake(node)) / self.top_stake)

    def facts(self, c: str) -> dict[str, Any]:
        d = self.ctx.companies.get(c, {})
        t = self.tier(c)
        return {
            "tier": "none" if t is None else str(t),
            "country": str(d.get("country") or "?"),
            "segment": str(d.get("segment") or "none"),
            "kind": str(d.get("kind") or "?"),
        }

    def colors(self, c: str) -> dict[str, str]:
        seg = str(self.ctx.companies.get(c, {}).get("segment") or "none")
        return {"risk": RISK[self.severity(c)], "segment": SEGMENT.get(seg, SEGMENT["none"])}

    def tooltip(self, node: str, findings: int = 4) -> str:
        ctx = self.ctx
        if node in ctx.sites:
            d = ctx.sites[node]
            head = [
                f"{ctx.name(node)} ({node})",
                f"site of {d.get('company_id')} · {d.get('country') or '?'}",
            ]
        else:
            f = self.facts(node)
            head = [
                f"{ctx.name(node)} ({node})",
                f"{f['kind']} · tier {f['tier']} · {f['country']} · segment {f['segment']}",
            ]
        ttr, assumed = ctx.recovery_days(node)
        head.append(
            f"revenue at stake if it fails alone: {money(self.stake(node))}"
            f" · recovers in {ttr:g} days{' (assumed)' if assumed else ''}"
        )
        spof = sorted(self.spof_products.get(node, ()))
        if spof:
            head.append(
                "single point of failure for "
                + ", ".join(spof[:8])
                + (" …" if len(spof) > 8 else "")
            )
        found = self.findings.get(node, [])
        if found:
            head.append("findings:")
            head += [f"[{f.severity}] {f.sentence}" for f in found[:findings]]
            if len(found) > findings:
                head.append(f"… and {len(found) - findings} more")
        return "\n".join(head)

    def node(self, c: str, level: int, **extra: Any) -> Node:
        return Node(
            id=c,
            label=c,
            level=level,
            name=self.ctx.name(c),
            title=self.tooltip(c),
            size=self.size(c),
            colors=self.colors(c),
            facts=self.facts(c) if c in self.ctx.companies else {"kind": "site"},
            flagged=bool(self.spof_products.get(c)),
            order=f"{self.facts(c)['country']}\x1f{c}" if c in self.ctx.companies else c,
            **extra,
        )


def company_links(eco: Ecosystem) -> dict[tuple[str, str], list[str]]:
    """(supplier, buyer) -> items, and (provider, dependent) -> ["critical dependency"]."""
    m = eco.ctx.model
    links: dict[tuple[str, str], list[str]] = defaultdict(list)
    sup = m.supplies  # its columns: a row object per supply costs more than the rest
    for supplier, buyer, item in zip(sup.supplier, sup.buyer, sup.item, strict=True):
        links[(supplier, buyer)].append(item)
    for dependent, providers in m.critical_providers.items():
        for p in providers:
            links[(p, dependent)].append("critical dependency")
    return links


def company_link(source: str, target: str, what: list[str], highlighted: bool = False) -> Link:
    items = sorted(set(what))
    dashed = items == ["critical dependency"]
    text = f"{source} → {target}: " + ", ".join(items[:6]) + (" …" if len(items) > 6 else "")
    return Link(source, target, text, dashed=dashed, highlighted=highlighted)


def facets(
    nodes: list[Node], keys: tuple[str, ...] = ("tier", "country", "segment", "kind")
) -> list[Facet]:
    out = []
    for key in keys:
        values = sorted({str(n.facts[key]) for n in nodes if key in n.facts})
        if values:
            out.append(Facet(key, key, values))
    return out


SHAPES = [
    "dot: a company (size: revenue at stake if it fails alone)",
    "dashed link: a critical dependency",
]
