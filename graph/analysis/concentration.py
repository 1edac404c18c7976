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

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import sparse

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
    hidden: tuple[HiddenConcentration, ...]
    convergence: tuple[Convergence, ...]
    exposure_iterations: int  # tiers followed; a supply loop stops at the cap
    exposure_truncated: bool


def _supply_frame(ctx: Context) -> pd.DataFrame:
    m = ctx.model
    # country and group once per distinct supplier and site, not once per row
    company_code, companies = m.codes("supplier")
    site_code, sites = m.codes("site")  # no site: -1
    company_country = np.array(
        [ctx.companies.get(c, {}).get("country") or "?" for c in companies], dtype=object
    )
    site_country = np.array(
        [(ctx.sites.get(x, {}).get("country") or "") if x else "" for x in sites] + [""],
        dtype=object,
    )
    by_site = site_country[site_code]  # code -1 reads the trailing ""
    country = np.where(by_site != "", by_site, company_country[company_code])
    groups = np.array([ctx.group(c) for c in companies], dtype=object)
    return pd.DataFrame(
        {
            "item": m.column("item"),
            "share": np.asarray(m.shares, dtype=float) if m.shares else np.ones(len(m.supplies)),
            "country": country,
            "group": groups[company_code],
        }
    )


def _codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` whose order is the values' sorted order, and the values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _categorical(codes: np.ndarray, names: np.ndarray) -> pd.Categorical:
    """``names[codes]`` kept as the codes and the names."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(names))


def _first_of_runs(keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal values of the sorted ``keys`` starts."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _first_largest(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For rows sorted by ``group``, the position of each group's largest ``value``
    (ties: the first), one per group in order. Linear: no sort."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.r_[True, group[1:] != group[:-1]]
    run = np.cumsum(new) - 1
    largest = np.maximum.reduceat(value, np.flatnonzero(new))
    at_max: np.ndarray = np.flatnonzero(value == largest[run])
    first: np.ndarray = at_max[_first_of_runs(run[at_max])]
    return first


def _order(*keys: tuple[np.ndarray, int]) -> np.ndarray:
    """Positions that sort rows by ``keys``, most significant first; each key is an
    array of integers in ``0 .. bound - 1`` with its ``bound``, and no two rows are
    equal in every key. The keys are packed into one 64-bit integer when they fit
    (one sort of numbers instead of one stable pass per key), else ``np.lexsort``."""
    widths = [max(int(bound) - 1, 1).bit_length() for _, bound in keys]
    order: np.ndarray
    if sum(widths) > 63:
        order = np.lexsort(tuple(k for k, _ in reversed(keys)))
        return order
    packed = np.zeros(len(keys[0][0]), dtype=np.int64)
    for (k, _), width in zip(keys, widths, strict=True):
        packed <<= width
        packed |= k.astype(np.int64)
    order = np.argsort(packed)
    return order


def _descending(value: np.ndarray) -> tuple[np.ndarray, int]:
    """A key (with its bound) that sorts ``value``, rounded to 6 decimals, largest first."""
    micro = np.rint(value * 1e6).astype(np.int64)
    top = int(micro.max()) if len(micro) else 0
    return top - micro, top + 1


def _hhi(ctx: Context, f: pd.DataFrame) -> Rows[Hhi]:
    """HHI over suppliers, countries and groups per (buyer, item), in (buyer, item) order.

    Integer codes throughout (sorted codes keep the names' order), so millions of
    supply rows sort as numbers, not strings.
    """
    if f.empty:
        return Rows.empty(Hhi)
    buyer, buyers = ctx.model.codes("buyer")  # the frame's rows are the model's supply rows
    item, items = ctx.model.codes("item")
    key, row_key = np.unique(buyer * len(items) + item, return_inverse=True)
    n_keys = len(key)
    share = f["share"].to_numpy(dtype=float)

    def concentration_of(
        code: np.ndarray, names: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """HHI over the holders ``names[code]`` of each row per key, the largest holder
        (ties: the first name) with its share, and how many distinct holders there are."""
        pair, row_pair = np.unique(row_key * len(names) + code, return_inverse=True)
        held = np.bincount(row_pair, weights=share, minlength=len(pair))
        k, c = pair // len(names), pair % len(names)
        hhi = np.bincount(k, weights=held * held, minlength=n_keys) * 10_000
        top = _first_largest(k, held)  # pairs sort by (key, name): ties go to the first name
        return hhi, names[c[top]], held[top], np.bincount(k, minlength=n_keys)

    hhi, top, top_share, n = concentration_of(*ctx.model.codes("supplier"))
    country_hhi, top_country, top_country_share, _ = concentration_of(*_codes(f["country"]))
    group_hhi, _, _, _ = concentration_of(*_codes(f["group"]))
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


def _flow_matrices(ctx: Context) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """``needs`` (deliver goal x receive goal: the inputs a delivery needs), ``feeds``
    (receive goal x deliver goal: each supplier row's normalised share of what it
    feeds), and the receive goal of each supply row."""
    gg, m = ctx.goals, ctx.model
    n_g, n_r = len(gg.deliver), len(gg.receive)
    counts = np.fromiter((len(req) for req in gg.requires), dtype=np.int64, count=n_g)
    rows = np.fromiter(chain.from_iterable(gg.requires), dtype=np.int64, count=int(counts.sum()))
    cols = np.repeat(np.arange(n_g, dtype=np.int64), counts)
    needs = sparse.csr_matrix((np.ones(len(rows)), (cols, rows)), shape=(n_g, n_r))
    counts = np.fromiter((len(alts) for alts in gg.alternatives), dtype=np.int64, count=n_r)
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(gg.alternatives)),
        dtype=np.int64,
        count=3 * int(counts.sum()),
    ).reshape(-1, 3)  # (deliver goal, site, supply row)
    receive = np.repeat(np.arange(n_r, dtype=np.int64), counts)
    shares = np.asarray(m.shares, dtype=float)
    feeds = sparse.csr_matrix((shares[flat[:, 2]], (receive, flat[:, 0])), shape=(n_r, n_g))
    row_receive = np.zeros(len(m.supplies), dtype=np.int64)
    row_receive[flat[:, 2]] = receive
    return needs, feeds, row_receive


def _flows(
    ctx: Context,
    needs: sparse.csr_matrix,
    feeds: sparse.csr_matrix,
    products: list[str],
    max_iter: int = 64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """Flow of each of ``products`` through every deliver goal (W_G) and receive goal
    (W_R), and the first-tier receive flows (what the focal company buys itself).

    Tier by tier, only what flows at that tier is multiplied: the frontier is a
    sparse (products x goals) matrix times ``needs`` or ``feeds``, so each
    tier costs the supply rows it reaches, not every row of the network (a dense
    product per tier cost the whole network once per tier and column). The sums
    are kept in dense (goals x products) arrays.
    """
    gg, m = ctx.goals, ctx.model
    k = len(products)
    goals = [gg.deliver_index[(m.focal, p)] for p in products]
    x = sparse.csr_matrix((np.ones(k), (np.arange(k), goals)), shape=(k, len(gg.deliver)))
    w_g = np.zeros((len(gg.deliver), k))
    w_r = np.zeros((len(gg.receive), k))
    _add(w_g, x)
    y = x @ needs
    _add(w_r, y)
    first = w_r.copy()
    it, truncated = 0, False
    while True:
        it += 1
        x = y @ feeds
        if x.nnz == 0 or float(np.abs(x.data).max()) < 1e-12:
            break
        if it >= max_iter:
            truncated = True
            break
        _add(w_g, x)
        y = x @ needs
        _add(w_r, y)
    return w_g, w_r, first, it, truncated


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
    f = _supply_frame(ctx)
    hhi = _hhi(ctx, f)
    if not m.products or not gg.deliver:
        return Concentration(
            hhi, Rows.empty(Exposure), Rows.empty(CountryExposure), (), (), 0, False
        )
    needs, feeds, sup_r = _flow_matrices(ctx)
    # The need for each item in each product's tree: what flows to its recorded
    # suppliers, plus what is needed where nobody is recorded (unmapped, counted as
    # coming from nowhere known), so shares are of the whole need.
    unmapped_pairs = [(g, j) for g, js in enumerate(gg.unmapped) for j in js]
    items = sorted({j for _, j in gg.receive} | {j for _, j in unmapped_pairs})
    item_pos = {j: k for k, j in enumerate(items)}
    n_items = len(items)
    r_item_idx = np.array([item_pos[j] for _, j in gg.receive], dtype=np.int64)
    to_item = sparse.csr_matrix(
        (np.ones(len(r_item_idx)), (r_item_idx, np.arange(len(r_item_idx)))),
        shape=(n_items, len(gg.receive)),
    )
    unmapped = sparse.csr_matrix(
        (
            np.ones(len(unmapped_pairs)),
            ([item_pos[j] for _, j in unmapped_pairs], [g for g, _ in unmapped_pairs]),
        ),
        shape=(n_items, len(gg.deliver)),
    )
    focal_goals = np.array([c == m.focal for c, _ in gg.deliver], dtype=bool)
    g_item = np.array([item_pos.get(j, -1) for _, j in gg.deliver], dtype=np.int64)
    known = g_item >= 0
    # sorted codes: rows sort as numbers in the order of the names they stand for
    g_company, companies = _codes([c for c, _ in gg.deliver])
    g_items = np.array([j for _, j in gg.deliver], dtype=object)
    g_tier = np.array([ctx.tier(c) for c, _ in gg.deliver], dtype=object)
    g_deep = np.array([t is not None and t >= 2 for t in g_tier], dtype=bool)
    product_names = np.array(sorted(m.products), dtype=object)
    product_rank = {p: k for k, p in enumerate(product_names)}
    # countries: per (item, country) group of supply rows
    pairs = pd.MultiIndex.from_arrays([f["item"], f["country"]])
    keys = pairs.unique()
    grp = keys.get_indexer(pairs)
    gm = sparse.csr_matrix(
        (f["share"].to_numpy(), (grp, sup_r)), shape=(len(keys), len(gg.receive))
    )
    focal_buys = {j for c, j in gg.receive if c == m.focal}
    key_j = [str(j) for j in keys.get_level_values(0)]
    key_cc = [str(cc) for cc in keys.get_level_values(1)]
    key_item = np.array([item_pos[j] for j in key_j], dtype=np.int64)
    key_country, countries = _codes(key_cc)
    key_below = np.array([j not in focal_buys for j in key_j], dtype=bool)

    # per chunk, as integer columns: (product rank, goal, exposure) and
    # (product rank, country key, share); names are looked up once at the end
    exposure_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    country_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # (product rank, country) -> the largest share of any item the tier-1 suppliers show from it
    visible = np.zeros((len(product_names), len(countries)))
    # (product rank, country key, share): a country's majority of an item entering below tier 1
    deep_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    iterations, truncated = 0, False
    for start in range(0, len(m.products), CHUNK):
        products = m.products[start : start + CHUNK]
        ranks = np.array([product_rank[p] for p in products], dtype=np.int64)
        w_g, w_r, first, its, cut = _flows(ctx, needs, feeds, products)
        iterations, truncated = max(iterations, its), truncated or cut
        total = np.asarray(to_item @ w_r) + np.asarray(unmapped @ w_g)
        # the same, for what the focal company needs itself (the tier-1 view)
        w_focal = np.where(focal_goals[:, None], w_g, 0.0)
        total_first = np.asarray(to_item @ first) + np.asarray(unmapped @ w_focal)
        del w_focal

        # companies: the largest fraction of any item of the tree they deliver
        gi, col = np.nonzero(known[:, None] & (w_g > 0))
        denom = total[g_item[gi], col]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denom > 0, w_g[gi, col] / np.where(denom > 0, denom, 1.0), 0.0)
        keep = value >= LISTED_EXPOSURE
        gi, col = gi[keep], col[keep]
        value = np.round(np.minimum(value[keep], 1.0), 6)
        # per (product, company): the largest exposure, at the first item by id. Goals
        # sort by (company, item), so a stable sort by product column (a handful of
        # values: radix) leaves each (product, company) run in item order.
        order = np.argsort(col.astype(np.int16), kind="stable")
        gi, col, value = gi[order], col[order], value[order]
        best = _first_largest(col * len(companies) + g_company[gi], value)
        exposure_parts.append((ranks[col[best]], gi[best], value[best]))
        del gi, col, value, denom, order, best

        by_country = gm @ w_r
        by_country_first = gm @ first
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
        lk, lp = np.nonzero(share_m >= LISTED_EXPOSURE)
        shares = share_m[lk, lp]
        country_parts.append((ranks[lp], lk, np.round(shares, 6)))
        d = np.flatnonzero(key_below[lk] & (shares >= MAJORITY))
        deep_parts.append((ranks[lp[d]], lk[d], shares[d]))

    # exposures: by product, largest first, then by company; ids as codes into the
    # distinct ids (tens of millions of rows at scale)
    ex_rank, gi, value = (np.concatenate(c) for c in zip(*exposure_parts, strict=True))
    del exposure_parts
    order = _order(
        (ex_rank, len(product_names)), _descending(value), (g_company[gi], len(companies))
    )
    ex_rank, gi, value = ex_rank[order], gi[order], value[order]
    tiers = g_tier[gi]
    g_item_code, item_names = _codes(g_items)
    exposures = Rows(
        Exposure,
        {
            "product_id": _categorical(ex_rank, product_names),
            "company_id": _categorical(g_company[gi], companies),
            "tier": tiers,
            "exposure": value,
            "item_id": _categorical(g_item_code[gi], item_names),
        },
    )
    # countries: by product and item, largest share first, then by country
    rank, ck, shares = (np.concatenate(c) for c in zip(*country_parts, strict=True))
    del country_parts
    order = _order(
        (rank, len(product_names)),
        (key_item[ck], n_items),
        _descending(shares),
        (key_country[ck], len(countries)),
    )
    rank, ck, shares = rank[order], ck[order], shares[order]
    country_rows = Rows(
        CountryExposure,
        {
            "product_id": _categorical(rank, product_names),
            "item_id": np.array(key_j, dtype=object)[ck],
            "country": countries[key_country[ck]],
            "share": shares,
            "enters_below_tier_1": key_below[ck],
        },
    )
    del rank, ck, shares, order

    majority = np.flatnonzero(value >= MAJORITY)
    m_product = product_names[ex_rank[majority]].tolist()
    m_company = companies[g_company[gi[majority]]].tolist()
    m_value = value[majority].tolist()
    exposure_of = {(p, c): v for p, c, v in zip(m_product, m_company, m_value, strict=True)}
    hidden = _hidden(
        product_names,
        # companies: a majority through an upstream company (tier 2 and deeper)
        (ex_rank[majority], gi[majority], value[majority]),
        g_deep,
        companies[g_company],
        g_items,
        g_tier,
        # countries: a majority of an item entering below tier 1 that the tier-1 view misses
        tuple(np.concatenate(c) for c in zip(*deep_parts, strict=True)),
        visible,
        key_country,
        countries,
        np.array(key_j, dtype=object),
    )
    del ex_rank, gi, value, tiers, majority
    return Concentration(
        hhi,
        exposures,
        country_rows,
        hidden,
        tuple(_convergence(ctx, nec, exposure_of)),
        iterations,
        truncated,
    )


def _hidden(
    product_names: np.ndarray,
    majorities: tuple[np.ndarray, ...],
    g_deep: np.ndarray,
    g_company: np.ndarray,
    g_items: np.ndarray,
    g_tier: np.ndarray,
    deep: tuple[np.ndarray, ...],
    visible: np.ndarray,
    key_country: np.ndarray,
    countries: np.ndarray,
    key_item: np.ndarray,
) -> tuple[HiddenConcentration, ...]:
    """Hidden concentration, largest share first (then product, kind, subject, item).

    ``majorities``: (product rank, deliver goal, exposure) of each product's majority
    companies; ``deep``: (product rank, country key, share) of each majority of an
    item entering below tier 1, shown as hidden where the tier-1 view (``visible``,
    per product rank and country) stays under half. Columns until the objects are
    made, in order (a million at scale).
    """
    rank, goal, share = majorities
    deep_goal = g_deep[goal]
    rank, goal, share = rank[deep_goal], goal[deep_goal], share[deep_goal]
    c_rank, key, c_share = deep
    shown = visible[c_rank, key_country[key]]
    hide = shown < MAJORITY
    c_rank, key, c_share, shown = c_rank[hide], key[hide], c_share[hide], shown[hide]
    n = len(rank)
    subject, subjects = _codes(np.concatenate([g_company[goal], countries[key_country[key]]]))
    item, items = _codes(np.concatenate([g_items[goal], key_item[key]]))
    all_rank = np.concatenate([rank, c_rank])
    all_share = np.concatenate([share, np.round(c_share, 6)])
    kind = np.r_[np.zeros(n, dtype=np.int64), np.ones(len(c_rank), dtype=np.int64)]
    order = _order(
        _descending(all_share),
        (all_rank, len(product_names)),
        (kind, 2),
        (subject, len(subjects)),
        (item, len(items)),
    )
    tier = np.r_[g_tier[goal], np.full(len(c_rank), None, dtype=object)]
    seen = np.r_[np.zeros(n), np.round(shown, 6)]
    return tuple(
        HiddenConcentration(p, k, subj, j, v, None if t is None else int(t), vis)
        for p, k, subj, j, v, t, vis in zip(
            product_names[all_rank[order]].tolist(),
            np.array(["company", "country"], dtype=object)[kind[order]].tolist(),
            subjects[subject[order]].tolist(),
            items[item[order]].tolist(),
            all_share[order].tolist(),
            tier[order].tolist(),
            seen[order].tolist(),
            strict=True,
        )
    )


def _convergence(
    ctx: Context, nec: Necessity, exposure_of: dict[tuple[str, str], float]
) -> list[Convergence]:
    gg, m = ctx.goals, ctx.model
    n_companies = gg.element_kind.count("company")  # elements: companies first
    by_element: dict[int, set[str]] = defaultdict(set)
    # the focal company's receive goals: one run of the sorted (company, item) list
    r = bisect_left(gg.receive, (m.focal, ""))
    while r < len(gg.receive) and gg.receive[r][0] == m.focal:
        for g, _, _ in gg.alternatives[r]:
            needs = nec.deliver[g]
            if needs is None:
                continue
            supplier = gg.deliver[g][0]
            for e in needs:
                if e < n_companies:
                    by_element[e].add(supplier)
        r += 1
    tier1 = {gg.elements[e]: suppliers for e, suppliers in by_element.items()}
    products: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (p, c), v in exposure_of.items():
        if v >= MAJORITY:
            products[c].append((p, round(v, 6)))
    out = []
    for c in sorted(set(tier1) | set(products)):
        t = ctx.tier(c)
        if t is None or t < 2:
            continue
        deps = tuple(sorted(tier1.get(c, set()) - {c}))
        prods = tuple(sorted(products.get(c, [])))
        if len(deps) < 2:
            continue
        parts = []
        if len(deps) >= 2:
            parts.append(
                f"{len(deps)} tier-1 suppliers ({', '.join(deps[:5])}{', ...' if len(deps) > 5 else ''}) cannot deliver without it"
            )
        if len(prods) >= 2:
            parts.append(f"{len(prods)} products get at least half of an input through it")
        out.append(Convergence(c, t, deps, prods, f"{c} (tier {t}): " + "; ".join(parts) + "."))
    out.sort(key=lambda v: (-len(v.tier1_dependents), -len(v.products), v.company_id))
    return out
