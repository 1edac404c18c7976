"""The leadership report: one self-contained HTML page, readable by a non-specialist.

:func:`report_html` gives the page: the headline numbers, the ten worst risks
of the register (why each matters, what to do), charts drawn as inline SVG,
small pictures of the worst single points of failure, and the data's date and
snapshot id. It prints on A4 or Letter (``paper``); :mod:`tierscope.viz.pdf`
prints it to PDF with headless Chromium.

Every value reaches the page through Jinja2's autoescaping: a company called
``<script>alert(1)</script>`` is shown as that text. The page loads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from tierscope.graph.analysis.register import Finding
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.chains import chain_view
from tierscope.viz.charts import (
    concentration_chart,
    country_heatmap,
    kpi_chart,
    money,
    revenue_chart,
)
from tierscope.viz.page import render
from tierscope.viz.pdf import PAPERS

__all__ = ["PAPERS", "Headline", "RiskCard", "headlines", "report_html", "what_to_do"]

TOP_RISKS = 10
CHAIN_VIEWS = 4

KIND_LABELS = {
    "single_point_of_failure": "Single point of failure",
    "country_outage": "Country outage",
    "hidden_concentration": "Hidden concentration",
    "convergence": "Hidden convergence",
    "coverage_no_sponsor": "No executive sponsor",
    "coverage_few_contacts": "Too few contacts",
    "segment_mismatch": "Segment looks wrong",
    "kpi_declining": "KPI declining",
    "kpi_below_target": "KPI below target",
    "overloaded_owner": "Overloaded relationship owner",
    "declared_tier_mismatch": "Declared tier differs",
}

#: what to do about a finding, by kind ({name}, {products}, {gap} are filled in)
ACTIONS = {
    "single_point_of_failure": "Qualify a second source or site for what {name} provides; until then "
    "hold safety stock for the {gap} days its recovery outlasts our inventory.",
    "country_outage": "Qualify suppliers outside {name} for the inputs of {products}, or hold stock "
    "to ride out an outage there.",
    "hidden_concentration": "Map the suppliers behind our suppliers for {products} and ask tier-1 "
    "partners to diversify away from {name}.",
    "convergence": "Ask the tier-1 suppliers that rely on {name} to qualify an alternative: they "
    "are not as independent as they look.",
    "coverage_no_sponsor": "Assign an executive sponsor to {name} and review the relationship "
    "every quarter.",
    "coverage_few_contacts": "Name at least two contacts at {name}, so the relationship survives "
    "one person leaving.",
    "segment_mismatch": "Review how {name} is segmented and manage it by the risk the data shows.",
    "kpi_declining": "Agree a recovery plan with {name} and track the KPI monthly.",
    "kpi_below_target": "Review the missed target with {name} at the next business review.",
    "overloaded_owner": "Spread {name}'s critical partners over more relationship owners.",
    "declared_tier_mismatch": "Correct {name}'s declared tier in the master data.",
}
DEFAULT_ACTION = "Review this finding with the relationship owner of {name}."


@dataclass(frozen=True)
class Headline:
    key: str  # the page's data-headline attribute
    label: str
    value: float
    shown: str
    detail: str


@dataclass(frozen=True)
class RiskCard:
    rank: int
    severity: str
    kind: str
    kind_label: str
    subject_id: str
    title: str
    why: str
    todo: str
    evidence: str  # the register's sentence when ``why`` is a shorter one, else ""
    revenue: str


def report_html(eco: Ecosystem, generated_at: datetime | None = None, paper: str = "a4") -> str:
    """The leadership report of ``eco`` as one HTML page (``paper``: ``a4`` or ``letter``)."""
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    a, ctx = eco.analysis, eco.ctx
    generated = (generated_at or datetime.now(UTC)).astimezone(UTC)
    products = [p["product_id"] for p in a.products]
    top = a.register[:TOP_RISKS]
    # the first few pictures: stop at the last one drawn, never picture the whole register
    spofs = (f for f in a.register if f.kind == "single_point_of_failure" and f.products)
    views = [v for f in islice(spofs, CHAIN_VIEWS) if (v := chain_view(eco, f)) is not None]
    focal = ctx.name(ctx.focal)
    return render(
        "report.html",
        title=f"Partner risk report — {focal}",
        focal=focal,
        focal_id=ctx.focal,
        paper=PAPERS[paper],
        data=_data_facts(eco),
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
        headlines=headlines(eco),
        risks=[_card(eco, f) for f in top],
        findings=len(a.register),
        revenue=revenue_chart(ctx, a.risk_exposure_index),
        countries=country_heatmap(ctx, a.concentration, products),
        concentration=concentration_chart(a.concentration, ctx.focal),
        kpis=kpi_chart(ctx, a.coverage.kpis),
        views=views,
    )


def headlines(eco: Ecosystem) -> list[Headline]:
    """The five numbers at the top of the report."""
    a, ctx = eco.analysis, eco.ctx
    at_risk = sorted({p for f in a.register if f.severity == "critical" for p in f.products})
    per_day = sum(ctx.revenue_per_day(p) for p in at_risk)
    worst = a.risk_exposure_index[0] if a.risk_exposure_index else None
    nodes = {s.node_id for s in a.single_points_of_failure}
    countries = {s.node_id for s in a.country_outages}
    hidden = [f for f in a.register if f.kind == "hidden_concentration"]
    near_sole = sum(1 for f in hidden if f.severity == "high")
    gaps = a.coverage.gaps
    partners = len({g.company_id for g in gaps})
    return [
        Headline(
            "products_at_risk",
            "Products at risk",
            len(at_risk),
            f"{len(at_risk)} of {len(a.products)}",
            f"products that one failure (a partner, a site or a country) can stop; they earn "
            f"{money(per_day)} a day",
        ),
        Headline(
            "revenue_at_stake",
            "Revenue at stake",
            worst.revenue_lost if worst else 0.0,
            money(worst.revenue_lost if worst else 0.0),
            (
                f"lost if {_named(eco, worst.node_id)} fails for the {worst.recovery_days:g} "
                f"days it takes to recover: the worst single failure"
                if worst
                else "no single failure stops a product"
            ),
        ),
        Headline(
            "single_points_of_failure",
            "Single points of failure",
            len(nodes),
            f"{len(nodes)}",
            "partners or sites whose failure alone stops a product"
            + (f", plus {len(countries)} countries" if countries else ""),
        ),
        Headline(
            "hidden_concentrations",
            "Hidden concentrations",
            len(hidden),
            f"{len(hidden)}",
            f"suppliers or countries behind our suppliers carrying half or more of an input "
            f"({near_sole} carry 90% or more)",
        ),
        Headline(
            "coverage_gaps",
            "Coverage gaps",
            len(gaps),
            f"{len(gaps)}",
            f"missing sponsors or contacts at {partners} key partners",
        ),
    ]


def what_to_do(eco: Ecosystem, f: Finding) -> str:
    """One sentence: what to do about finding ``f``."""
    products = ", ".join(eco.ctx.name(p) for p in f.products[:3]) or "the products concerned"
    if len(f.products) > 3:
        products += f" and {len(f.products) - 3} more"
    gap = 0.0
    entry = eco.stake.get(f.subject_id)
    if entry is not None:
        gap = max((x.days_stopped for x in entry.products), default=0.0)
    return ACTIONS.get(f.kind, DEFAULT_ACTION).format(
        name=eco.ctx.name(f.subject_id) if f.subject_type != "country" else f.subject_id,
        products=products,
        gap=f"{gap:g}",
    )


def _card(eco: Ecosystem, f: Finding) -> RiskCard:
    why = _why(eco, f)
    name = f.subject_id if f.subject_type == "country" else _named(eco, f.subject_id)
    return RiskCard(
        f.rank,
        f.severity,
        f.kind,
        KIND_LABELS.get(f.kind, f.kind.replace("_", " ").capitalize()),
        f.subject_id,
        name,
        why,
        what_to_do(eco, f),
        f.sentence if f.kind == "single_point_of_failure" and why != f.sentence else "",
        money(f.revenue_at_stake) if f.revenue_at_stake else "",
    )


def _why(eco: Ecosystem, f: Finding) -> str:
    """Why ``f`` matters, in one sentence (the register's own when it is short enough)."""
    ctx = eco.ctx
    names = [ctx.name(p) for p in f.products]
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    plural = "s" if len(names) != 1 else ""
    if f.kind == "single_point_of_failure":
        e = eco.stake.get(f.subject_id)
        if e is not None:
            first = min(x.stops_after_days for x in e.products)
            return (
                f"If {_named(eco, f.subject_id)} fails, {len(names)} product{plural} stop "
                f"({listed}), the first after {first:g} days of inventory; recovery takes "
                f"{e.recovery_days:g} days and costs {money(e.revenue_lost)} of revenue."
            )
    if f.kind == "country_outage":
        return (
            f"An outage in {f.subject_id} alone stops {len(names)} product{plural} ({listed}); "
            f"30 days of it cost {money(f.revenue_at_stake)} of revenue."
        )
    return f.sentence


def _named(eco: Ecosystem, node_id: str) -> str:
    name = eco.ctx.name(node_id)
    return node_id if name == node_id else f"{name} ({node_id})"


def _data_facts(eco: Ecosystem) -> dict[str, Any]:
    """Where the data comes from and when it was loaded."""
    loaded = eco.ctx.loaded_at
    periods = sorted({str(k.latest_period) for k in eco.analysis.coverage.kpis})
    return {
        "snapshot": eco.snapshot or "unknown",
        "loaded_at": _when(loaded) if loaded else "not recorded (read from files)",
        "source": str(eco.ctx.source or ""),
        "kpi_period": periods[-1] if periods else "",
        "companies": len(eco.ctx.companies),
        "products": len(eco.analysis.products),
    }


def _when(value: Any) -> str:
    """A Neo4j datetime text (``2025-11-23T10:15:30.123456789Z``) as ``2025-11-23 10:15 UTC``."""
    text = str(value)
    try:
        t = datetime.fromisoformat(text[:19])
    except ValueError:
        return text
    return t.strftime("%Y-%m-%d %H:%M UTC") if text.endswith("Z") else t.strftime("%Y-%m-%d %H:%M")
