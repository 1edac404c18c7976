"""A network view: nodes and links with their facts, drawn with pyvis's vis-network.

:class:`NetworkView` is what every explorer view builds (see ``views.py``);
:func:`network_html` places it (``layout.layered``), hands nodes and links to
a pyvis ``Network`` and renders the page template ``network.html`` with the
library inline, so the file works offline. The page fits the whole graph, labels
included, into its frame when drawn and whenever the frame changes size, and
exports the picture as PNG (the canvas) or SVG (built from the drawn positions,
every text escaped by the DOM) without any request. Tooltips are plain text: vis-network
shows them with ``innerText``, and every other value reaches the page through
escaped JSON (``page.script_json``) or the template's autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pyvis.network import Network

from tierscope.viz.layout import (
    COLUMN_GAP,
    LARGEST_SIZE,
    MAX_RADIUS,
    MIN_RADIUS,
    ROW_GAP,
    SMALLEST_SIZE,
    SUBCOLUMN_GAP,
    layered,
    radius,
)
from tierscope.viz.page import render

__all__ = ["ColourMode", "Facet", "Link", "NetworkView", "Node", "network_html"]

OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {
        "hover": True,
        "tooltipDelay": 120,
        "hideEdgesOnDrag": True,
        "multiselect": True,
    },
    "nodes": {
        "shape": "dot",
        # a white halo keeps a label readable over the links that cross it
        "font": {
            "size": 13,
            "face": "system-ui, sans-serif",
            "color": "#1f2733",
            "strokeWidth": 4,
            "strokeColor": "#ffffff",
        },
        "borderWidth": 1,
    },
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#b8c0cc", "highlight": "#1f2733"},
        "width": 1,
    },
}


@dataclass
class Node:
    id: str
    label: str
    level: int
    name: str = ""
    title: str = ""  # the tooltip: plain text, one fact per line
    size: float = 12.0
    colors: dict[str, str] = field(default_factory=dict)  # colour mode -> colour
    facts: dict[str, Any] = field(default_factory=dict)  # what the filters read
    flagged: bool = False  # drawn with a red ring (a highlighted risk)
    shape: str = "dot"
    order: str = ""  # sort key inside its level


@dataclass
class Link:
    source: str
    target: str
    title: str = ""
    dashed: bool = False
    highlighted: bool = False


@dataclass
class ColourMode:
    key: str
    label: str
    legend: list[tuple[str, str]]  # (label, colour)


@dataclass
class Facet:
    key: str  # a key of Node.facts
    label: str
    values: list[str]


@dataclass
class NetworkView:
    kind: str  # overview, company, product, scenario, people
    title: str
    subtitle: str
    snapshot: str | None
    nodes: list[Node]
    links: list[Link]
    colour_modes: list[ColourMode]
    facets: list[Facet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flagged_label: str | None = None
    shapes: list[str] = field(default_factory=list)
    #: aggregated overviews: group id -> member indices into ``drill["ids"]``, each group's
    #: members one ascending range (the page gets only its first and last index)
    groups: dict[str, list[int]] | None = None
    #: aggregated overviews: the companies' facts by column and their packed links
    #: (see ``overview._drill``)
    drill: dict[str, Any] | None = None
    #: folded focused views (``fold.fold``): group id -> indices into ``members``, the
    #: view's every node and link before folding (the page opens a group from them)
    folded: dict[str, list[int]] | None = None
    members: list[Node] | None = None
    member_links: list[Link] | None = None


def _link_flags(link: Link) -> int:
    return (1 if link.dashed else 0) | (2 if link.highlighted else 0)


def _member(n: Node, first: str | None) -> dict[str, Any]:
    """A node of a folded group as the page draws it when the group is opened."""
    return {
        "id": n.id,
        "label": n.label,
        "shape": n.shape,
        "color": n.colors.get(first, "#9aa5b1") if first else "#9aa5b1",
        "title": n.title or n.label,
        "size": radius(n.size),
        "borderWidth": 4 if n.flagged else 1,
        "name": n.name,
        "facts": n.facts,
        "colors": n.colors,
        "flagged": n.flagged,
        "level": n.level,
    }


def network_html(view: NetworkView, generated_at: datetime | None = None) -> str:
    """The view as one self-contained HTML page."""
    pos = layered(
        {n.id: n.level for n in view.nodes},
        ((link.source, link.target) for link in view.links),
        {n.id: n.order for n in view.nodes},
    )
    net = Network(directed=True)
    first = view.colour_modes[0].key if view.colour_modes else None
    for n in view.nodes:
        x, y = pos[n.id]
        colour = n.colors.get(first, "#9aa5b1") if first else "#9aa5b1"
        net.add_node(
            n.id,
            label=n.label,
            shape=n.shape,
            color=colour,
            title=n.title or n.label,
            x=round(x, 1),
            y=round(y, 1),
            size=radius(n.size),
            borderWidth=4 if n.flagged else 1,
            name=n.name,
            facts=n.facts,
            colors=n.colors,
            flagged=n.flagged,
        )
    # links go to the page as rows [from, to, title, flags] by node index, which the page
    # turns into vis-network edges (flags: 1 dashed, 2 highlighted): a grouped overview
    # has thousands of links, and pyvis's options repeat every key and id in each
    # (its add_edge also looks every end up in a list, quadratic on big views)
    index = {n["id"]: k for k, n in enumerate(net.nodes)}
    rows = [
        [
            index[link.source],
            index[link.target],
            link.title,
            _link_flags(link),
        ]
        for link in view.links
    ]
    data: dict[str, Any] = {
        "kind": view.kind,
        "nodes": net.nodes,
        "edges": rows,
        "options": OPTIONS,
        # the page maps a drilled company's size the same way (``layout.radius``)
        "radius": [SMALLEST_SIZE, LARGEST_SIZE, MIN_RADIUS, MAX_RADIUS],
        "layout": {"column": COLUMN_GAP, "subcolumn": SUBCOLUMN_GAP, "row": ROW_GAP},
        "colour_modes": [
            {
                "key": m.key,
                "label": m.label,
                "legend": [{"label": lb, "color": c} for lb, c in m.legend],
            }
            for m in view.colour_modes
        ],
    }
    if view.groups is not None:
        for g, m in view.groups.items():
            if m != list(range(m[0], m[0] + len(m))):
                raise ValueError(f"group {g!r}: its members are not one ascending range")
        data |= {
            "groups": {g: [m[0], m[-1] + 1] for g, m in view.groups.items() if m},
            "drill": view.drill,
        }
    if view.folded is not None and view.members is not None:
        at = {n.id: k for k, n in enumerate(view.members)}
        data |= {
            "folded": view.folded,
            "members": [_member(n, first) for n in view.members],
            "member_links": [
                [at[x.source], at[x.target], x.title, _link_flags(x)]
                for x in view.member_links or []
                if x.source in at and x.target in at
            ],
        }
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return render(
        "network.html",
        title=view.title,
        subtitle=view.subtitle,
        snapshot=view.snapshot,
        generated=f"generated {when}",
        colour_modes=view.colour_modes,
        facets=view.facets,
        notes=view.notes,
        flagged_label=view.flagged_label,
        shapes=view.shapes,
        data=data,
    )
