"""Generate a synthetic, realistic, valid bundle: ``tierscope generate --companies N --seed S OUT``.

The generator writes the nine CSV files of a bundle (exact columns of
:mod:`tierscope.graph.schema`) for any number of companies from 10 to
1,000,000. Everything is drawn from one ``numpy`` generator seeded with
``seed``, and every table is built with vectorised numpy/pandas operations
(no per-company Python loop), so the same ``(companies, seed)`` gives
byte-identical files, and 1,000,000 companies (about 5 million supply rows)
take about half a minute and under 3 GB of memory.

The model
---------
Companies
    Exactly one focal company (``C000000``). About ``N**0.3`` customers (2-40),
    0.8 % service providers, 1.5 % distributors; the rest are producers at
    intended levels 1-4 (``declared_tier``). Level 1 has about ``N**0.6``
    companies, distributors included (16 at N=100, 1,000 at 100k, 3,981 at
    1M); the remainder is split 22 / 33 / 45 % over levels 2-4, so deeper
    levels are larger. Company ids are shuffled and reveal nothing of this.
Items and bill of materials
    The focal company makes ``3 + N**0.27`` products (5-50, with
    ``revenue_per_day`` and ``inventory_days``). Level-``L`` producers make
    items of level ``L`` (components at levels 1-3, materials at level 4);
    each makes one item, 15 % a second one. ``bom.csv`` links every item of
    level ``L`` to items of level ``L+1`` only, so it is acyclic; every item
    has a parent and every non-material item has children. Child popularity is
    Pareto-distributed (some materials go into many components).
Supply
    A buyer buys every BOM input of each item it makes (the focal company buys
    the inputs of its products). Each (buyer, item) is sole-, dual- or
    multi-sourced with probabilities 45 / 35 / 20 % (3-5 sources), bounded by
    how many companies make the item. Level-1 items have exactly as many makers
    as the focal company has sources for them. Deeper, makers are allotted to
    items sublinearly in demand and chosen by preferential attachment on a
    Pareto "size" of each company, so fan-in is heavy-tailed; every maker is
    chosen at least once, which makes every producer reach the focal company
    through a supply chain. Shares are whole thousandths (at least 1 %) that
    sum to exactly 1 per (buyer, item); bigger suppliers get larger shares.
    BOM fan-out per level is tuned for about five supply rows per company.
Distributors, customers, services, groups
    A distributor joins the makers of one or two items at levels 1-3
    (15 / 45 / 40 %) and buys
    each from 1-5 producers of that item. Customers buy 1-3 products from the
    focal company (share 1). Service providers (logistics, software, energy,
    finance) serve the focal company, producers and each other through
    ``dependencies.csv`` (20-40 % critical; a few providers serve very many).
    About 0.4 % of producers (at least a few) are parent groups; 6 % of
    producers are their subsidiaries (``parent_id``), named after the group.
Geography
    44 countries with a skewed weight; each material has a dominant country
    (60 % of its makers are there), each component a favoured one (30 %).
    Companies have 0-3 sites (``S<company number>-<k>``, never a company id),
    with lat/lon around the country and ``recovery_days``; 70 % of supply rows
    of a supplier with sites ship from one of its sites.
Relationship data
    Level-1 and level-2 partners get a Kraljic segment from their spend (above
    the level median) and supply risk (sole source in at least half of its
    rows, or the only maker of its item), and ``annual_spend``. 85 % of strategic tier-1
    partners have a sponsor (executives of the focal company, a few carrying
    many); tier-1 partners and 30 % of tier-2 ones have 0-3 contacts (one
    primary). Strategic tier-1 partners have 2 KPIs over 4 quarters.
Names
    Readable generated names ("Kaito Chemicals Ltd"); about 1 % are in Chinese,
    Japanese, Arabic or Cyrillic script and a few carry an emoji (at least one
    of each in every bundle).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tierscope.graph.schema import TABLES
from tierscope.loaders import generator_vocabulary as vocab

__all__ = ["MAX_COMPANIES", "MIN_COMPANIES", "GeneratedBundle", "generate"]

MIN_COMPANIES = 10
MAX_COMPANIES = 1_000_000

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.str_]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class GeneratedBundle:
    """A bundle written by :func:`generate`: its folder and the rows of each file."""

    path: Path
    counts: dict[str, int]


# -- parameters of the model ---------------------------------------------------------
_DEPTH = 4
_SOURCES = np.array([1, 2, 3, 4, 5])
_SOURCES_P = np.array([0.45, 0.35, 0.12, 0.05, 0.03])
_AVG_SOURCES = float(_SOURCES @ _SOURCES_P)
_SECOND_ITEM = 0.15
_MAKERS_PER_ITEM = (0.0, 0.0, 3.0, 6.0, 12.0)  # by level; level 1 follows the sourcing mix
_DEEP_SPLIT = (0.22, 0.33, 0.45)  # levels 2, 3, 4
_DIST_LEVELS = (0.15, 0.45, 0.4)  # distributors at levels 1, 2, 3
_ROWS_PER_COMPANY = 5.0
_SIZE_ALPHA = 1.5  # Pareto tail of company size (preferential attachment)
_SITE_SHARE = 0.7
_SHARE_UNITS = 1000
_SPEND_BY_LEVEL = (2e6, 1.5e6, 3e5, 8e4, 2.5e4)
_PERIODS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
_CHUNK = 1_000_000


# company kinds (internal codes)
_FOCAL, _PRODUCER, _DISTRIBUTOR, _CUSTOMER, _PROVIDER = range(5)
_KIND_NAMES = np.array(["focal", "supplier", "distributor", "customer", "service_provider"])


def _ascii(s: str) -> str:
    text = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


# -- small vectorised helpers ----------------------------------------------------------
def _codes(prefix: str, nums: Ints, width: int, suffix: Ints | None = None) -> Strs:
    """``prefix`` + ``nums`` zero-padded to ``width`` (+ ``-suffix``, one digit), vectorised."""
    n = len(nums)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    cols = [np.tile(np.frombuffer(prefix.encode(), dtype=np.uint8), (n, 1))]
    cols.append(((nums[:, None] // powers) % 10 + 48).astype(np.uint8))
    if suffix is not None:
        cols.append(np.full((n, 1), ord("-"), dtype=np.uint8))
        cols.append((suffix[:, None] % 10 + 48).astype(np.uint8))
    buf = np.ascontiguousarray(np.concatenate(cols, axis=1))
    out: Strs = buf.view(f"S{buf.shape[1]}").ravel().astype(str)
    return out


def _pick(options: Sequence[str], idx: Ints) -> Strs:
    out: Strs = np.asarray(options, dtype=str)[idx % len(options)]
    return out


def _cat(*parts: Strs | str) -> Strs:
    out: Any = parts[0]
    for p in parts[1:]:
        out = np.char.add(out, p)
    return np.asarray(out, dtype=str)


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), every part at least 1 when possible."""
    w = np.asarray(weights, dtype=float) / sum(weights)
    raw = w * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts))[: total - parts.sum()]:
        parts[i] += 1
    while total >= len(parts) and parts.min() == 0:
        parts[parts.argmax()] -= 1
        parts[parts.argmin()] += 1
    return [int(p) for p in parts]


def _starts(counts: Ints) -> Ints:
    out: Ints = np.cumsum(counts) - counts
    return out


def _ranks(groups: Ints, n_groups: int, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """A random rank of each element within its group, and the group sizes."""
    order = np.lexsort((rng.random(len(groups)), groups))
    counts = np.bincount(groups, minlength=n_groups).astype(np.int64)
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - _starts(counts)[groups[order]]
    return rank, counts


def _pareto(rng: np.random.Generator, n: int, alpha: float) -> Floats:
    out: Floats = rng.pareto(alpha, n) + 1.0
    return out


def _choice(rng: np.random.Generator, weights: Floats, size: int) -> Ints:
    out: Ints = rng.choice(len(weights), size=size, p=weights / weights.sum()).astype(np.int64)
    return out


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


# -- the world ------------------------------------------------------------------------
@dataclass
class _Supply:
    supplier: Ints
    buyer: Ints
    item: Ints  # global item index
    units: Ints
    level: Ints  # level of the item (0 = products sold to customers)
    sole: Bools


class _World:
    """Everything drawn, as arrays indexed by internal company / item number."""

    def __init__(self, n: int, seed: int, progress: Progress) -> None:
        self.n = n
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
        self.progress = progress
        self.cw = np.array([c[6] for c in vocab.COUNTRIES], dtype=float)
        self._companies()
        self._supply_chain()
        self._customers()
        self._groups()
        self._sites()
        self._dependencies()
        self._segments()
        self._people()

    # companies -------------------------------------------------------------------
    def _companies(self) -> None:
        n, rng = self.n, self.rng
        n_cust = int(np.clip(round(n**0.3), 2, 40))
        n_prov = max(1, round(0.008 * n))
        n_dist = round(0.015 * n)
        n_prod = n - 1 - n_cust - n_prov - n_dist
        dist_sizes = _split(n_dist, _DIST_LEVELS) if n_dist >= 3 else [0, n_dist, 0]
        tier1 = int(np.clip(round(n**0.6) - dist_sizes[0], 1, max(1, n_prod // 4)))
        sizes = [1, tier1, *_split(n_prod - tier1, _DEEP_SPLIT), *dist_sizes, n_cust, n_prov]
        kinds = [_FOCAL] + [_PRODUCER] * _DEPTH + [_DISTRIBUTOR] * 3 + [_CUSTOMER, _PROVIDER]
        self.kind = np.repeat(np.array(kinds, dtype=np.int64), sizes)
        self.level = np.repeat(np.array([0, 1, 2, 3, 4, 1, 2, 3, -1, -1], dtype=np.int64), sizes)
        self.size = _pareto(rng, n, _SIZE_ALPHA)
        self.idnum = np.concatenate(([0], rng.permutation(np.arange(1, n)))).astype(np.int64)
        self.country = _choice(rng, self.cw, n)
        top = np.argsort(-self.cw)[:6]
        self.country[0] = top[rng.integers(1, 4)]
        self.category = np.where(self.kind == _CUSTOMER, 12, 13).astype(np.int64)
        self.service = rng.choice(len(vocab.SERVICES), size=n, p=vocab.SERVICES_P).astype(np.int64)
        prov = self.kind == _PROVIDER
        self.category[prov] = 8 + self.service[prov]
        self.parent = np.full(n, -1, dtype=np.int64)
        self.first_item = np.full(n, -1, dtype=np.int64)

    def _of(self, kind: int, level: int) -> Ints:
        out: Ints = np.flatnonzero((self.kind == kind) & (self.level == level))
        return out

    # items, bom and supply ------------------------------------------------------------
    def _supply_chain(self) -> None:
        n = self.n
        producers = [self._of(_PRODUCER, lvl) for lvl in range(1, _DEPTH + 1)]
        dists = [self._of(_DISTRIBUTOR, lvl) for lvl in range(1, _DEPTH + 1)]
        seconds = [int(self.rng.binomial(len(p), _SECOND_ITEM)) for p in producers]
        # "memberships" (company makes item) per level; picks per membership tuned to the target
        members = [
            len(p) + s + round(len(d) * (1 + _SECOND_ITEM))
            for p, s, d in zip(producers, seconds, dists, strict=True)
        ]
        distributed = sum(len(d) for d in dists) * (1 + _SECOND_ITEM) * _AVG_SOURCES
        fixed = members[0] + distributed + 2.0 * (self.kind == _CUSTOMER).sum()
        rho = 1.05 * max(1.0, (_ROWS_PER_COMPANY * n - fixed) / max(1, sum(members[1:])))

        n_products = int(np.clip(round(3 + n**0.27), 5, 50))
        self.item_level: list[Ints] = [np.zeros(n_products, dtype=np.int64)]
        self.item_offset = [0]
        self.bom_parent: list[Ints] = []
        self.bom_child: list[Ints] = []
        self.rows: list[_Supply] = []
        buyers: _Makers | None = None
        for lvl in range(1, _DEPTH + 1):
            self.progress(f"supply chain level {lvl}")
            buyers = self._level(
                lvl,
                producers[lvl - 1],
                seconds[lvl - 1],
                dists[lvl - 1],
                buyers,
                rho * members[lvl - 1],
            )
        self.n_items = self.item_offset[-1] + len(self.item_level[-1])
        level = np.concatenate(self.item_level)
        self.item_cat = np.where(
            level == 0,
            7,
            np.where(
                level == _DEPTH,
                self.rng.integers(0, 4, self.n_items),
                self.rng.integers(4, 7, self.n_items),
            ),
        ).astype(np.int64)
        made = (self.first_item >= 0) & (self.kind != _CUSTOMER)
        self.category[made] = self.item_cat[self.first_item[made]]

    def _mix(self, size: int) -> Ints:
        """Number of sources wanted per (buyer, item): the sole / dual / multi mix."""
        out: Ints = self.rng.choice(_SOURCES, size=size, p=_SOURCES_P).astype(np.int64)
        return out

    def _level(
        self, lvl: int, comps: Ints, n2: int, dists: Ints, buyers: _Makers | None, picks: float
    ) -> _Makers:
        """Items of one level, their BOM parents, makers and supply rows; returns the producers.

        ``buyers`` are the producers of the level above (``None`` for level 1, bought by
        the focal company); ``picks`` is the number of supply rows aimed at.
        """
        rng = self.rng
        n_prev, prev_offset = len(self.item_level[-1]), self.item_offset[-1]
        offset = prev_offset + n_prev
        if buyers is None:  # one slot per item: its makers are exactly its sources
            ks = self._mix(len(comps) + n2)
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
        self.bom_parent.append(bp + prev_offset)
        self.bom_child.append(bc + offset)
        self.item_offset.append(offset)
        self.item_level.append(np.full(n_items, lvl, dtype=np.int64))
        if buyers is None:
            slot_buyer = np.zeros(n_items, dtype=np.int64)
            slot_item = np.arange(n_items, dtype=np.int64)
        else:  # a buyer needs every BOM child of every item it makes
            pairs = pd.DataFrame({"buyer": buyers.comp, "item": buyers.item})
            pairs = pairs.merge(pd.DataFrame({"item": bp, "child": bc}), on="item")
            key = np.unique(pairs["buyer"].to_numpy() * n_items + pairs["child"].to_numpy())
            slot_buyer, slot_item = key // n_items, key % n_items
            slot_k = self._mix(len(key))
            demand = np.bincount(slot_item, weights=slot_k, minlength=n_items)
            m = self._allot(len(comps) + n2, demand.astype(np.float64))
        mk_comp, mk_item = self._assign(comps, n2, m)
        self.first_item[comps] = mk_item[: len(comps)] + offset
        # distributors join the makers of items in proportion to the demand for them
        demand_w = np.bincount(slot_item, minlength=n_items).astype(np.float64)
        d_item = _choice(rng, demand_w, len(dists))
        two = (rng.random(len(dists)) < _SECOND_ITEM) & (n_items > 1)
        d2 = (d_item[two] + rng.integers(1, max(2, n_items), int(two.sum()))) % n_items
        dist_comp, dist_item = np.concatenate((dists, dists[two])), np.concatenate((d_item, d2))
        self.first_item[dists] = d_item + offset
        all_comp = np.concatenate((mk_comp, dist_comp))
        all_item = np.concatenate((mk_item, dist_item))
        makers = _Makers(all_item, all_comp, self.size[all_comp], n_items, rng)
        if buyers is None:
            p_slot, pick = makers.item.copy(), np.arange(len(makers.item), dtype=np.int64)
        else:
            p_slot, pick = _source(rng, slot_item, slot_k, makers, coverage=True)
        self.rows.append(self._rows(p_slot, pick, slot_buyer, slot_item, makers, offset, lvl))
        producers = _Makers(mk_item, mk_comp, self.size[mk_comp], n_items, rng)
        if len(dist_comp):  # distributors buy what they resell from producers of it
            d_slot, d_pick = _source(
                rng, dist_item, self._mix(len(dist_comp)), producers, coverage=False
            )
            self.rows.append(
                self._rows(d_slot, d_pick, dist_comp, dist_item, producers, offset, lvl)
            )
        return producers

    def _allot(self, total: int, demand: Floats) -> Ints:
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
            add = np.minimum(self.rng.multinomial(left, wr / wr.sum()), room)
            m += add
            left -= int(add.sum())
        if left > 0:  # more makers than picks: put the rest where demand is
            m += self.rng.multinomial(left, w / w.sum())
        return m

    def _assign(self, comps: Ints, n2: int, m: Ints) -> tuple[Ints, Ints]:
        """Companies to items: every company one item, ``n2`` of them a second, distinct one."""
        rng = self.rng
        slots = np.repeat(np.arange(len(m), dtype=np.int64), m)
        rng.shuffle(slots)
        first, second = slots[: len(comps)], slots[len(comps) :]
        pos = rng.choice(len(comps), size=len(second), replace=False)
        ok = second != first[pos]
        return (np.concatenate((comps, comps[pos[ok]])), np.concatenate((first, second[ok])))

    def _rows(
        self,
        p_slot: Ints,
        pick: Ints,
        slot_buyer: Ints,
        slot_item: Ints,
        makers: _Makers,
        offset: int,
        lvl: int,
    ) -> _Supply:
        supplier = makers.comp[pick]
        units = _shares(self.rng, p_slot, self.size[supplier])
        k = np.bincount(p_slot, minlength=len(slot_item))[p_slot]
        return _Supply(
            supplier,
            slot_buyer[p_slot],
            slot_item[p_slot] + offset,
            units,
            np.full(len(p_slot), lvl, dtype=np.int64),
            k == 1,
        )

    def _customers(self) -> None:
        rng = self.rng
        cust = np.flatnonzero(self.kind == _CUSTOMER)
        n_products = len(self.item_level[0])
        many = rng.integers(1, 4, len(cust))
        buyer = np.repeat(cust, many)
        start = rng.integers(0, n_products, len(cust))
        item = np.repeat(start, many) + np.arange(len(buyer)) - np.repeat(_starts(many), many)
        item %= n_products
        self.rows.append(
            _Supply(
                np.zeros(len(buyer), dtype=np.int64),
                buyer,
                item,
                np.full(len(buyer), _SHARE_UNITS),
                np.zeros(len(buyer), dtype=np.int64),
                np.ones(len(buyer), dtype=bool),
            )
        )
        self.first_item[cust] = item[_starts(many)]

    def _groups(self) -> None:
        rng = self.rng
        prod = np.flatnonzero((self.kind == _PRODUCER) & (self.level <= 3))
        n_groups = max(1, round(0.004 * self.n), min(5, self.n // 40))
        groups = prod[_choice(rng, self.size[prod], n_groups * 3)]
        groups = np.unique(groups)[:n_groups]
        others = np.setdiff1d(np.flatnonzero(self.kind == _PRODUCER), groups)
        n_subs = min(len(others), max(1, round(0.06 * len(others))))
        subs = rng.choice(others, size=n_subs, replace=False)
        self.parent[subs] = groups[_choice(rng, _pareto(rng, len(groups), 1.2), n_subs)]

    # geography ----------------------------------------------------------------------
    def _sites(self) -> None:
        rng, n = self.rng, self.n
        item_level = np.concatenate(self.item_level)
        mat_w = np.array([c[7] for c in vocab.COUNTRIES], dtype=float)
        comp_w = np.array([c[8] for c in vocab.COUNTRIES], dtype=float)
        home = np.where(
            item_level == _DEPTH,
            _choice(rng, mat_w, self.n_items),
            _choice(rng, comp_w, self.n_items),
        )
        made = self.first_item >= 0
        at_home = made & (rng.random(n) < np.where(item_level[self.first_item] == _DEPTH, 0.6, 0.3))
        at_home &= (self.kind == _PRODUCER) & (self.level >= 2)
        self.country[at_home] = home[self.first_item[at_home]]
        subs = self.parent >= 0
        keep = subs & (rng.random(n) < 0.5)  # half the subsidiaries sit in the group's country
        self.country[keep] = self.country[self.parent[keep]]
        n_sites = rng.choice(4, size=n, p=[0.2, 0.45, 0.23, 0.12]).astype(np.int64)
        n_sites[self.kind == _CUSTOMER] = np.minimum(n_sites[self.kind == _CUSTOMER], 1)
        n_sites[0] = 4 + rng.integers(0, 3)
        self.n_sites = n_sites
        owner = np.repeat(np.arange(n, dtype=np.int64), n_sites)
        k = np.arange(len(owner)) - np.repeat(_starts(n_sites), n_sites) + 1
        same = rng.random(len(owner)) < np.where(k == 1, 0.8, 0.5)
        s_country = np.where(same, self.country[owner], _choice(rng, self.cw, len(owner)))
        self.site_owner, self.site_k, self.site_country = owner, k, s_country

    # services -----------------------------------------------------------------------
    def _dependencies(self) -> None:
        rng, n = self.rng, self.n
        prov = np.flatnonzero(self.kind == _PROVIDER)
        n_focal = min(len(prov), int(np.clip(round(2 * n**0.25), 1, 60)))
        prov = rng.permutation(prov)
        partners = np.flatnonzero((self.kind == _PRODUCER) | (self.kind == _DISTRIBUTOR))
        lvl = self.level[partners]
        cover = partners[_choice(rng, self.size[partners] / lvl, len(prov) - n_focal)]
        reach = np.where(lvl <= 2, 0.2, 0.05)
        extra = partners[rng.random(len(partners)) < reach]
        big = _pareto(rng, len(prov), 1.0)
        sp_sp = prov[rng.random(len(prov)) < 0.1]
        dep = np.concatenate((np.zeros(n_focal, dtype=np.int64), cover, extra, sp_sp))
        pro = np.concatenate(
            (
                prov[:n_focal],
                prov[n_focal:],
                prov[_choice(rng, big, len(extra))],
                prov[_choice(rng, big, len(sp_sp))],
            )
        )
        crit = rng.random(len(dep)) < np.where(dep == 0, 0.4, 0.2)
        keep = dep != pro
        key, first = np.unique(dep[keep] * n + pro[keep], return_index=True)
        self.dep_dependent, self.dep_provider = key // n, key % n
        self.dep_critical = crit[keep][first]
        self.focal_providers = prov[:n_focal]

    # relationship data ----------------------------------------------------------------
    def _segments(self) -> None:
        rng, n = self.rng, self.n
        sup = np.concatenate([r.supplier for r in self.rows])
        spend = self._row_spend()
        self.spend = spend
        total = np.bincount(sup, weights=spend, minlength=n)
        sole = np.bincount(
            sup, weights=np.concatenate([r.sole for r in self.rows]), minlength=n
        ) / np.maximum(1, np.bincount(sup, minlength=n))
        made = self.first_item >= 0
        makers = np.bincount(self.first_item[made], minlength=self.n_items)
        few = np.zeros(n, dtype=bool)
        few[made] = makers[self.first_item[made]] <= 1
        risky = (sole >= 0.5) | few
        seg = np.full(n, -1, dtype=np.int64)
        partner = ((self.kind == _PRODUCER) | (self.kind == _DISTRIBUTOR)) & (self.level >= 1)
        partner &= self.level <= 2
        for lvl in (1, 2):
            at = partner & (self.level == lvl)
            if not at.any():
                continue
            high = total >= np.median(total[at])
            seg[at] = np.where(high[at], np.where(risky[at], 0, 1), np.where(risky[at], 2, 3))
        company_spend = np.where(partner, np.round(total, -2), np.nan)
        fp = self.focal_providers
        crit_focal = np.zeros(n, dtype=bool)
        crit_focal[self.dep_provider[(self.dep_dependent == 0) & self.dep_critical]] = True
        seg[fp] = np.where(crit_focal[fp], 0, rng.choice([1, 2, 3], size=len(fp)))
        company_spend[fp] = np.round(rng.lognormal(np.log(5e5), 1.0, len(fp)), -2)
        self.segment, self.company_spend = seg, company_spend
        self.tier1 = np.concatenate((np.flatnonzero(partner & (self.level == 1)), fp))

    def _row_spend(self) -> Floats:
        rng = self.rng
        level = np.concatenate([r.level for r in self.rows])
        units = np.concatenate([r.units for r in self.rows])
        base = np.asarray(_SPEND_BY_LEVEL)[level]
        spend = base * units / _SHARE_UNITS * rng.lognormal(0.0, 1.0, len(level))
        out: Floats = np.maximum(10.0, np.round(spend, -1))
        return out

    def _people(self) -> None:
        rng = self.rng
        tier1 = self.tier1
        tier2 = np.flatnonzero((self.level == 2) & (self.segment >= 0))
        tier2 = tier2[rng.random(len(tier2)) < 0.3]
        n1 = rng.choice(4, size=len(tier1), p=[0.1, 0.35, 0.35, 0.2]).astype(np.int64)
        n2 = rng.choice([1, 2, 3], size=len(tier2), p=[0.5, 0.35, 0.15]).astype(np.int64)
        served = np.concatenate((tier1, tier2))
        many = np.concatenate((n1, n2))
        c_comp = np.repeat(served, many)
        c_primary = (np.arange(len(c_comp)) - np.repeat(_starts(many), many)) == 0
        strat = self.segment[tier1] == 0
        gets = np.where(strat, 0.85, np.where(self.segment[tier1] == 2, 0.3, 0.0))
        sponsored = tier1[rng.random(len(tier1)) < gets]
        if strat.any() and not len(sponsored):
            sponsored = tier1[strat][:1]
        n_exec = max(4, int(np.ceil(len(sponsored) / 6)))
        zipf = 1.0 / np.arange(1, n_exec + 1)
        s_person = _choice(rng, zipf, len(sponsored))
        self.n_exec = n_exec
        self.contact_company = c_comp
        self.contact_primary = c_primary
        self.sponsor_person = s_person
        self.sponsored = sponsored
        self.kpi_companies = tier1[strat]


# -- tables ---------------------------------------------------------------------------
class _Tables:
    """Turn a :class:`_World` into the text of the bundle, one table at a time."""

    def __init__(self, w: _World) -> None:
        self.w = w
        self.rng = w.rng
        self.cid = _codes("C", w.idnum, 6)
        self.stem = self.rng.integers(0, len(vocab.STEMS), w.n)
        parent = w.parent >= 0
        self.stem[parent] = self.stem[w.parent[parent]]
        self.codes = np.array([c[0] for c in vocab.COUNTRIES])
        self.item_level = np.concatenate(w.item_level)
        level, n = self.item_level, len(self.item_level)
        local = np.arange(n) - np.asarray(w.item_offset)[level]
        prod, mat = level == 0, level == _DEPTH
        comp = ~prod & ~mat
        self.item_id = np.zeros(n, dtype="U9")
        self.item_id[prod] = _codes("P", local[prod], 4)
        self.item_id[mat] = _codes("M", local[mat], 6)
        self.item_id[comp] = _cat(_codes("K", level[comp], 1), "-", _codes("", local[comp], 6))
        self.person_id = _codes("H", np.arange(1, w.n_exec + len(w.contact_company) + 1), 7)

    def companies(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        n = w.n
        words = [s.split("|") for s in vocab.INDUSTRY]
        table = np.array([x + [x[0]] * (3 - len(x)) for x in words])
        n_words = np.array([len(x) for x in words])[w.category]
        word = table[w.category, rng.integers(0, 3, n) % n_words]
        parent = w.parent >= 0
        word[parent] = word[w.parent[parent]]
        suffixes = [
            (vocab.SUFFIXES.get(c[0], "Ltd|Group") + "||").split("|")[:3] for c in vocab.COUNTRIES
        ]
        suf_n = np.array(
            [len(vocab.SUFFIXES.get(c[0], "Ltd|Group").split("|")) for c in vocab.COUNTRIES]
        )
        sfx = np.asarray(suffixes)[w.country, rng.integers(0, 3, n) % suf_n[w.country]]
        cname = np.asarray([c[1] for c in vocab.COUNTRIES])[w.country]
        base = _cat(_pick(vocab.STEMS, self.stem), " ", word)
        name = np.where(parent, _cat(base, " ", cname), base)
        name = _cat(name, " ", sfx)
        r = rng.random(n)
        foreign = r < 0.01
        foreign[rng.integers(1, n)] = True
        emoji = (r > 0.998) & ~foreign
        emoji[np.flatnonzero(~foreign)[rng.integers(1, int((~foreign).sum()))]] = True
        name[foreign] = _pick(vocab.FOREIGN_COMPANIES, rng.integers(0, 10**6, int(foreign.sum())))
        name[emoji] = _cat(name[emoji], _pick(vocab.EMOJI, rng.integers(0, 99, int(emoji.sum()))))
        seg_names = np.array(["strategic", "leverage", "bottleneck", "routine", ""])
        tier = w.level.astype(float)
        tier[~((w.kind == _PRODUCER) | (w.kind == _DISTRIBUTOR))] = np.nan
        recovery = np.round(rng.lognormal(np.log(30), 0.6, n))
        recovery[(rng.random(n) > 0.3) | (w.kind == _CUSTOMER)] = np.nan
        return pd.DataFrame(
            {
                "id": self.cid,
                "name": name,
                "kind": _KIND_NAMES[w.kind],
                "country": self.codes[w.country],
                "segment": _blank(seg_names[w.segment]),
                "parent_id": _blank(np.where(parent, self.cid[np.maximum(w.parent, 0)], "")),
                "annual_spend": _whole(w.company_spend),
                "declared_tier": _whole(tier),
                "region": np.asarray([c[2] for c in vocab.COUNTRIES])[w.country],
                "recovery_days": _whole(recovery),
            }
        ).iloc[np.argsort(w.idnum)]

    def items(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        level = self.item_level
        n = len(level)
        kind = np.where(level == 0, "product", np.where(level == _DEPTH, "material", "component"))
        cat = w.item_cat
        names_by_cat = [s.split("|") for s in vocab.ITEM_NAMES]
        name_n = np.array([len(x) for x in names_by_cat])[cat]
        flat = np.array([x + [""] * (8 - len(x)) for x in names_by_cat])
        noun = flat[cat, rng.integers(0, 8, n) % name_n]
        model = _cat(
            _pick(list("ABCDEFGHJKLMNPRSTVXZ"), rng.integers(0, 20, n)),
            _codes("", rng.integers(100, 1000, n), 3),
        )
        name = np.where(level == _DEPTH, _cat(noun, " grade ", model), _cat(noun, " ", model))
        name[level == 0] = _cat(
            _pick(vocab.STEMS, rng.integers(0, len(vocab.STEMS), int((level == 0).sum()))),
            " ",
            name[level == 0],
        )
        rev = np.where(level == 0, np.round(rng.lognormal(np.log(2e5), 1.0, n), -2), np.nan)
        inv = np.where(level == 0, rng.integers(3, 45, n), np.nan)
        return pd.DataFrame(
            {
                "id": self.item_id,
                "name": name,
                "kind": kind,
                "category": np.asarray(vocab.CATEGORIES)[cat],
                "revenue_per_day": _whole(rev),
                "inventory_days": _whole(inv),
            }
        )

    def bom(self) -> pd.DataFrame:
        parent = np.concatenate(self.w.bom_parent)
        child = np.concatenate(self.w.bom_child)
        level = self.item_level[child]
        weight = np.maximum(np.round(self.rng.lognormal(0.0, 1.0, len(child)), 2), 0.01)
        qty = np.where(
            level == _DEPTH, weight.astype(str), self.rng.integers(1, 9, len(child)).astype(str)
        )
        return pd.DataFrame(
            {"parent_id": self.item_id[parent], "child_id": self.item_id[child], "quantity": qty}
        )

    def sites(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        m = len(w.site_owner)
        c = w.site_country
        lat = np.asarray([x[3] for x in vocab.COUNTRIES])[c]
        lon = np.asarray([x[4] for x in vocab.COUNTRIES])[c]
        spread = np.asarray([x[5] for x in vocab.COUNTRIES])[c]
        lat = np.clip(lat + rng.normal(0, 1, m) * spread * 0.6, -89.9, 89.9).round(4) + 0.0
        lon = ((lon + rng.normal(0, 1, m) * spread + 180) % 360 - 180).round(4) + 0.0
        rec = np.round(rng.lognormal(np.log(25), 0.7, m))
        rec[rng.random(m) < 0.1] = np.nan
        kind = _pick(vocab.SITE_KINDS, rng.integers(0, 6, m))
        name = _cat(
            np.asarray([x[1] for x in vocab.COUNTRIES])[c], " ", kind, " ", _codes("", w.site_k, 1)
        )
        frame = pd.DataFrame(
            {
                "id": _codes("S", w.idnum[w.site_owner], 6, w.site_k),
                "company_id": self.cid[w.site_owner],
                "country": self.codes[c],
                "name": name,
                "recovery_days": _whole(rec),
                "lat": lat,
                "lon": lon,
            }
        )
        return frame.iloc[np.lexsort((w.site_k, w.idnum[w.site_owner]))]

    def supplies(self) -> list[pd.DataFrame]:
        w, rng = self.w, self.rng
        sup = np.concatenate([r.supplier for r in w.rows])
        buyer = np.concatenate([r.buyer for r in w.rows])
        item = np.concatenate([r.item for r in w.rows])
        units = np.concatenate([r.units for r in w.rows])
        level = np.concatenate([r.level for r in w.rows])
        ns = w.n_sites[sup]
        has = (ns > 0) & (rng.random(len(sup)) < _SITE_SHARE)
        k = 1 + (rng.random(len(sup)) * np.maximum(ns, 1)).astype(np.int64)
        cross = w.country[sup] != w.country[buyer]
        lead = np.round(rng.gamma(2.5, 4.0 + 3.0 * level) + np.where(cross, 14, 2)).astype(np.int64)
        share_text = np.array([_share_text(u) for u in range(_SHARE_UNITS + 1)])
        out = []
        for lo in range(0, len(sup), _CHUNK):
            s = slice(lo, lo + _CHUNK)
            site = np.where(has[s], _codes("S", w.idnum[sup[s]], 6, k[s]), "")
            out.append(
                pd.DataFrame(
                    {
                        "supplier_id": self.cid[sup[s]],
                        "buyer_id": self.cid[buyer[s]],
                        "item_id": self.item_id[item[s]],
                        "share": share_text[units[s]],
                        "annual_spend": w.spend[s].astype(np.int64),
                        "lead_time_days": lead[s],
                        "site_id": _blank(site),
                    }
                )
            )
        return out

    def dependencies(self) -> pd.DataFrame:
        w = self.w
        return pd.DataFrame(
            {
                "dependent_id": self.cid[w.dep_dependent],
                "provider_id": self.cid[w.dep_provider],
                "kind": np.asarray(vocab.SERVICES)[w.service[w.dep_provider]],
                "critical": np.where(w.dep_critical, "true", "false"),
            }
        )

    def people(self) -> pd.DataFrame:
        w, rng, pid = self.w, self.rng, self.person_id
        n_c = len(w.contact_company)
        n_p = w.n_exec + n_c
        company = np.concatenate((np.zeros(w.n_exec, dtype=np.int64), w.contact_company))
        fi, la = rng.integers(0, len(vocab.FIRST), n_p), rng.integers(0, len(vocab.LAST), n_p)
        name = _cat(_pick(vocab.FIRST, fi), " ", _pick(vocab.LAST, la))
        foreign = rng.random(n_p) < 0.01
        foreign[rng.integers(0, n_p)] = True
        name[foreign] = _pick(vocab.FOREIGN_PEOPLE, rng.integers(0, 99, int(foreign.sum())))
        local = np.where(
            foreign,
            np.char.lower(pid),
            _cat(
                _pick([_ascii(x) for x in vocab.FIRST], fi),
                ".",
                _pick([_ascii(x) for x in vocab.LAST], la),
            ),
        )
        domain = _cat(
            _pick([_ascii(x) for x in vocab.STEMS], self.stem[company]),
            _codes("", w.idnum[company] % 1000, 3),
            ".example",
        )
        email = _cat(local, "@", domain)
        title = np.concatenate(
            (
                _pick(vocab.SPONSOR_TITLES, np.arange(w.n_exec)),
                _pick(vocab.CONTACT_TITLES, rng.integers(0, 99, n_c)),
            )
        )
        return pd.DataFrame(
            {
                "id": pid,
                "name": name,
                "company_id": self.cid[company],
                "title": title,
                "email": email,
            }
        )

    def relationships(self) -> pd.DataFrame:
        w, pid = self.w, self.person_id
        return pd.DataFrame(
            {
                "person_id": np.concatenate((pid[w.sponsor_person], pid[w.n_exec :])),
                "company_id": np.concatenate((self.cid[w.sponsored], self.cid[w.contact_company])),
                "role": ["sponsor"] * len(w.sponsored) + ["contact"] * len(w.contact_company),
                "primary": _blank(
                    np.concatenate(
                        (
                            np.full(len(w.sponsored), ""),
                            np.where(w.contact_primary, "true", "false"),
                        )
                    )
                ),
            }
        )

    def kpis(self) -> pd.DataFrame:
        rng = self.rng
        comp = self.w.kpi_companies
        n = len(comp) * len(_PERIODS)
        c = np.repeat(comp, len(_PERIODS))
        period = np.tile(np.asarray(_PERIODS), len(comp))
        otd = np.clip(rng.normal(93, 4, n), 60, 100).round(1).astype(str)
        ppm = np.round(rng.lognormal(np.log(350), 0.6, n)).astype(np.int64).astype(str)
        return pd.DataFrame(
            {
                "company_id": np.concatenate((self.cid[c], self.cid[c])),
                "metric": ["on_time_delivery"] * n + ["defect_ppm"] * n,
                "period": np.concatenate((period, period)),
                "value": np.concatenate((otd, ppm)),
                "target": ["95"] * n + ["500"] * n,
                "higher_is_better": ["true"] * n + ["false"] * n,
            }
        ).sort_values(["company_id", "metric", "period"], kind="stable")


def _share_text(units: int) -> str:
    return "1" if units == _SHARE_UNITS else f"0.{units:03d}".rstrip("0")


def _blank(values: Strs) -> pd.Series:
    """Empty strings as missing values (written as empty cells)."""
    text = pd.Series(values, dtype=object)
    return text.where(text != "", None)


def _whole(values: Floats) -> pd.Series:
    """Whole numbers, NaN as missing (written as empty cells)."""
    return pd.Series(np.round(values)).astype("Int64")


def _write(frames: pd.DataFrame | list[pd.DataFrame], path: Path, columns: Sequence[str]) -> int:
    parts = frames if isinstance(frames, list) else [frames]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        for i, frame in enumerate(parts):
            frame = frame.reindex(columns=list(columns))
            frame.to_csv(f, index=False, header=i == 0, lineterminator="\n", na_rep="")
            rows += len(frame)
    return rows


def generate(
    companies: int, seed: int, out: Path, progress: Progress | None = None
) -> GeneratedBundle:
    """Write a synthetic bundle of ``companies`` companies drawn with ``seed`` into ``out``.

    ``out`` is created if needed; the nine CSV files in it are overwritten. The
    same ``(companies, seed)`` always gives byte-identical files.

    Raises
    ------
    ValueError
        When ``companies`` is not a whole number from 10 to 1,000,000 or ``seed``
        is negative.
    """
    if isinstance(companies, bool) or not isinstance(companies, int | np.integer):
        raise ValueError(f"companies must be a whole number, got {companies!r}")
    if not MIN_COMPANIES <= companies <= MAX_COMPANIES:
        raise ValueError(
            f"companies must be between {MIN_COMPANIES:,} and {MAX_COMPANIES:,}, got {companies:,}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}")
    say: Progress = progress or (lambda _m: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = _World(int(companies), int(seed), say)
    tables = _Tables(world)
    make: dict[str, Callable[[], pd.DataFrame | list[pd.DataFrame]]] = {
        "companies": tables.companies,
        "items": tables.items,
        "supplies": tables.supplies,
        "bom": tables.bom,
        "sites": tables.sites,
        "dependencies": tables.dependencies,
        "people": tables.people,
        "relationships": tables.relationships,
        "kpis": tables.kpis,
    }
    counts: dict[str, int] = {}
    for t in TABLES:
        say(f"writing {t.filename}")
        counts[t.name] = _write(make[t.name](), out / t.filename, t.column_names)
    return GeneratedBundle(path=out, counts={t.name: counts[t.name] for t in TABLES})
