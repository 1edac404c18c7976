"""Concentration: HHI per (buyer, item), propagated exposure, hidden concentration, convergence.

DESIGN.md, "Concentration":

* **HHI** per (buyer, item) over supplier shares, 0-10,000, shares normalised to
  sum to one with the basis named (``share``, else ``annual_spend``, else
  ``equal``); the same over the suppliers' countries (the country of the site a
  row ships from, else the supplier's) and over parent groups (``PART_OF``
  rolled up to the top). Above 2,500 is highly concentrated.
* **Propagated exposure**: one unit of a product needs one unit of each BOM
  input (AND); a buyer's need for an input is split over its suppliers by their
  shares (OR). Multiplying along every path and summing gives, for each item in
  the product's supply tree, how much of it flows through each supplier and
  country. A company's exposure is the largest fraction of any item of the tree
  that it supplies — the share of the product's supply that passes through it.
  Computed product by product as sparse products over the goal graph, one pass
  over its levels (rounds only where supply loops are).
* **Hidden concentration**: an upstream company (tier 2+) through which at
  least half of a product's supply passes, or a country that supplies at least
  half of an item entering the product only below tier 1, while the tier-1 view
  (the countries of the focal company's own suppliers) does not show it.
* **Convergence**: an upstream company (tier 2+) that several tier-1 suppliers
  cannot deliver without (from the single-point-of-failure sets); the products
  that get at least half of an input through it are listed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, pairwise
from typing import ClassVar, NamedTuple

import numpy as np
from scipy import sparse

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.availability import SHARE_BASES
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.sentences import convergence_sentence, hidden_sentence
from tierscope.graph.analysis.spof import Necessity

__all__ = [
    "HIGHLY_CONCENTRATED",
    "Concentration",
    "Convergence",
    "CountryExposure",
    "Exposure",
    "Hhi",
    "HiddenConcentration",
    "concentration",
]

HIGHLY_CONCENTRATED = 2500.0
#: exposures below this are not listed (they are still part of every sum)
LISTED_EXPOSURE = 0.01
#: "at least half of the supply": the threshold of hidden concentration and convergence
MAJORITY = 0.5
#: products whose flows are kept together (memory: CHUNK x goals floats per matrix)
CHUNK = 8


@dataclass(frozen=True, slots=True)
class Hhi:
    """Concentration of one buyer's supply of one item."""

    buyer_id: str
    item_id: str
    basis: str  # "share", "annual_spend" or "equal"
    suppliers: int
    hhi: float
    country_hhi: float
    group_hhi: float
    top_supplier: str
    top_share: float
    top_country: str | None
    top_country_share: float
    highly_concentrated: bool


@dataclass(frozen=True, slots=True)
class Exposure:
    """How much of a product's supply passes through one upstream company."""

    product_id: str
    company_id: str
    tier: int | None
    exposure: float
    item_id: str  # the item of the product's tree where the exposure peaks


@dataclass(frozen=True, slots=True)
class CountryExposure:
    """How much of one item of a product's supply tree comes from one country."""

    product_id: str
    item_id: str
    country: str
    share: float
    enters_below_tier_1: bool  # the focal company does not buy this item itself


@dataclass(frozen=True, slots=True)
class HiddenConcentration:
    """Concentration that exists only at tier 2 and deeper."""

    product_id: str
    kind: str  # "company" or "country"
    subject_id: str  # company id or country code
    item_id: str
    share: float
    tier: int | None  # of the company (None for a country)
    visible_share: float  # what the tier-1 view shows for the same company or country

    _json_extra: ClassVar[tuple[str, ...]] = ("sentence",)

    @property
    def sentence(self) -> str:
        return hidden_sentence(
            self.subject_id,
            self.kind,
            self.tier,
            [(self.product_id, self.item_id, self.share)],
            self.visible_share,
        )


@dataclass(frozen=True, slots=True)
class Convergence:
    """An upstream company several tier-1 suppliers or several products depend on."""

    company_id: str
    tier: int | None
    tier1_dependents: tuple[str, ...]  # tier-1 suppliers that cannot deliver without it
    products: tuple[tuple[str, float], ...]  # (product, exposure) at or above MAJORITY

    _json_extra: ClassVar[tuple[str, ...]] = ("sentence",)

    @property
    def sentence(self) -> str:
        """Made when read: hundreds of thousands are found at scale, few are read."""
        return convergence_sentence(
            self.company_id, self.tier, self.tier1_dependents, len(self.products)
        )


@dataclass(frozen=True, slots=True)
class Concentration:
    hhi: Rows[Hhi]  # one per (buyer, item): millions at scale
    exposure: Rows[Exposure]  # millions of rows at scale: kept as columns
    country_exposure: Rows[CountryExposure]
    hidden: Rows[HiddenConcentration]  # a million rows at scale
    convergence: tuple[Convergence, ...]
    exposure_iterations: int  # tiers followed; a supply loop stops at the cap
    exposure_truncated: bool


class _Holders(NamedTuple):
    """Who holds each supply row, as codes into sorted names (``-1``: nobody known)."""

    code: np.ndarray
    names: np.ndarray


class _SupplyColumns(NamedTuple):
    """What concentration reads of each supply row, as numbers."""

    share: np.ndarray
    supplier: _Holders
    country: _Holders  # the country of the site a row ships from, else the supplier's
    group: _Holders  # the supplier's top parent group


def _supply_columns(ctx: Context) -> _SupplyColumns:
    """Country and group are looked up once per distinct supplier and site and spread
    to the rows by their codes: no string is hashed per row."""
    m = ctx.model
    company_code, companies = m.codes("supplier")
    site_code, sites = m.codes("site")  # no site: -1
    company_country = [ctx.companies.get(c, {}).get("country") or "?" for c in companies]
    site_country = [(ctx.sites.get(x, {}).get("country") or "") if x else "" for x in sites]
    countries = np.array(sorted(set(company_country) | set(site_country) - {""}), dtype=object)
    position = {cc: k for k, cc in enumerate(countries.tolist())}
    by_company = np.array([position[cc] for cc in company_country], dtype=np.int64)
    by_site = np.array([position.get(cc, -1) for cc in site_country] + [-1], dtype=np.int64)
    at_site = by_site[site_code]  # code -1 (no site) reads the trailing -1
    country = np.where(at_site >= 0, at_site, by_company[company_code])
    group_code, groups = arrays.codes([ctx.group(c) for c in companies])
    share = np.asarray(m.shares, dtype=float) if m.shares else np.ones(len(m.supplies))
    return _SupplyColumns(
        share,
        _Holders(company_code, companies),
        _Holders(country, countries),
        _Holders(group_code[company_code], groups),
    )


def _hhi(ctx: Context, f: _SupplyColumns) -> Rows[Hhi]:
    """HHI over suppliers, countries and groups per (buyer, item), in (buyer, item) order.

    The rows are read grouped by (buyer, item) as the model keeps them (its inbound
    keys, sorted by id); within a group they are sorted by holder with integer codes
    (sorted codes keep the names' order): two stable sorts of packed integers, so
    millions of supply rows sort as numbers, not strings.
    """
    if len(f.share) == 0:
        return Rows.empty(Hhi)
    m = ctx.model
    keys = m.inbound_keys
    n_keys = len(keys.packed)
    rows = keys.rows  # grouped by key, in row order within a key
    row_key = np.repeat(np.arange(n_keys, dtype=np.int64), np.diff(keys.bounds))
    share = f.share[rows]

    def concentration_of(
        code: np.ndarray, names: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """HHI over the holders ``names[code]`` of each row per key, the largest holder
        (ties: the first name) with its share, and how many distinct holders there are."""
        holder = code[rows]
        at = arrays.argsort(holder, len(names))
        at = at[arrays.argsort(row_key[at], n_keys)]  # by key, then holder
        key, holder = row_key[at], holder[at]
        starts = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (holder[1:] != holder[:-1])])
        held = np.add.reduceat(share[at], starts) if len(at) else np.zeros(0)
        key, holder = key[starts], holder[starts]
        hhi = np.bincount(key, weights=held * held, minlength=n_keys) * 10_000
        # pairs sort by (key, name): ties go to the first name
        top = arrays.first_largest(key, held)
        return hhi, names[holder[top]], held[top], np.bincount(key, minlength=n_keys)

    hhi, top, top_share, n = concentration_of(*f.supplier)
    country_hhi, top_country, top_country_share, _ = concentration_of(*f.country)
    group_hhi, _, _, _ = concentration_of(*f.group)
    # the basis is the same on every row of a (buyer, item): read it from its first
    basis = np.array(SHARE_BASES, dtype=object)[m.row_basis[rows[keys.bounds[:-1]]]]
    return Rows(
        Hhi,
        {
            "buyer_id": m.codes("buyer")[1][keys.buyer],
            "item_id": m.codes("item")[1][keys.item],
            "basis": basis,
            "suppliers": n,
            "hhi": np.round(hhi, 1),
            "country_hhi": np.round(country_hhi, 1),
            "group_hhi": np.round(group_hhi, 1),
            "top_supplier": top,
            "top_share": top_share,
            "top_country": top_country,
            "top_country_share": top_country_share,
            "highly_concentrated": hhi > HIGHLY_CONCENTRATED + 1e-9,
        },
    )


@dataclass(frozen=True)
class _FlowGraph:
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


def _flow_graph(ctx: Context) -> _FlowGraph:
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
    return _FlowGraph(
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


def _flows(
    ctx: Context,
    fg: _FlowGraph,
    products: list[str],
    max_rounds: int = 64,
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix, int, bool]:
    """Flow of each of ``products`` through every deliver goal (W_G, products x goals,
    by goal) and receive goal (W_R, by the flow graph's numbers), and the first-tier
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


def concentration(ctx: Context, nec: Necessity) -> Concentration:
    """Every concentration finding of DESIGN.md (see the module docstring).

    Products are taken ``CHUNK`` at a time, so the dense flow matrices (products x
    goals) stay small however many products there are.
    """
    m, gg = ctx.model, ctx.goals
    f = _supply_columns(ctx)
    hhi = _hhi(ctx, f)
    if not m.products or not gg.deliver:
        return Concentration(
            hhi,
            Rows.empty(Exposure),
            Rows.empty(CountryExposure),
            Rows.empty(HiddenConcentration),
            (),
            0,
            False,
        )
    fg = _flow_graph(ctx)
    dc, rc = gg.deliver_codes, gg.receive_codes
    # The need for each item in each product's tree: what the buyers who *use* it
    # need (to make something else, or the product itself), recorded suppliers or
    # not (unmapped need counts as coming from nowhere known), so shares are of the
    # whole need. A distributor's re-purchase of what it passes on is no extra need.
    unmapped_goal = np.repeat(
        np.arange(len(gg.deliver), dtype=np.int64), np.diff(gg.unmapped.bounds)
    )
    unmapped_item = np.array(gg.unmapped.flat, dtype=object)
    # every item of the trees, sorted: supplied ones (rc.items) and unmapped ones
    items = np.union1d(rc.items, unmapped_item).astype(object)
    n_items = len(items)
    supplied_pos = np.searchsorted(items, rc.items)  # rc.items' codes -> items
    need, passed = _use_links(ctx)
    need_item = supplied_pos[rc.item[need.need_receive]]
    use = sparse.csr_matrix(
        (
            np.ones(len(need_item) + len(unmapped_goal)),
            (
                np.r_[need_item, np.searchsorted(items, unmapped_item)],
                np.r_[need.need_goal, unmapped_goal],
            ),
        ),
        shape=(n_items, len(gg.deliver)),
    )
    unmapped = sparse.csr_matrix(
        (np.ones(len(unmapped_goal)), (np.searchsorted(items, unmapped_item), unmapped_goal)),
        shape=(n_items, len(gg.deliver)),
    )
    # each deliver goal's item among them (-1: an item no tree needs, e.g. a product)
    at = np.minimum(np.searchsorted(items, dc.items), max(n_items - 1, 0))
    g_item = np.where(items[at] == dc.items, at, -1)[dc.item] if n_items else -dc.item - 1
    known = g_item >= 0
    # the focal company's own goals, for the tier-1 view
    focal_goals = np.flatnonzero(dc.company == dc.code_of(m.focal))
    unmapped_focal = unmapped[:, focal_goals]
    # receive goals (by the flow graph's numbers) -> their items: the tier-1 view
    to_item_t = sparse.csr_matrix(
        (np.ones(len(rc.item)), (fg.receive_at, supplied_pos[rc.item])),
        shape=(len(gg.receive), n_items),
    )
    # sorted codes: rows sort as numbers in the order of the names they stand for
    g_company, companies = dc.company, dc.companies
    company_tier = [ctx.tier(c) for c in companies.tolist()]
    g_tier = np.array(company_tier, dtype=object)[g_company]
    # the same as integers, -1 for none: read by the millions of exposure rows
    tier_number = np.array([-1 if t is None else t for t in company_tier], dtype=np.int64)
    g_deep = (tier_number >= 2)[g_company]
    product_names = np.array(sorted(m.products), dtype=object)
    # countries: per (item, country) group of supply rows
    row_item, item_ids = m.codes("item")  # the same ids as rc.items
    countries = f.country.names
    key, grp = arrays.unique_inverse(row_item * len(countries) + f.country.code)
    grp = grp.reshape(-1)
    shape = (len(key), len(gg.receive))
    # what each row ships from its country, once per unit: a unit a distributor passes
    # on counts for a country only at the last row of its chain there
    fresh = 1.0 - _touched_before(ctx, f.country.code, passed)
    gm = sparse.csr_matrix((f.share * fresh, (grp, fg.row_receive)), shape=shape)
    # the tier-1 view: what the focal company's own rows show
    gm_t = sparse.csr_matrix((f.share, (grp, fg.row_receive)), shape=shape).T.tocsr()
    key_item_code, key_country = key // len(countries), key % len(countries)
    key_item = supplied_pos[key_item_code]
    focal_buys = np.zeros(len(item_ids), dtype=bool)
    focal_buys[rc.item[rc.company == rc.code_of(m.focal)]] = True
    key_below = ~focal_buys[key_item_code]

    # per chunk, as integer columns: (product rank, goal, exposure) and
    # (product rank, country key, share); names are looked up once at the end
    exposure_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    country_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # (product rank, country) -> the largest share of any item the tier-1 suppliers show from it
    visible = np.zeros((len(product_names), len(countries)))
    # (product rank, country key, share): a country's majority of an item entering below tier 1
    deep_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    iterations, truncated = 0, False
    # chunks of consecutive products by id: each chunk's rows, sorted, follow the last's
    for start in range(0, len(product_names), CHUNK):
        products = product_names[start : start + CHUNK].tolist()
        ranks = np.arange(start, start + len(products), dtype=np.int64)
        # flows, need per item and the rest: one row per product of the chunk
        w_g, w_r, first, its, cut = _flows(ctx, fg, products)
        iterations, truncated = max(iterations, its), truncated or cut
        total = _each(use, w_g)
        # the same, for what the focal company needs itself (the tier-1 view)
        total_first = (first @ to_item_t).toarray() + _each(unmapped_focal, w_g[:, focal_goals])

        # companies: the largest fraction of any item of the tree they deliver
        # product by product, each product's goals in order
        col, gi = np.nonzero(known & (w_g > 0))
        denom = total[col, g_item[gi]]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denom > 0, w_g[col, gi] / np.where(denom > 0, denom, 1.0), 0.0)
        # rounded before any threshold: a share of exactly one half is one half, however
        # the sums were ordered
        value = np.round(np.minimum(value, 1.0), 6)
        keep = value >= LISTED_EXPOSURE
        gi, col, value = gi[keep], col[keep], value[keep]
        # per (product, company): the largest exposure, at the first item by id (goals
        # sort by (company, item), so each (product, company) is a run in item order)
        best = arrays.first_largest(col * len(companies) + g_company[gi], value)
        gi, col, value = gi[best], col[best], value[best]
        # each product's rows by exposure, largest first, then by company
        order = arrays.order_runs(col, arrays.descending(value), (g_company[gi], len(companies)))
        exposure_parts.append((ranks[col[order]], gi[order], value[order]))
        del gi, col, value, denom, order, best

        by_country = _each(gm, w_r)
        by_country_first = (first @ gm_t).toarray()
        del w_g, w_r, first
        with np.errstate(divide="ignore", invalid="ignore"):
            tot = total[:, key_item]
            share_m = np.round(np.where(tot > 0, by_country / np.where(tot > 0, tot, 1.0), 0.0), 6)
            tot_first = total_first[:, key_item]
            vis_m = np.round(
                np.where(
                    (by_country_first > 0) & (tot_first > 0),
                    by_country_first / np.where(tot_first > 0, tot_first, 1.0),
                    0.0,
                ),
                6,
            )
        vp, vk = np.nonzero(vis_m > 0)
        np.maximum.at(visible, (ranks[vp], key_country[vk]), vis_m[vp, vk])
        lp, lk = np.nonzero(share_m >= LISTED_EXPOSURE)  # product by product
        shares = share_m[lp, lk]
        # each product's rows by item, largest share first, then by country
        order = arrays.order_runs(
            lp,
            (key_item[lk], n_items),
            arrays.descending(shares),
            (key_country[lk], len(countries)),
        )
        country_parts.append((ranks[lp[order]], lk[order], shares[order]))
        d = np.flatnonzero(key_below[lk] & (share_m[lp, lk] >= MAJORITY))
        deep_parts.append((ranks[lp[d]], lk[d], share_m[lp[d], lk[d]]))

    # exposures: ids as codes into the distinct ids (tens of millions of rows at scale)
    ex_rank, gi, value = (np.concatenate(c) for c in zip(*exposure_parts, strict=True))
    del exposure_parts
    ex_company = g_company[gi]
    # integers when every company has a tier (the usual case), else an object per row
    tiers = tier_number[ex_company]
    if (tiers < 0).any():
        tiers = g_tier[gi]
    exposures = Rows(
        Exposure,
        {
            "product_id": arrays.categorical(ex_rank, product_names),
            "company_id": arrays.categorical(ex_company, companies),
            "tier": tiers,
            "exposure": value,
            "item_id": arrays.categorical(dc.item[gi], dc.items),
        },
    )
    rank, ck, shares = (np.concatenate(c) for c in zip(*country_parts, strict=True))
    del country_parts
    country_rows = Rows(
        CountryExposure,
        {
            "product_id": arrays.categorical(rank, product_names),
            "item_id": arrays.categorical(key_item_code[ck], item_ids),
            "country": countries[key_country[ck]],
            "share": shares,
            "enters_below_tier_1": key_below[ck],
        },
    )
    del rank, ck, shares

    majority = np.flatnonzero(value >= MAJORITY)
    hidden = _hidden(
        product_names,
        # companies: a majority through an upstream company (tier 2 and deeper)
        (ex_rank[majority], gi[majority], value[majority]),
        g_deep,
        (g_company, companies),
        (dc.item, dc.items),
        g_tier,
        # countries: a majority of an item entering below tier 1 that the tier-1 view misses
        tuple(np.concatenate(c) for c in zip(*deep_parts, strict=True)),
        visible,
        key_country,
        countries,
        (key_item_code, item_ids),
    )
    convergence = _convergence(
        ctx,
        nec,
        (ex_rank[majority], g_company[gi[majority]], value[majority]),
        product_names,
        companies,
    )
    del ex_rank, gi, value, tiers, majority, ex_company
    return Concentration(
        hhi,
        exposures,
        country_rows,
        hidden,
        tuple(convergence),
        iterations,
        truncated,
    )


class _NeedLinks(NamedTuple):
    need_goal: np.ndarray
    need_receive: np.ndarray


def _use_links(ctx: Context) -> tuple[_NeedLinks, _NeedLinks]:
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
    return _NeedLinks(g[~through], r[~through]), _NeedLinks(g[through], r[through])


def _touched_before(
    ctx: Context, country: np.ndarray, passed: _NeedLinks, max_rounds: int = 64
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


def _each(matrix: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """``rows @ matrix.T``, one sparse product per row (each row read as one vector)."""
    out = np.empty((len(rows), matrix.shape[0]))
    for k, row in enumerate(rows):
        out[k] = matrix @ row
    return out


def _hidden(
    product_names: np.ndarray,
    majorities: tuple[np.ndarray, ...],
    g_deep: np.ndarray,
    g_company: tuple[np.ndarray, np.ndarray],
    g_item: tuple[np.ndarray, np.ndarray],
    g_tier: np.ndarray,
    deep: tuple[np.ndarray, ...],
    visible: np.ndarray,
    key_country: np.ndarray,
    countries: np.ndarray,
    key_item: tuple[np.ndarray, np.ndarray],
) -> Rows[HiddenConcentration]:
    """Hidden concentration, largest share first (then product, kind, subject, item).

    ``majorities``: (product rank, deliver goal, exposure) of each product's majority
    companies; ``deep``: (product rank, country key, share) of each majority of an
    item entering below tier 1, shown as hidden where the tier-1 view (``visible``,
    per product rank and country) stays under half; ``key_item``: each country
    key's item, as codes into the item ids. Kept as columns, ids as codes
    (millions of rows at scale; a row becomes an object when read).
    """
    rank, goal, share = majorities
    deep_goal = g_deep[goal]
    rank, goal, share = rank[deep_goal], goal[deep_goal], share[deep_goal]
    c_rank, key, c_share = deep
    shown = visible[c_rank, key_country[key]]
    hide = shown < MAJORITY
    c_rank, key, c_share, shown = c_rank[hide], key[hide], c_share[hide], shown[hide]
    n = len(rank)
    (company, companies), (g_item_code, g_items), (key_item_code, key_items) = (
        g_company,
        g_item,
        key_item,
    )
    # codes into the sorted union of the names (sorted codes keep the names' order)
    subjects, company_at, country_at = arrays.union(companies, countries)
    subject = np.concatenate([company_at[company[goal]], country_at[key_country[key]]])
    items, goal_item_at, key_item_at = arrays.union(g_items, key_items)
    item = np.concatenate([goal_item_at[g_item_code[goal]], key_item_at[key_item_code[key]]])
    all_rank = np.concatenate([rank, c_rank])
    all_share = np.concatenate([share, np.round(c_share, 6)])
    kind = np.r_[np.zeros(n, dtype=np.int64), np.ones(len(c_rank), dtype=np.int64)]
    order = arrays.order(
        arrays.descending(all_share),
        (all_rank, len(product_names)),
        (kind, 2),
        (subject, len(subjects)),
        (item, len(items)),
    )
    tier = np.r_[g_tier[goal], np.full(len(c_rank), None, dtype=object)]
    seen = np.r_[np.zeros(n), np.round(shown, 6)]
    return Rows(
        HiddenConcentration,
        {
            "product_id": arrays.categorical(all_rank[order], product_names),
            "kind": arrays.categorical(kind[order], np.array(["company", "country"], dtype=object)),
            "subject_id": arrays.categorical(subject[order], subjects),
            "item_id": arrays.categorical(item[order], items),
            "share": all_share[order],
            "tier": tier[order],
            "visible_share": seen[order],
        },
    )


def _convergence(
    ctx: Context,
    nec: Necessity,
    majorities: tuple[np.ndarray, np.ndarray, np.ndarray],
    product_names: np.ndarray,
    companies: np.ndarray,
) -> list[Convergence]:
    """Upstream companies (tier 2+) that at least two tier-1 suppliers cannot deliver
    without, with the products that get at least half of an input through them; most
    dependents first, then most products, then by id.

    ``majorities``: (product rank, company code into ``companies``, exposure) of every
    exposure at or above MAJORITY. The tier-1 suppliers' necessity sets hold millions
    of elements at scale: they are read as one integer array, not set by set, and
    grouped by sorting; only the objects found are made.
    """
    gg, m = ctx.goals, ctx.model
    n_companies = gg.element_kind.count("company")  # elements: companies first, sorted
    rc = gg.receive_codes
    focal_receive = np.flatnonzero(rc.company == rc.code_of(m.focal)).tolist()
    tier1 = [g for r in focal_receive for g, _, _ in gg.alternatives[r]]
    sets: list[tuple[int, frozenset[int]]] = []
    for g in tier1:
        needs = nec.deliver[g]
        if needs:
            sets.append((gg.deliver_company[g], needs))
    sizes = np.fromiter((len(n) for _, n in sets), dtype=np.int64, count=len(sets))
    element = np.fromiter(
        chain.from_iterable(n for _, n in sets), dtype=np.int64, count=int(sizes.sum())
    )
    supplier = np.repeat(np.array([s for s, _ in sets], dtype=np.int64), sizes)
    keep = (element < n_companies) & (element != supplier)
    pair = arrays.unique(element[keep] * n_companies + supplier[keep])
    dependent, by = pair // n_companies, pair % n_companies
    starts = arrays.first_of_runs(dependent)
    runs = np.diff(np.r_[starts, len(pair)])
    several = runs >= 2
    starts, runs = starts[several], runs[several]
    names = np.asarray(gg.elements[:n_companies], dtype=object)
    found = names[dependent[starts]]
    tiers = [ctx.tier(c) for c in found.tolist()]
    deep = np.array([t is not None and t >= 2 for t in tiers], dtype=bool)
    starts, runs, found = starts[deep], runs[deep], found[deep]
    tiers = [t for t, d in zip(tiers, deep.tolist(), strict=True) if d]
    # the products through each: majorities by (company, product)
    rank, company, exposure = majorities
    order = arrays.order((company, len(companies)), (rank, len(product_names)))
    company, rank, exposure = company[order], rank[order], exposure[order]
    bounds = np.r_[arrays.first_of_runs(company), len(company)]
    # each found company's run of majorities (-1: none through it)
    run = arrays.find(company[bounds[:-1]], arrays.find(companies, found))
    first = np.where(run >= 0, bounds[np.maximum(run, 0)], 0)
    count = np.where(run >= 0, bounds[np.maximum(run, 0) + 1] - first, 0)
    # most dependents first, then most products, then by id (codes sort as ids)
    ranked = arrays.order(
        (int(runs.max(initial=0)) - runs, int(runs.max(initial=0)) + 1),
        (int(count.max(initial=0)) - count, int(count.max(initial=0)) + 1),
        (np.arange(len(found)), len(found)),
    )
    dependents = names[by].tolist()
    product_ids = product_names[rank].tolist()
    values = exposure.tolist()
    found_, a, n = found.tolist(), starts.tolist(), runs.tolist()
    p, q = first.tolist(), count.tolist()
    return [
        Convergence(
            found_[k],
            tiers[k],
            tuple(dependents[a[k] : a[k] + n[k]]),  # ids in order
            tuple(zip(product_ids[p[k] : p[k] + q[k]], values[p[k] : p[k] + q[k]], strict=True)),
        )
        for k in ranked.tolist()
    ]
