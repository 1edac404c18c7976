"""One loaded ecosystem, analysed once, answering the questions the API asks.

:class:`Ecosystem` holds the projection, the full analysis and the indexes the
queries need (single points of failure by pair, exposures by company, the
supply tree of every product), built when the ecosystem is read and never
changed afterwards, so any number of threads may read it at once. Every query
names what it could not find with :class:`UnknownId`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from tierscope.graph.analysis.concentration import Exposure
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.dependencies import DependencyCheck, SupplyTree
from tierscope.graph.analysis.register import SEVERITIES, Finding
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.analysis.scenarios import (
    ExposureIndexEntry,
    Scenario,
    UnknownFailure,
    run_scenario,
)
from tierscope.graph.analysis.spof import SinglePoint
from tierscope.graph.bounds import MAX_DEPTH, MAX_NODES
from tierscope.graph.errors import TierscopeError
from tierscope.graph.projection import Projection

__all__ = ["MAX_DEPTH", "MAX_NODES", "Ecosystem", "UnknownId"]

#: the supply tree lists at most this many links
MAX_TREE_LINKS = 5000


class UnknownId(TierscopeError):
    """An id that is not in the loaded ecosystem."""

    def __init__(self, what: str, value: str) -> None:
        super().__init__(f"no {what} with id {value!r} in the loaded ecosystem")
        self.what, self.value = what, value


@dataclass(frozen=True)
class ExposuresByCompany:
    """Each company's exposure rows (product, exposure) as one slice of arrays sorted by
    company: tens of millions of rows at scale, where a dict of lists of tuples would
    take gigabytes."""

    code: dict[str, int]  # company -> its slice
    starts: np.ndarray  # slice k is rows starts[k]:starts[k + 1]
    product: np.ndarray  # product code of each row, rows ordered by company
    products: np.ndarray  # product names
    exposure: np.ndarray

    @classmethod
    def of(cls, rows: Rows[Exposure]) -> ExposuresByCompany:
        company, companies = rows.codes("company_id")
        product, products = rows.codes("product_id")
        order = np.argsort(company, kind="stable")
        starts = np.searchsorted(company[order], np.arange(len(companies) + 1))
        return cls(
            {str(c): k for k, c in enumerate(companies)},
            starts,
            product[order],
            products,
            rows.column("exposure")[order],
        )

    def of_company(self, company_id: str) -> dict[str, float]:
        """Product -> exposure of every product ``company_id`` carries a listed share of."""
        k = self.code.get(company_id)
        if k is None:
            return {}
        rows = slice(int(self.starts[k]), int(self.starts[k + 1]))
        return dict(
            zip(
                self.products[self.product[rows]].tolist(),
                self.exposure[rows].tolist(),
                strict=True,
            )
        )


@dataclass
class Ecosystem:
    """The analysis of one snapshot (``analysis``, computed now or read from the stored
    results) with the facts it was made from (``context``) and the indexes the queries
    use. Supply trees are built when a product is first asked about; the networkx
    ``g`` (for neighbourhoods) is read when first needed, through ``projection``."""

    context: Context
    analysis: Analysis
    built_seconds: float
    projection: Callable[[], Projection] | None = field(default=None, repr=False)
    spof: dict[tuple[str, str], SinglePoint] = field(default_factory=dict)
    trees: dict[str, SupplyTree] = field(default_factory=dict)
    #: the largest revenue at stake of the whole ecosystem, when ``analysis`` holds a part
    top_stake: float | None = None
    _g: Projection | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _indexing: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, g: Projection) -> Ecosystem:
        """Analyse projection ``g`` now."""
        t = time.perf_counter()
        a = analyze(g)
        assert a.context is not None
        eco = cls.of(a.context, a, g)
        eco.built_seconds = time.perf_counter() - t
        return eco

    @classmethod
    def of(
        cls,
        ctx: Context,
        a: Analysis,
        g: Projection | Callable[[], Projection] | None = None,
        top_stake: float | None = None,
    ) -> Ecosystem:
        """The ecosystem of an analysis already made (stored or just computed) of ``ctx``."""
        t = time.perf_counter()
        if a.context is None:  # read from the stored results: the facts it was made of
            a.context = ctx
        eco = cls(ctx, a, 0.0, None if g is None or not callable(g) else g, top_stake=top_stake)
        if g is not None and not callable(g):
            eco._g = g
        eco.spof = {(s.product_id, s.node_id): s for s in a.single_points_of_failure}
        eco.built_seconds = time.perf_counter() - t
        return eco

    # -- indexes made when first used (a dependency check needs none of them) ---------
    @cached_property
    def exposure_of(self) -> ExposuresByCompany:
        """Each company's exposure rows."""
        with self._indexing:
            return ExposuresByCompany.of(self.analysis.concentration.exposure)

    @cached_property
    def stake(self) -> dict[str, ExposureIndexEntry]:
        """The Risk Exposure Index by node."""
        with self._indexing:
            return {x.node_id: x for x in self.analysis.risk_exposure_index}

    @cached_property
    def by_id(self) -> list[tuple[str, dict[str, Any]]]:
        """The companies, sorted by id."""
        with self._indexing:
            return sorted(self.ctx.companies.items())

    # -- facts -------------------------------------------------------------------------
    @property
    def ctx(self) -> Context:
        return self.context

    @property
    def g(self) -> Projection:
        """The networkx projection, read when first asked for."""
        if self._g is None:
            with self._lock:
                if self._g is None:
                    if self.projection is None:
                        raise TierscopeError("this ecosystem was made without its projection")
                    self._g = self.projection()
        return self._g

    @property
    def snapshot(self) -> str | None:
        return self.analysis.snapshot

    def company(self, company_id: str) -> dict[str, Any]:
        d = self.ctx.companies.get(company_id)
        if d is None:
            raise UnknownId("company", company_id)
        return _company(company_id, d)

    def companies(
        self,
        kind: str | None = None,
        tier: int | None = None,
        country: str | None = None,
        segment: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(total matching, one page of them), ordered by id."""
        rows = [
            (c, d)
            for c, d in self.by_id
            if (kind is None or d.get("kind") == kind)
            and (tier is None or d.get("tier") == tier)
            and (country is None or d.get("country") == country)
            and (segment is None or d.get("segment") == segment)
        ]
        return len(rows), [_company(c, d) for c, d in rows[offset : offset + limit]]

    def _node(self, node_id: str) -> int:
        e = self.context.goals.element_index.get(node_id)
        if e is None:
            raise UnknownId("company or site", node_id)
        return int(e)

    def _tree(self, product_id: str) -> SupplyTree:
        tree = self.trees.get(product_id)
        if tree is None:
            if product_id not in self.context.model.products:
                raise UnknownId("product", product_id)
            # two threads may build the same tree at once: both are equal, one is kept
            tree = self.trees.setdefault(
                product_id, SupplyTree.build(self.context.goals, product_id)
            )
        return tree

    # -- dependency checks -----------------------------------------------------------------
    def check(self, product_id: str, node_id: str, limit: int = 10) -> DependencyCheck:
        tree = self._tree(product_id)
        return tree.check(self._node(node_id), self.spof.get((product_id, node_id)), limit)

    def exposure(self, company_id: str) -> dict[str, Any]:
        """What depends on ``company_id`` downstream: products, tiers, revenue at stake."""
        self.company(company_id)
        e = self._node(company_id)
        rxi = self.stake.get(company_id)
        shares = self.exposure_of.of_company(company_id)
        ttr, assumed = self.ctx.recovery_days(company_id)
        products = []
        for p in sorted(self.context.model.products):
            tree = self._tree(p)
            states = tree.states_of.get(e)
            if not states:
                continue
            tts = self.ctx.inventory_days(p)
            spof = (p, company_id) in self.spof
            products.append(
                {
                    "product_id": p,
                    "tiers": sorted({t for _, t in states}),
                    "is_single_point_of_failure": spof,
                    "exposure": shares.get(p, 0.0),
                    "inventory_days": tts,
                    "revenue_at_stake": (
                        self.ctx.revenue_per_day(p) * max(0.0, ttr - tts) if spof else 0.0
                    ),
                }
            )
        return {
            "company_id": company_id,
            "recovery_days": ttr,
            "recovery_days_assumed": assumed,
            "revenue_at_stake": rxi.revenue_lost if rxi else 0.0,
            "products": products,
        }

    def neighborhood(self, node_id: str, depth: int = 1, direction: str = "both") -> dict[str, Any]:
        """Nodes within ``depth`` hops of a company, site, item or person (``upstream``:
        along edges into it, towards suppliers; ``downstream``: out of it)."""
        start = next(
            (
                k
                for k in (("Company", node_id), ("Site", node_id), ("Item", node_id))
                if k in self.g
            ),
            None,
        )
        if start is None:
            raise UnknownId("company, site or item", node_id)
        seen = {start: 0}
        edges: list[dict[str, Any]] = []
        todo = deque([start])
        truncated = False
        while todo:
            u = todo.popleft()
            if seen[u] >= depth:
                continue
            steps: list[tuple[Any, Any, Any, dict[str, Any]]] = []
            if direction in ("upstream", "both"):
                steps += [(a, u, k, d) for a, _, k, d in self.g.in_edges(u, keys=True, data=True)]
            if direction in ("downstream", "both"):
                steps += [(u, b, k, d) for _, b, k, d in self.g.out_edges(u, keys=True, data=True)]
            for a, b, k, d in steps:
                other = a if b == u else b
                if other not in seen:
                    if len(seen) >= MAX_NODES:
                        truncated = True
                        continue
                    seen[other] = seen[u] + 1
                    todo.append(other)
                edges.append(
                    {
                        "source": a[1],
                        "target": b[1],
                        "type": k[0],
                        "properties": _plain({x: y for x, y in d.items() if x != "key"}),
                    }
                )
        nodes = [
            {"id": n[1], "label": n[0], "distance": dist, "name": self.g.nodes[n].get("name")}
            for n, dist in sorted(seen.items(), key=lambda x: (x[1], x[0]))
        ]
        unique = {(e["source"], e["target"], e["type"], str(e["properties"])): e for e in edges}
        return {
            "id": node_id,
            "depth": depth,
            "direction": direction,
            "nodes": nodes,
            "edges": list(unique.values()),
            "truncated": truncated,
        }

    def supply_tree(self, product_id: str, max_tier: int = 3) -> dict[str, Any]:
        """The supply links of a product down to ``max_tier``, and each company's tiers."""
        tree = self._tree(product_id)
        gg = tree.graph
        m = gg.model
        tiers: dict[str, set[int]] = defaultdict(set)
        links: dict[tuple[str, str, str, str | None, str], dict[str, Any]] = {}
        truncated = False
        for state, parents in tree.parents.items():
            g, t = state
            if t > max_tier:
                truncated = True
                continue
            company = gg.deliver[g][0] if g >= 0 else gg.elements[~g]
            tiers[company].add(t)
            for (pg, _pt), site in parents:
                buyer = gg.deliver[pg][0] if pg >= 0 else gg.elements[~pg]
                kind = "supplies" if g >= 0 else "depends_on"
                item = gg.deliver[g][1] if g >= 0 else None
                site_id = gg.elements[site] if site >= 0 else None
                key = (company, buyer, kind, item, site_id or "")
                if key in links:
                    continue
                if len(links) >= MAX_TREE_LINKS:
                    truncated = True
                    continue
                links[key] = {
                    "supplier_id": company,
                    "buyer_id": buyer,
                    "kind": kind,
                    "item_id": item,
                    "site_id": site_id,
                    "tier": t,
                }
        return {
            "product_id": product_id,
            "focal_id": m.focal,
            "max_tier": max_tier,
            "companies": [
                {
                    "id": c,
                    "tiers": sorted(ts),
                    "is_single_point_of_failure": (product_id, c) in self.spof,
                }
                for c, ts in sorted(tiers.items())
            ],
            "links": sorted(
                links.values(), key=lambda x: (x["tier"], x["buyer_id"], x["supplier_id"])
            ),
            "truncated": truncated,
        }

    # -- risks -------------------------------------------------------------------------------
    def risks(self, kind: str | None = None, severity: str | None = None) -> list[Finding]:
        if severity is not None and severity not in SEVERITIES:
            raise TierscopeError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        return [
            f
            for f in self.analysis.register
            if (kind is None or f.kind == kind) and (severity is None or f.severity == severity)
        ]

    def single_points_of_failure(
        self, product_id: str | None = None, node_id: str | None = None
    ) -> list[SinglePoint]:
        if product_id is not None:
            self._tree(product_id)
        if node_id is not None:
            self._node(node_id)
        return [
            s
            for s in self.analysis.single_points_of_failure
            if (product_id is None or s.product_id == product_id)
            and (node_id is None or s.node_id == node_id)
        ]

    def scenario(self, ids: list[str], countries: list[str], days: float) -> Scenario:
        if not ids and not countries:
            raise TierscopeError("nothing to fail: give company or site ids and/or countries")
        for i in ids:
            if i not in self.ctx.companies and i not in self.ctx.sites:
                raise UnknownFailure(
                    "company or site", i, "give ids from companies.csv or sites.csv"
                )
        companies = [i for i in ids if i in self.ctx.companies]
        sites = [i for i in ids if i in self.ctx.sites]
        return run_scenario(self.ctx, companies, sites, countries, days)


def _company(company_id: str, d: dict[str, Any]) -> dict[str, Any]:
    return {"id": company_id, **_plain({k: v for k, v in d.items() if k != "id"})}


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    """Properties as JSON values (NaN as null, numpy and Neo4j temporals as text)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float) and v != v:
            v = None
        elif v is not None and not isinstance(v, (str, int, float, bool, list)):
            v = str(v)
        out[k] = v
    return out
