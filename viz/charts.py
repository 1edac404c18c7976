"""The leadership report's charts, as plain geometry for inline SVG.

Each function turns analysis results into a small dataclass of numbers and
plain strings; ``templates/report_svg.html`` draws it. No HTML is built here:
every label reaches the page through Jinja2's autoescaping, so a name is text
and never markup. SVG prints sharply and needs no script or download.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tierscope.graph.analysis.concentration import HIGHLY_CONCENTRATED, Concentration
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.coverage import KpiScore
from tierscope.graph.analysis.scenarios import ExposureIndexEntry

__all__ = [
    "Bar",
    "BarChart",
    "HeatMap",
    "KpiChart",
    "concentration_chart",
    "country_heatmap",
    "kpi_chart",
    "money",
    "revenue_chart",
    "short",
]


def money(value: float | None) -> str:
    """``21050000`` → ``21.1 M``: amounts in the currency of the data."""
    if value is None:
        return "–"
    v = abs(value)
    sign = "-" if value < 0 else ""
    if v >= 1e9:
        return f"{sign}{v / 1e9:.1f} bn"
    if v >= 1e6:
        return f"{sign}{v / 1e6:.1f} M"
    if v >= 1e3:
        return f"{sign}{v / 1e3:.0f} k"
    return f"{sign}{v:.0f}"


def short(text: str, width: int = 28) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (the full text goes in a tooltip)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str  # shown left of the bar (shortened)
    title: str  # full text, shown as a tooltip
    parts: tuple[float, ...]  # fractions of the chart width, one per series, stacked
    text: str  # shown right of the bar


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    series: tuple[str, ...] = ()  # legend, one name per part; empty: one unnamed series
    empty: str = "Nothing to show."


def revenue_chart(ctx: Context, rxi: list[ExposureIndexEntry], top: int = 10) -> BarChart:
    """Revenue lost if one company or site fails, the ``top`` of the Risk Exposure Index."""
    rows = [e for e in rxi if e.revenue_lost > 0][:top]
    peak = max((e.revenue_lost for e in rows), default=0.0) or 1.0
    bars = []
    for e in rows:
        name = ctx.name(e.node_id)
        full = name if name == e.node_id else f"{name} ({e.node_id})"
        ttr = f"{e.recovery_days:g} d to recover{' (assumed)' if e.recovery_days_assumed else ''}"
        bars.append(
            Bar(short(full, 34), full, (e.revenue_lost / peak,), f"{money(e.revenue_lost)} · {ttr}")
        )
    return BarChart(tuple(bars), empty="No single company or site can stop a product.")


#: HHI bands, most concentrated first (DESIGN.md: above 2,500 is highly concentrated)
BANDS = ("Single source", "Highly concentrated", "Moderately concentrated", "Competitive")


def _bands(hhi: np.ndarray) -> list[np.ndarray]:
    sole = hhi >= 9_999.5
    high = (hhi > HIGHLY_CONCENTRATED) & ~sole
    moderate = (hhi >= 1_500.0) & (hhi <= HIGHLY_CONCENTRATED)
    return [sole, high, moderate, hhi < 1_500.0]


def concentration_chart(conc: Concentration, focal: str) -> BarChart:
    """How many (buyer, item) supplies fall in each HHI band, ours (tier 1) and deeper."""
    hhi = conc.hhi.column("hhi").astype(float) if len(conc.hhi) else np.zeros(0)
    ours = conc.hhi.column("buyer_id") == focal if len(conc.hhi) else np.zeros(0, dtype=bool)
    counts = [(int(np.sum(m & ours)), int(np.sum(m & ~ours))) for m in _bands(hhi)]
    peak = max((a + b for a, b in counts), default=0) or 1
    bars = tuple(
        Bar(
            name,
            f"{name}: {a:,} bought by us, {b:,} deeper in the chain",
            (a / peak, b / peak),
            f"{a + b:,} ({a:,} ours)",
        )
        for name, (a, b) in zip(BANDS, counts, strict=True)
    )
    return BarChart(
        bars,
        ("bought by us (tier 1)", "bought by our suppliers (tier 2+)"),
        empty="No supply relationships.",
    )


@dataclass(frozen=True)
class HeatMap:
    columns: tuple[str, ...]  # countries
    rows: tuple[tuple[str, str, str, tuple[float, ...]], ...]  # (product, label, title, shares)
    empty: str = "No country data."


def country_heatmap(
    ctx: Context,
    conc: Concentration,
    products: list[str],
    max_products: int = 12,
    max_countries: int = 10,
) -> HeatMap:
    """For each product, the largest share of any of its inputs that comes from each country.

    Countries are ordered by that share weighted with each product's revenue per day.
    """
    rows = conc.country_exposure
    if not len(rows):
        return HeatMap((), ())
    # the largest share of each (product, country), over every input of the product
    pc, pnames = rows.codes("product_id")
    cc, cnames = rows.codes("country")
    top = np.zeros((len(pnames), len(cnames)))
    np.fmax.at(top, (pc, cc), rows.column("share").astype(float))
    seen = np.zeros(top.shape, dtype=bool)
    seen[pc, cc] = True
    kp, kc = np.nonzero(seen)
    peak = {
        (str(pnames[a]), str(cnames[b])): float(top[a, b])
        for a, b in zip(kp.tolist(), kc.tolist(), strict=True)
    }
    chosen = sorted(products, key=lambda p: (-ctx.revenue_per_day(p), p))[:max_products]
    weight: dict[str, float] = defaultdict(float)
    for (p, c), s in peak.items():
        weight[c] += s * max(ctx.revenue_per_day(p), 1.0)
    countries = tuple(sorted(weight, key=lambda c: (-weight[c], c))[:max_countries])
    out = []
    for p in chosen:
        name = ctx.name(p)
        out.append(
            (p, short(name, 30), f"{name} ({p})", tuple(peak.get((p, c), 0.0) for c in countries))
        )
    return HeatMap(countries, tuple(out))


@dataclass(frozen=True)
class KpiRow:
    label: str
    title: str
    achieved: float  # latest against target: 1.0 meets it exactly (capped for drawing)
    meets: bool
    text: str
    trend: str  # "↑", "↓" or "→"


@dataclass(frozen=True)
class KpiChart:
    rows: tuple[KpiRow, ...]
    scale: float = 1.5  # the chart's right edge, as a multiple of the target
    hidden: int = 0  # KPIs with a target not shown
    empty: str = "No KPI has a target."
    ticks: tuple[float, ...] = field(default=(0.5, 1.0, 1.5))


_TREND = {"improving": "↑", "declining": "↓", "flat": "→"}


def kpi_chart(ctx: Context, kpis: tuple[KpiScore, ...], top: int = 12) -> KpiChart:
    """Each KPI's latest value against its target (misses and declines first)."""
    with_target = [k for k in kpis if k.target is not None]

    def achieved(k: KpiScore) -> float:
        target, latest = float(k.target or 0.0), float(k.latest)
        if k.higher_is_better:
            return latest / target if target else 1.0
        return target / latest if latest else 1.5

    order = sorted(
        with_target,
        key=lambda k: (
            bool(k.meets_target),
            k.trend != "declining",
            achieved(k),
            k.company_id,
            k.metric,
        ),
    )
    rows = []
    for k in order[:top]:
        name = ctx.name(k.company_id)
        metric = k.metric.replace("_", " ")
        rows.append(
            KpiRow(
                f"{short(name, 24)} · {short(metric, 16)}",
                f"{name} ({k.company_id}), {metric}, {k.latest_period}",
                min(max(achieved(k), 0.0), 1.5),
                bool(k.meets_target),
                f"{k.latest:g} vs {k.target:g}",
                _TREND.get(k.trend, ""),
            )
        )
    return KpiChart(tuple(rows), hidden=max(0, len(with_target) - top))
