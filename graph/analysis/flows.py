"""How each product's supply flows through the goal graph.

DESIGN.md, "Concentration", propagated exposure: one unit of a product needs
one unit of each BOM input (AND); a buyer's need for an input is split over its
suppliers by their shares (OR). Multiplying along every path and summing gives,
for each item in the product's supply tree, how much of it flows through each
deliver and receive goal.

This module owns that walk: the goal graph as sparse matrices numbered level by
level (:func:`levelled_goals`), the flows of a few products at a time in one pass
over the levels, with rounds only where supply loops are (:func:`flows`), and
the links where a company passes on what it buys (a distributor, or a second
source), which are no extra need (:func:`use_links`, :func:`touched_before`).
:mod:`~tierscope.graph.analysis.exposure` turns the flows into exposures.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from scipy import sparse

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.context import Context

__all__ = [
    "LevelledGoals",
    "NeedLinks",
    "each",
    "flows",
    "levelled_goals",
    "touched_before",
    "use_links",
]


@dataclass(frozen=True)
class LevelledGoals:
    """The goal graph as sparse matrices, with goals numbered level by level.

    A deliver goal needs receive goals (its inputs); a receive goal is fed by
    deliver goals (its suppliers', by their normalised shares). Walking up from
    the products, a goal's *level* is the longest walk to it, so all that flows
    into a goal comes from lower levels: the flows are then one pass over the
    levels (each link followed once), not one round per tier (each link once per
    path length through it). Goals on a supply loop, or fed from one, have no
    level: they are numbered after the levelled ones (``rest_deliver``,
    ``rest_receive``) and followed round by round. Goals no product reaches come
    last.

    ``needs`` (deliver goal x receive goal, 1 where needed) gives each product's
    first tier; ``into_deliver`` (deliver x receive: the shares that feed each
    deliver goal) and ``into_receive`` (receive x deliver: what each receive goal
    carries) are the same links by target, cut per level (``deliver_levels``,
    ``receive_levels``) and into blocks for the rest. ``deliver_at``/``receive_at``:
    each goal's number here; ``row_receive``: each supply row's receive goal.
    """

    needs: sparse.csr_matrix
    deliver_levels: list[sparse.csr_matrix]
    receive_levels: list[sparse.csr_matrix]
    rest_deliver: int  # the first deliver goal without a level
    rest_receive: int
    # links into the rest's deliver and receive goals, from levelled goals and from the rest
    rest_deliver_from_levelled: sparse.csr_matrix
    rest_receive_from_levelled: sparse.csr_matrix
    rest_deliver_from_rest: sparse.csr_matrix
    rest_receive_from_rest: sparse.csr_matrix
    deliver_at: np.ndarray
    receive_at: np.ndarray
    row_receive: np.ndarray


def levelled_goals(ctx: Context) -> LevelledGoals:
    """The goal graph of ``ctx`` as a :class:`LevelledGoals`, levelled from the products."""
    gg, m = ctx.goals, ctx.model
    n_g, n_r = len(gg.deliver), len(gg.receive)
    link = gg.links()
    need_g, need_r = link.need_goal, link.need_receive
    feed_r, feed_g, feed_row = link.feed_receive, link.feed_goal, link.feed_row
    shares = np.asarray(m.shares, dtype=float)[feed_row]
    products = [gg.deliver_index[(m.focal, p)] for p in m.products]
    needs = sparse.csr_matrix((np.ones(len(need_r)), (need_g, need_r)), shape=(n_g, n_r))
    feeds = sparse.csr_matrix((shares, (feed_r, feed_g)), shape=(n_r, n_g))
    deliver_at, receive_at, deliver_bounds, receive_bounds = _levels(
        needs, feeds, np.array(sorted(set(products)), dtype=np.int64)
    )
    row_receive = np.zeros(len(m.supplies), dtype=np.int64)
    row_receive[feed_row] = receive_at[feed_r]
    into_deliver = sparse.csr_matrix(
        (shares, (deliver_at[feed_g], receive_at[feed_r])), shape=(n_g, n_r)
    )
    into_receive = sparse.csr_matrix(
        (np.ones(len(need_r)), (receive_at[need_r], deliver_at[need_g])), shape=(n_r, n_g)
    )
    d, r = int(deliver_bounds[-1]), int(receive_bounds[-1])
    return LevelledGoals(
        sparse.csr_matrix(
            (np.ones(len(need_r)), (deliver_at[need_g], receive_at[need_r])), shape=(n_g, n_r)
        ),
        [into_deliver[a:b] for a, b in pairwise(deliver_bounds.tolist())],
        [into_receive[a:b] for a, b in pairwise(receive_bounds.tolist())],
        d,
        r,
        into_deliver[d:, :r],
        into_receive[r:, :d],
        into_deliver[d:, r:],
        into_receive[r:, d:],
        deliver_at,
        receive_at,
        row_receive,
    )


def _levels(
    needs: sparse.csr_matrix, feeds: sparse.csr_matrix, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each deliver and receive goal's number, level by level from the ``start``
    deliver goals (Kahn's peeling of the part they reach: a goal gets a level once
    everything that flows into it has one), then the goals left (on or behind a
    supply loop, or never reached); within a level the goals keep their order.
    Also the first number of each level and the end of the last, for both kinds."""
    n_g, n_r = needs.shape
    # what the walk from the products reaches: only those links count for the levels
    seen_g, seen_r = np.zeros(n_g, dtype=bool), np.zeros(n_r, dtype=bool)
    seen_g[start] = True
    frontier = start
    while len(frontier):
        r = needs[frontier].indices
        r = arrays.unique(r[~seen_r[r]])
        seen_r[r] = True
        g = feeds[r].indices
        frontier = arrays.unique(g[~seen_g[g]])
        seen_g[frontier] = True
    waiting_r = np.bincount(needs[np.flatnonzero(seen_g)].indices, minlength=n_r)
    waiting_g = np.bincount(feeds[np.flatnonzero(seen_r)].indices, minlength=n_g)
    order_g, order_r = [], []
    frontier = start[waiting_g[start] == 0]  # a product fed from a loop waits for it
    while len(frontier):
        order_g.append(frontier)
        r = needs[frontier].indices
        waiting_r -= np.bincount(r, minlength=n_r)
        r = arrays.unique(r[waiting_r[r] == 0])
        order_r.append(r)
        g = feeds[r].indices
        waiting_g -= np.bincount(g, minlength=n_g)
        frontier = arrays.unique(g[waiting_g[g] == 0])

    def numbers(order: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
        levelled = np.zeros(n, dtype=bool)
        for part in order:
            levelled[part] = True
        at = np.empty(n, dtype=np.int64)
        at[np.concatenate([*order, np.flatnonzero(~levelled)])] = np.arange(n, dtype=np.int64)
        return at, np.cumsum([0, *(len(part) for part in order)])

    (deliver_at, deliver_bounds), (receive_at, receive_bounds) = (
        numbers(order_g, n_g),
        numbers(order_r, n_r),
    )
    return deliver_at, receive_at, deliver_bounds, receive_bounds


def flows(
    ctx: Context,
    fg: LevelledGoals,
    products: list[str],
    max_rounds: int = 64,
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix, int, bool]:
    """Flow of each of ``products`` through every deliver goal (W_G, products x goals,
    by goal) and receive goal (W_R, by the levelled numbers), and the first-tier
    receive flows (what the focal company buys itself; sparse, products x receive
    goals); then how many tiers and rounds were followed, and whether a loop was cut.

    One product at a time, so each product's flows are two vectors the sparse
    products read at random (at a million companies they fit in the processor's
    cache; a block of several products did not). The levelled goals take one pass;
    the goals on or behind a loop then take rounds until what is added is below
    1e-12, at most ``max_rounds``.
    """
    gg, m = ctx.goals, ctx.model
    n_g, n_r = len(gg.deliver), len(gg.receive)
    goals = fg.deliver_at[[gg.deliver_index[(m.focal, p)] for p in products]]
    w_g = np.zeros((len(products), n_g))
    w_r = np.zeros((len(products), n_r))
    d, r = fg.rest_deliver, fg.rest_receive
    iterations, truncated = len(fg.deliver_levels), False
    for wg, wr, goal in zip(w_g, w_r, goals.tolist(), strict=True):
        wg[goal] = 1.0
        at_g = at_r = 0
        for into_g, into_r in zip(fg.deliver_levels, fg.receive_levels, strict=True):
            if at_g:  # level 0: the products, fed by nothing levelled
                wg[at_g : at_g + into_g.shape[0]] += into_g @ wr
            at_g += into_g.shape[0]
            wr[at_r : at_r + into_r.shape[0]] = into_r @ wg
            at_r += into_r.shape[0]
        # on or behind a loop: what enters from the levelled goals, then round by round
        add_g = wg[d:] + fg.rest_deliver_from_levelled @ wr[:r]  # (a product's goal too)
        add_r = fg.rest_receive_from_levelled @ wg[:d]
        wg[d:] = 0.0
        rounds = 0
        while add_g.any() or np.any(add_r):
            wg[d:] += add_g
            add_r = add_r + fg.rest_receive_from_rest @ add_g
            wr[r:] += add_r
            add_g, add_r = fg.rest_deliver_from_rest @ add_r, 0.0
            rounds += 1
            if float(np.abs(add_g).max(initial=0.0)) < 1e-12:
                break
            if rounds >= max_rounds:
                truncated = True
                break
        iterations = max(iterations, len(fg.deliver_levels) + rounds)
    first = fg.needs[goals]
    return w_g[:, fg.deliver_at], w_r, first, iterations, truncated


class NeedLinks(NamedTuple):
    """Links of deliver goals (``need_goal``) needing receive goals (``need_receive``)."""

    need_goal: np.ndarray
    need_receive: np.ndarray


def use_links(ctx: Context) -> tuple[NeedLinks, NeedLinks]:
    """The goal graph's needs but for a pass-through: deliver goal (c, i) needing
    receive goal (c, i) (a distributor, or a second source, passes on what it
    buys); and the pass-throughs. The focal company's products stay: their need
    is the product's own."""
    gg, m = ctx.goals, ctx.model
    dc, rc = gg.deliver_codes, gg.receive_codes
    link = gg.links()
    g, r = link.need_goal, link.need_receive
    # the deliver goals' company and item codes as codes of the receive goals' ids
    company = arrays.find(rc.companies, dc.companies)[dc.company[g]]
    item = arrays.find(rc.items, dc.items)[dc.item[g]]
    through = (company == rc.company[r]) & (item == rc.item[r])
    focal = dc.code_of(m.focal)
    product = np.zeros(len(dc.items), dtype=bool)
    at = arrays.find(dc.items, np.array(sorted(m.products), dtype=object))
    product[at[at >= 0]] = True
    through &= ~((dc.company[g] == focal) & product[dc.item[g]])
    return NeedLinks(g[~through], r[~through]), NeedLinks(g[through], r[through])


def touched_before(
    ctx: Context, country: np.ndarray, passed: NeedLinks, max_rounds: int = 64
) -> np.ndarray:
    """For each supply row, the fraction of what it ships that already left the row's
    country further up its pass-through chain (0 unless its supplier passes on what
    it buys, e.g. a distributor buying from a maker in the same country).

    ``country``: each row's country code; ``passed``: the pass-through links
    (deliver goal (s, j) needing receive goal (s, j)). With ``P(t, cc)`` the
    fraction of what receive goal ``t`` gets that left ``cc`` somewhere up its
    chain, ``P(t, cc) = sum over rows k into t of share_k * (1 if k ships from
    cc, else P(up_k, cc))``, ``up_k`` the receive goal of row ``k``'s supplier
    where it passes the item on; solved by rounds from 0 over the (t, cc) pairs
    that are read (at most ``max_rounds``: chains are a few distributors long).
    """
    gg, m = ctx.goals, ctx.model
    n = len(m.supplies)
    out = np.zeros(n)
    if len(passed.need_goal) == 0 or n == 0:
        return out
    up_of_goal = np.full(len(gg.deliver), -1, dtype=np.int64)
    up_of_goal[passed.need_goal] = passed.need_receive
    up = up_of_goal[gg.row_goal]  # each row's supplier's receive goal of the item, or -1
    keys = m.inbound_keys
    share = np.asarray(m.shares, dtype=float)
    n_c = int(country.max(initial=0)) + 1
    # the (t, cc) pairs read: from each row with an up, then up their chains
    asked = arrays.unique(up[up >= 0] * n_c + country[up >= 0])
    pairs = asked
    while len(asked):
        t, cc = asked // n_c, asked % n_c
        counts = np.diff(keys.bounds)[t]
        rows = keys.rows[arrays.ranges(keys.bounds[t], counts)]
        cc = np.repeat(cc, counts)
        more = (up[rows] >= 0) & (country[rows] != cc)
        found = arrays.unique(up[rows[more]] * n_c + cc[more])
        asked = found[arrays.find(pairs, found) < 0]
        pairs = arrays.unique(np.r_[pairs, asked])
    # the terms of each pair: its receive goal's rows
    t, cc = pairs // n_c, pairs % n_c
    counts = np.diff(keys.bounds)[t]
    rows = keys.rows[arrays.ranges(keys.bounds[t], counts)]
    term_pair = np.repeat(np.arange(len(pairs), dtype=np.int64), counts)
    cc = np.repeat(cc, counts)
    direct = country[rows] == cc
    lookup = np.where((up[rows] >= 0) & ~direct, arrays.find(pairs, up[rows] * n_c + cc), -1)
    value: np.ndarray = np.zeros(len(pairs))
    for _ in range(max_rounds):
        read = np.where(lookup >= 0, value[np.maximum(lookup, 0)], 0.0)
        new: np.ndarray = np.bincount(
            term_pair, weights=share[rows] * np.where(direct, 1.0, read), minlength=len(pairs)
        )
        settled = float(np.abs(new - value).max(initial=0.0)) < 1e-12
        value = new
        if settled:
            break
    has = up >= 0
    out[has] = value[arrays.find(pairs, up[has] * n_c + country[has])]
    return np.minimum(out, 1.0)


def each(matrix: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """``rows @ matrix.T``, one sparse product per row (each row read as one vector)."""
    out = np.empty((len(rows), matrix.shape[0]))
    for k, row in enumerate(rows):
        out[k] = matrix @ row
    return out
