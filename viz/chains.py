"""Small, static pictures of why one company or site can stop a product.

For a single point of failure, :func:`chain_view` draws the evidence the
analysis gives for it (``SinglePoint.explained()``): the node on the left, the
partners its failure takes down on the way (every supplier an evidence step
names, since each of them fails with it), the focal company, and the products
it stops on the right. The evidence is a bounded walk, so a picture costs the
same on a demo and on a million-company ecosystem; it never reads a whole
supply tree. When the evidence holds too many boxes to read, the picture keeps
its one route (node → … → product) and says so. The result is geometry and
plain strings; ``templates/report_svg.html`` draws it as SVG, escaped by
Jinja2.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from tierscope.graph.analysis.register import Finding
from tierscope.graph.analysis.spof import EvidenceStep
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.charts import short

__all__ = ["Box", "ChainView", "Link", "chain_view"]

#: above this many boxes (products excepted) the view shows the evidence path instead
MAX_BOXES = 9
MAX_PRODUCTS = 4
BOX_W, BOX_H, GAP_X, GAP_Y = 150, 42, 86, 14


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    label: str
    sub: str
    title: str
    role: str  # "risk", "partner", "focal" or "product"


@dataclass(frozen=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class ChainView:
    subject_id: str
    title: str
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    width: float
    height: float
    note: str
    box_w: float = BOX_W
    box_h: float = BOX_H


def chain_view(eco: Ecosystem, finding: Finding) -> ChainView | None:
    """The picture of a ``single_point_of_failure`` finding (None for any other kind)."""
    if finding.kind != "single_point_of_failure" or not finding.products:
        return None
    node = finding.subject_id
    product = finding.products[0]
    ctx = eco.ctx
    focal = ctx.focal
    sp = eco.spof.get((product, node))
    steps, path = sp.explained()[:2] if sp is not None else ((), (node, focal, product))
    route = [p for p in path if p != product]
    edges = _evidence_links(eco, node, steps)
    labels = {(a, b): lab for a, b, lab in edges}
    route_edges = {(a, b, labels.get((a, b), "")) for a, b in pairwise(route)}
    edges |= route_edges
    boxes_needed = {b for e in edges for b in e[:2]} | {node}
    note = ""
    if len(boxes_needed) > MAX_BOXES or focal not in boxes_needed:
        edges = route_edges
        others = len(boxes_needed - set(route))
        if others:
            note = (
                f"Simplified to one route: {others} more partner{'s' if others != 1 else ''} "
                "on other routes fail with it too."
            )
    columns = _columns(node, edges)
    products = list(finding.products[:MAX_PRODUCTS])
    more = len(finding.products) - len(products)
    last = max(columns.values(), default=0) + 1
    by_column: dict[int, list[str]] = defaultdict(list)
    for n, c in sorted(columns.items(), key=lambda x: (x[1], x[0])):
        by_column[c].append(n)
    right = [*products, *([f"+{more} more"] if more else [])]
    tallest = max([len(v) for v in by_column.values()] + [len(right)])
    height = tallest * (BOX_H + GAP_Y) - GAP_Y + 8
    pos: dict[str, tuple[float, float]] = {}
    boxes: list[Box] = []
    for c, names in by_column.items():
        top = (height - (len(names) * (BOX_H + GAP_Y) - GAP_Y)) / 2
        for i, n in enumerate(names):
            x, y = c * (BOX_W + GAP_X) + 4, top + i * (BOX_H + GAP_Y)
            pos[n] = (x, y)
            name = ctx.name(n)
            role = "risk" if n == node else "focal" if n == focal else "partner"
            boxes.append(Box(x, y, short(name, 17), short(n, 24), f"{name} ({n})", role))
    top = (height - (len(right) * (BOX_H + GAP_Y) - GAP_Y)) / 2
    for i, p in enumerate(right):
        x, y = last * (BOX_W + GAP_X) + 4, top + i * (BOX_H + GAP_Y)
        if p in finding.products:
            name = ctx.name(p)
            boxes.append(Box(x, y, short(name, 17), short(p, 24), f"{name} ({p})", "product"))
        else:
            boxes.append(Box(x, y, p, "", p, "product"))
    links = [
        Link(
            pos[a][0] + BOX_W,
            pos[a][1] + BOX_H / 2,
            pos[b][0],
            pos[b][1] + BOX_H / 2,
            short(lab, 15),
        )
        for a, b, lab in sorted(edges)
        if a in pos and b in pos
    ]
    if focal in pos:
        fx, fy = pos[focal]
        for b in boxes:
            if b.role == "product":
                links.append(Link(fx + BOX_W, fy + BOX_H / 2, b.x, b.y + BOX_H / 2, ""))
    name = ctx.name(node)
    return ChainView(
        node,
        f"{name} ({node})" if name != node else node,
        tuple(boxes),
        tuple(links),
        (last + 1) * (BOX_W + GAP_X) - GAP_X + 8,
        height,
        note,
    )


def _evidence_links(
    eco: Ecosystem, node: str, steps: tuple[EvidenceStep, ...]
) -> set[tuple[str, str, str]]:
    """(from, to, label) of every link the evidence steps name, and no other.

    A ``sources`` step names every supplier of an item to a buyer (each of them
    fails with ``node``): one link per supplier, from the site it ships from
    when the evidence says that site goes down. A ``down`` step is a critical
    dependency when the next step is its provider's, else ``node`` taking the
    company or site down with it (its only site, its owner).
    """
    ctx = eco.ctx
    critical = ctx.model.critical_providers
    down = {
        s.company_id for s in steps if s.kind in ("down", "fails") and s.company_id in ctx.sites
    }
    edges: set[tuple[str, str, str]] = set()
    for k, s in enumerate(steps):
        if s.kind == "sources" and s.item_id is not None:
            for supplier, _share, site in s.suppliers[: 4 * MAX_BOXES]:
                source = site if site is not None and site in down else supplier
                edges.add((source, s.company_id, s.item_id))
        elif s.kind == "down":
            after = steps[k + 1].company_id if k + 1 < len(steps) else None
            if after is not None and after in critical.get(s.company_id, ()):
                edges.add((after, s.company_id, "depends on"))
            elif s.company_id != node:
                edges.add(
                    (
                        node,
                        s.company_id,
                        "site" if s.company_id in ctx.sites or node in ctx.sites else "depends on",
                    )
                )
    # one label per link: the evidence may name a link twice (two items)
    merged: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a, b, lab in edges:
        merged[(a, b)].append(lab)
    return {(a, b, ", ".join(sorted(set(labs)))) for (a, b), labs in merged.items()}


def _columns(node: str, edges: set[tuple[str, str, str]]) -> dict[str, int]:
    """Each box's column: its longest distance from ``node`` (loops cut after n rounds)."""
    col = {node: 0}
    for _ in range(len(edges) + 1):
        changed = False
        for a, b, _ in edges:
            if a in col and col.get(b, -1) < col[a] + 1 and col[a] + 1 <= len(edges):
                col[b] = col[a] + 1
                changed = True
        if not changed:
            break
    return col
