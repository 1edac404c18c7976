"""The risk register: one ranked list of findings across every analysis.

Each finding has a kind, a severity, the revenue at stake where it is known, a
sentence a manager understands and the evidence. Ranking: severity first, then
revenue at stake, then kind and subject id (so the order is reproducible).

Severities
    ``critical`` — something whose failure alone stops a product: a single
    point of failure (company or site), or a single country outage.
    ``high`` — hidden concentration of at least 90% of an input in one company
    or country below tier 1, convergence (several tier-1 suppliers cannot
    deliver without one upstream company), and coverage gaps at structurally
    critical partners.
    ``medium`` — hidden concentration of 50-90%, coverage gaps at key-segment
    partners, declared segments the graph contradicts, declining KPIs of
    critical partners.
    ``low`` — everything else worth knowing: missed KPI targets, declared tiers
    that differ from the computed ones, overloaded relationship owners.

Revenue at stake: for a company or site, the Risk Exposure Index (revenue lost
while it recovers, TTR against each product's TTS); for a country, the revenue
a 30-day outage of it loses; for concentration and coverage, the exposed
share of the products' revenue over 30 days (or the partner's TTR) beyond
inventory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.concentration import (
    Concentration,
    Convergence,
    HiddenConcentration,
)
from tierscope.graph.analysis.context import DEFAULT_RECOVERY_DAYS, Context
from tierscope.graph.analysis.coverage import KEY_SEGMENTS, Coverage, Structure
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.scenarios import ExposureIndexEntry
from tierscope.graph.analysis.sentences import (
    MOST,
    hidden_sentence,
    listed,
    spof_sentence,
)
from tierscope.graph.analysis.spof import SinglePoint

__all__ = ["SEVERITIES", "Finding", "build", "rank"]

SEVERITIES = ("critical", "high", "medium", "low")
#: hidden concentration at or above this share is ``high`` (a near-sole source), else ``medium``
NEAR_SOLE = 0.9
_KIND_ORDER = (
    "single_point_of_failure",
    "country_outage",
    "hidden_concentration",
    "convergence",
    "coverage_no_sponsor",
    "coverage_few_contacts",
    "segment_mismatch",
    "kpi_declining",
    "kpi_below_target",
    "overloaded_owner",
    "declared_tier_mismatch",
)


class Told:
    """A finding's sentence and evidence, written when it was found."""

    __slots__ = ("evidence", "sentence")

    def __init__(self, sentence: str, evidence: dict[str, Any]) -> None:
        self.sentence, self.evidence = sentence, evidence


class _SpofTold:
    """A single point of failure's sentence and evidence, derived when read: a
    million-company ecosystem has hundreds of thousands, each a chain of steps."""

    __slots__ = ("ctx", "first", "products", "recovery", "tier")

    def __init__(
        self,
        ctx: Context,
        first: SinglePoint,
        products: list[str],
        recovery: str,
        tier: int | None,
    ) -> None:
        self.ctx, self.first, self.products = ctx, first, products
        self.recovery, self.tier = recovery, tier

    @property
    def sentence(self) -> str:
        return spof_sentence(self.ctx, self.first, self.products, self.recovery)

    @property
    def evidence(self) -> dict[str, Any]:
        steps, path, assumptions = self.first.explained()
        return {
            "path": list(path),
            "steps": [s.text for s in steps],
            "assumptions": list(assumptions),
            "tier": self.tier,
        }


class _HiddenTold:
    """Hidden concentration in one company or country: the sentence, and the
    evidence listed from its rows of the concentration analysis when read."""

    __slots__ = ("hidden", "rows", "sentence", "tier")

    def __init__(
        self,
        sentence: str,
        hidden: Rows[HiddenConcentration],
        rows: np.ndarray,
        tier: int | None,
    ):
        self.sentence, self.hidden, self.rows, self.tier = sentence, hidden, rows, tier

    @property
    def top(self) -> list[HiddenConcentration]:
        """Its rows, largest share first (then product and item)."""
        return self.hidden.take(self.rows)

    @property
    def evidence(self) -> dict[str, Any]:
        return {
            "items": [
                {"product_id": h.product_id, "item_id": h.item_id, "share": round(h.share, 4)}
                for h in self.top
            ],
            "visible_share": max(h.visible_share for h in self.top),
            "tier": self.tier,
        }


class _ConvergenceTold:
    """A convergence point's sentence and evidence, read from it when asked: hundreds
    of thousands are found at scale."""

    __slots__ = ("conv",)

    def __init__(self, conv: Convergence) -> None:
        self.conv = conv

    @property
    def sentence(self) -> str:
        return self.conv.sentence

    @property
    def evidence(self) -> dict[str, Any]:
        return {"tier1_dependents": list(self.conv.tier1_dependents), "tier": self.conv.tier}


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry of the register; ``sentence`` and ``evidence`` come from ``told``."""

    kind: str
    severity: str
    subject_id: str
    subject_type: str  # "company", "site", "country", "person"
    told: Told | _SpofTold | _HiddenTold | _ConvergenceTold = field(repr=False, compare=False)
    revenue_at_stake: float | None = None
    products: tuple[str, ...] = ()
    rank: int = 0

    @property
    def sentence(self) -> str:
        return self.told.sentence

    @property
    def evidence(self) -> dict[str, Any]:
        return self.told.evidence

    def __json__(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject_id": self.subject_id,
            "subject_type": self.subject_type,
            "sentence": self.sentence,
            "revenue_at_stake": self.revenue_at_stake,
            "products": self.products,
            "evidence": self.evidence,
            "rank": self.rank,
        }


def rank(findings: list[Finding]) -> list[Finding]:
    """Order findings and number them 1..n."""
    order = sorted(
        findings,
        key=lambda f: (
            SEVERITIES.index(f.severity),
            -(f.revenue_at_stake or 0.0),
            _KIND_ORDER.index(f.kind) if f.kind in _KIND_ORDER else len(_KIND_ORDER),
            f.subject_id,
        ),
    )
    return [
        Finding(
            f.kind,
            f.severity,
            f.subject_id,
            f.subject_type,
            f.told,
            f.revenue_at_stake,
            f.products,
            k,
        )
        for k, f in enumerate(order, 1)
    ]


def _found(
    kind: str,
    severity: str,
    subject_id: str,
    subject_type: str,
    sentence: str,
    revenue_at_stake: float | None = None,
    products: tuple[str, ...] = (),
    evidence: dict[str, Any] | None = None,
) -> Finding:
    return Finding(
        kind,
        severity,
        subject_id,
        subject_type,
        Told(sentence, evidence or {}),
        revenue_at_stake,
        products,
    )


def build(
    ctx: Context,
    spofs: list[SinglePoint],
    rxi: list[ExposureIndexEntry],
    conc: Concentration,
    cov: Coverage,
    structure: dict[str, Structure],
) -> list[Finding]:
    """Every finding of the analyses, ranked."""
    out: list[Finding] = []
    by_node: dict[str, list[SinglePoint]] = defaultdict(list)
    for s in spofs:
        by_node[s.node_id].append(s)
    stake = {e.node_id: e for e in rxi}
    for node, items in by_node.items():
        products = tuple(sorted({s.product_id for s in items}))
        first = min(items, key=lambda s: s.product_id)
        kind = first.node_type
        if kind == "country":
            continue
        e = stake.get(node)
        ttr = (
            f" It takes {e.recovery_days:g} days to recover{' (assumed)' if e.recovery_days_assumed else ''}."
            if e
            else ""
        )
        tier = ctx.tier(node) if kind == "company" else None
        out.append(
            Finding(
                "single_point_of_failure",
                "critical",
                node,
                kind,
                _SpofTold(ctx, first, list(products), ttr, tier),
                e.revenue_lost if e else 0.0,
                products,
            )
        )
    # single country outages: revenue of a 30-day outage
    countries: dict[str, list[str]] = defaultdict(list)
    for s in spofs:
        if s.node_type == "country":
            countries[s.node_id].append(s.product_id)
    for cc, stopped in countries.items():
        lost = sum(
            ctx.revenue_per_day(p) * max(0.0, DEFAULT_RECOVERY_DAYS - ctx.inventory_days(p))
            for p in stopped
        )
        out.append(
            _found(
                "country_outage",
                "critical",
                cc,
                "country",
                f"An outage in {cc} alone stops {listed(sorted(stopped))}.",
                lost,
                tuple(sorted(stopped)),
                {"days": DEFAULT_RECOVERY_DAYS},
            )
        )
    # hidden concentration and convergence
    spof_nodes = set(by_node)
    out.extend(_hidden_findings(ctx, conc.hidden, spof_nodes))
    for conv in conc.convergence:
        if conv.company_id in spof_nodes:
            continue
        out.append(
            Finding(
                "convergence",
                "high",
                conv.company_id,
                "company",
                _ConvergenceTold(conv),
                None,
                tuple(p for p, _ in conv.products),
            )
        )
    # relationship coverage
    for g in cov.gaps:
        severity = "high" if g.structure.critical or g.structure.max_exposure >= 0.5 else "medium"
        out.append(
            _found(
                f"coverage_{g.kind}",
                severity,
                g.company_id,
                "company",
                g.sentence,
                g.structure.revenue_at_stake or None,
                g.structure.spof_products,
                {
                    "segment": g.segment,
                    "sponsors": list(g.sponsors),
                    "contacts": list(g.contacts),
                    "structure": g.structure.text,
                },
            )
        )
    for p in cov.people:
        if p.overloaded:
            out.append(
                _found(
                    "overloaded_owner",
                    "low",
                    p.person_id,
                    "person",
                    f"{p.name} ({p.person_id}) carries {len(p.critical_partners)} critical partners "
                    f"as {p.role}: {_list(p.critical_partners)}.",
                    None,
                    (),
                    {"critical_partners": list(p.critical_partners)},
                )
            )
    for seg in cov.segments:
        if seg.mismatch and seg.declared:
            st = structure.get(seg.company_id)
            out.append(
                _found(
                    "segment_mismatch",
                    "medium",
                    seg.company_id,
                    "company",
                    f"{seg.company_id} is declared {seg.declared} but the graph says {seg.computed}: "
                    + "; ".join(seg.reasons)
                    + ".",
                    st.revenue_at_stake if st and st.revenue_at_stake else None,
                    (),
                    {
                        "declared": seg.declared,
                        "computed": seg.computed,
                        "reasons": list(seg.reasons),
                    },
                )
            )
        elif not seg.declared and seg.supply_risk_high:
            out.append(
                _found(
                    "segment_mismatch",
                    "medium",
                    seg.company_id,
                    "company",
                    f"{seg.company_id} has no segment, but the graph says {seg.computed}: "
                    + "; ".join(seg.reasons)
                    + ".",
                    None,
                    (),
                    {"declared": None, "computed": seg.computed, "reasons": list(seg.reasons)},
                )
            )
    critical = {c for c, st in structure.items() if st.critical} | {
        c for c, d in ctx.companies.items() if d.get("segment") in KEY_SEGMENTS
    }
    for k in cov.kpis:
        if k.trend == "declining" and k.company_id in critical:
            out.append(
                _found(
                    "kpi_declining",
                    "medium",
                    k.company_id,
                    "company",
                    f"{k.company_id}'s {k.metric} is declining ({k.latest:g} in {k.latest_period}"
                    + (f", target {k.target:g}" if k.target is not None else "")
                    + ").",
                    None,
                    (),
                    {
                        "metric": k.metric,
                        "slope_per_period": k.slope_per_period,
                        "latest": k.latest,
                        "target": k.target,
                    },
                )
            )
        elif k.meets_target is False:
            out.append(
                _found(
                    "kpi_below_target",
                    "low",
                    k.company_id,
                    "company",
                    f"{k.company_id}'s {k.metric} is {k.latest:g} in {k.latest_period}, short of the target {k.target:g}.",
                    None,
                    (),
                    {"metric": k.metric, "latest": k.latest, "target": k.target, "trend": k.trend},
                )
            )
    for c, d in sorted(ctx.companies.items()):
        declared, tier = d.get("declared_tier"), ctx.tier(c)
        if (
            declared is not None
            and declared == declared
            and tier is not None
            and int(declared) != tier
        ):
            out.append(
                _found(
                    "declared_tier_mismatch",
                    "low",
                    c,
                    "company",
                    f"{c} is declared tier {int(declared)} but supplies at tier {tier}.",
                    None,
                    (),
                    {"declared_tier": int(declared), "tier": tier},
                )
            )
    return rank(out)


def _hidden_findings(
    ctx: Context, hidden: Rows[HiddenConcentration], spof_nodes: set[str]
) -> list[Finding]:
    """One finding per company or country with hidden concentration (a company that
    is a single point of failure already has the stronger finding), in the order
    each first appears.

    ``hidden`` is sorted by share, largest first, then product and item within one
    company or country: each one's rows, taken in that order (a stable sort by
    subject), are its evidence as they stand, and the first row of a product is that
    product's largest share. Read as columns: a million rows at scale.
    """
    if not len(hidden):
        return []
    kind_code, kinds = hidden.codes("kind")
    subject_code, subjects = hidden.codes("subject_id")
    key = kind_code * len(subjects) + subject_code
    order = arrays.argsort(key, len(kinds) * len(subjects))
    starts = arrays.first_of_runs(key[order])
    bounds = np.r_[starts, len(order)]
    first = order[starts]  # each group's first row, in the order of the rows
    groups = np.argsort(first, kind="stable").tolist()
    product = hidden.column("product_id").tolist()
    item = hidden.column("item_id").tolist()
    share = hidden.column("share").tolist()
    tier = hidden.column("tier").tolist()
    visible = hidden.column("visible_share").tolist()
    kind_of, subject_of = kinds[kind_code[first]].tolist(), subjects[subject_code[first]].tolist()
    revenue = {p: ctx.revenue_per_day(p) for p in set(ctx.model.products)}
    days = {p: max(0.0, DEFAULT_RECOVERY_DAYS - ctx.inventory_days(p)) for p in revenue}
    out = []
    for g in groups:
        kind, subject = kind_of[g], subject_of[g]
        if kind == "company" and subject in spof_nodes:
            continue  # already a single point of failure: the stronger finding
        rows = order[bounds[g] : bounds[g + 1]]
        at = rows.tolist()
        worst = at[0]
        best: dict[str, float] = {}  # each product's first row is its largest share
        for i in at:
            best.setdefault(product[i], share[i])
        lost = sum(v * revenue[p] * days[p] for p, v in best.items())
        sentence = hidden_sentence(
            subject,
            kind,
            tier[worst],
            [(product[i], item[i], share[i]) for i in at[:MOST]],
            max(visible[i] for i in at),
            len(at),
        )
        out.append(
            Finding(
                "hidden_concentration",
                "high" if share[worst] >= NEAR_SOLE else "medium",
                subject,
                kind,
                _HiddenTold(sentence, hidden, rows, tier[worst]),
                lost,
                tuple(sorted(best)),
            )
        )
    return out


def _list(items: tuple[str, ...] | list[str], most: int = 6) -> str:
    xs = list(items)
    if len(xs) > most:
        return ", ".join(xs[:most]) + f" and {len(xs) - most} more"
    return ", ".join(xs)
