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
  Computed for all products at once as sparse matrix products over the goal
  graph (one per tier).
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
from itertools import chain
from typing import ClassVar, NamedTuple

import numpy as np
from scipy import sparse

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.availability import SHARE_BASES
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.results import Rows
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
#: products whose flows are computed together (memory: goals x CHUNK floats per matrix)
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
        head = f"{self.share:.0%} of the {self.item_id} in {self.product_id} comes from {self.subject_id}"
        if self.kind == "company":
            return f"{head}, a tier-{self.tier} supplier the focal company does not buy from."
        return (
            f"{head}, while the tier-1 suppliers show at most {self.visible_share:.0%} "
            f"from {self.subject_id}."
        )


@dataclass(frozen=True, slots=True)
class Convergence:
    """An upstream company several tier-1 suppliers or several products depend on."""

    company_id: str
    tier: int | None
    tier1_dependents: tuple[str, ...]  # tier-1 suppliers that cannot deliver without it
    products: tuple[tuple[str, float], ...]  # (product, exposure) at or above MAJORITY
    sentence: str


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

    Integer codes throughout (sorted codes keep the names' order), so millions of
    supply rows sort as numbers, not strings.
    """
    if len(f.share) == 0:
        return Rows.empty(Hhi)
    buyer, buyers = ctx.model.codes("buyer")  # the frame's rows are the model's supply rows
    item, items = ctx.model.codes("item")
    key, row_key = arrays.unique_inverse(buyer * len(items) + item)
    n_keys = len(key)
    share = f.share

    def concentration_of(
        code: np.ndarray, names: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """HHI over the holders ``names[code]`` of each row per key, the largest holder
        (ties: the first name) with its share, and how many distinct holders there are."""
        pair, row_pair = arrays.unique_inverse(row_key * len(names) + code)
        held = np.bincount(row_pair, weights=share, minlength=len(pair))
        k, c = pair // len(names), pair % len(names)
        hhi = np.bincount(k, weights=held * held, minlength=n_keys) * 10_000
        top = arrays.first_largest(k, held)  # pairs sort by (key, name): ties go to the first name
        return hhi, names[c[top]], held[top], np.bincount(k, minlength=n_keys)

    hhi, top, top_share, n = concentration_of(*f.supplier)
    country_hhi, top_country, top_country_share, _ = concentration_of(*f.country)
    group_hhi, _, _, _ = concentration_of(*f.group)
    key_buyer, key_item = buyers[key // len(items)], items[key % len(items)]
    # the basis is the same on every row of a (buyer, item): read it from any one
    any_row = np.zeros(n_keys, dtype=np.int64)
    any_row[row_key] = np.arange(len(row_key))
    basis = np.array(SHARE_BASES, dtype=object)[ctx.model.row_basis[any_row]]
    return Rows(
        Hhi,
        {
            "buyer_id": key_buyer,
            "item_id": key_item,
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
    """The goal graph as two sparse matrices, with goals renumbered tier by tier.

    ``needs`` (deliver goal x receive goal: the inputs a delivery needs) and
    ``feeds`` (receive goal x deliver goal: each supplier row's normalised share of
    what it feeds) number the goals in the order a walk up from the products meets
    them (``deliver_at``/``receive_at``: a goal's number there). Each tier's flows
    then touch one stretch of memory instead of goals spread over the whole
    network: at a million companies that made the sparse products several times
    faster. ``row_receive``: each supply row's receive goal, renumbered.
    """

    needs: sparse.csr_matrix
    feeds: sparse.csr_matrix
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
    deliver_at, receive_at = _tier_order(
        sparse.csr_matrix((np.ones(len(need_r)), (need_g, need_r)), shape=(n_g, n_r)),
        sparse.csr_matrix((shares, (feed_r, feed_g)), shape=(n_r, n_g)),
        np.array(sorted(set(products)), dtype=np.int64),
    )
    row_receive = np.zeros(len(m.supplies), dtype=np.int64)
    row_receive[feed_row] = receive_at[feed_r]
    return _FlowGraph(
        sparse.csr_matrix(
            (np.ones(len(need_r)), (deliver_at[need_g], receive_at[need_r])), shape=(n_g, n_r)
        ),
        sparse.csr_matrix((shares, (receive_at[feed_r], deliver_at[feed_g])), shape=(n_r, n_g)),
        deliver_at,
        receive_at,
        row_receive,
    )


def _tier_order(
    needs: sparse.csr_matrix, feeds: sparse.csr_matrix, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each deliver and receive goal's number in the order a breadth-first walk from
    the ``start`` deliver goals meets them (goals it never meets come last); within
    a tier the goals keep their order."""
    n_g, n_r = needs.shape
    seen_g, seen_r = np.zeros(n_g, dtype=bool), np.zeros(n_r, dtype=bool)
    seen_g[start] = True
    order_g, order_r = [start], []
    frontier = start
    while len(frontier):
        r = needs[frontier].indices
        r = arrays.unique(r[~seen_r[r]])
        seen_r[r] = True
        order_r.append(r)
        g = feeds[r].indices
        frontier = arrays.unique(g[~seen_g[g]])
        seen_g[frontier] = True
        order_g.append(frontier)
    order_g.append(np.flatnonzero(~seen_g))
    order_r.append(np.flatnonzero(~seen_r))

    def numbers(order: list[np.ndarray], n: int) -> np.ndarray:
        at = np.empty(n, dtype=np.int64)
        at[np.concatenate(order)] = np.arange(n, dtype=np.int64)
        return at

    return numbers(order_g, n_g), numbers(order_r, n_r)


def _flows(
    ctx: Context,
    fg: _FlowGraph,
    products: list[str],
    max_iter: int = 64,
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix, int, bool]:
    """Flow of each of ``products`` through every deliver goal (W_G, by goal) and
    receive goal (W_R, by the flow graph's numbers), and the first-tier receive flows
    (what the focal company buys itself; sparse, products x receive goals).

    Tier by tier, only what flows at that tier is multiplied: the frontier is a
    sparse (products x goals) matrix times ``needs`` or ``feeds``, so each
    tier costs the supply rows it reaches, not every row of the network (a dense
    product per tier cost the whole network once per tier and column). The sums
    are kept in dense (goals x products) arrays.
    """
    gg, m = ctx.goals, ctx.model
    k = len(products)
    goals = fg.deliver_at[[gg.deliver_index[(m.focal, p)] for p in products]]
    x = sparse.csr_matrix((np.ones(k), (np.arange(k), goals)), shape=(k, len(gg.deliver)))
    w_g = np.zeros((len(gg.deliver), k))
    w_r = np.zeros((len(gg.receive), k))
    _add(w_g, x)
    y = x @ fg.needs
    _add(w_r, y)
    first = y
    it, truncated = 0, False
    while True:
        it += 1
        x = y @ fg.feeds
        if x.nnz == 0 or float(np.abs(x.data).max()) < 1e-12:
            break
        if it >= max_iter:
            truncated = True
            break
        _add(w_g, x)
        y = x @ fg.needs
        _add(w_r, y)
    return w_g[fg.deliver_at], w_r, first, it, truncated


def _add(dense: np.ndarray, part: sparse.csr_matrix) -> None:
    """``dense += part.T`` for a sparse (products x goals) ``part`` (no repeated entries)."""
    coo = part.tocoo()
    dense[coo.col, coo.row] += coo.data


def concentration(ctx: Context, nec: Necessity) -> Concentration:
    """Every concentration finding of DESIGN.md (see the module docstring).

    Products are taken ``CHUNK`` at a time, so the dense flow matrices (goals x
    products) stay small however many products there are.
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
    # The need for each item in each product's tree: what flows to its recorded
    # suppliers, plus what is needed where nobody is recorded (unmapped, counted as
    # coming from nowhere known), so shares are of the whole need.
    unmapped_goal = np.repeat(
        np.arange(len(gg.deliver), dtype=np.int64), np.diff(gg.unmapped.bounds)
    )
    unmapped_item = np.array(gg.unmapped.flat, dtype=object)
    # every item of the trees, sorted: supplied ones (rc.items) and unmapped ones
    items = np.union1d(rc.items, unmapped_item).astype(object)
    n_items = len(items)
    supplied_pos = np.searchsorted(items, rc.items)  # rc.items' codes -> items
    # receive goals by the flow graph's numbers (as the flows are)
    to_item = sparse.csr_matrix(
        (np.ones(len(rc.item)), (supplied_pos[rc.item], fg.receive_at)),
        shape=(n_items, len(gg.receive)),
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
    to_item_t = to_item.T.tocsr()
    # sorted codes: rows sort as numbers in the order of the names they stand for
    g_company, companies = dc.company, dc.companies
    company_tier = np.array([ctx.tier(c) for c in companies.tolist()], dtype=object)
    g_tier = company_tier[g_company]
    g_deep = np.array([t is not None and t >= 2 for t in company_tier.tolist()], dtype=bool)[
        g_company
    ]
    product_names = np.array(sorted(m.products), dtype=object)
    # countries: per (item, country) group of supply rows
    row_item, item_ids = m.codes("item")  # the same ids as rc.items
    countries = f.country.names
    key, grp = arrays.unique_inverse(row_item * len(countries) + f.country.code)
    grp = grp.reshape(-1)
    gm = sparse.csr_matrix((f.share, (grp, fg.row_receive)), shape=(len(key), len(gg.receive)))
    gm_t = gm.T.tocsr()
    key_item_code, key_country = key // len(countries), key % len(countries)
    key_item = supplied_pos[key_item_code]
    key_item_ids = item_ids[key_item_code]
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
        w_g, w_r, first, its, cut = _flows(ctx, fg, products)
        iterations, truncated = max(iterations, its), truncated or cut
        total = np.asarray(to_item @ w_r) + np.asarray(unmapped @ w_g)
        # the same, for what the focal company needs itself (the tier-1 view)
        total_first = (first @ to_item_t).T.toarray() + unmapped_focal @ w_g[focal_goals]

        # companies: the largest fraction of any item of the tree they deliver
        # product by product (the transposed view), each product's goals in order
        col, gi = np.nonzero((known[:, None] & (w_g > 0)).T)
        denom = total[g_item[gi], col]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denom > 0, w_g[gi, col] / np.where(denom > 0, denom, 1.0), 0.0)
        keep = value >= LISTED_EXPOSURE
        gi, col = gi[keep], col[keep]
        value = np.round(np.minimum(value[keep], 1.0), 6)
        # per (product, company): the largest exposure, at the first item by id (goals
        # sort by (company, item), so each (product, company) is a run in item order)
        best = arrays.first_largest(col * len(companies) + g_company[gi], value)
        gi, col, value = gi[best], col[best], value[best]
        # each product's rows by exposure, largest first, then by company
        order = arrays.order_runs(col, arrays.descending(value), (g_company[gi], len(companies)))
        exposure_parts.append((ranks[col[order]], gi[order], value[order]))
        del gi, col, value, denom, order, best

        by_country = gm @ w_r
        by_country_first = (first @ gm_t).T.toarray()
        del w_g, w_r, first
        with np.errstate(divide="ignore", invalid="ignore"):
            tot = total[key_item]
            share_m = np.where(tot > 0, by_country / np.where(tot > 0, tot, 1.0), 0.0)
            tot_first = total_first[key_item]
            vis_m = np.where(
                (by_country_first > 0) & (tot_first > 0),
                by_country_first / np.where(tot_first > 0, tot_first, 1.0),
                0.0,
            )
        vk, vp = np.nonzero(vis_m > 0)
        np.maximum.at(visible, (ranks[vp], key_country[vk]), vis_m[vk, vp])
        lp, lk = np.nonzero((share_m >= LISTED_EXPOSURE).T)  # product by product
        shares = share_m[lk, lp]
        shares = np.round(shares, 6)
        # each product's rows by item, largest share first, then by country
        order = arrays.order_runs(
            lp,
            (key_item[lk], n_items),
            arrays.descending(shares),
            (key_country[lk], len(countries)),
        )
        country_parts.append((ranks[lp[order]], lk[order], shares[order]))
        d = np.flatnonzero(key_below[lk] & (share_m[lk, lp] >= MAJORITY))
        deep_parts.append((ranks[lp[d]], lk[d], share_m[lk[d], lp[d]]))

    # exposures: ids as codes into the distinct ids (tens of millions of rows at scale)
    ex_rank, gi, value = (np.concatenate(c) for c in zip(*exposure_parts, strict=True))
    del exposure_parts
    tiers = g_tier[gi]
    exposures = Rows(
        Exposure,
        {
            "product_id": arrays.categorical(ex_rank, product_names),
            "company_id": arrays.categorical(g_company[gi], companies),
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
        key_item_ids,
    )
    convergence = _convergence(
        ctx,
        nec,
        (product_names[ex_rank[majority]], g_company[gi[majority]], value[majority]),
        companies,
    )
    del ex_rank, gi, value, tiers, majority
    return Concentration(
        hhi,
        exposures,
        country_rows,
        hidden,
        tuple(convergence),
        iterations,
        truncated,
    )


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
    key_item: np.ndarray,
) -> Rows[HiddenConcentration]:
    """Hidden concentration, largest share first (then product, kind, subject, item).

    ``majorities``: (product rank, deliver goal, exposure) of each product's majority
    companies; ``deep``: (product rank, country key, share) of each majority of an
    item entering below tier 1, shown as hidden where the tier-1 view (``visible``,
    per product rank and country) stays under half. Kept as columns, ids as codes
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
    (company, companies), (g_item_code, g_items) = g_company, g_item
    subject, subjects = arrays.codes(
        np.concatenate([companies[company[goal]], countries[key_country[key]]])
    )
    item, items = arrays.codes(np.concatenate([g_items[g_item_code[goal]], key_item[key]]))
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
    companies: np.ndarray,
) -> list[Convergence]:
    """Upstream companies (tier 2+) that at least two tier-1 suppliers cannot deliver
    without, with the products that get at least half of an input through them.

    ``majorities``: (product, company code into ``companies``, exposure) of every
    exposure at or above MAJORITY. The tier-1 suppliers' necessity sets hold millions
    of elements at scale: they are read as one integer array, not set by set.
    """
    gg, m = ctx.goals, ctx.model
    n_companies = gg.element_kind.count("company")  # elements: companies first
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
    product, company, exposure = majorities
    out = []
    for a, n in zip(starts[runs >= 2].tolist(), runs[runs >= 2].tolist(), strict=True):
        c = gg.elements[int(dependent[a])]
        t = ctx.tier(c)
        if t is None or t < 2:
            continue
        deps = tuple(gg.elements[e] for e in by[a : a + n].tolist())  # ids in order
        out.append((c, t, deps))
    through: dict[str, list[tuple[str, float]]] = {c: [] for c, _, _ in out}
    # the listed companies' codes (``companies`` is sorted, like the element ids)
    listed = np.zeros(len(companies) + 1, dtype=bool)  # the last one stands for "absent"
    listed[arrays.find(companies, np.array(list(through), dtype=object))] = True
    mine = np.flatnonzero(listed[company])
    for p, c, v in zip(
        product[mine].tolist(),
        companies[company[mine]].tolist(),
        exposure[mine].tolist(),
        strict=True,
    ):
        through[c].append((p, round(v, 6)))
    found = []
    for c, t, deps in out:
        prods = tuple(sorted(through[c]))
        parts = [
            f"{len(deps)} tier-1 suppliers ({', '.join(deps[:5])}{', ...' if len(deps) > 5 else ''}) cannot deliver without it"
        ]
        if len(prods) >= 2:
            parts.append(f"{len(prods)} products get at least half of an input through it")
        found.append(Convergence(c, t, deps, prods, f"{c} (tier {t}): " + "; ".join(parts) + "."))
    found.sort(key=lambda v: (-len(v.tier1_dependents), -len(v.products), v.company_id))
    return found
