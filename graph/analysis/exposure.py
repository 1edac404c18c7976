"""Propagated exposure: how much of a product's supply passes through each company and country.

DESIGN.md, "Concentration": with the flows of :mod:`~tierscope.graph.analysis.flows`
(one unit of a product needs one unit of each BOM input; a buyer's need is split
over its suppliers by their shares), a company's exposure is the largest
fraction of any item of the product's tree that it supplies — the share of the
product's supply that passes through it. A country's share of an item is what
the rows shipping from it carry, a unit counted once per country it leaves.
Shares are of the need of the buyers who *use* an item (to make something else,
or the product itself), recorded suppliers or not: a distributor's re-purchase
of what it passes on is no extra need.

This module owns the exposures and country shares, and hands on what hidden
concentration and convergence read of them (:class:`PropagatedExposure`): the
majorities, the shares of items entering below tier 1, and what the tier-1
view (the focal company's own suppliers) shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.flows import (
    LevelledGoals,
    NeedLinks,
    each,
    flows,
    levelled_goals,
    touched_before,
    use_links,
)
from tierscope.graph.analysis.hhi import SupplyColumns
from tierscope.graph.analysis.results import Rows

__all__ = [
    "CHUNK",
    "LISTED_EXPOSURE",
    "MAJORITY",
    "CountryExposure",
    "Exposure",
    "PropagatedExposure",
    "propagated_exposure",
]

#: exposures below this are not listed (they are still part of every sum)
LISTED_EXPOSURE = 0.01
#: "at least half of the supply": the threshold of hidden concentration and convergence
MAJORITY = 0.5
#: products whose flows are kept together (memory: CHUNK x goals floats per matrix)
CHUNK = 8

#: per product, as integer columns: (product rank, goal or country key, value)
_Parts = tuple[np.ndarray, np.ndarray, np.ndarray]


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


@dataclass(frozen=True)
class PropagatedExposure:
    """Exposures and country shares, with what hidden concentration and convergence read.

    Ids are integer codes into sorted names (sorted codes keep the names' order):
    products by their rank in ``product_names``; deliver goals' companies, items
    and tiers in ``goal_company``, ``goal_item``, ``goal_tier`` and ``goal_deep``
    (tier 2 or deeper); (item, country) keys by ``key_country`` into ``countries``
    and ``key_item`` into ``item_ids``.
    """

    exposure: Rows[Exposure]
    country_exposure: Rows[CountryExposure]
    product_names: np.ndarray
    #: (product rank, deliver goal, exposure) of every exposure at or above MAJORITY
    majorities: _Parts
    #: (product rank, country key, share): a country's majority of an item entering below tier 1
    deep: _Parts
    #: (product rank, country) -> the largest share of any item the tier-1 suppliers show from it
    visible: np.ndarray
    goal_company: tuple[np.ndarray, np.ndarray]  # codes, company ids
    goal_item: tuple[np.ndarray, np.ndarray]  # codes, item ids
    goal_tier: np.ndarray  # objects: a tier or None
    goal_deep: np.ndarray
    key_country: np.ndarray
    countries: np.ndarray
    key_item: tuple[np.ndarray, np.ndarray]  # codes, item ids
    iterations: int  # tiers followed; a supply loop stops at the cap
    truncated: bool


@dataclass(frozen=True)
class _ItemNeeds:
    """The need for each item in each product's tree, as matrices over the goals.

    ``use`` (items x deliver goals): what the buyers who use an item need of it,
    recorded suppliers or not (unmapped need counts as coming from nowhere known),
    so shares are of the whole need. ``unmapped_focal``, ``focal_goals`` and
    ``to_item_t`` (receive goals, by the levelled numbers, -> items) give the
    same for the focal company alone: the tier-1 view. ``goal_item``: each deliver
    goal's item (-1: an item no tree needs, e.g. a product); ``supplied_pos``: the
    receive goals' item codes as codes into the items of the trees.
    """

    n_items: int
    use: sparse.csr_matrix
    unmapped_focal: sparse.csr_matrix
    focal_goals: np.ndarray
    to_item_t: sparse.csr_matrix
    goal_item: np.ndarray
    known: np.ndarray
    supplied_pos: np.ndarray


@dataclass(frozen=True)
class _CountryKeys:
    """Supply rows grouped by (item, country) key, as matrices over the receive goals.

    ``shipped`` (keys x receive goals): what each row ships from its country, once
    per unit (a unit a distributor passes on counts for a country only at the last
    row of its chain there); ``tier1_t``: the transposed plain shares, for the
    tier-1 view. ``below``: the focal company does not buy the key's item itself.
    """

    shipped: sparse.csr_matrix
    tier1_t: sparse.csr_matrix
    item_code: np.ndarray  # into item_ids
    item_ids: np.ndarray
    item: np.ndarray  # into the items of the trees
    country: np.ndarray  # into countries
    countries: np.ndarray
    below: np.ndarray


def propagated_exposure(ctx: Context, f: SupplyColumns) -> PropagatedExposure:
    """Every company's exposure and every country's share of each product's items.

    Products are taken ``CHUNK`` at a time, so the dense flow matrices (products x
    goals) stay small however many products there are. Needs at least one product
    and one deliver goal.
    """
    m, gg = ctx.model, ctx.goals
    fg = levelled_goals(ctx)
    uses, passed = use_links(ctx)
    need = _item_needs(ctx, fg, uses)
    keys = _country_keys(ctx, f, fg, passed, need.supplied_pos)
    dc = gg.deliver_codes
    # sorted codes: rows sort as numbers in the order of the names they stand for
    g_company, companies = dc.company, dc.companies
    company_tier = [ctx.tier(c) for c in companies.tolist()]
    g_tier = np.array(company_tier, dtype=object)[g_company]
    # the same as integers, -1 for none: read by the millions of exposure rows
    tier_number = np.array([-1 if t is None else t for t in company_tier], dtype=np.int64)
    product_names = np.array(sorted(m.products), dtype=object)

    # per chunk, as integer columns: (product rank, goal, exposure) and
    # (product rank, country key, share); names are looked up once at the end
    exposure_parts: list[_Parts] = []
    country_parts: list[_Parts] = []
    visible = np.zeros((len(product_names), len(keys.countries)))
    deep_parts: list[_Parts] = []
    iterations, truncated = 0, False
    # chunks of consecutive products by id: each chunk's rows, sorted, follow the last's
    for start in range(0, len(product_names), CHUNK):
        products = product_names[start : start + CHUNK].tolist()
        ranks = np.arange(start, start + len(products), dtype=np.int64)
        # flows, need per item and the rest: one row per product of the chunk
        w_g, w_r, first, its, cut = flows(ctx, fg, products)
        iterations, truncated = max(iterations, its), truncated or cut
        total = each(need.use, w_g)
        # the same, for what the focal company needs itself (the tier-1 view)
        total_first = (first @ need.to_item_t).toarray() + each(
            need.unmapped_focal, w_g[:, need.focal_goals]
        )
        exposure_parts.append(
            _company_exposure(need, (g_company, len(companies)), ranks, w_g, total)
        )
        by_country = each(keys.shipped, w_r)
        by_country_first = (first @ keys.tier1_t).toarray()
        del w_g, w_r, first
        listed, deep = _country_shares(
            need, keys, ranks, (by_country, total), (by_country_first, total_first), visible
        )
        country_parts.append(listed)
        deep_parts.append(deep)

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
            "item_id": arrays.categorical(keys.item_code[ck], keys.item_ids),
            "country": keys.countries[keys.country[ck]],
            "share": shares,
            "enters_below_tier_1": keys.below[ck],
        },
    )
    del rank, ck, shares, ex_company
    majority = np.flatnonzero(value >= MAJORITY)
    deep_rank, deep_key, deep_share = (np.concatenate(c) for c in zip(*deep_parts, strict=True))
    return PropagatedExposure(
        exposures,
        country_rows,
        product_names,
        (ex_rank[majority], gi[majority], value[majority]),
        (deep_rank, deep_key, deep_share),
        visible,
        (g_company, companies),
        (dc.item, dc.items),
        g_tier,
        (tier_number >= 2)[g_company],
        keys.country,
        keys.countries,
        (keys.item_code, keys.item_ids),
        iterations,
        truncated,
    )


def _item_needs(ctx: Context, fg: LevelledGoals, need: NeedLinks) -> _ItemNeeds:
    """The need for each item of the trees (see :class:`_ItemNeeds`); ``need``: the
    goal graph's needs but for the pass-throughs (:func:`use_links`)."""
    m, gg = ctx.model, ctx.goals
    dc, rc = gg.deliver_codes, gg.receive_codes
    unmapped_goal = np.repeat(
        np.arange(len(gg.deliver), dtype=np.int64), np.diff(gg.unmapped.bounds)
    )
    unmapped_item = np.array(gg.unmapped.flat, dtype=object)
    # every item of the trees, sorted: supplied ones (rc.items) and unmapped ones
    items = np.union1d(rc.items, unmapped_item).astype(object)
    n_items = len(items)
    supplied_pos = np.searchsorted(items, rc.items)  # rc.items' codes -> items
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
    # the focal company's own goals, for the tier-1 view
    focal_goals = np.flatnonzero(dc.company == dc.code_of(m.focal))
    # receive goals (by the levelled numbers) -> their items: the tier-1 view
    to_item_t = sparse.csr_matrix(
        (np.ones(len(rc.item)), (fg.receive_at, supplied_pos[rc.item])),
        shape=(len(gg.receive), n_items),
    )
    return _ItemNeeds(
        n_items,
        use,
        unmapped[:, focal_goals],
        focal_goals,
        to_item_t,
        g_item,
        g_item >= 0,
        supplied_pos,
    )


def _country_keys(
    ctx: Context, f: SupplyColumns, fg: LevelledGoals, passed: NeedLinks, supplied_pos: np.ndarray
) -> _CountryKeys:
    """The supply rows per (item, country) key (see :class:`_CountryKeys`); ``passed``:
    the pass-through links (:func:`use_links`)."""
    m, gg = ctx.model, ctx.goals
    rc = gg.receive_codes
    row_item, item_ids = m.codes("item")  # the same ids as rc.items
    countries = f.country.names
    key, grp = arrays.unique_inverse(row_item * len(countries) + f.country.code)
    grp = grp.reshape(-1)
    shape = (len(key), len(gg.receive))
    # what each row ships from its country, once per unit: a unit a distributor passes
    # on counts for a country only at the last row of its chain there
    fresh = 1.0 - touched_before(ctx, f.country.code, passed)
    shipped = sparse.csr_matrix((f.share * fresh, (grp, fg.row_receive)), shape=shape)
    # the tier-1 view: what the focal company's own rows show
    tier1_t = sparse.csr_matrix((f.share, (grp, fg.row_receive)), shape=shape).T.tocsr()
    key_item_code, key_country = key // len(countries), key % len(countries)
    focal_buys = np.zeros(len(item_ids), dtype=bool)
    focal_buys[rc.item[rc.company == rc.code_of(m.focal)]] = True
    return _CountryKeys(
        shipped,
        tier1_t,
        key_item_code,
        item_ids,
        supplied_pos[key_item_code],
        key_country,
        countries,
        ~focal_buys[key_item_code],
    )


def _company_exposure(
    need: _ItemNeeds,
    g_company: tuple[np.ndarray, int],
    ranks: np.ndarray,
    w_g: np.ndarray,
    total: np.ndarray,
) -> _Parts:
    """(product rank, deliver goal, exposure) of a chunk of products: for each
    company, the largest fraction of any item of the tree it delivers; each
    product's rows by exposure, largest first, then by company.

    ``g_company``: each deliver goal's company code and how many companies there are.
    """
    company, n_companies = g_company
    # product by product, each product's goals in order
    col, gi = np.nonzero(need.known & (w_g > 0))
    denom = total[col, need.goal_item[gi]]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denom > 0, w_g[col, gi] / np.where(denom > 0, denom, 1.0), 0.0)
    # rounded before any threshold: a share of exactly one half is one half, however
    # the sums were ordered
    value = np.round(np.minimum(value, 1.0), 6)
    keep = value >= LISTED_EXPOSURE
    gi, col, value = gi[keep], col[keep], value[keep]
    # per (product, company): the largest exposure, at the first item by id (goals
    # sort by (company, item), so each (product, company) is a run in item order)
    best = arrays.first_largest(col * n_companies + company[gi], value)
    gi, col, value = gi[best], col[best], value[best]
    order = arrays.order_runs(col, arrays.descending(value), (company[gi], n_companies))
    return ranks[col[order]], gi[order], value[order]


def _country_shares(
    need: _ItemNeeds,
    keys: _CountryKeys,
    ranks: np.ndarray,
    shipped: tuple[np.ndarray, np.ndarray],
    seen: tuple[np.ndarray, np.ndarray],
    visible: np.ndarray,
) -> tuple[_Parts, _Parts]:
    """Each country's share of each item of a chunk of products' trees.

    ``shipped``: what each (item, country) key carries per product, and each
    item's total need; ``seen``: the same for what the focal company buys itself
    (the tier-1 view), whose largest share per (product, country) goes into
    ``visible``. Returns (product rank, key, share) of the listed shares, each
    product's rows by item, largest share first, then by country; and those of a
    majority of an item entering below tier 1.
    """
    by_country, total = shipped
    by_country_first, total_first = seen
    with np.errstate(divide="ignore", invalid="ignore"):
        tot = total[:, keys.item]
        share_m = np.round(np.where(tot > 0, by_country / np.where(tot > 0, tot, 1.0), 0.0), 6)
        tot_first = total_first[:, keys.item]
        vis_m = np.round(
            np.where(
                (by_country_first > 0) & (tot_first > 0),
                by_country_first / np.where(tot_first > 0, tot_first, 1.0),
                0.0,
            ),
            6,
        )
    vp, vk = np.nonzero(vis_m > 0)
    np.maximum.at(visible, (ranks[vp], keys.country[vk]), vis_m[vp, vk])
    lp, lk = np.nonzero(share_m >= LISTED_EXPOSURE)  # product by product
    shares = share_m[lp, lk]
    order = arrays.order_runs(
        lp,
        (keys.item[lk], need.n_items),
        arrays.descending(shares),
        (keys.country[lk], len(keys.countries)),
    )
    d = np.flatnonzero(keys.below[lk] & (share_m[lp, lk] >= MAJORITY))
    return (ranks[lp[order]], lk[order], shares[order]), (
        ranks[lp[d]],
        lk[d],
        share_m[lp[d], lk[d]],
    )
