"""The data model of DESIGN.md: tables of the input bundle, their columns and types.

Everything that knows what a company, a supply relationship or a sponsor *is*
lives here, so loaders, the store and the projection agree on one definition.

A bundle is held as :class:`Records`: one pandas DataFrame per table, with the
known columns converted to their types (``str``, ``float``, ``int``, ``bool``;
missing values are ``None``/``NaN``) and any extra column kept as text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = [
    "COMPANY_KINDS",
    "FOCAL",
    "ITEM_KINDS",
    "ROLES",
    "SEGMENTS",
    "TABLES",
    "Column",
    "ColumnType",
    "Records",
    "Table",
    "table",
]

ColumnType = Literal["str", "float", "int", "bool"]

FOCAL = "focal"
COMPANY_KINDS: tuple[str, ...] = (FOCAL, "supplier", "distributor", "customer", "service_provider")
ITEM_KINDS: tuple[str, ...] = ("product", "component", "material", "service")
SEGMENTS: tuple[str, ...] = ("strategic", "leverage", "bottleneck", "routine")
ROLES: tuple[str, ...] = ("sponsor", "contact")


@dataclass(frozen=True)
class Column:
    """One column of a bundle table.

    ``allowed`` lists the permitted values of an enumerated column;
    ``nonnegative``/``unit_interval`` bound a numeric one.
    """

    name: str
    type: ColumnType = "str"
    required: bool = False
    allowed: tuple[str, ...] = ()
    nonnegative: bool = False
    unit_interval: bool = False


@dataclass(frozen=True)
class Table:
    """One file of the bundle (``name`` + ``.csv``, or a sheet ``name``)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    mandatory: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


TABLES: tuple[Table, ...] = (
    Table(
        "companies",
        (
            Column("id", required=True),
            Column("name", required=True),
            Column("kind", required=True, allowed=COMPANY_KINDS),
            Column("country", required=True),
            Column("segment", allowed=SEGMENTS),
            Column("parent_id"),
            Column("annual_spend", "float", nonnegative=True),
            Column("declared_tier", "int", nonnegative=True),
            Column("region"),
            Column("recovery_days", "float", nonnegative=True),
        ),
        key=("id",),
        mandatory=True,
    ),
    Table(
        "items",
        (
            Column("id", required=True),
            Column("name", required=True),
            Column("kind", required=True, allowed=ITEM_KINDS),
            Column("category"),
            Column("revenue_per_day", "float", nonnegative=True),
            Column("inventory_days", "float", nonnegative=True),
        ),
        key=("id",),
    ),
    Table(
        "supplies",
        (
            Column("supplier_id", required=True),
            Column("buyer_id", required=True),
            Column("item_id", required=True),
            Column("share", "float", unit_interval=True),
            Column("annual_spend", "float", nonnegative=True),
            Column("lead_time_days", "float", nonnegative=True),
            Column("site_id"),
        ),
        key=("supplier_id", "buyer_id", "item_id", "site_id"),
    ),
    Table(
        "bom",
        (
            Column("parent_id", required=True),
            Column("child_id", required=True),
            Column("quantity", "float", nonnegative=True),
        ),
        key=("parent_id", "child_id"),
    ),
    Table(
        "sites",
        (
            Column("id", required=True),
            Column("company_id", required=True),
            Column("country", required=True),
            Column("name"),
            Column("recovery_days", "float", nonnegative=True),
            Column("lat", "float"),
            Column("lon", "float"),
        ),
        key=("id",),
    ),
    Table(
        "dependencies",
        (
            Column("dependent_id", required=True),
            Column("provider_id", required=True),
            Column("kind", required=True),
            Column("critical", "bool"),
        ),
        key=("dependent_id", "provider_id", "kind"),
    ),
    Table(
        "people",
        (
            Column("id", required=True),
            Column("name", required=True),
            Column("company_id", required=True),
            Column("title"),
            Column("email"),
        ),
        key=("id",),
    ),
    Table(
        "relationships",
        (
            Column("person_id", required=True),
            Column("company_id", required=True),
            Column("role", required=True, allowed=ROLES),
            Column("primary", "bool"),
        ),
        key=("person_id", "company_id", "role"),
    ),
    Table(
        "kpis",
        (
            Column("company_id", required=True),
            Column("metric", required=True),
            Column("period", required=True),
            Column("value", "float", required=True),
            Column("target", "float", required=True),
            Column("higher_is_better", "bool"),
        ),
        key=("company_id", "metric", "period"),
    ),
)

_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The :class:`Table` called ``name`` (``companies``, ``supplies``, ...)."""
    return _BY_NAME[name]


def empty_frame(t: Table) -> pd.DataFrame:
    """An empty DataFrame with the known columns of ``t``."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in t.column_names})


@dataclass
class Records:
    """A whole ecosystem as one typed DataFrame per bundle table.

    Absent tables are empty frames with the known columns, so code can read
    every table without checking. ``source`` says where the records came from.
    """

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        for t in TABLES:
            if t.name not in self.frames:
                self.frames[t.name] = empty_frame(t)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(t.name for t in TABLES)

    def counts(self) -> Mapping[str, int]:
        """Number of rows of each table."""
        return {t.name: len(self.frames[t.name]) for t in TABLES}

    def canonical(self) -> dict[str, list[tuple[tuple[str, object], ...]]]:
        """Each table as a sorted list of rows, a row being its non-missing (column, value) pairs.

        Two records hold the same ecosystem exactly when their canonical forms are equal,
        whatever the row order, column order or representation of a missing value.
        """
        out: dict[str, list[tuple[tuple[str, object], ...]]] = {}
        for name in self:
            rows = []
            for rec in self.frames[name].to_dict("records"):
                pairs = tuple(sorted((str(k), _plain(v)) for k, v in rec.items() if not _na(v)))
                rows.append(pairs)
            out[name] = sorted(rows, key=repr)
        return out

    def focal_id(self) -> str:
        """The id of the one company whose ``kind`` is ``focal``."""
        companies = self.frames["companies"]
        focal = companies.loc[companies["kind"] == FOCAL, "id"]
        if len(focal) != 1:
            raise ValueError(f"expected exactly one focal company, found {len(focal)}")
        return str(focal.iloc[0])


def _na(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and v != v


def _plain(v: object) -> object:
    """Numbers as float, booleans as bool, everything else as str (numpy types unwrapped)."""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return bool(v)
    if isinstance(v, int | float) or hasattr(v, "dtype"):
        return float(v)  # type: ignore[arg-type]
    return str(v)
