"""The explorer's indexes of one ecosystem, made once and shared by every page.

A page asks "what about this company?" many times a second; the analysis holds
its answers as long lists (the register, the single points of failure, the
HHI rows, the supply rows). :class:`Catalogue` groups them by the id a page
looks up (findings by subject, single points of failure by node and by
product, HHI rows by buyer, supply rows by supplier and by buyer), and holds the
search index. :func:`catalogue` makes it when an ecosystem is first shown and
keeps it while the engine serves that ecosystem: a new snapshot gets a new one.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from tierscope.graph.analysis.coverage import CoverageGap, KpiScore, PersonLoad
from tierscope.graph.analysis.finding import SEVERITIES, Finding
from tierscope.graph.analysis.hhi import Hhi
from tierscope.graph.analysis.scenarios import Scenario
from tierscope.graph.analysis.spof import SinglePoint
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.report import Headline, headlines

__all__ = ["Catalogue", "Entry", "Grouped", "SearchIndex", "catalogue", "warm"]

log = logging.getLogger("tierscope.api")

KINDS = ("company", "item", "site", "person")
#: scenarios kept for the picture that follows its page
SCENARIOS_KEPT = 16
#: supply trees (of a product to a tier) kept: a few thousand links each
TREES_KEPT = 64
#: pictures kept, as their HTML (a megabyte or two each, vis-network inline)
PICTURES_KEPT = 32


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing a search can find."""

    kind: str  # "company", "item", "site" or "person"
    id: str
    name: str
    detail: str  # a few words: kind and country, employer, owner...


class SearchIndex:
    """Companies, items, sites and people by id or name, as you type.

    Ids and names, lower-cased, sorted once: a prefix is two bisections. A query
    that is no prefix of any id or name is looked for inside them with
    ``str.find`` over one text holding every key (one line each), which runs in C
    and stops at the ``limit``-th hit: no Python loop over every entry.
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        ids = sorted((e.id.lower(), k) for k, e in enumerate(self.entries))
        names = sorted((e.name.lower(), k) for k, e in enumerate(self.entries) if e.name != e.id)
        self._id_keys = [key for key, _ in ids]
        self._id_owner = [k for _, k in ids]
        self._name_keys = [key for key, _ in names]
        self._name_owner = [k for _, k in names]
        # id TAB name, one line each: a query holds neither, so no hit spans two of them
        lines = [f"{_clean(e.id.lower())}\t{_clean(e.name.lower())}" for e in self.entries]
        self._blob = "\n".join(lines)
        self._starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]]).tolist()

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, query: str, limit: int = 10) -> tuple[list[Entry], bool]:
        """Up to ``limit`` entries: the exact id first, then ids and names that start with
        ``query``, then those that contain it; and whether more exist."""
        q = _clean(query.strip().lower())
        if not q:
            return [], False
        found: dict[int, None] = {}
        want = limit + 1  # one more tells whether there are more
        for keys, owner in ((self._id_keys, self._id_owner), (self._name_keys, self._name_owner)):
            lo = bisect_left(keys, q)
            hi = bisect_right(keys, q + "\U0010ffff", lo)
            if keys is self._id_keys and lo < hi and keys[lo] == q:
                found = {owner[lo]: None, **found}
            for j in range(lo, min(hi, lo + want)):
                found.setdefault(owner[j], None)
        pos = 0
        while len(found) < want:
            pos = self._blob.find(q, pos)
            if pos < 0:
                break
            k = bisect_right(self._starts, pos) - 1
            found.setdefault(k, None)
            pos = self._starts[k + 1] if k + 1 < len(self._starts) else len(self._blob)
        hits = [self.entries[k] for k in found]
        return hits[:limit], len(hits) > limit


def _clean(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ")


class Grouped:
    """Row positions grouped by a key column: ``rows(key)`` without a scan."""

    def __init__(self, keys: Sequence[Any] | np.ndarray) -> None:
        self._group(*_factorize(keys))

    @classmethod
    def of_codes(cls, codes: np.ndarray, uniques: Sequence[Any] | np.ndarray) -> Grouped:
        """Grouped by integer ``codes`` into ``uniques`` (a categorical column's)."""
        g = cls.__new__(cls)
        g._group(np.asarray(codes, dtype=np.int64), list(uniques))
        return g

    def _group(self, codes: np.ndarray, uniques: list[Any]) -> None:
        self._code = {str(u): k for k, u in enumerate(uniques)}
        self._order = np.argsort(codes, kind="stable")
        self._starts = np.searchsorted(codes[self._order], np.arange(len(uniques) + 1))

    def rows(self, key: str) -> np.ndarray:
        k = self._code.get(key)
        if k is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self._order[self._starts[k] : self._starts[k + 1]])


def _factorize(keys: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, list[Any]]:
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(keys, dtype=object), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), list(uniques)


class Catalogue:
    """What the pages look up, grouped by id (see the module)."""

    def __init__(self, eco: Ecosystem) -> None:
        self.eco = eco
        a, ctx = eco.analysis, eco.ctx
        self.findings_of: dict[str, list[Finding]] = defaultdict(list)
        self.findings_naming: dict[str, list[int]] = defaultdict(list)  # product -> positions
        for k, f in enumerate(a.register):
            self.findings_of[f.subject_id].append(f)
            for p in f.products:
                self.findings_naming[p].append(k)
        self.spof_of_node: dict[str, list[SinglePoint]] = defaultdict(list)
        self.spof_of_product: dict[str, list[SinglePoint]] = defaultdict(list)
        for s in a.single_points_of_failure:
            self.spof_of_node[s.node_id].append(s)
            self.spof_of_product[s.product_id].append(s)
        self.country_stops: dict[str, list[str]] = defaultdict(list)
        for s in a.country_outages:
            self.country_stops[s.node_id].append(s.product_id)
        cov = a.coverage
        self.gaps_of: dict[str, list[CoverageGap]] = defaultdict(list)
        for g in cov.gaps:
            self.gaps_of[g.company_id].append(g)
        self.kpis_of: dict[str, list[KpiScore]] = defaultdict(list)
        for kpi in cov.kpis:
            self.kpis_of[kpi.company_id].append(kpi)
        self.load_of: dict[str, PersonLoad] = {p.person_id: p for p in cov.people}
        self.sponsoring: dict[str, list[str]] = defaultdict(list)  # person -> companies
        self.contact_for: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for c, persons in ctx.sponsors.items():
            for p in persons:
                self.sponsoring[p].append(c)
        for c, cs in ctx.contacts.items():
            for p, primary in cs:
                self.contact_for[p].append((c, primary))
        self.dependents: dict[str, list[str]] = defaultdict(list)  # provider -> dependents
        for dependent, providers in ctx.model.critical_providers.items():
            for p in providers:
                self.dependents[p].append(dependent)
        self.sites_of: dict[str, list[str]] = defaultdict(list)
        for site, d in ctx.sites.items():
            self.sites_of[str(d.get("company_id"))].append(site)
        self.staff_of: dict[str, list[str]] = defaultdict(list)  # company -> its people
        for p, d in ctx.people.items():
            self.staff_of[str(d.get("company_id"))].append(p)
        self.headlines: list[Headline] = headlines(eco)
        self._scenarios: dict[tuple[tuple[str, ...], tuple[str, ...], float], Scenario] = {}
        self._scenario_lock = threading.Lock()
        self._trees: dict[tuple[str, int], dict[str, Any]] = {}
        self._tree_items: dict[str, dict[tuple[str, str], set[str]]] = {}
        self._pictures: dict[tuple[Any, ...], str] = {}
        self._pictures_lock = threading.Lock()

    # -- made when first needed ---------------------------------------------------------
    @cached_property
    def search(self) -> SearchIndex:
        ctx = self.eco.ctx
        entries = [
            Entry(
                "company",
                c,
                str(d.get("name") or c),
                " · ".join(str(x) for x in (d.get("kind"), d.get("country")) if x),
            )
            for c, d in ctx.companies.items()
        ]
        entries += [
            Entry("item", i, str(d.get("name") or i), str(d.get("kind") or "item"))
            for i, d in ctx.items.items()
        ]
        entries += [
            Entry("site", s, str(d.get("name") or s), f"site of {d.get('company_id')}")
            for s, d in ctx.sites.items()
        ]
        entries += [
            Entry("person", p, str(d.get("name") or p), str(d.get("title") or "person"))
            for p, d in ctx.people.items()
        ]
        return SearchIndex(entries)

    @cached_property
    def supplied_by(self) -> Grouped:
        """Supply rows by supplier."""
        return Grouped(self.eco.ctx.model.supplies.supplier)

    @cached_property
    def bought_by(self) -> Grouped:
        """Supply rows by buyer."""
        return Grouped(self.eco.ctx.model.supplies.buyer)

    @cached_property
    def by_item(self) -> Grouped:
        """Supply rows by item."""
        return Grouped(self.eco.ctx.model.supplies.item)

    @cached_property
    def used_in(self) -> dict[str, list[str]]:
        """Item -> the items whose bill of materials needs it."""
        out: dict[str, list[str]] = defaultdict(list)
        for parent, children in self.eco.ctx.model.bom.items():
            for child in children:
                out[child].append(parent)
        return out

    @cached_property
    def shipped_from(self) -> Grouped:
        """Supply rows by the site they ship from."""
        return Grouped(self.eco.ctx.model.supplies.site)

    @cached_property
    def hhi_by_buyer(self) -> Grouped:
        """HHI rows by buyer."""
        return Grouped.of_codes(*self.eco.analysis.concentration.hhi.codes("buyer_id"))

    def hhi_of(self, buyer: str) -> list[Hhi]:
        """The HHI rows of what ``buyer`` buys."""
        return self.eco.analysis.concentration.hhi.take(self.hhi_by_buyer.rows(buyer))

    @cached_property
    def register_columns(self) -> dict[str, np.ndarray]:
        """The register as columns, for filtering and sorting a page of it."""
        reg = self.eco.analysis.register
        return {
            "severity": np.array([SEVERITIES.index(f.severity) for f in reg], dtype=np.int64),
            "kind": np.array([f.kind for f in reg], dtype=object),
            "revenue": np.array([f.revenue_at_stake or 0.0 for f in reg], dtype=float),
            "rank": np.array([f.rank for f in reg], dtype=np.int64),
            "subject": np.array([f.subject_id for f in reg], dtype=object),
        }

    @cached_property
    def exposure_products(self) -> tuple[np.ndarray, dict[str, int]]:
        """The product code of each exposure row, and each product's code."""
        codes, names = self.eco.analysis.concentration.exposure.codes("product_id")
        return codes, {str(n): k for k, n in enumerate(names)}

    @cached_property
    def country_exposure_products(self) -> tuple[np.ndarray, dict[str, int]]:
        """The product code of each country exposure row, and each product's code."""
        codes, names = self.eco.analysis.concentration.country_exposure.codes("product_id")
        return codes, {str(n): k for k, n in enumerate(names)}

    def supply_tree(self, product_id: str, max_tier: int) -> dict[str, Any]:
        """``Ecosystem.supply_tree``, kept: a product page asks it each time it is shown."""
        key = (product_id, max_tier)
        found = self._trees.get(key)
        if found is None:
            found = self._trees.setdefault(key, self.eco.supply_tree(product_id, max_tier))
            while len(self._trees) > TREES_KEPT:
                self._trees.pop(next(iter(self._trees)), None)
        return found

    def picture(self, key: tuple[Any, ...], make: Callable[[], str]) -> str:
        """The picture ``key`` names, made by ``make`` the first time and kept (the last
        :data:`PICTURES_KEPT`): a product's picture takes seconds to make at 100,000
        companies, and pages of the same product frame the same one."""
        with self._pictures_lock:
            found = self._pictures.pop(key, None)
            if found is not None:
                self._pictures[key] = found  # the most recently used last
                return found
        html = make()  # outside the lock: other pictures are made meanwhile
        with self._pictures_lock:
            self._pictures[key] = html
            while len(self._pictures) > PICTURES_KEPT:
                self._pictures.pop(next(iter(self._pictures)), None)
        return html

    def tree_items(self, product_id: str) -> dict[tuple[str, str], set[str]]:
        """(supplier or site, buyer) -> the items it ships to that buyer in the supply tree
        of ``product_id`` (to tier 10, as far as the tree is listed)."""
        found = self._tree_items.get(product_id)
        if found is None:
            found = defaultdict(set)
            for link in self.supply_tree(product_id, 10)["links"]:
                if link["item_id"] is not None:
                    found[(link["supplier_id"], link["buyer_id"])].add(link["item_id"])
                    if link["site_id"] is not None:
                        found[(link["site_id"], link["buyer_id"])].add(link["item_id"])
            found = self._tree_items.setdefault(product_id, dict(found))
        return found

    def scenario(self, fail: list[str], countries: list[str], days: float) -> Scenario:
        """``Ecosystem.scenario``, the last few kept: a page and its picture ask the same."""
        key = (tuple(fail), tuple(countries), days)
        with self._scenario_lock:
            found = self._scenarios.get(key)
        if found is None:
            found = self.eco.scenario(fail, countries, days)
            with self._scenario_lock:
                self._scenarios[key] = found
                while len(self._scenarios) > SCENARIOS_KEPT:
                    self._scenarios.pop(next(iter(self._scenarios)))
        return found

    @cached_property
    def register_kinds(self) -> list[str]:
        """The kinds of finding in the register, sorted."""
        return sorted({str(k) for k in self.register_columns["kind"].tolist()})

    @cached_property
    def people_by_load(self) -> list[PersonLoad]:
        """Sponsors and contacts, the overloaded and most critical first."""
        return sorted(
            self.eco.analysis.coverage.people,
            key=lambda p: (not p.overloaded, -len(p.critical_partners), -p.partners, p.person_id),
        )

    def supply_rows(self, rows: np.ndarray) -> list[dict[str, Any]]:
        """Supply rows (positions) as dicts: supplier, buyer, item, site, share."""
        m = self.eco.ctx.model
        sup = m.supplies
        shares = m.shares
        return [
            {
                "supplier": str(sup.supplier[k]),
                "buyer": str(sup.buyer[k]),
                "item": str(sup.item[k]),
                "site": None if sup.site[k] is None else str(sup.site[k]),
                "share": float(shares[k]) if len(shares) > k else None,
            }
            for k in rows.tolist()
        ]

    def link_between(self, a: str, b: str) -> list[dict[str, Any]]:
        """The supply rows from ``a`` (a company or a site) to buyer ``b``."""
        sites = self.eco.ctx.sites
        rows = self.shipped_from.rows(a) if a in sites else self.supplied_by.rows(a)
        return [r for r in self.supply_rows(rows) if r["buyer"] == b]


_cache: tuple[Ecosystem, Catalogue] | None = None
_cache_lock = threading.Lock()


def catalogue(eco: Ecosystem) -> Catalogue:
    """The catalogue of ``eco``, made on first use and kept while ``eco`` is current."""
    global _cache
    held = _cache
    if held is not None and held[0] is eco:
        return held[1]
    with _cache_lock:
        held = _cache
        if held is not None and held[0] is eco:
            return held[1]
        made = Catalogue(eco)
        _cache = (eco, made)
        return made


def warm(current: Callable[[], Ecosystem]) -> threading.Thread:
    """Make the catalogue of the ecosystem ``current()`` returns, its search index,
    every product's supply tree and the items along its links, in a thread: the first
    pages then find them made (a company page reads every product's tree, a path page
    the items of its product's). A failure is left to the first page."""

    def run() -> None:
        try:
            cat = catalogue(current())
            cat.search  # noqa: B018  (made now, not at the first keystroke)
            products = sorted(cat.eco.ctx.model.products)
            for p in products:
                cat.supply_tree(p, 3)  # the tree a product page draws first
            for p in products:
                cat.tree_items(p)  # what the links of a path page carry (the tree to tier 10)
        except Exception as e:  # the page that needs it reports it properly
            log.warning("could not prepare the explorer: %s", e)

    thread = threading.Thread(target=run, name="tierscope-explorer-warm", daemon=True)
    thread.start()
    return thread
