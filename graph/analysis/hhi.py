"""HHI per (buyer, item): how concentrated one buyer's supply of one item is.

DESIGN.md, "Concentration": the Herfindahl-Hirschman index per (buyer, item)
over supplier shares, 0-10,000, shares normalised to sum to one with the basis
named (``share``, else ``annual_spend``, else ``equal``); the same over the
suppliers' countries (the country of the site a row ships from, else the
supplier's) and over parent groups (``PART_OF`` rolled up to the top). Above
2,500 is highly concentrated.

Also owns :func:`supply_columns`, what the concentration analyses read of each
supply row (its share, supplier, country and group as integer codes); the
propagated exposure reads the same columns.

References
----------
.. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal
   Merger Guidelines", 2010, section 5.3 (above 2,500: highly concentrated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.supplies import SHARE_BASES

__all__ = [
    "HIGHLY_CONCENTRATED",
    "Hhi",
    "Holders",
    "SupplyColumns",
    "hhi",
    "supply_columns",
]

HIGHLY_CONCENTRATED = 2500.0


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


class Holders(NamedTuple):
    """Who holds each supply row, as codes into sorted names (``-1``: nobody known)."""

    code: np.ndarray
    names: np.ndarray


class SupplyColumns(NamedTuple):
    """What concentration reads of each supply row, as numbers."""

    share: np.ndarray
    supplier: Holders
    country: Holders  # the country of the site a row ships from, else the supplier's
    group: Holders  # the supplier's top parent group


def supply_columns(ctx: Context) -> SupplyColumns:
    """Each supply row's share, supplier, country and group, as integer codes.

    Country and group are looked up once per distinct supplier and site and spread
    to the rows by their codes: no string is hashed per row.
    """
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
    return SupplyColumns(
        share,
        Holders(company_code, companies),
        Holders(country, countries),
        Holders(group_code[company_code], groups),
    )


def hhi(ctx: Context, f: SupplyColumns) -> Rows[Hhi]:
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
        index = np.bincount(key, weights=held * held, minlength=n_keys) * 10_000
        # pairs sort by (key, name): ties go to the first name
        top = arrays.first_largest(key, held)
        return index, names[holder[top]], held[top], np.bincount(key, minlength=n_keys)

    index, top, top_share, n = concentration_of(*f.supplier)
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
            "hhi": np.round(index, 1),
            "country_hhi": np.round(country_hhi, 1),
            "group_hhi": np.round(group_hhi, 1),
            "top_supplier": top,
            "top_share": top_share,
            "top_country": top_country,
            "top_country_share": top_country_share,
            "highly_concentrated": index > HIGHLY_CONCENTRATED + 1e-9,
        },
    )
