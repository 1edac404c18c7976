"""A computed layered layout: columns by level, rows ordered to keep links short.

Every view places its nodes in levels (tiers, hops, sides); a level becomes a
band of columns, so a thousand suppliers of one tier do not make one column a
hundred screens tall. Inside a band, nodes are ordered by the mean row of their
neighbours in the level before (the barycentre heuristic of Sugiyama, Tagawa
and Toda, 1981), then by their own key, so related nodes sit side by side.
Positions are fixed: the browser draws them without a physics simulation, so
the picture is still as soon as it is drawn, however many nodes it has.

The gaps and the largest radius go together: a dot's label sits below it, and
:func:`radius` keeps every dot small enough that two neighbours of one column
and the label between them never overlap (``2 * MAX_RADIUS + LABEL_HEIGHT``
fits in ``ROW_GAP``), so no big node covers a neighbour's label.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

__all__ = ["MAX_RADIUS", "MIN_RADIUS", "ROW_GAP", "layered", "radius"]

COLUMN_GAP = 240.0  # between levels
SUBCOLUMN_GAP = 120.0  # between the columns of one level's band: a label of ~14 characters
ROW_GAP = 58.0  # a dot and its label below it, clear of the next dot
LABEL_HEIGHT = 18.0  # a label's line (font 13 with its white stroke) and its gap to the dot
#: the drawn radius of every node is between these (see :func:`radius`)
MIN_RADIUS = 7.0
MAX_RADIUS = (ROW_GAP - LABEL_HEIGHT) / 2 - 1.0
#: the sizes the views give (``facts.Facts.size``: 10 to 40), mapped onto the radii
SMALLEST_SIZE, LARGEST_SIZE = 10.0, 40.0


def radius(size: float) -> float:
    """The drawn radius of a node of ``size``: sizes 10 to 40 as ``MIN_RADIUS`` to
    ``MAX_RADIUS`` (linear, clamped), so that the largest dot and its neighbour's label
    fit between two rows.

    Examples
    --------
    >>> radius(10.0), radius(40.0), radius(400.0)
    (7.0, 19.0, 19.0)
    """
    t = (size - SMALLEST_SIZE) / (LARGEST_SIZE - SMALLEST_SIZE)
    return round(MIN_RADIUS + min(1.0, max(0.0, t)) * (MAX_RADIUS - MIN_RADIUS), 1)


def layered(
    levels: Mapping[Hashable, int],
    links: Iterable[tuple[Hashable, Hashable]],
    order_key: Mapping[Hashable, str] | None = None,
    right_to_left: bool = True,
) -> dict[Hashable, tuple[float, float]]:
    """(x, y) of every node of ``levels``.

    Level 0 is drawn at the right and higher levels further left when
    ``right_to_left`` (suppliers left of their buyers, as goods flow).
    """
    if not levels:
        return {}
    neighbours: dict[Hashable, list[Hashable]] = defaultdict(list)
    for a, b in links:
        if a in levels and b in levels and a != b:
            neighbours[a].append(b)
            neighbours[b].append(a)
    key = order_key or {}
    by_level: dict[int, list[Hashable]] = defaultdict(list)
    for n, lv in levels.items():
        by_level[lv].append(n)
    # rows per column: about square overall, never fewer than 25
    rows = max(25, math.ceil(math.sqrt(len(levels)) * 1.2))
    row_of: dict[Hashable, float] = {}
    pos: dict[Hashable, tuple[float, float]] = {}
    x = 0.0
    ordered_levels = sorted(by_level)
    for i, lv in enumerate(ordered_levels):
        members = by_level[lv]

        def bary(n: Hashable) -> float:
            placed = [row_of[m] for m in neighbours.get(n, ()) if m in row_of]
            return sum(placed) / len(placed) if placed else float("inf")

        members.sort(key=lambda n: (bary(n), key.get(n, ""), str(n)))
        columns = math.ceil(len(members) / rows)
        height = min(len(members), rows)
        for k, n in enumerate(members):
            col, row = divmod(k, rows)
            row_of[n] = row + (height - min(rows, len(members) - col * rows)) / 2
            pos[n] = (x - col * SUBCOLUMN_GAP, (row_of[n] - height / 2) * ROW_GAP)
        if i + 1 < len(ordered_levels):
            x -= (columns - 1) * SUBCOLUMN_GAP + COLUMN_GAP
    if not right_to_left:
        pos = {n: (-px, py) for n, (px, py) in pos.items()}
    return pos
