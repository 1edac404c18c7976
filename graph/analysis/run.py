"""The full analysis of one ecosystem: every part, timed, in one typed result.

``analyze(projection)`` runs, in order: the context (indexes), the necessity
sets, single points of failure with evidence, the Risk Exposure Index,
concentration, coverage (joined with the structural findings), the classical
views and the risk register. ``Analysis.to_dict()`` is the JSON contract of
``tierscope analyze --json``; ``Analysis.frames()`` gives one DataFrame per
table.
"""

from __future__ import annotations

import gc
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from tierscope.graph.analysis.classical import ClassicalViews, classical_views
from tierscope.graph.analysis.concentration import Concentration, concentration
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.coverage import Coverage, Structure, coverage
from tierscope.graph.analysis.register import Finding, build
from tierscope.graph.analysis.results import dumps, frame, jsonable
from tierscope.graph.analysis.scenarios import ExposureIndexEntry, risk_exposure_index
from tierscope.graph.analysis.spof import (
    Necessity,
    SinglePoint,
    necessity,
    single_points_of_failure,
)
from tierscope.graph.projection import Projection

__all__ = ["Analysis", "analyze", "index"]

T = TypeVar("T")


@dataclass
class Analysis:
    snapshot: str | None
    focal_id: str
    products: list[dict[str, Any]]
    single_points_of_failure: list[SinglePoint]
    country_outages: list[SinglePoint]
    risk_exposure_index: list[ExposureIndexEntry]
    concentration: Concentration
    coverage: Coverage
    classical: ClassicalViews
    register: list[Finding]
    timings: dict[str, float] = field(default_factory=dict)
    #: ``time.perf_counter()`` at the start and end of each part (for benchmarks)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False)
    context: Context | None = field(default=None, repr=False)
    necessity: Necessity | None = field(default=None, repr=False)

    def contract(self) -> dict[str, Any]:
        """The JSON contract (documented in the README), with the result objects still in it:
        :func:`~tierscope.graph.analysis.results.dumps` writes it as JSON text."""
        return {
            "snapshot": self.snapshot,
            "focal_id": self.focal_id,
            "products": self.products,
            "register": self.register,
            "single_points_of_failure": self.single_points_of_failure,
            "country_outages": [
                {
                    "product_id": s.product_id,
                    "country": s.node_id,
                    "path": s.path,
                    "summary": s.summary,
                }
                for s in self.country_outages
            ],
            "risk_exposure_index": self.risk_exposure_index,
            "concentration": self.concentration,
            "coverage": self.coverage,
            "classical_views": self.classical,
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as plain Python data."""
        d: dict[str, Any] = jsonable(self.contract())
        return d

    def to_json(self) -> str:
        """The JSON contract as text (the output of ``tierscope analyze --json``)."""
        return dumps(self.contract())

    def frames(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per table of the analysis (the files of ``analyze --csv``)."""
        c, v = self.concentration, self.coverage
        return {
            "register": frame(self.register),
            "single_points_of_failure": frame(self.single_points_of_failure),
            "country_outages": frame(self.country_outages),
            "risk_exposure_index": frame(self.risk_exposure_index),
            "hhi": frame(c.hhi),
            "exposure": frame(c.exposure),
            "country_exposure": frame(c.country_exposure),
            "hidden_concentration": frame(c.hidden),
            "convergence": frame(c.convergence),
            "coverage_gaps": frame(v.gaps),
            "people": frame(v.people),
            "segments": frame(v.segments),
            "kpis": frame(v.kpis),
            "classical_disagreements": frame(self.classical.disagreements),
        }


class _Timer:
    def __init__(self, progress: Callable[[str, float], None] | None = None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.spans: dict[str, tuple[float, float]] = {}  # perf_counter start and end

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            end = time.perf_counter()
            self.timings[name] = self.timings.get(name, 0.0) + end - t
            self.spans[name] = (self.spans.get(name, (t, t))[0], end)
            if self.progress is not None:
                self.progress(name, end - t)

    def run(self, name: str, fn: Callable[[], T]) -> T:
        with self.part(name):
            return fn()


def analyze(
    g: Projection | Context, progress: Callable[[str, float], None] | None = None
) -> Analysis:
    """Every analysis of DESIGN.md over projection ``g`` (or an already built context).

    ``progress``, when given, is called with each part's name and seconds as it ends.

    Python's cyclic garbage collector is paused while it runs: the analyses
    build millions of small objects and no reference cycles, and each of the
    collector's full passes would walk the whole projection again (a 100,000
    company ecosystem ran 1.3 times slower with it on).
    """
    with paused_gc():
        return _analyze(g, progress)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (see :func:`analyze`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def index(g: Projection) -> Context:
    """The analyses' :class:`Context` of ``g``, built with the collector paused.

    Callers short of memory build it, drop the projection, and pass it to
    :func:`analyze`: the context keeps the node attributes but not the
    networkx adjacency, the larger part of the projection.
    """
    with paused_gc():
        return Context.from_projection(g)


def _analyze(g: Projection | Context, progress: Callable[[str, float], None] | None) -> Analysis:
    timer = _Timer(progress)
    ctx = g if isinstance(g, Context) else timer.run("index", lambda: Context.from_projection(g))
    nec = timer.run("necessity", lambda: necessity(ctx.goals))
    every = timer.run(
        "single_points_of_failure", lambda: single_points_of_failure(nec, countries=True)
    )
    spofs = [s for s in every if s.node_type != "country"]
    outages = [s for s in every if s.node_type == "country"]
    rxi = timer.run("risk_exposure_index", lambda: risk_exposure_index(ctx, spofs))
    conc = timer.run("concentration", lambda: concentration(ctx, nec))
    structure = timer.run("structure", lambda: _structure(ctx, nec, spofs, outages, rxi, conc))
    cov = timer.run("coverage", lambda: coverage(ctx, structure))
    classical = timer.run("classical_views", lambda: classical_views(ctx, spofs))
    register = timer.run("register", lambda: build(ctx, every, rxi, conc, cov, structure))
    products = timer.run("products", lambda: _products(ctx, nec, spofs))
    timer.timings["total"] = sum(timer.timings.values())
    return Analysis(
        ctx.snapshot,
        ctx.focal,
        products,
        spofs,
        outages,
        rxi,
        conc,
        cov,
        classical,
        register,
        timer.timings,
        timer.spans,
        ctx,
        nec,
    )


def _products(ctx: Context, nec: Necessity, spofs: list[SinglePoint]) -> list[dict[str, Any]]:
    """Each product's facts, whether it is made with nothing failed, and how many single
    points of failure it has."""
    spof_count = Counter(s.product_id for s in spofs)
    return [
        {
            "product_id": p,
            "name": ctx.name(p),
            "revenue_per_day": ctx.revenue_per_day(p),
            "inventory_days": ctx.inventory_days(p),
            "available": bool(nec.delivered[nec.product_goal(p)]),
            "single_points_of_failure": spof_count[p],
        }
        for p in ctx.model.products
    ]


def _structure(
    ctx: Context,
    nec: Necessity,
    spofs: list[SinglePoint],
    outages: list[SinglePoint],
    rxi: list[ExposureIndexEntry],
    conc: Concentration,
) -> dict[str, Structure]:
    products: dict[str, set[str]] = defaultdict(set)
    for s in spofs:
        if s.node_type == "company":
            products[s.node_id].add(s.product_id)
    stake = {e.node_id: e.revenue_lost for e in rxi}
    # the largest exposure of each company, and its exposure-weighted loss over its TTR
    rows = conc.exposure
    exposure: dict[str, float] = {}
    exposed_stake: dict[str, float] = {}
    if len(rows):
        company, companies = rows.codes("company_id")
        product, products_ = rows.codes("product_id")
        ttr = np.array([ctx.recovery_days(c)[0] for c in companies], dtype=float)
        per_day = np.array([ctx.revenue_per_day(p) for p in products_], dtype=float)
        inventory = np.array([ctx.inventory_days(p) for p in products_], dtype=float)
        value = rows.column("exposure").astype(float)
        stake_of_row = value * per_day[product] * np.maximum(0.0, ttr[company] - inventory[product])
        largest = np.zeros(len(companies))
        np.maximum.at(largest, company, value)
        summed = np.bincount(company, weights=stake_of_row, minlength=len(companies))
        names = [str(c) for c in companies]
        exposure = dict(zip(names, largest.tolist(), strict=True))
        exposed_stake = dict(zip(names, summed.tolist(), strict=True))
    converging = {c.company_id for c in conc.convergence}
    sole: dict[str, set[str]] = defaultdict(set)
    hhi = conc.hhi
    focal_sole = np.flatnonzero(
        (hhi.column("buyer_id") == ctx.focal) & (hhi.column("suppliers") == 1)
    )
    for supplier, item in zip(
        hhi.column("top_supplier")[focal_sole].tolist(),
        hhi.column("item_id")[focal_sole].tolist(),
        strict=True,
    ):
        sole[supplier].add(item)
    stopping: dict[str, set[str]] = defaultdict(set)
    for s in outages:
        stopping[s.node_id].add(s.product_id)
    # one sorted tuple per country, shared by its companies (sorted once, not per company)
    country_stops = {cc: tuple(sorted(ps)) for cc, ps in stopping.items()}
    out = {}
    for c, d in ctx.companies.items():
        cc = d.get("country")
        out[c] = Structure(
            tuple(sorted(products.get(c, ()))),
            stake.get(c) or exposed_stake.get(c, 0.0),
            exposure.get(c, 0.0),
            c in converging,
            tuple(sorted(sole.get(c, ()))),
            country_stops.get(str(cc), ()) if cc else (),
        )
    del nec
    return out
