"""The synthetic generator's items, bill of materials and supply rows.

Level by level from the focal company down (:func:`_supply_chain`): the items of
a level, their BOM parents, the producers that make each, the supply rows of
every (buyer, item) with its sources and shares, and the distributors' rows;
then the customers' rows (:func:`_customers`). See "Items and bill of
materials", "Supply" and "Distributors" in :mod:`~tierscope.loaders.generator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tierscope.loaders.generator_base import (
    _AVG_SOURCES,
    _CUSTOMER,
    _DEPTH,
    _DISTRIBUTOR,
    _MAKERS_PER_ITEM,
    _PRODUCER,
    _ROWS_PER_COMPANY,
    _SECOND_ITEM,
    _SHARE_UNITS,
    _SOURCES,
    _SOURCES_P,
    Bools,
    Floats,
    Ints,
    _choice,
    _pareto,
    _ranks,
    _starts,
)

if TYPE_CHECKING:
    from tierscope.loaders.generator_world import _World

__all__: list[str] = []


class _Makers:
    """Who makes each item of one level, sorted by item, for weighted sampling."""

    def __init__(
        self, item: Ints, comp: Ints, weight: Floats, n_items: int, rng: np.random.Generator
    ) -> None:
        order = np.lexsort((rng.random(len(item)), item))
        self.item, self.comp, self.weight = item[order], comp[order], weight[order]
        self.count = np.bincount(self.item, minlength=n_items).astype(np.int64)
        self.start = _starts(self.count)
        cum = np.concatenate(([0.0], np.cumsum(self.weight)))
        self.base = cum[self.start]
        self.total = cum[self.start + self.count] - self.base
        self.cum = cum[1:]

    def sample(self, items: Ints, rng: np.random.Generator) -> Ints:
        """For each entry of ``items``, a maker index drawn in proportion to weight."""
        u = self.base[items] + rng.random(len(items)) * self.total[items]
        idx = np.searchsorted(self.cum, u, side="right")
        out: Ints = np.clip(idx, self.start[items], self.start[items] + self.count[items] - 1)
        return out


def _source(
    rng: np.random.Generator, slot_item: Ints, slot_k: Ints, makers: _Makers, coverage: bool
) -> tuple[Ints, Ints]:
    """Choose suppliers for every (buyer, item) slot; returns (slot, maker index) per pick.

    With ``coverage`` every maker is chosen at least once (added as one more source
    of a random slot when its item has too few picks). Repeated picks of one maker
    for one slot are redrawn a few times, then dropped.
    """
    n_items = len(makers.count)
    k = np.minimum(slot_k, makers.count[slot_item])
    p_slot = np.repeat(np.arange(len(slot_item), dtype=np.int64), k)
    p_item = slot_item[p_slot]
    pick = np.zeros(len(p_slot), dtype=np.int64)
    cov = np.zeros(len(p_slot), dtype=bool)
    if coverage:
        rank, picks = _ranks(p_item, n_items, rng)
        cov = rank < makers.count[p_item]
        pick[cov] = makers.start[p_item[cov]] + rank[cov]
        m_rank = np.arange(len(makers.item)) - makers.start[makers.item]
        unc = np.flatnonzero(m_rank >= picks[makers.item])
        if len(unc):
            s_order = np.argsort(slot_item, kind="stable")
            s_count = np.bincount(slot_item, minlength=n_items)
            u_item = makers.item[unc]
            off = (rng.random(len(unc)) * s_count[u_item]).astype(np.int64)
            p_slot = np.concatenate((p_slot, s_order[_starts(s_count)[u_item] + off]))
            p_item = np.concatenate((p_item, u_item))
            pick = np.concatenate((pick, unc))
            cov = np.concatenate((cov, np.ones(len(unc), dtype=bool)))
    rest = ~cov
    pick[rest] = makers.sample(p_item[rest], rng)
    n_makers = len(makers.item)
    for attempt in range(5):
        key = p_slot * n_makers + pick
        order = np.lexsort((~cov, key))
        dup = np.zeros(len(key), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not dup.any():
            break
        if attempt == 4:
            p_slot, pick = p_slot[~dup], pick[~dup]
            break
        pick[dup] = makers.sample(p_item[dup], rng)
    return p_slot, pick


def _shares(rng: np.random.Generator, p_slot: Ints, weight: Floats) -> Ints:
    """Thousandths per pick (at least 10 each), summing to exactly 1000 per slot."""
    n_slots = int(p_slot.max()) + 1 if len(p_slot) else 0
    k = np.bincount(p_slot, minlength=n_slots)[p_slot]
    floor_u = np.minimum(10, _SHARE_UNITS // k)
    g = rng.gamma(2.0, size=len(p_slot)) * weight**0.3
    g_sum = np.bincount(p_slot, weights=g, minlength=n_slots)[p_slot]
    units = floor_u + np.floor((_SHARE_UNITS - floor_u * k) * g / g_sum).astype(np.int64)
    left = _SHARE_UNITS - np.bincount(p_slot, weights=units, minlength=n_slots).astype(np.int64)
    first = np.unique(p_slot, return_index=True)[1]
    units[first] += left[p_slot[first]]
    out: Ints = units.astype(np.int64)
    return out


def _bom(
    rng: np.random.Generator, parents: int, children: int, edges: int, popularity: Floats
) -> tuple[Ints, Ints]:
    """Unique (parent, child) pairs: every child has a parent and every parent a child."""
    extra = max(0, edges - parents - children)
    p = np.concatenate(
        (rng.integers(0, parents, children), np.arange(parents), rng.integers(0, parents, extra))
    )
    c = np.concatenate((np.arange(children), _choice(rng, popularity, parents + extra)))
    key = np.unique(p.astype(np.int64) * children + c)
    return key // children, key % children


@dataclass
class _Supply:
    supplier: Ints
    buyer: Ints
    item: Ints  # global item index
    units: Ints
    level: Ints  # level of the item (0 = products sold to customers)
    sole: Bools


def _of(w: _World, kind: int, level: int) -> Ints:
    """The companies of ``kind`` at intended ``level``."""
    out: Ints = np.flatnonzero((w.kind == kind) & (w.level == level))
    return out


def _supply_chain(w: _World) -> None:
    """Items, bill of materials and supply rows of every level, from the focal company down."""
    n = w.n
    producers = [_of(w, _PRODUCER, lvl) for lvl in range(1, _DEPTH + 1)]
    dists = [_of(w, _DISTRIBUTOR, lvl) for lvl in range(1, _DEPTH + 1)]
    seconds = [int(w.rng.binomial(len(p), _SECOND_ITEM)) for p in producers]
    # "memberships" (company makes item) per level; picks per membership tuned to the target
    members = [
        len(p) + s + round(len(d) * (1 + _SECOND_ITEM))
        for p, s, d in zip(producers, seconds, dists, strict=True)
    ]
    distributed = sum(len(d) for d in dists) * (1 + _SECOND_ITEM) * _AVG_SOURCES
    fixed = members[0] + distributed + 2.0 * (w.kind == _CUSTOMER).sum()
    rho = 1.05 * max(1.0, (_ROWS_PER_COMPANY * n - fixed) / max(1, sum(members[1:])))

    n_products = int(np.clip(round(3 + n**0.27), 5, 50))
    w.item_level = [np.zeros(n_products, dtype=np.int64)]
    w.item_offset = [0]
    w.bom_parent = []
    w.bom_child = []
    w.rows = []
    buyers: _Makers | None = None
    for lvl in range(1, _DEPTH + 1):
        w.progress(f"supply chain level {lvl}")
        buyers = _level(
            w,
            lvl,
            producers[lvl - 1],
            seconds[lvl - 1],
            dists[lvl - 1],
            buyers,
            rho * members[lvl - 1],
        )
    w.n_items = w.item_offset[-1] + len(w.item_level[-1])
    level = np.concatenate(w.item_level)
    w.item_cat = np.where(
        level == 0,
        7,
        np.where(
            level == _DEPTH,
            w.rng.integers(0, 4, w.n_items),
            w.rng.integers(4, 7, w.n_items),
        ),
    ).astype(np.int64)
    made = (w.first_item >= 0) & (w.kind != _CUSTOMER)
    w.category[made] = w.item_cat[w.first_item[made]]


def _mix(w: _World, size: int) -> Ints:
    """Number of sources wanted per (buyer, item): the sole / dual / multi mix."""
    out: Ints = w.rng.choice(_SOURCES, size=size, p=_SOURCES_P).astype(np.int64)
    return out


def _level(
    w: _World, lvl: int, comps: Ints, n2: int, dists: Ints, buyers: _Makers | None, picks: float
) -> _Makers:
    """Items of one level, their BOM parents, makers and supply rows; returns the producers.

    ``buyers`` are the producers of the level above (``None`` for level 1, bought by
    the focal company); ``picks`` is the number of supply rows aimed at.
    """
    rng = w.rng
    n_prev, prev_offset = len(w.item_level[-1]), w.item_offset[-1]
    offset = prev_offset + n_prev
    if buyers is None:  # one slot per item: its makers are exactly its sources
        ks = _mix(w, len(comps) + n2)
        n_items = int(np.searchsorted(np.cumsum(ks), len(ks)) + 1)
        m = ks[:n_items].copy()
        m[-1] = len(ks) - m[:-1].sum()
        pop = np.ones(n_items)
        edges = int(n_items * 1.3)
    else:
        n_items = int(np.clip(round((len(comps) + n2) / _MAKERS_PER_ITEM[lvl]), 1, len(comps)))
        pop = np.minimum(_pareto(rng, n_items, 1.2), 50.0)
        per_parent = picks / _AVG_SOURCES / max(1, len(buyers.item))
        edges = int(n_prev * min(n_items, per_parent))
    if n_items == 1:
        n2 = 0
    bp, bc = _bom(rng, n_prev, n_items, edges, pop)
    w.bom_parent.append(bp + prev_offset)
    w.bom_child.append(bc + offset)
    w.item_offset.append(offset)
    w.item_level.append(np.full(n_items, lvl, dtype=np.int64))
    if buyers is None:
        slot_buyer = np.zeros(n_items, dtype=np.int64)
        slot_item = np.arange(n_items, dtype=np.int64)
    else:  # a buyer needs every BOM child of every item it makes
        pairs = pd.DataFrame({"buyer": buyers.comp, "item": buyers.item})
        pairs = pairs.merge(pd.DataFrame({"item": bp, "child": bc}), on="item")
        key = np.unique(pairs["buyer"].to_numpy() * n_items + pairs["child"].to_numpy())
        slot_buyer, slot_item = key // n_items, key % n_items
        slot_k = _mix(w, len(key))
        demand = np.bincount(slot_item, weights=slot_k, minlength=n_items)
        m = _allot(w.rng, len(comps) + n2, demand.astype(np.float64))
    mk_comp, mk_item = _assign(w, comps, n2, m)
    w.first_item[comps] = mk_item[: len(comps)] + offset
    # distributors join the makers of items in proportion to the demand for them
    demand_w = np.bincount(slot_item, minlength=n_items).astype(np.float64)
    d_item = _choice(rng, demand_w, len(dists))
    two = (rng.random(len(dists)) < _SECOND_ITEM) & (n_items > 1)
    d2 = (d_item[two] + rng.integers(1, max(2, n_items), int(two.sum()))) % n_items
    dist_comp, dist_item = np.concatenate((dists, dists[two])), np.concatenate((d_item, d2))
    w.first_item[dists] = d_item + offset
    all_comp = np.concatenate((mk_comp, dist_comp))
    all_item = np.concatenate((mk_item, dist_item))
    makers = _Makers(all_item, all_comp, w.size[all_comp], n_items, rng)
    if buyers is None:
        p_slot, pick = makers.item.copy(), np.arange(len(makers.item), dtype=np.int64)
    else:
        p_slot, pick = _source(rng, slot_item, slot_k, makers, coverage=True)
    w.rows.append(_rows(w, p_slot, pick, slot_buyer, slot_item, makers, offset, lvl))
    producers = _Makers(mk_item, mk_comp, w.size[mk_comp], n_items, rng)
    if len(dist_comp):  # distributors buy what they resell from producers of it
        d_slot, d_pick = _source(rng, dist_item, _mix(w, len(dist_comp)), producers, coverage=False)
        w.rows.append(_rows(w, d_slot, d_pick, dist_comp, dist_item, producers, offset, lvl))
    return producers


def _allot(rng: np.random.Generator, total: int, demand: Floats) -> Ints:
    """Makers per item: one each, the rest sublinearly in demand, at most the demand."""
    cap = np.maximum(1, np.floor(demand)).astype(np.int64)
    m = np.ones(len(demand), dtype=np.int64)
    left = total - len(demand)
    w = demand**0.75
    for _ in range(6):
        room = cap - m
        if left <= 0 or room.sum() <= 0:
            break
        wr = np.where(room > 0, w, 0.0)
        add = np.minimum(rng.multinomial(left, wr / wr.sum()), room)
        m += add
        left -= int(add.sum())
    if left > 0:  # more makers than picks: put the rest where demand is
        m += rng.multinomial(left, w / w.sum())
    return m


def _assign(w: _World, comps: Ints, n2: int, m: Ints) -> tuple[Ints, Ints]:
    """Companies to items: every company one item, ``n2`` of them a second, distinct one."""
    rng = w.rng
    slots = np.repeat(np.arange(len(m), dtype=np.int64), m)
    rng.shuffle(slots)
    first, second = slots[: len(comps)], slots[len(comps) :]
    pos = rng.choice(len(comps), size=len(second), replace=False)
    ok = second != first[pos]
    return (np.concatenate((comps, comps[pos[ok]])), np.concatenate((first, second[ok])))


def _rows(
    w: _World,
    p_slot: Ints,
    pick: Ints,
    slot_buyer: Ints,
    slot_item: Ints,
    makers: _Makers,
    offset: int,
    lvl: int,
) -> _Supply:
    supplier = makers.comp[pick]
    units = _shares(w.rng, p_slot, w.size[supplier])
    k = np.bincount(p_slot, minlength=len(slot_item))[p_slot]
    return _Supply(
        supplier,
        slot_buyer[p_slot],
        slot_item[p_slot] + offset,
        units,
        np.full(len(p_slot), lvl, dtype=np.int64),
        k == 1,
    )


def _customers(w: _World) -> None:
    """Each customer buys 1-3 consecutive products from the focal company (share 1)."""
    rng = w.rng
    cust = np.flatnonzero(w.kind == _CUSTOMER)
    n_products = len(w.item_level[0])
    many = rng.integers(1, 4, len(cust))
    buyer = np.repeat(cust, many)
    start = rng.integers(0, n_products, len(cust))
    item = np.repeat(start, many) + np.arange(len(buyer)) - np.repeat(_starts(many), many)
    item %= n_products
    w.rows.append(
        _Supply(
            np.zeros(len(buyer), dtype=np.int64),
            buyer,
            item,
            np.full(len(buyer), _SHARE_UNITS),
            np.zeros(len(buyer), dtype=np.int64),
            np.ones(len(buyer), dtype=bool),
        )
    )
    w.first_item[cust] = item[_starts(many)]
