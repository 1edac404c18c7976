"""The explorer views: what each one shows, built from a loaded :class:`Ecosystem`.

* :func:`overview` — every company, tiers as layers, colour by risk or segment,
  size by revenue at stake; above ``AGGREGATE_ABOVE`` companies, one node per
  (tier, country) that opens into its members.
* :func:`company` — a company's suppliers (upstream) and buyers (downstream).
* :func:`product` — a product's supply tree, single points of failure ringed
  and the links of their evidence in red.
* :func:`scenario` — what failed, which products stop and after how many days.
* :func:`people` — sponsors and contacts against partners, coverage gaps ringed.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict, deque
from typing import Any

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.register import SEVERITIES, Finding
from tierscope.graph.ecosystem import MAX_DEPTH, MAX_NODES, Ecosystem, UnknownId
from tierscope.graph.errors import TierscopeError
from tierscope.viz.network import ColourMode, Facet, Link, NetworkView, Node

__all__ = ["AGGREGATE_ABOVE", "company", "overview", "people", "product", "scenario"]

#: overviews of more companies than this are drawn as (tier, country) groups
AGGREGATE_ABOVE = 6000

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


def _money(v: float | None) -> str:
    if not v:
        return "0"
    for unit, size in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(v) >= size:
            return f"{v / size:,.1f} {unit}"
    return f"{v:,.0f}"


class _Facts:
    """What the views say about a company: tier, findings, stake, tooltip."""

    def __init__(self, eco: Ecosystem) -> None:
        self.eco = eco
        ctx = eco.analysis.context
        assert ctx is not None  # an analysed ecosystem keeps its context
        self.ctx: Context = ctx
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for f in eco.analysis.register:
            self.findings[f.subject_id].append(f)
        self.spof_products: dict[str, set[str]] = defaultdict(set)
        for s in eco.analysis.single_points_of_failure:
            self.spof_products[s.node_id].add(s.product_id)
        stakes = [e.revenue_lost for e in eco.analysis.risk_exposure_index if e.revenue_lost > 0]
        self.top_stake = max(stakes, default=0.0)

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
        found = self.findings.get(node)
        return min((f.severity for f in found), key=SEVERITIES.index) if found else "none"

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
            f"revenue at stake if it fails alone: {_money(self.stake(node))}"
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


def _company_links(eco: Ecosystem) -> dict[tuple[str, str], list[str]]:
    """(supplier, buyer) -> items, and (provider, dependent) -> ["critical dependency"]."""
    m = eco.ctx.model
    links: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in m.supplies:
        links[(s.supplier, s.buyer)].append(s.item)
    for dependent, providers in m.critical_providers.items():
        for p in providers:
            links[(p, dependent)].append("critical dependency")
    return links


def _link(source: str, target: str, what: list[str], highlighted: bool = False) -> Link:
    items = sorted(set(what))
    dashed = items == ["critical dependency"]
    text = f"{source} → {target}: " + ", ".join(items[:6]) + (" …" if len(items) > 6 else "")
    return Link(source, target, text, dashed=dashed, highlighted=highlighted)


def _facets(
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


def overview(eco: Ecosystem, aggregate_above: int = AGGREGATE_ABOVE) -> NetworkView:
    """Every company in tier layers; aggregated by (tier, country) above ``aggregate_above``."""
    facts = _Facts(eco)
    ctx = eco.ctx
    links = _company_links(eco)
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
            [_link(a, b, w) for (a, b), w in sorted(links.items())],
            [RISK_MODE, SEGMENT_MODE],
            _facets(nodes),
            notes,
            "single point of failure",
            SHAPES,
        )
    return _aggregated(eco, facts, links, title, notes)


def _aggregated(
    eco: Ecosystem,
    facts: _Facts,
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
                    f"revenue at stake (sum of single failures): {_money(stake)}\n"
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
        _facets(nodes, ("tier", "country")),
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


def company(
    eco: Ecosystem, company_id: str, depth: int = 2, direction: str = "both"
) -> NetworkView:
    """``company_id`` with its suppliers (upstream) and buyers (downstream) to ``depth`` hops."""
    if company_id not in eco.ctx.companies:
        raise UnknownId("company", company_id)
    if not 1 <= depth <= MAX_DEPTH:
        raise TierscopeError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if direction not in ("upstream", "downstream", "both"):
        raise TierscopeError(f"direction must be upstream, downstream or both, got {direction!r}")
    facts = _Facts(eco)
    links = _company_links(eco)
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        up[b].append(a)
        down[a].append(b)
    level = {company_id: 0}
    truncated = False
    for sign, step in ((1, up), (-1, down)):
        if (sign == 1 and direction == "downstream") or (sign == -1 and direction == "upstream"):
            continue
        todo = deque([(company_id, 0)])
        while todo:
            c, d = todo.popleft()
            if d >= depth:
                continue
            for nxt in sorted(step.get(c, ())):
                if nxt in level:
                    continue
                if len(level) >= MAX_NODES:
                    truncated = True
                    break
                level[nxt] = sign * (d + 1)
                todo.append((nxt, d + 1))
    nodes = [facts.node(c, lv) for c, lv in sorted(level.items())]
    shown = [_link(a, b, w) for (a, b), w in sorted(links.items()) if a in level and b in level]
    notes = [f"Suppliers stand left of {company_id}, buyers right; one column per hop."]
    if truncated:
        notes.append(f"Only the nearest {MAX_NODES:,} companies are drawn.")
    return NetworkView(
        "company",
        f"{eco.ctx.name(company_id)} ({company_id})",
        f"{direction} to {depth} hop{'s' if depth > 1 else ''} · {len(nodes):,} companies",
        eco.snapshot,
        nodes,
        shown,
        [RISK_MODE, SEGMENT_MODE],
        _facets(nodes),
        notes,
        "single point of failure (of any product)",
        SHAPES,
    )


def product(eco: Ecosystem, product_id: str, max_tier: int = 3) -> NetworkView:
    """A product's supply tree; its single points of failure ringed, their evidence in red."""
    tree = eco.supply_tree(product_id, max_tier)
    facts = _Facts(eco)
    ctx = eco.ctx
    spof = {
        s.node_id: s for s in eco.analysis.single_points_of_failure if s.product_id == product_id
    }
    pnode = f"product:{product_id}"
    evidence: set[tuple[str, str]] = set()
    for s in spof.values():
        path = [pnode if p == product_id else p for p in s.path]
        evidence.update(itertools.pairwise(path))
    nodes = [
        Node(
            id=pnode,
            label=product_id,
            level=-1,
            name=ctx.name(product_id),
            title=(
                f"{ctx.name(product_id)} ({product_id})\n"
                f"revenue per day {_money(ctx.revenue_per_day(product_id))} · "
                f"inventory {ctx.inventory_days(product_id):g} days\n"
                f"{len(spof)} single points of failure"
            ),
            size=30.0,
            colors={"risk": RISK["critical" if spof else "none"], "segment": SEGMENT["none"]},
            facts={"tier": "product", "kind": "product"},
            shape="star",
        )
    ]
    for c in tree["companies"]:
        node = facts.node(c["id"], min(c["tiers"]))
        node.flagged = c["is_single_point_of_failure"]
        if node.flagged:
            node.title = (
                spof[c["id"]].summary + "\n\n" + node.title if c["id"] in spof else node.title
            )
        nodes.append(node)
    known = {n.id for n in nodes}
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in tree["links"]:
        grouped[(link["supplier_id"], link["buyer_id"])].append(
            link["item_id"] or "critical dependency"
        )
    links = [
        _link(a, b, w, highlighted=(a, b) in evidence)
        for (a, b), w in sorted(grouped.items())
        if a in known and b in known
    ]
    links.append(
        Link(tree["focal_id"], pnode, f"{tree['focal_id']} makes {product_id}", highlighted=True)
    )
    notes = [
        "Tiers as columns, the product at the right. A red ring: a single point of failure; "
        "red links: the evidence chain of each one.",
    ]
    if tree["truncated"]:
        notes.append(f"Drawn to tier {max_tier}; deeper tiers are left out.")
    return NetworkView(
        "product",
        f"Supply tree of {ctx.name(product_id)} ({product_id})",
        f"{len(nodes) - 1:,} companies to tier {max_tier} · {len(spof)} single points of failure",
        eco.snapshot,
        nodes,
        links,
        [RISK_MODE, SEGMENT_MODE],
        _facets(nodes, ("tier", "country", "segment")),
        notes + [f"{s.node_id}: {s.summary}" for s in list(spof.values())[:10]],
        "single point of failure of this product",
        [*SHAPES, "star: the product; red link: evidence"],
    )


def scenario(eco: Ecosystem, ids: list[str], countries: list[str], days: float) -> NetworkView:
    """What failed (left), the focal company, and the products that stop (right)."""
    result = eco.scenario(ids, countries, days)
    ctx = eco.ctx
    facts = _Facts(eco)
    nodes: list[Node] = []
    for c in [*result.failed_companies, *result.failed_sites]:
        n = facts.node(c, 2)
        n.colors = {"risk": RISK["critical"], "outcome": RISK["critical"]}
        n.title = f"FAILED for {days:g} days\n" + n.title
        nodes.append(n)
    for cc in result.failed_countries:
        nodes.append(
            Node(
                id=f"country:{cc}",
                label=cc,
                level=2,
                name=cc,
                title=f"every company and site in {cc} FAILED for {days:g} days",
                size=28.0,
                colors={"outcome": RISK["critical"]},
                facts={"kind": "country"},
                shape="triangle",
            )
        )
    focal = facts.node(ctx.focal, 1)
    focal.colors = {"outcome": RISK["none"]}
    nodes.append(focal)
    links = [Link(n.id, ctx.focal, f"{n.label} failed") for n in nodes if n.level == 2]
    stopped = {s.product_id: s for s in result.stopped_products}
    for p in ctx.model.products:
        s = stopped.get(p)
        if s is None:
            colour, text, state = "#33a02c", "keeps running", "runs"
        elif s.covered_by_inventory:
            colour, state = RISK["medium"], "covered"
            text = f"cannot be made, but {s.stops_after_days:g} days of inventory outlast the {days:g}-day outage"
        else:
            colour, state = RISK["critical"], "stops"
            text = (
                f"stops after {s.stops_after_days:g} days of inventory, for {s.days_stopped:g} days: "
                f"{_money(s.revenue_lost)} revenue lost"
            )
        why = "\n".join(s.evidence[:6]) if s else ""
        nodes.append(
            Node(
                id=f"product:{p}",
                label=f"{p}\n{'stops day ' + format(s.stops_after_days, 'g') if s and not s.covered_by_inventory else state}",
                level=0,
                name=ctx.name(p),
                title=f"{ctx.name(p)} ({p}): {text}" + (f"\nwhy:\n{why}" if why else ""),
                size=24.0,
                colors={"outcome": colour},
                facts={"kind": "product", "outcome": state},
                flagged=s is not None and not s.covered_by_inventory,
                shape="star",
            )
        )
        links.append(
            Link(
                ctx.focal,
                f"product:{p}",
                text,
                highlighted=s is not None and not s.covered_by_inventory,
            )
        )
    failed = ", ".join([*result.failed_companies, *result.failed_sites, *result.failed_countries])
    return NetworkView(
        "scenario",
        f"Scenario: {failed} down for {days:g} days",
        f"{len(stopped)} of {len(ctx.model.products)} products affected · "
        f"{_money(result.revenue_lost)} revenue lost · {result.down_companies:,} companies and "
        f"{result.down_sites:,} sites cannot deliver",
        eco.snapshot,
        nodes,
        links,
        [
            ColourMode(
                "outcome",
                "outcome",
                [
                    ("failed", RISK["critical"]),
                    ("stops", RISK["critical"]),
                    ("covered by inventory", RISK["medium"]),
                    ("keeps running", "#33a02c"),
                ],
            )
        ],
        _facets(nodes, ("kind", "outcome")),
        [
            f"{s.product_id}: stops after {s.stops_after_days:g} days, {s.days_stopped:g} days down, "
            f"{_money(s.revenue_lost)} lost"
            for s in result.stopped_products
        ],
        "product that stops",
        ["dot: a failed company or site; triangle: a failed country; star: a product"],
    )


def people(eco: Ecosystem) -> NetworkView:
    """Sponsors and contacts (left) against the partners they cover (right)."""
    ctx = eco.ctx
    facts = _Facts(eco)
    cov = eco.analysis.coverage
    gaps: dict[str, list[str]] = defaultdict(list)
    for g in cov.gaps:
        gaps[g.company_id].append(g.sentence)
    load = {p.person_id: p for p in cov.people}
    partners = sorted(set(ctx.sponsors) | set(ctx.contacts) | set(gaps))
    nodes: list[Node] = []
    for c in partners:
        n = facts.node(c, 0)
        n.flagged = c in gaps
        if c in gaps:
            n.title = "COVERAGE GAP: " + " ".join(gaps[c]) + "\n\n" + n.title
        nodes.append(n)
    links: list[Link] = []
    persons: set[str] = set()
    for c, ps in ctx.sponsors.items():
        for p in ps:
            persons.add(p)
            links.append(Link(p, c, f"{ctx.name(p)} sponsors {c}", highlighted=False))
    for c, cs in ctx.contacts.items():
        for p, primary in cs:
            persons.add(p)
            links.append(
                Link(
                    p,
                    c,
                    f"{ctx.name(p)} is {'the primary' if primary else 'a'} contact for {c}",
                    dashed=True,
                )
            )
    for p in sorted(persons):
        d = ctx.people.get(p, {})
        pl = load.get(p)
        text = [f"{ctx.name(p)} ({p})", f"{d.get('title') or ''} at {d.get('company_id') or '?'}"]
        if pl is not None:
            text.append(
                f"{pl.role} of {pl.partners} partners, {len(pl.critical_partners)} critical"
            )
            if pl.overloaded:
                text.append("carries too many critical partners")
        nodes.append(
            Node(
                id=p,
                label=ctx.name(p),
                level=1,
                name=ctx.name(p),
                title="\n".join(text),
                size=14.0,
                colors={
                    "risk": RISK["high"] if pl is not None and pl.overloaded else "#8da0cb",
                    "segment": "#8da0cb",
                },
                facts={
                    "kind": "sponsor"
                    if p in {x for v in ctx.sponsors.values() for x in v}
                    else "contact"
                },
                flagged=pl is not None and pl.overloaded,
                shape="diamond",
                order=str(d.get("company_id") or "") + p,
            )
        )
    known = {n.id for n in nodes}
    links = [link for link in links if link.source in known and link.target in known]
    return NetworkView(
        "people",
        f"Relationships of {ctx.name(ctx.focal)}",
        f"{len(persons):,} sponsors and contacts · {len(partners):,} partners · {len(gaps):,} with a coverage gap",
        eco.snapshot,
        nodes,
        links,
        [RISK_MODE, SEGMENT_MODE],
        _facets(nodes, ("kind", "segment", "tier")),
        [s for g in cov.gaps[:10] for s in [g.sentence]],
        "coverage gap (partner) or overloaded person",
        ["diamond: a sponsor or contact; solid link: sponsors; dashed: contact"],
    )
