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
from collections.abc import Iterable
from typing import Any

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.concentration import (
    Concentration,
    Convergence,
    HiddenConcentration,
)
from tierscope.graph.analysis.context import DEFAULT_RECOVERY_DAYS, Context
from tierscope.graph.analysis.coverage import Coverage, Structure
from tierscope.graph.analysis.finding import SEVERITIES, Finding, Told, found, rank
from tierscope.graph.analysis.relationship_findings import relationship_findings
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.scenarios import ExposureIndexEntry
from tierscope.graph.analysis.sentences import (
    MOST,
    hidden_sentence,
    listed,
    spof_sentence,
)
from tierscope.graph.analysis.spof import SinglePoint

__all__ = ["SEVERITIES", "Finding", "Told", "build", "explained_points", "rank"]

#: hidden concentration at or above this share is ``high`` (a near-sole source), else ``medium``
NEAR_SOLE = 0.9


def explained_points(findings: Iterable[Finding]) -> list[SinglePoint]:
    """The single points of failure whose explanation the findings' sentences and
    evidence read (one per single-point-of-failure finding not yet told)."""
    return [f.told.first for f in findings if isinstance(f.told, _SpofTold)]


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


class _HiddenColumns:
    """The columns of the hidden concentration rows that evidence lists, as codes and
    values, read once for every finding (when the first one is read)."""

    __slots__ = ("hidden", "read")

    def __init__(self, hidden: Rows[HiddenConcentration]) -> None:
        self.hidden = hidden
        self.read: (
            tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None
        ) = None

    def columns(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(product codes, products, item codes, items, share, visible share)."""
        if self.read is None:
            h = self.hidden
            self.read = (
                *h.codes("product_id"),
                *h.codes("item_id"),
                h.column("share"),
                h.column("visible_share"),
            )
        return self.read


class _HiddenTold:
    """Hidden concentration in one company or country: the sentence, and the
    evidence listed from its rows of the concentration analysis when read."""

    __slots__ = ("columns", "rows", "sentence", "tier")

    def __init__(
        self,
        sentence: str,
        columns: _HiddenColumns,
        rows: np.ndarray,
        tier: int | None,
    ):
        self.sentence, self.columns, self.rows, self.tier = sentence, columns, rows, tier

    @property
    def top(self) -> list[HiddenConcentration]:
        """Its rows, largest share first (then product and item)."""
        return self.columns.hidden.take(self.rows)

    @property
    def evidence(self) -> dict[str, Any]:
        product_code, products, item_code, items, share, visible = self.columns.columns()
        rows = self.rows
        return {
            "items": [
                {"product_id": p, "item_id": i, "share": round(v, 4)}
                for p, i, v in zip(
                    products[product_code[rows]].tolist(),
                    items[item_code[rows]].tolist(),
                    share[rows].tolist(),
                    strict=True,
                )
            ],
            "visible_share": max(visible[rows].tolist()),
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
            found(
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
    out.extend(relationship_findings(ctx, cov, structure))
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
    columns = _HiddenColumns(hidden)
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
                _HiddenTold(sentence, columns, rows, tier[worst]),
                lost,
                tuple(sorted(best)),
            )
        )
    return out
