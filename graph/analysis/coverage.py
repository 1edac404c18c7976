"""Relationship coverage, the Kraljic check and the KPI scorecard.

DESIGN.md, "Relationship coverage": strategic and bottleneck partners without
an executive sponsor; partners with fewer than two contacts (key-person risk);
sponsors or contacts who carry many critical partners; each joined with the
structural findings, so that "single point of failure with no sponsor" ranks
first.

Coverage is checked for the partners a relationship is expected with: the key
segments (strategic, bottleneck) and every single point of failure at any
tier. *Critical* partners (for people's load) are the same set.

The Kraljic check recomputes the segment from the graph: supply risk is high
for a single point of failure, a partner carrying at least half of an
input of some product at any tier (propagated exposure), a convergence point, or a sole source of an
item to the focal company (HHI 10,000); profit impact is high for the partners
of ABC class A by annual spend: the largest spenders that together make up the
first 80% of the spend with every partner that has one (the one crossing 80%
included). (high, high) is strategic, (high, low) bottleneck, (low, high)
leverage, (low, low) routine.

The KPI scorecard takes each partner's metrics from ``kpis.csv``: the latest
period against target (``higher_is_better`` decides the direction, default
true) and the trend as the least-squares slope over the periods in order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.sentences import listed, what_it_is

__all__ = [
    "KEY_SEGMENTS",
    "Coverage",
    "CoverageGap",
    "KpiScore",
    "PersonLoad",
    "SegmentCheck",
    "Structure",
    "coverage",
]

KEY_SEGMENTS = ("strategic", "bottleneck")
#: a person carrying at least this many critical partners is flagged
MANY = 3


#: Kraljic supply risk: a partner carrying at least this much of an input of a product
DOMINANT = 0.5


@dataclass(frozen=True, slots=True)
class Structure:
    """What the structural analyses say about one partner."""

    spof_products: tuple[str, ...] = ()
    # revenue lost over its TTR: the Risk Exposure Index for a single point of failure,
    # else its exposure times each product's revenue (the share of supply it carries)
    revenue_at_stake: float = 0.0
    max_exposure: float = 0.0  # largest share of a product's supply through it
    convergence: bool = False
    sole_source_items: tuple[str, ...] = ()  # items it alone supplies to the focal company
    country_stops: tuple[str, ...] = ()  # products its home country's outage alone stops (context)

    @property
    def critical(self) -> bool:
        """Structurally critical: a single point of failure of some product."""
        return bool(self.spof_products)

    @property
    def text(self) -> str:
        if self.spof_products:
            return f"a single point of failure of {', '.join(self.spof_products)}"
        if self.convergence:
            return "a convergence point several tier-1 suppliers depend on"
        if self.max_exposure >= 0.5:
            return f"carrying {self.max_exposure:.0%} of an input of a product"
        return "no structural finding"


@dataclass(frozen=True, slots=True)
class CoverageGap:
    company_id: str
    name: str
    kind: str  # "no_sponsor" or "few_contacts"
    segment: str | None
    sponsors: tuple[str, ...]
    contacts: tuple[str, ...]
    structure: Structure
    sentence: str
    rank_score: float  # higher ranks first: structural weight, then revenue


@dataclass(frozen=True, slots=True)
class PersonLoad:
    person_id: str
    name: str
    role: str  # "sponsor", "contact" or "sponsor+contact"
    critical_partners: tuple[str, ...]
    partners: int
    overloaded: bool


@dataclass(frozen=True, slots=True)
class SegmentCheck:
    company_id: str
    declared: str | None
    computed: str
    supply_risk_high: bool
    profit_impact_high: bool
    reasons: tuple[str, ...]
    mismatch: bool


@dataclass(frozen=True, slots=True)
class KpiScore:
    company_id: str
    metric: str
    periods: int
    latest_period: str
    latest: float
    target: float | None
    higher_is_better: bool
    meets_target: bool | None
    slope_per_period: float
    trend: str  # "improving", "declining" or "flat"


@dataclass(frozen=True, slots=True)
class Coverage:
    gaps: tuple[CoverageGap, ...]
    people: tuple[PersonLoad, ...]
    segments: tuple[SegmentCheck, ...]
    kpis: tuple[KpiScore, ...]


def coverage(ctx: Context, structure: dict[str, Structure]) -> Coverage:
    """All coverage findings, joined with ``structure`` (company id -> structural facts)."""
    return Coverage(
        tuple(_gaps(ctx, structure)),
        tuple(_people(ctx, structure)),
        tuple(_segments(ctx, structure)),
        tuple(kpi_scorecard(ctx)),
    )


def _partners(ctx: Context) -> list[str]:
    return sorted(
        c for c, d in ctx.companies.items() if d.get("kind") != "focal" and c != ctx.focal
    )


def _gaps(ctx: Context, structure: dict[str, Structure]) -> list[CoverageGap]:
    out: list[CoverageGap] = []
    for c in _partners(ctx):
        d = ctx.companies[c]
        seg = d.get("segment")
        st = structure.get(c, Structure())
        key = seg in KEY_SEGMENTS
        if not (key or st.critical):
            continue
        sponsors = tuple(ctx.sponsors.get(c, ()))
        contacts = tuple(p for p, _ in ctx.contacts.get(c, ()))
        weight = 3.0 if st.critical else 2.0 if st.max_exposure >= 0.5 else 1.0
        who = f"{c}, {f'a {seg} partner' if seg else what_it_is(ctx, c, 'company')}"
        who += _why_it_matters(st)
        if not sponsors:
            out.append(
                CoverageGap(
                    c,
                    ctx.name(c),
                    "no_sponsor",
                    seg,
                    sponsors,
                    contacts,
                    st,
                    f"{who}, has no executive sponsor.",
                    weight * 2 + st.revenue_at_stake / 1e12,
                )
            )
        if len(contacts) < 2:
            has = (
                f"only one contact ({contacts[0]}): the relationship rests on one person"
                if contacts
                else "no named contact: the relationship rests on nobody"
            )
            out.append(
                CoverageGap(
                    c,
                    ctx.name(c),
                    "few_contacts",
                    seg,
                    sponsors,
                    contacts,
                    st,
                    f"{who}, has {has}.",
                    weight * 2 - 1 + st.revenue_at_stake / 1e12,
                )
            )
    out.sort(key=lambda g: (-g.rank_score, -g.structure.revenue_at_stake, g.company_id, g.kind))
    return out


def _why_it_matters(st: Structure) -> str:
    """ ", that alone stops P-NX400 and P-NX750" and the like, or nothing."""
    if st.spof_products:
        return f" that alone stops {listed(list(st.spof_products))}"
    if st.convergence:
        return " that several tier-1 suppliers cannot deliver without"
    if st.max_exposure >= 0.5:
        return f" carrying {st.max_exposure:.0%} of an input of a product"
    return ""


def _critical(ctx: Context, structure: dict[str, Structure]) -> set[str]:
    return {
        c
        for c in _partners(ctx)
        if ctx.companies[c].get("segment") in KEY_SEGMENTS or structure.get(c, Structure()).critical
    }


def _people(ctx: Context, structure: dict[str, Structure]) -> list[PersonLoad]:
    critical = _critical(ctx, structure)
    roles: dict[str, set[str]] = defaultdict(set)
    carries: dict[str, set[str]] = defaultdict(set)
    for c, people in ctx.sponsors.items():
        for p in people:
            roles[p].add("sponsor")
            carries[p].add(c)
    for c, contacts in ctx.contacts.items():
        for p, _ in contacts:
            roles[p].add("contact")
            carries[p].add(c)
    out = []
    for p, partners in carries.items():
        crit = tuple(sorted(partners & critical))
        role = "+".join(sorted(roles[p]))
        out.append(PersonLoad(p, ctx.name(p), role, crit, len(partners), len(crit) >= MANY))
    out.sort(key=lambda x: (-len(x.critical_partners), -x.partners, x.person_id))
    return out


def _segments(ctx: Context, structure: dict[str, Structure]) -> list[SegmentCheck]:
    spend = {c: _float(d.get("annual_spend")) for c, d in ctx.companies.items()}
    class_a, threshold = _class_a(
        {c: s for c in _partners(ctx) if (s := spend.get(c)) is not None and s > 0}
    )
    out = []
    for c in _partners(ctx):
        d = ctx.companies[c]
        declared = d.get("segment")
        st = structure.get(c, Structure())
        if not declared and not st.critical:
            continue
        reasons = []
        if st.spof_products:
            reasons.append(f"it alone stops {listed(list(st.spof_products))}")
        if st.max_exposure >= DOMINANT:
            reasons.append(f"it carries {st.max_exposure:.0%} of an input of a product")
        if st.convergence:
            reasons.append("several tier-1 suppliers cannot deliver without it")
        if st.sole_source_items:
            reasons.append(f"our sole source of {listed(list(st.sole_source_items))}")
        risk = bool(reasons)
        s = spend.get(c)
        impact = c in class_a
        if s is not None:
            reasons.append(
                f"annual spend {s:,.0f} "
                + (
                    "is among the partners making up 80% of all spend"
                    if impact
                    else f"is below the class-A threshold {threshold:,.0f}"
                )
            )
        else:
            reasons.append("no annual spend: profit impact taken as low")
        computed = {
            (True, True): "strategic",
            (True, False): "bottleneck",
            (False, True): "leverage",
        }.get((risk, impact), "routine")
        out.append(
            SegmentCheck(c, declared, computed, risk, impact, tuple(reasons), declared != computed)
        )
    out.sort(key=lambda x: (not x.mismatch, not x.supply_risk_high, x.company_id))
    return out


def _class_a(spend: dict[str, float], cut: float = 0.8) -> tuple[set[str], float]:
    """ABC class A: the largest spenders up to and including the one that crosses ``cut``
    of the total, and the smallest spend in it."""
    total = sum(spend.values())
    out: set[str] = set()
    acc, smallest = 0.0, 0.0
    for c, s in sorted(spend.items(), key=lambda kv: (-kv[1], kv[0])):
        if total <= 0 or acc >= cut * total:
            break
        out.add(c)
        acc, smallest = acc + s, s
    return out, smallest


def kpi_scorecard(ctx: Context) -> list[KpiScore]:
    series: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in ctx.kpis:
        series[(str(row["company_id"]), str(row["metric"]))].append(row)
    out = []
    for (c, metric), rows in sorted(series.items()):
        rows.sort(key=lambda r: str(r["period"]))
        values = [v for r in rows if (v := _float(r.get("value"))) is not None]
        if not values:
            continue
        last = rows[-1]
        latest = _float(last.get("value"))
        if latest is None:
            latest = values[-1]
        target = _float(last.get("target"))
        hib = last.get("higher_is_better")
        higher = True if hib is None or hib != hib else bool(hib)
        meets = None if target is None else (latest >= target if higher else latest <= target)
        slope = _slope(values)
        good = slope if higher else -slope
        scale = max(abs(v) for v in values) or 1.0
        trend = "flat" if abs(slope) < 0.005 * scale else "improving" if good > 0 else "declining"
        out.append(
            KpiScore(
                c,
                metric,
                len(rows),
                str(last["period"]),
                latest,
                target,
                higher,
                meets,
                round(slope, 6),
                trend,
            )
        )
    return out


def _slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mx = (n - 1) / 2
    my = sum(values) / n
    num = sum((k - mx) * (v - my) for k, v in enumerate(values))
    den = sum((k - mx) ** 2 for k in range(n))
    return num / den


def _float(v: object) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if x != x else x
