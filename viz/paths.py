"""The paths view: only the paths from one company or site to one product.

:func:`paths` draws what ``Ecosystem.check`` finds (node → … → focal company →
product), one column per step from the product, each link labelled with what
it carries (the caller's words: items and shares). Nothing else of the
ecosystem is drawn, so the picture stays small whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.facts import RISK, RISK_MODE, SEGMENT, SEGMENT_MODE, SHAPES, Facts, facets
from tierscope.viz.network import Link, NetworkView, Node

__all__ = ["paths"]


def paths(
    eco: Ecosystem,
    node_id: str,
    product_id: str,
    how: Callable[[str, str], str],
    limit: int = 20,
) -> NetworkView:
    """The paths from ``node_id`` to ``product_id``; ``how(a, b)`` labels the link a → b."""
    check = eco.check(product_id, node_id, limit)
    ctx = eco.ctx
    facts = Facts(eco)
    pnode = f"product:{product_id}"
    level: dict[str, int] = {}
    pairs: set[tuple[str, str]] = set()
    for path in check.paths:
        steps = [pnode if p == product_id else p for p in path]
        for k, n in enumerate(reversed(steps)):
            level[n] = max(level.get(n, 0), k)
        pairs.update(pairwise(steps))
    nodes = [
        Node(
            id=pnode,
            label=product_id,
            level=0,
            name=ctx.name(product_id),
            title=f"{ctx.name(product_id)} ({product_id})",
            size=30.0,
            colors={
                "risk": RISK["critical" if check.is_single_point_of_failure else "none"],
                "segment": SEGMENT["none"],
            },
            facts={"kind": "product"},
            shape="star",
        )
    ]
    for n, lv in sorted(level.items()):
        if n != pnode:
            node = facts.node(n, lv)
            node.flagged = n == node_id and check.is_single_point_of_failure
            nodes.append(node)
    links = [
        Link(a, b, how(a, b.removeprefix("product:")), highlighted=check.is_single_point_of_failure)
        for a, b in sorted(pairs)
    ]
    said = "a single point of failure" if check.is_single_point_of_failure else "not alone"
    notes = [f"{len(check.paths)} path{'s' if len(check.paths) != 1 else ''}; {node_id} is {said}."]
    if check.paths_truncated:
        notes.append(f"Only the shortest {limit} paths are drawn.")
    return NetworkView(
        "paths",
        f"From {ctx.name(node_id)} ({node_id}) to {ctx.name(product_id)} ({product_id})",
        f"{len(check.paths)} paths · {len(nodes) - 1} companies and sites",
        eco.snapshot,
        nodes,
        links,
        [RISK_MODE, SEGMENT_MODE],
        facets(nodes, ("tier", "country")),
        notes,
        "the start, when it alone stops the product",
        [*SHAPES, "star: the product"],
    )
