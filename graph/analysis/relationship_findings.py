"""The register's findings about relationships: coverage gaps, overloaded owners,
segments the graph contradicts, KPIs, and declared tiers that differ from the
computed ones (see :mod:`~tierscope.graph.analysis.register` for severities)."""

from __future__ import annotations

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.coverage import KEY_SEGMENTS, Coverage, Structure
from tierscope.graph.analysis.finding import Finding, found

__all__ = ["relationship_findings"]


def relationship_findings(
    ctx: Context, cov: Coverage, structure: dict[str, Structure]
) -> list[Finding]:
    """Coverage, owners, segments, KPIs and declared tiers, unranked."""
    out: list[Finding] = []
    # relationship coverage
    for g in cov.gaps:
        severity = "high" if g.structure.critical or g.structure.max_exposure >= 0.5 else "medium"
        out.append(
            found(
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
                found(
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
                found(
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
                found(
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
                found(
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
                found(
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
                found(
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
    return out


def _list(items: tuple[str, ...] | list[str], most: int = 6) -> str:
    xs = list(items)
    if len(xs) > most:
        return ", ".join(xs[:most]) + f" and {len(xs) - most} more"
    return ", ".join(xs)
