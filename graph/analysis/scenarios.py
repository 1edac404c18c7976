"""Impact of failures: what-if scenarios and the Risk Exposure Index.

DESIGN.md, "Impact and scenarios": a scenario fails companies, sites or whole
countries for ``D`` days. A product stops when it becomes unavailable, and loses
``revenue_per_day × max(0, D − TTS)``, where TTS (time to survive) is its
``inventory_days`` (0 when unknown).

The Risk Exposure Index (Simchi-Levi et al., *Interfaces* 45(5), 2015) fails
every company and site on its own for its own time to recover (TTR:
``recovery_days`` of the site or company, 30 days when unknown) and ranks them
by the revenue lost. A single failure stops exactly the products it is a single
point of failure for, so the index is read off those sets, not re-evaluated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tierscope.graph.analysis.availability import Availability, evaluate
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.goals import GoalGraph
from tierscope.graph.analysis.spof import SinglePoint
from tierscope.graph.errors import TierscopeError

__all__ = [
    "ExposureIndexEntry",
    "ProductLoss",
    "Scenario",
    "StoppedProduct",
    "UnknownFailure",
    "risk_exposure_index",
    "run_scenario",
]


class UnknownFailure(TierscopeError):
    """A scenario names a company, site or country that is not in the ecosystem."""

    def __init__(self, what: str, value: str, allowed: str) -> None:
        super().__init__(f"unknown {what} {value!r} in the scenario: {allowed}")
        self.what, self.value = what, value


@dataclass(frozen=True, slots=True)
class StoppedProduct:
    product_id: str
    name: str
    revenue_per_day: float
    stops_after_days: float  # TTS: inventory days before the line stops
    days_stopped: float  # max(0, D - TTS)
    revenue_lost: float
    covered_by_inventory: bool  # unavailable, but inventory outlasts the scenario
    evidence: tuple[str, ...]  # why it cannot be made


@dataclass(frozen=True, slots=True)
class Scenario:
    failed_companies: tuple[str, ...]
    failed_sites: tuple[str, ...]
    failed_countries: tuple[str, ...]
    days: float
    down_companies: int
    down_sites: int
    stopped_products: tuple[StoppedProduct, ...]
    revenue_lost: float
    unaffected_products: tuple[str, ...]


def run_scenario(
    ctx: Context,
    companies: Sequence[str] = (),
    sites: Sequence[str] = (),
    countries: Sequence[str] = (),
    days: float = 30.0,
) -> Scenario:
    """Fail ``companies``, ``sites`` and ``countries`` for ``days`` days.

    Raises :class:`UnknownFailure` naming the first id that is not in the
    ecosystem (nothing is evaluated then).
    """
    if days < 0 or days != days:
        raise TierscopeError(f"days must be a number of days >= 0, got {days!r}")
    m = ctx.model
    known_countries = {c for c in m.company_country.values() if c} | {
        c for c in m.site_country.values() if c
    }
    for c in companies:
        if c not in ctx.companies:
            hint = " (it is a site: pass it as a site)" if c in ctx.sites else ""
            raise UnknownFailure("company", c, "give the id of a company in companies.csv" + hint)
    for s in sites:
        if s not in ctx.sites:
            raise UnknownFailure("site", s, "give the id of a site in sites.csv")
    for cc in countries:
        if cc not in known_countries:
            raise UnknownFailure(
                "country",
                cc,
                "countries in the ecosystem are " + ", ".join(sorted(known_countries)),
            )
    baseline = evaluate(m).available_products
    result = evaluate(m, companies, sites, countries)
    stopped = []
    for p in sorted(baseline - result.available_products):
        rpd, tts = ctx.revenue_per_day(p), ctx.inventory_days(p)
        stopped_days = max(0.0, days - tts)
        stopped.append(
            StoppedProduct(
                p,
                ctx.name(p),
                rpd,
                tts,
                stopped_days,
                rpd * stopped_days,
                stopped_days == 0,
                explain_unavailable(ctx, result, p),
            )
        )
    stopped.sort(key=lambda s: (-s.revenue_lost, s.product_id))
    return Scenario(
        tuple(companies),
        tuple(sites),
        tuple(countries),
        float(days),
        len(result.down_companies),
        len(result.down_sites),
        tuple(stopped),
        sum(s.revenue_lost for s in stopped),
        tuple(sorted(result.available_products)),
    )


def explain_unavailable(
    ctx: Context, result: Availability, product: str, limit: int = 12
) -> tuple[str, ...]:
    """Sentences from the product down to what failed: the first missing input at each
    level, and why each of its suppliers cannot deliver it."""
    m, gg = ctx.model, ctx.goals
    out: list[str] = []
    seen: set[tuple[str, str]] = set()

    def why(c: str, i: str) -> None:
        if (c, i) in seen or len(out) >= limit:
            return
        seen.add((c, i))
        if c in result.down_companies:
            out.append(f"{c} is down.")
            return
        g = gg.deliver_index.get((c, i))
        if g is None:
            return
        for r in gg.requires[g]:
            j = gg.receive[r][1]
            if _receives(result, gg, r):
                continue
            causes = []
            for dg, site, _ in gg.alternatives[r]:
                s = gg.deliver[dg][0]
                if s in result.down_companies:
                    causes.append(f"{s} is down")
                elif site >= 0 and gg.elements[site] in result.down_sites:
                    causes.append(f"{s} ships from site {gg.elements[site]}, which is down")
                else:
                    causes.append(f"{s} cannot make it")
            out.append(f"{c} cannot get {j}: " + "; ".join(causes) + ".")
            for dg, _, _ in gg.alternatives[r]:
                s = gg.deliver[dg][0]
                if s not in result.down_companies:
                    why(s, j)
            return

    why(m.focal, product)
    return tuple(out)


def _receives(result: Availability, gg: GoalGraph, r: int) -> bool:
    """Whether receive goal ``r`` holds in ``result``: an up supplier row delivers."""
    j = gg.receive[r][1]
    for dg, site, _ in gg.alternatives[r]:
        s = gg.deliver[dg][0]
        if (s, j) in result.delivers and not (site >= 0 and gg.elements[site] in result.down_sites):
            return True
    return False


@dataclass(frozen=True, slots=True)
class ProductLoss:
    product_id: str
    stops_after_days: float  # TTS
    days_stopped: float
    revenue_lost: float


@dataclass(frozen=True, slots=True)
class ExposureIndexEntry:
    """One company or site failed alone for its own time to recover."""

    node_id: str
    node_type: str  # "company" or "site"
    recovery_days: float  # TTR
    recovery_days_assumed: bool  # True when TTR is DESIGN.md's 30-day default
    products: tuple[ProductLoss, ...]
    revenue_lost: float


def risk_exposure_index(ctx: Context, spofs: Iterable[SinglePoint]) -> list[ExposureIndexEntry]:
    """Companies and sites whose failure alone loses revenue, ranked by the revenue lost.

    Every other company and site loses nothing on its own (it stops no product).
    """
    stops: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in spofs:
        if s.node_type in ("company", "site"):
            stops[(s.node_id, s.node_type)].append(s.product_id)
    out = []
    for (node, kind), products in stops.items():
        ttr, assumed = ctx.recovery_days(node)
        losses = []
        for p in sorted(products):
            tts = ctx.inventory_days(p)
            d = max(0.0, ttr - tts)
            losses.append(ProductLoss(p, tts, d, ctx.revenue_per_day(p) * d))
        out.append(
            ExposureIndexEntry(
                node, kind, ttr, assumed, tuple(losses), sum(x.revenue_lost for x in losses)
            )
        )
    out.sort(key=lambda e: (-e.revenue_lost, -len(e.products), e.node_id))
    return out
