"""Big focused views folded into groups, so that a picture stays legible at any size.

The overview groups companies by (tier, country) above ``AGGREGATE_ABOVE``
(:mod:`~tierscope.viz.overview`). A company's neighbourhood or a product's
supply tree can hold up to ``MAX_NODES`` companies; above ``FOLD_ABOVE``,
:func:`fold` draws each crowded column's companies as one node per country,
and keeps drawn one by one what the view is about: its centre (level 0), the
product, and the ``KEEP_FLAGGED`` largest ringed nodes (single points of failure;
a group holding more is ringed). Clicking a group in
the page opens it: its companies and their neighbours, laid out like the rest,
with a button back to the groups (``viz/templates/network.html``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from tierscope.viz.network import Link, NetworkView, Node

__all__ = ["FOLD_ABOVE", "KEEP_COLUMN", "KEEP_FLAGGED", "fold"]

#: focused views with more nodes than this are folded
FOLD_ABOVE = 300
#: a column with at most this many nodes is never folded
KEEP_COLUMN = 24
#: at most this many ringed nodes stay drawn one by one (the largest); the rest are
#: folded too, and their groups ringed
KEEP_FLAGGED = 40
#: the colours of the risk mode, worst first (``facts.RISK``)
_WORST_FIRST = ("#b3261e", "#e8710a", "#f2b705", "#7a9cc6", "#c9d1db")


def fold(view: NetworkView, above: int = FOLD_ABOVE, what: str = "hop") -> NetworkView:
    """``view`` with its crowded columns as (level, country) groups when it has more than
    ``above`` nodes; else ``view`` itself. ``what`` names a level in the groups' labels."""
    if len(view.nodes) <= above:
        return view
    per_level = Counter(n.level for n in view.nodes)
    ringed = sorted((n for n in view.nodes if n.flagged), key=lambda n: (-n.size, n.id))
    kept = {n.id for n in ringed[:KEEP_FLAGGED]}
    group_of: dict[str, str] = {}
    for n in view.nodes:
        if n.level == 0 or n.id in kept or n.shape == "star" or per_level[n.level] <= KEEP_COLUMN:
            continue
        country = str(n.facts.get("country", "?"))
        group_of[n.id] = f"group:{n.level}:{country}"
    members: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(view.nodes):
        if n.id in group_of:
            members[group_of[n.id]].append(i)
    for g, idx in list(members.items()):  # a group of one is just that node
        if len(idx) == 1:
            del group_of[view.nodes[idx[0]].id]
            del members[g]
    if not members:
        return view
    nodes = [n for n in view.nodes if n.id not in group_of]
    total = sum(len(m) for m in members.values())
    for g, idx in sorted(members.items()):
        cs = [view.nodes[i] for i in idx]
        nodes.append(_group_node(g, cs, what, len(view.nodes)))
    links: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in view.links:
        a, b = group_of.get(link.source, link.source), group_of.get(link.target, link.target)
        if a != b:
            links[(a, b)].append(link)
    drawn = [
        ls[0]
        if len(ls) == 1 and a == ls[0].source and b == ls[0].target
        else Link(
            a,
            b,
            f"{a.removeprefix('group:')} → {b.removeprefix('group:')}: {len(ls):,} links",
            dashed=all(x.dashed for x in ls),
            highlighted=any(x.highlighted for x in ls),
        )
        for (a, b), ls in sorted(links.items())
    ]
    note = (
        f"{total:,} of the {len(view.nodes):,} companies are drawn as {len(members):,} "
        f"groups of one {what} and country (squares); click one to open it. The centre, "
        f"the product and the {min(len(ringed), KEEP_FLAGGED)} largest ringed nodes stay drawn "
        "one by one; a ringed group holds more."
    )
    return dataclasses.replace(
        view,
        nodes=nodes,
        links=drawn,
        notes=[*view.notes, note],
        shapes=[*view.shapes, "square: a group of companies (size: how many), opened by a click"],
        folded={g: idx for g, idx in sorted(members.items())},
        members=view.nodes,
        member_links=view.links,
    )


def _group_node(g: str, cs: list[Node], what: str, of: int) -> Node:
    level = cs[0].level
    where = f"{what} {abs(level)}" + (" downstream" if level < 0 else "")
    country = str(cs[0].facts.get("country", "?"))
    colours: dict[str, str] = {}
    for mode in {m for c in cs for m in c.colors}:
        seen = [c.colors[mode] for c in cs if mode in c.colors]
        worst = [x for x in _WORST_FIRST if x in seen]
        colours[mode] = worst[0] if mode == "risk" and worst else Counter(seen).most_common(1)[0][0]
    tiers = Counter(str(c.facts.get("tier", "?")) for c in cs).most_common(1)[0][0]
    names = ", ".join(c.id for c in cs[:6]) + (" …" if len(cs) > 6 else "")
    ringed = sum(c.flagged for c in cs)
    holds = f"\n{ringed:,} of them ringed (single points of failure)" if ringed else ""
    return Node(
        id=g,
        label=f"{country} ({len(cs):,})",
        level=level,
        name=f"{where} · {country}",
        title=(
            f"{len(cs):,} companies at {where} in {country}: {names}{holds}\n"
            "click to open the group"
        ),
        size=12.0 + 28.0 * (len(cs) / of) ** 0.5,
        colors=colours,
        facts={"tier": tiers, "country": country, "kind": "group"},
        shape="square",
        flagged=ringed > 0,
        order=country,
    )
