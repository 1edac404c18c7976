"""The explorer views: what each one shows, built from a loaded :class:`Ecosystem`.

* :func:`overview` — every company, tiers as layers, colour by risk or segment,
  size by revenue at stake; above ``AGGREGATE_ABOVE`` companies, one node per
  (tier, country) that opens into its members.
* :func:`company` — a company's suppliers (upstream) and buyers (downstream).
* :func:`product` — a product's supply tree, single points of failure ringed
  and the links of their evidence in red.
* Above ``FOLD_ABOVE`` companies, the company and product views draw their
  crowded columns as groups of one country that open on a click
  (:func:`~tierscope.viz.fold.fold`).
* :func:`scenario` — what failed, which products stop and after how many days.
* :func:`people` — sponsors and contacts against partners, coverage gaps ringed.

The overview lives in :mod:`~tierscope.viz.overview` (re-exported here) and what
every view says about a company (colours, sizes, tooltips, links, facets) in
:mod:`~tierscope.viz.facts`; this module builds the focused views.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque

from tierscope.graph.ecosystem import MAX_DEPTH, MAX_NODES, Ecosystem, UnknownId
from tierscope.graph.errors import TierscopeError
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
from tierscope.viz.fold import FOLD_ABOVE, fold
from tierscope.viz.network import ColourMode, Link, NetworkView, Node
from tierscope.viz.overview import AGGREGATE_ABOVE, overview

__all__ = [
    "AGGREGATE_ABOVE",
    "FOLD_ABOVE",
    "company",
    "overview",
    "people",
    "product",
    "scenario",
]


def company(
    eco: Ecosystem,
    company_id: str,
    depth: int = 2,
    direction: str = "both",
    fold_above: int = FOLD_ABOVE,
) -> NetworkView:
    """``company_id`` with its suppliers (upstream) and buyers (downstream) to ``depth`` hops;
    crowded columns folded into groups above ``fold_above`` companies (:func:`fold`)."""
    if company_id not in eco.ctx.companies:
        raise UnknownId("company", company_id)
    if not 1 <= depth <= MAX_DEPTH:
        raise TierscopeError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if direction not in ("upstream", "downstream", "both"):
        raise TierscopeError(f"direction must be upstream, downstream or both, got {direction!r}")
    facts = Facts(eco)
    links = company_links(eco)
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
    shown = [
        company_link(a, b, w) for (a, b), w in sorted(links.items()) if a in level and b in level
    ]
    notes = [f"Suppliers stand left of {company_id}, buyers right; one column per hop."]
    if truncated:
        notes.append(f"Only the nearest {MAX_NODES:,} companies are drawn.")
    view = NetworkView(
        "company",
        f"{eco.ctx.name(company_id)} ({company_id})",
        f"{direction} to {depth} hop{'s' if depth > 1 else ''} · {len(nodes):,} companies",
        eco.snapshot,
        nodes,
        shown,
        [RISK_MODE, SEGMENT_MODE],
        facets(nodes),
        notes,
        "single point of failure (of any product)",
        SHAPES,
    )
    return fold(view, fold_above, "hop")


def product(
    eco: Ecosystem, product_id: str, max_tier: int = 3, fold_above: int = FOLD_ABOVE
) -> NetworkView:
    """A product's supply tree; its single points of failure ringed, their evidence in red;
    crowded tiers folded into groups above ``fold_above`` companies (:func:`fold`)."""
    tree = eco.supply_tree(product_id, max_tier)
    facts = Facts(eco)
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
                f"revenue per day {money(ctx.revenue_per_day(product_id))} · "
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
        company_link(a, b, w, highlighted=(a, b) in evidence)
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
    # each single point of failure in the register's words; its tooltip keeps the whole chain
    said = {
        f.subject_id: f.sentence
        for f in eco.analysis.register
        if f.kind == "single_point_of_failure"
    }
    view = NetworkView(
        "product",
        f"Supply tree of {ctx.name(product_id)} ({product_id})",
        f"{len(nodes) - 1:,} companies to tier {max_tier} · {len(spof)} single points of failure",
        eco.snapshot,
        nodes,
        links,
        [RISK_MODE, SEGMENT_MODE],
        facets(nodes, ("tier", "country", "segment")),
        notes
        + [said.get(s.node_id, f"{s.node_id}: {s.summary}") for s in list(spof.values())[:10]],
        "single point of failure of this product",
        [*SHAPES, "star: the product; red link: evidence"],
    )
    return fold(view, fold_above, "tier")


def scenario(eco: Ecosystem, ids: list[str], countries: list[str], days: float) -> NetworkView:
    """What failed (left), the focal company, and the products that stop (right)."""
    result = eco.scenario(ids, countries, days)
    ctx = eco.ctx
    facts = Facts(eco)
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
                f"{money(s.revenue_lost)} revenue lost"
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
        f"{money(result.revenue_lost)} revenue lost · {result.down_companies:,} companies and "
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
        facets(nodes, ("kind", "outcome")),
        [
            f"{s.product_id}: stops after {s.stops_after_days:g} days, {s.days_stopped:g} days down, "
            f"{money(s.revenue_lost)} lost"
            for s in result.stopped_products
        ],
        "product that stops",
        ["dot: a failed company or site; triangle: a failed country; star: a product"],
    )


def people(eco: Ecosystem) -> NetworkView:
    """Sponsors and contacts (left) against the partners they cover (right)."""
    ctx = eco.ctx
    facts = Facts(eco)
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
        facets(nodes, ("kind", "segment", "tier")),
        [s for g in cov.gaps[:10] for s in [g.sentence]],
        "coverage gap (partner) or overloaded person",
        ["diamond: a sponsor or contact; solid link: sponsors; dashed: contact"],
    )
