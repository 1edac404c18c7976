"""Validate a raw bundle into typed :class:`~tierscope.graph.schema.Records`.

Every problem is collected — missing files and columns, wrong types, empty or
duplicate ids, unknown references, shares out of range or over-allocated,
the focal company, self-supply, cycles — and reported at once with the file,
row, column, bad value and what is allowed. Checks are vectorised with pandas
so a million-row bundle validates in seconds; only bad rows are visited one
by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from tierscope.graph.errors import BundleError, Problem
from tierscope.graph.schema import FOCAL, TABLES, Column, Records, Table, empty_frame
from tierscope.loaders.read import RawBundle, read_bundle

__all__ = ["RESERVED_COLUMNS", "SHARE_TOLERANCE", "check_bundle", "validate_bundle"]

#: Shares of one (buyer, item) may sum to at most 1 + this (rounding in spreadsheets).
SHARE_TOLERANCE = 1e-3
#: Property names tierscope sets itself; a bundle column may not use them.
RESERVED_COLUMNS = frozenset({"tier", "snapshot", "key"})

_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_MAX_LISTED = 10


def validate_bundle(path: Path) -> Records:
    """Read and validate the bundle at ``path``.

    Returns the typed records; raises :class:`BundleError` listing every problem.
    """
    records, problems = check_bundle(read_bundle(path))
    if problems:
        raise BundleError(str(path), problems)
    return records


def check_bundle(raw: RawBundle) -> tuple[Records, list[Problem]]:
    """Type-convert and check ``raw``; return the records and every problem found."""
    v = _Validator(raw)
    return v.run(), v.problems


class _Validator:
    def __init__(self, raw: RawBundle) -> None:
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems)
        self.frames: dict[str, pd.DataFrame] = {}
        #: tables whose file is there but could not be read (references to them are not checked)
        self.unreadable: set[str] = set()
        # Row numbers (spreadsheet rows) survive filtering through this column.
        self._row = "__row__"

    # -- helpers -------------------------------------------------------------
    def _file(self, t: str) -> str:
        return self.raw.file_of(t)

    def _add(self, t: str, row: int | None, col: str | None, value: object, msg: str) -> None:
        self.problems.append(
            Problem(self._file(t), row, col, None if value is None else str(value), msg)
        )

    def _each(self, t: str, frame: pd.DataFrame, mask: pd.Series, col: str, msg: str) -> None:
        """Report ``msg`` (formatted with ``{v}`` = the value) for every row where ``mask``."""
        bad = frame.loc[mask, [self._row, col]]
        for row, value in zip(bad[self._row].tolist(), bad[col].tolist(), strict=True):
            self._add(t, int(row), col, value, msg.format(v=value))

    # -- the run ---------------------------------------------------------------
    def run(self) -> Records:
        for t in TABLES:
            self._table(t)
        self._cross_checks()
        frames = {
            name: f.drop(columns=[self._row]).reset_index(drop=True)
            for name, f in self.frames.items()
        }
        return Records(frames=frames, source=self.raw.source)

    def _table(self, t: Table) -> None:
        raw = self.raw.frames.get(t.name)
        if raw is None:
            unreadable = {self._file(t.name), self.raw.source}
            if any(p.file in unreadable for p in self.problems):
                self.unreadable.add(t.name)
            elif t.mandatory:
                self._add(t.name, None, None, None, "is missing; every bundle needs it")
            self.frames[t.name] = empty_frame(t).assign(**{self._row: pd.Series([], dtype=int)})
            return
        frame = raw.copy()
        frame[self._row] = np.arange(2, len(frame) + 2)
        missing = [c.name for c in t.columns if c.required and c.name not in frame.columns]
        for col in missing:
            allowed = ", ".join(c.name for c in t.columns if c.required)
            self._add(t.name, None, col, None, f"required column is missing (required: {allowed})")
        for col in frame.columns:
            if col in RESERVED_COLUMNS:
                self._add(t.name, 1, col, col, "is a reserved name tierscope computes; rename it")
        for c in t.columns:
            if c.name not in frame.columns:
                frame[c.name] = ""
            frame[c.name] = self._convert(t, frame, c)
        extras = [c for c in frame.columns if c not in t.column_names and c != self._row]
        for col in extras:
            frame[col] = frame[col].astype(object).where(frame[col] != "", None)
        self._duplicates(t, frame)
        self.frames[t.name] = frame

    def _convert(self, t: Table, frame: pd.DataFrame, c: Column) -> pd.Series:
        text: pd.Series = frame[c.name].astype(str)
        empty = text.str.strip() == ""
        if c.required and c.name in self.raw.frames[t.name].columns:
            self._each(t.name, frame, empty, c.name, "must not be empty")
        if c.type == "str":
            if c.allowed:
                norm = text.str.strip().str.lower()
                bad = ~empty & ~norm.isin(c.allowed)
                allowed = ", ".join(c.allowed)
                self._each(t.name, frame, bad, c.name, f"must be one of {allowed}, got '{{v}}'")
                return norm.astype(object).where(~empty, None)
            return text.astype(object).where(~empty, None)
        if c.type == "bool":
            norm = text.str.strip().str.lower()
            bad = ~empty & ~norm.isin(_TRUE | _FALSE)
            self._each(t.name, frame, bad, c.name, "must be true or false, got '{v}'")
            out = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            out[norm.isin(_TRUE)] = True
            out[norm.isin(_FALSE)] = False
            return out
        num = pd.to_numeric(text.str.strip().where(~empty, None), errors="coerce")
        bad_num = ~empty & (num.isna() | ~np.isfinite(num.fillna(0)))
        self._each(t.name, frame, bad_num, c.name, "must be a number, got '{v}'")
        num = num.where(~bad_num)
        ok = ~empty & ~bad_num
        if c.type == "int":
            frac = ok & (num.fillna(0) % 1 != 0)
            self._each(t.name, frame, frac, c.name, "must be a whole number, got '{v}'")
            num = num.where(~frac)
            ok = ok & ~frac
        if c.unit_interval:
            out_of = ok & ((num < 0) | (num > 1))
            self._each(t.name, frame, out_of, c.name, "must be between 0 and 1, got '{v}'")
        elif c.nonnegative:
            neg = ok & (num < 0)
            self._each(t.name, frame, neg, c.name, "must not be negative, got '{v}'")
        if c.type == "int":
            return num.astype("Int64")
        return num.astype(float)

    def _duplicates(self, t: Table, frame: pd.DataFrame) -> None:
        key = list(t.key)
        if any(k not in frame.columns for k in key):
            return
        keyed = frame[key].astype(object).where(frame[key].notna(), "")
        dup = keyed.duplicated(keep=False)
        if not dup.any():
            return
        first_rows = (
            frame.loc[dup]
            .groupby(key, dropna=False, sort=False)[self._row]
            .transform("min")
            .to_dict()
        )
        later = frame.loc[dup & keyed.duplicated(keep="first")]
        col = key[0] if len(key) == 1 else ", ".join(key)
        for idx, row in later.iterrows():
            value = " | ".join("" if pd.isna(row[k]) else str(row[k]) for k in key)
            what = f"duplicate {col} '{value}'"
            self._add(
                t.name,
                int(row[self._row]),
                col,
                value,
                f"{what}; first seen at row {first_rows[idx]}",
            )

    # -- across tables ---------------------------------------------------------
    def _ids(self, table: str) -> pd.Series:
        f = self.frames[table]
        return f["id"].dropna()

    def _refs(self, table: str, col: str, target: str, hint: str) -> None:
        if target in self.unreadable:  # its own problem says why; every reference would fail
            return
        frame = self.frames[table]
        known = set(self._ids(target).tolist())
        values = frame[col]
        bad = values.notna() & ~values.isin(known)
        self._each(table, frame, bad, col, f"no {hint} with id '{{v}}' (is it in {target}.csv?)")

    def _cross_checks(self) -> None:
        f = self.frames
        companies = f["companies"]
        focal = companies.loc[companies["kind"] == FOCAL]
        if len(companies) and not any(p.column == "kind" for p in self.problems):
            if len(focal) == 0:
                self._add(
                    "companies",
                    None,
                    "kind",
                    None,
                    "no company has kind 'focal'; exactly one must (the company whose "
                    "ecosystem this is)",
                )
            elif len(focal) > 1:
                ids = ", ".join(map(str, focal["id"].tolist()[:_MAX_LISTED]))
                for row, cid in zip(
                    focal[self._row].tolist()[1:], focal["id"].tolist()[1:], strict=True
                ):
                    self._add(
                        "companies",
                        int(row),
                        "kind",
                        "focal",
                        f"company '{cid}' is a second focal company; exactly one company "
                        f"may have kind 'focal' (found {len(focal)}: {ids})",
                    )
        focal_id = str(focal["id"].iloc[0]) if len(focal) == 1 else None

        # company and site ids share one namespace (a failure can name either)
        sites = f["sites"]
        clash = sites["id"].isin(set(companies["id"].dropna()))
        self._each(
            "sites",
            sites,
            clash,
            "id",
            "id '{v}' is also a company id; companies and sites need distinct ids",
        )

        self._refs("companies", "parent_id", "companies", "company")
        self._self_ref("companies", "id", "parent_id", "a company cannot be its own parent")
        self._cycles("companies", "id", "parent_id", "parent_id", "ownership (parent_id) loop")

        self._refs("supplies", "supplier_id", "companies", "company")
        self._refs("supplies", "buyer_id", "companies", "company")
        self._refs("supplies", "item_id", "items", "item")
        self._refs("supplies", "site_id", "sites", "site")
        self._self_ref("supplies", "supplier_id", "buyer_id", "a company cannot supply itself")
        self._site_owner()
        self._share_sums()

        self._refs("bom", "parent_id", "items", "item")
        self._refs("bom", "child_id", "items", "item")
        self._self_ref("bom", "parent_id", "child_id", "an item cannot require itself")
        self._cycles("bom", "parent_id", "child_id", "child_id", "bill of materials cycle")

        self._refs("sites", "company_id", "companies", "company")
        self._refs("dependencies", "dependent_id", "companies", "company")
        self._refs("dependencies", "provider_id", "companies", "company")
        self._self_ref(
            "dependencies", "dependent_id", "provider_id", "a company cannot depend on itself"
        )
        self._refs("people", "company_id", "companies", "company")
        self._refs("relationships", "person_id", "people", "person")
        self._refs("relationships", "company_id", "companies", "company")
        self._roles(focal_id)
        self._refs("kpis", "company_id", "companies", "company")

    def _self_ref(self, table: str, a: str, b: str, msg: str) -> None:
        frame = self.frames[table]
        bad = frame[a].notna() & (frame[a] == frame[b])
        self._each(table, frame, bad, b, msg + ", got '{v}'")

    def _site_owner(self) -> None:
        supplies, sites = self.frames["supplies"], self.frames["sites"]
        owner = dict(zip(sites["id"], sites["company_id"], strict=True))
        has_site = supplies["site_id"].notna() & supplies["site_id"].isin(owner.keys())
        site_owner = supplies["site_id"].map(owner)
        bad = has_site & (site_owner != supplies["supplier_id"])
        rows = supplies.loc[bad]
        for row, site, sup, own in zip(
            rows[self._row], rows["site_id"], rows["supplier_id"], site_owner[bad], strict=True
        ):
            self._add(
                "supplies",
                int(row),
                "site_id",
                site,
                f"site '{site}' belongs to company '{own}', not to the supplier '{sup}'",
            )

    def _share_sums(self) -> None:
        s = self.frames["supplies"]
        with_share = s[s["share"].between(0, 1)]
        if with_share.empty:
            return
        agg = (
            with_share.groupby(["buyer_id", "item_id"])
            .agg(total=("share", "sum"), row=(self._row, "min"))
            .reset_index()
        )
        over = agg[agg["total"] > 1 + SHARE_TOLERANCE]
        for buyer, item, total, row in zip(
            over["buyer_id"], over["item_id"], over["total"], over["row"], strict=True
        ):
            self._add(
                "supplies",
                int(row),
                "share",
                f"{total:g}",
                f"shares of item '{item}' bought by '{buyer}' sum to {total:g}; "
                f"they may sum to at most 1",
            )

    def _cycles(self, table: str, src: str, dst: str, col: str, what: str) -> None:
        frame = self.frames[table]
        edges = frame[[src, dst, self._row]].dropna()
        edges = edges[edges[src] != edges[dst]]
        if edges.empty:
            return
        g: nx.DiGraph[str] = nx.DiGraph()
        for a, b, row in zip(edges[src], edges[dst], edges[self._row], strict=True):
            g.add_edge(a, b, row=int(row))
        for comp in nx.strongly_connected_components(g):
            if len(comp) < 2:
                continue
            cycle = nx.find_cycle(g.subgraph(comp))
            path = " -> ".join([str(cycle[0][0])] + [str(e[1]) for e in cycle])
            row = min(g.edges[e[0], e[1]]["row"] for e in cycle)
            self._add(table, row, col, path, f"{what}: {path}; it must not loop")

    def _roles(self, focal_id: str | None) -> None:
        rel, people = self.frames["relationships"], self.frames["people"]
        employer = dict(zip(people["id"], people["company_id"], strict=True))
        works_at = rel["person_id"].map(employer)
        known = rel["person_id"].isin(employer.keys())
        if focal_id is not None:
            bad = known & (rel["role"] == "sponsor") & (works_at != focal_id)
            for row, pid, emp in _rows(rel, bad, self._row, "person_id", works_at):
                self._add(
                    "relationships",
                    row,
                    "person_id",
                    pid,
                    f"sponsor '{pid}' works at '{emp}'; a sponsor must be a person of the "
                    f"focal company '{focal_id}'",
                )
        bad = known & (rel["role"] == "contact") & (works_at != rel["company_id"])
        for row, pid, emp in _rows(rel, bad, self._row, "person_id", works_at):
            cid = rel.loc[rel[self._row] == row, "company_id"].iloc[0]
            self._add(
                "relationships",
                row,
                "person_id",
                pid,
                f"contact '{pid}' works at '{emp}'; a contact must be a person of the "
                f"partner '{cid}'",
            )


def _rows(
    frame: pd.DataFrame, mask: pd.Series, row_col: str, col: str, other: pd.Series
) -> Iterable[tuple[int, str, str]]:
    sub = frame.loc[mask]
    for row, value, o in zip(sub[row_col], sub[col], other[mask], strict=True):
        yield int(row), str(value), str(o)
