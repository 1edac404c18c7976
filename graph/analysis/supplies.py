"""The supply rows of a projection, indexed once: :class:`SupplyModel`.

Every analysis reads the supply network through this model: the supply rows
as columns (:class:`Supplies`), their ids as integer codes in sorted order
(:meth:`SupplyModel.codes`), the rows grouped by (buyer, item)
(:attr:`SupplyModel.inbound_keys`, an :class:`Inbound`; key ``k`` is receive
goal ``k`` of the goal graph), and each row's share of its (buyer, item),
normalised with the basis named (DESIGN.md: ``share``, else ``annual_spend``,
else ``equal``; see :data:`SHARE_BASES`). The BOM, sites, countries and
dependencies of the companies come with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, overload

import numpy as np
import pandas as pd

from tierscope.graph.analysis import arrays
from tierscope.graph.columns import Columns
from tierscope.graph.projection import Projection, Tables

__all__ = ["SHARE_BASES", "Inbound", "Supplies", "SupplyModel"]

#: What supplier shares are computed from, in order of preference (DESIGN.md).
SHARE_BASES = ("share", "annual_spend", "equal")


@dataclass(frozen=True, slots=True)
class _Supply:
    supplier: str
    buyer: str
    item: str
    site: str | None
    share: float | None = None
    spend: float | None = None


class Supplies(Sequence[_Supply]):
    """The supply rows as columns (millions of rows at scale: one object per row
    was the costliest step of indexing); row ``k`` reads as a :class:`_Supply`.

    ``supplier``, ``buyer``, ``item`` and ``site`` are object arrays of ids (``site``
    ``None`` where the row names none); ``share`` and ``spend`` are floats, NaN
    where missing.
    """

    __slots__ = ("buyer", "item", "share", "site", "spend", "supplier")

    def __init__(
        self,
        supplier: Any,
        buyer: Any,
        item: Any,
        site: Any,
        share: Any,
        spend: Any,
    ) -> None:
        self.supplier, self.buyer = _objects(supplier), _objects(buyer)
        self.item, self.site = _objects(item), _objects(site)
        self.share, self.spend = _floats(share), _floats(spend)

    @classmethod
    def of(cls, rows: Iterable[_Supply]) -> Supplies:
        rows = list(rows)
        return cls(
            *(
                [getattr(r, name) for r in rows]
                for name in ("supplier", "buyer", "item", "site", "share", "spend")
            )
        )

    def __len__(self) -> int:
        return len(self.supplier)

    @overload
    def __getitem__(self, k: int) -> _Supply: ...
    @overload
    def __getitem__(self, k: slice) -> list[_Supply]: ...
    def __getitem__(self, k: int | slice) -> _Supply | list[_Supply]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        share, spend = float(self.share[k]), float(self.spend[k])
        return _Supply(
            self.supplier[k],
            self.buyer[k],
            self.item[k],
            self.site[k],
            None if share != share else share,
            None if spend != spend else spend,
        )

    def __iter__(self) -> Iterator[_Supply]:
        return (self[k] for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Supplies):
            return NotImplemented
        return len(self) == len(other) and all(
            np.array_equal(getattr(self, name), getattr(other, name), equal_nan=kind == "f")
            for name, kind in _KINDS
        )

    __hash__ = None  # type: ignore[assignment]


_KINDS = (
    ("supplier", "O"),
    ("buyer", "O"),
    ("item", "O"),
    ("site", "O"),
    ("share", "f"),
    ("spend", "f"),
)


def _objects(values: Any) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _floats(values: Any) -> np.ndarray:
    """Numbers as floats, NaN where missing or not a number (a bool is none either)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.astype(float)
    col = pd.Series(_objects(values), dtype=object)
    out = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.infer_dtype(col, skipna=True) not in _NUMERIC:  # any bool is no number
        flags = np.fromiter((isinstance(v, bool) for v in col), dtype=bool, count=len(col))
        out[flags] = np.nan
    return out


_NUMERIC = ("empty", "floating", "integer", "mixed-integer-float", "decimal")


@dataclass
class SupplyModel:
    """The parts of a projection availability needs, indexed once and reused."""

    focal: str
    products: list[str]
    supplies: Supplies
    bom: dict[str, list[str]]
    company_country: dict[str, str | None]
    company_sites: dict[str, list[str]]
    site_company: dict[str, str]
    site_country: dict[str, str | None]
    critical_providers: dict[str, list[str]]  # dependent -> providers
    shares: list[float] = field(default_factory=list)  # per supply row, normalised
    #: per supply row, the basis of its (buyer, item)'s shares: an index into SHARE_BASES
    row_basis: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    all_providers: dict[str, list[str]] = field(
        default_factory=dict
    )  # every dependency, critical or not
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _keys: Inbound | None = field(default=None, repr=False, compare=False)
    _inbound: dict[tuple[str, str], list[int]] | None = field(
        default=None, repr=False, compare=False
    )
    _supplied: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.supplies, Supplies):
            self.supplies = Supplies.of(self.supplies)

    @classmethod
    def from_projection(cls, g: Projection, tables: Tables | None = None) -> SupplyModel:
        """The model of ``g`` (``tables``: its rows by kind, when the caller has them)."""
        t = Tables.of(g) if tables is None else tables
        companies = t.node_rows("Company")
        sites = t.node_rows("Site")
        rows = t.edge_rows("SUPPLIES")
        supplies = Supplies(
            [a for a, _, _ in rows],
            [b for _, b, _ in rows],
            [str(d["item_id"]) for _, _, d in rows],
            [d.get("site_id") for _, _, d in rows],
            [d.get("share") for _, _, d in rows],
            [d.get("annual_spend") for _, _, d in rows],
        )
        bom: dict[str, list[str]] = defaultdict(list)
        for parent, child, _ in t.edge_rows("REQUIRES"):
            bom[parent].append(child)
        company_sites: dict[str, list[str]] = defaultdict(list)
        for sid, d in sites:
            company_sites[str(d["company_id"])].append(sid)
        critical: dict[str, list[str]] = defaultdict(list)
        every: dict[str, list[str]] = defaultdict(list)
        for dependent, provider, d in t.edge_rows("DEPENDS_ON"):
            every[dependent].append(provider)
            if d.get("critical"):
                critical[dependent].append(provider)
        model = cls(
            focal=str(g.graph["focal_id"]),
            products=sorted(i for i, d in t.node_rows("Item") if d.get("kind") == "product"),
            supplies=supplies,
            bom=dict(bom),
            company_country={c: d.get("country") for c, d in companies},
            company_sites=dict(company_sites),
            site_company={s: str(d["company_id"]) for s, d in sites},
            site_country={s: d.get("country") for s, d in sites},
            critical_providers=dict(critical),
            all_providers=dict(every),
        )
        model.index_inbound()
        model.normalise_shares()
        return model

    @classmethod
    def from_columns(cls, c: Columns) -> SupplyModel:
        """The model of the ecosystem read as columns (:func:`~tierscope.graph.columns.read_columns`),
        the supply rows straight into their arrays: the same model as :meth:`from_projection`
        of the projection of the same data. The supply rows are indexed before the other
        tables are asked for (:func:`~tierscope.graph.columns.reading_columns` may still be
        reading them)."""
        rows = c.relationships["SUPPLIES"]
        supplies = Supplies(
            rows["start"],
            rows["end"],
            rows["item_id"],
            rows.objects("site_id"),
            rows.floats("share"),
            rows.floats("annual_spend"),
        )
        model = cls(str(c.focal_id), [], supplies, {}, {}, {}, {}, {}, {})
        model.index_inbound()
        model.normalise_shares()
        companies = c.nodes["Company"]
        model.company_country = dict(
            zip(companies["id"], companies.objects("country"), strict=True)
        )
        sites = c.nodes["Site"]
        company_sites: dict[str, list[str]] = defaultdict(list)
        site_ids, site_owner = sites["id"], sites["company_id"]
        for sid, owner in zip(site_ids, site_owner, strict=True):
            company_sites[owner].append(sid)
        model.company_sites = dict(company_sites)
        model.site_company = dict(zip(site_ids, site_owner, strict=True))
        model.site_country = dict(zip(site_ids, sites.objects("country"), strict=True))
        items = c.nodes["Item"]
        model.products = sorted(
            i for i, kind in zip(items["id"], items["kind"], strict=True) if kind == "product"
        )
        bom: dict[str, list[str]] = defaultdict(list)
        requires = c.relationships["REQUIRES"]
        for parent, child in zip(requires["start"], requires["end"], strict=True):
            bom[parent].append(child)
        model.bom = dict(bom)
        critical: dict[str, list[str]] = defaultdict(list)
        every: dict[str, list[str]] = defaultdict(list)
        deps = c.relationships["DEPENDS_ON"]
        for dependent, provider, flag in zip(
            deps["start"], deps["end"], deps["critical"], strict=True
        ):
            every[dependent].append(provider)
            if flag == flag and flag:  # NaN: missing
                critical[dependent].append(provider)
        model.critical_providers = dict(critical)
        model.all_providers = dict(every)
        return model

    def column(self, name: str) -> np.ndarray:
        """One field of every supply row (``"supplier"``, ``"buyer"``, ``"item"`` or
        ``"site"``) as an object array, made once."""
        column: np.ndarray = getattr(self.supplies, name)
        return column

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes of :meth:`column` ``name`` in the sorted order of the ids, and
        the distinct ids (-1 where a row has none), made once: hashing millions of ids
        is among the costliest steps at scale, and several analyses need the same.
        Suppliers and buyers share one set of ids (the companies of the rows)."""
        cached = self._codes.get(name)
        if cached is None:
            if name in ("supplier", "buyer"):
                n = len(self.supplies)
                both = np.concatenate([self.column("supplier"), self.column("buyer")])
                code, ids = pd.factorize(both, sort=True)
                ids = np.asarray(ids, dtype=object)
                self._codes["supplier"] = (code[:n].astype(np.int64), ids)
                self._codes["buyer"] = (code[n:].astype(np.int64), ids)
                return self._codes[name]
            code, ids = pd.factorize(self.column(name), sort=True)
            cached = (code.astype(np.int64), np.asarray(ids, dtype=object))
            self._codes[name] = cached
        return cached

    def index_inbound(self) -> None:
        """Group the supply rows by (buyer, item) (:attr:`inbound_keys`) with one sort of
        integer codes: millions of rows at scale, where a dictionary update per row
        was the slow part."""
        buyer, _ = self.codes("buyer")
        item, items = self.codes("item")
        key = buyer * len(items) + item
        order = arrays.argsort(key, len(self.codes("buyer")[1]) * len(items))
        key = key[order]
        starts = arrays.first_of_runs(key)
        key = key[starts]
        self._keys = Inbound(
            key // len(items) if len(items) else key,
            key % len(items) if len(items) else key,
            key,
            np.r_[starts, len(order)].astype(np.int64),
            order.astype(np.int64),
        )
        self._inbound = self._supplied = None

    @property
    def inbound_keys(self) -> Inbound:
        """The supply rows grouped by (buyer, item), as arrays (indexed when first asked)."""
        if self._keys is None:
            self.index_inbound()
        assert self._keys is not None
        return self._keys

    @property
    def inbound(self) -> dict[tuple[str, str], list[int]]:
        """Each (buyer, item)'s supply rows, in row order; keys in sorted order. Made
        when first asked for: millions of keys at scale, which the analyses read from
        :attr:`inbound_keys` instead."""
        if self._inbound is None:
            k = self.inbound_keys
            buyers, items = self.codes("buyer")[1], self.codes("item")[1]
            rows = k.rows.tolist()
            self._inbound = {
                pair: rows[a:z]
                for pair, (a, z) in zip(
                    zip(buyers[k.buyer].tolist(), items[k.item].tolist(), strict=True),
                    pairwise(k.bounds.tolist()),
                    strict=True,
                )
            }
        return self._inbound

    def inbound_rows(self, buyer: str, item: str) -> list[int]:
        """The supply rows of ``buyer``'s ``item`` (empty when it has none recorded)."""
        k = self.inbound_keys
        b, i = _find(self.codes("buyer")[1], buyer), _find(self.codes("item")[1], item)
        if b < 0 or i < 0:
            return []
        wanted = b * len(self.codes("item")[1]) + i
        at = int(np.searchsorted(k.packed, wanted))
        if at == len(k.packed) or k.packed[at] != wanted:
            return []
        rows: list[int] = k.rows[k.bounds[at] : k.bounds[at + 1]].tolist()
        return rows

    def supplied(self, company: str) -> list[str]:
        """The items ``company`` has recorded suppliers of, sorted."""
        if self._supplied is not None:  # made already: a lookup, no search
            return sorted(self._supplied.get(company, ()))
        k = self.inbound_keys
        b = _find(self.codes("buyer")[1], company)
        if b < 0:
            return []
        lo, hi = np.searchsorted(k.buyer, [b, b + 1])
        found: list[str] = self.codes("item")[1][k.item[lo:hi]].tolist()
        return found

    @property
    def supplied_items(self) -> dict[str, set[str]]:
        """Each buyer's items with recorded suppliers (made when first asked for)."""
        if self._supplied is None:
            supplied: dict[str, set[str]] = defaultdict(set)
            for buyer, item in self.inbound:
                supplied[buyer].add(item)
            self._supplied = dict(supplied)
        return self._supplied

    def normalise_shares(self) -> None:
        """Shares of every (buyer, item) that sum to one, and the basis used (DESIGN.md):
        ``share`` where every supply row has one, else ``annual_spend`` where every one
        has it, else an equal split. A value of 0 is a value (only an empty cell is
        missing); a basis whose values are all 0 gives way to the next. Rows of one
        supplier (say from two sites) are one supplier: their values add up, and an
        equal split gives each supplier the same part, shared equally by its rows.
        Computed over all rows at once (millions at scale)."""
        n = len(self.supplies)
        k = self.inbound_keys
        counts = np.diff(k.bounds)
        n_keys = len(counts)
        key = np.empty(n, dtype=np.int64)
        key[k.rows] = np.repeat(np.arange(n_keys, dtype=np.int64), counts)

        def valid(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """The values (0 where missing), and per key whether every row has one and
            they do not all add up to 0."""
            ok = v >= 0  # NaN (missing) is not
            value = np.where(ok, v, 0.0)
            every = np.bincount(key, weights=ok, minlength=n_keys) == counts
            return value, every & (np.bincount(key, weights=value, minlength=n_keys) > 0)

        share, by_share = valid(self.supplies.share)
        spend, by_spend = valid(self.supplies.spend)
        by_spend &= ~by_share
        # an equal split per supplier: each row gets 1 / (its supplier's rows in the key)
        supplier, companies = self.codes("supplier")
        _, pair = arrays.unique_inverse(key * max(len(companies), 1) + supplier)
        same_supplier = np.bincount(pair)[pair] if n else np.zeros(0)
        weight = np.where(
            by_share[key], share, np.where(by_spend[key], spend, 1.0 / np.maximum(same_supplier, 1))
        )
        total = np.bincount(key, weights=weight, minlength=n_keys)
        self.shares = (weight / total[key]).tolist() if n else []
        self.row_basis = np.where(by_share, 0, np.where(by_spend, 1, 2)).astype(np.int8)[key]

    def share_basis(self, buyer: str, item: str) -> str:
        """The basis of the shares of ``buyer``'s suppliers of ``item`` (see SHARE_BASES)."""
        rows = self.inbound_rows(buyer, item)
        return SHARE_BASES[self.row_basis[rows[0]]] if rows else "equal"

    def share_of(self, k: int) -> float | None:
        """The normalised share of supply row ``k`` (``None`` before normalising)."""
        return self.shares[k] if self.shares else None

    def inputs(self, company: str, item: str) -> tuple[list[str], bool]:
        """What ``company`` needs to make ``item``, and whether that rests on the
        "no bill of materials, so every supplied item is needed" assumption."""
        if item in self.bom:
            return self.bom[item], False
        supplied = self.supplied(company)
        return supplied, bool(supplied)


@dataclass(frozen=True)
class Inbound:
    """Supply rows grouped by (buyer, item), keys in sorted order: key ``k`` is
    (``buyer[k]``, ``item[k]``) as codes of :meth:`SupplyModel.codes`, and its rows
    (in row order) are ``rows[bounds[k]:bounds[k + 1]]``. Key ``k`` is receive goal
    ``k`` of the goal graph."""

    buyer: np.ndarray
    item: np.ndarray
    packed: np.ndarray  # buyer * (number of items) + item: sorted
    bounds: np.ndarray
    rows: np.ndarray


def _find(ids: np.ndarray, x: str) -> int:
    """The position of ``x`` in the sorted ``ids`` (-1 when absent)."""
    wanted = np.empty(1, dtype=object)
    wanted[0] = x
    return int(arrays.find(ids, wanted)[0])
