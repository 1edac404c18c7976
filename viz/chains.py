"""Small, static pictures of why one company or site can stop a product.

For a single point of failure, :func:`chain_view` draws where its supply flows:
the node on the left, every buyer downstream of it in the product's supply tree
column by column, the focal company, and the products it stops on the right.
When that picture would hold too many boxes to read, it draws the one evidence
path the analysis gives (node → … → product) and says so. The result is
geometry and plain strings; ``templates/report_svg.html`` draws it as SVG,
escaped by Jinja2.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from tierscope.graph.analysis.register import Finding
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
    focal = eco.ctx.focal
    edges = _downstream(eco, node, product)
    boxes_needed = {b for e in edges for b in e[:2]} | {node}
    note = ""
    if not edges or len(boxes_needed) > MAX_BOXES or focal not in boxes_needed:
        sp = eco.spof.get((product, node))
        path = list(sp.path) if sp is not None else [node, focal]
        path = [p for p in path if p != product]
        edges = {(a, b, "") for a, b in pairwise(path)}
        downstream = len(boxes_needed) - 1
        note = (
            f"Simplified to one route: {downstream} partners downstream of it depend on it too."
            if downstream > len(path) - 1
            else ""
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
    ctx = eco.ctx
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


def _downstream(eco: Ecosystem, node: str, product: str) -> set[tuple[str, str, str]]:
    """(supplier, buyer, label) of every link of ``product``'s supply tree downstream of ``node``."""
    tree = eco.supply_tree(product, max_tier=50)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    edges: set[tuple[str, str, str]] = set()
    for link in tree["links"]:
        label = link["item_id"] or "depends on"
        out[link["supplier_id"]].append((link["buyer_id"], label))
        if link["site_id"] == node:
            edges.add((node, link["buyer_id"], label))
    start = {node} | {b for _, b, _ in edges}
    todo = list(start)
    seen = set(start)
    while todo and len(seen) <= 4 * MAX_BOXES:
        u = todo.pop()
        for b, label in out.get(u, ()):
            edges.add((u, b, label))
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return edges


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
