"""Convergence: an upstream company several tier-1 suppliers or products depend on.

DESIGN.md, "Concentration": an upstream company (tier 2+) that several tier-1
suppliers cannot deliver without (from the single-point-of-failure sets of
:mod:`~tierscope.graph.analysis.spof`); the products that get at least half of
an input through it (from :mod:`~tierscope.graph.analysis.exposure`) are listed
with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import ClassVar

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.exposure import PropagatedExposure
from tierscope.graph.analysis.sentences import convergence_sentence
from tierscope.graph.analysis.spof import Necessity

__all__ = ["Convergence", "convergence"]


@dataclass(frozen=True, slots=True)
class Convergence:
    """An upstream company several tier-1 suppliers or several products depend on."""

    company_id: str
    tier: int | None
    tier1_dependents: tuple[str, ...]  # tier-1 suppliers that cannot deliver without it
    products: tuple[tuple[str, float], ...]  # (product, exposure) at or above MAJORITY

    _json_extra: ClassVar[tuple[str, ...]] = ("sentence",)

    @property
    def sentence(self) -> str:
        """Made when read: hundreds of thousands are found at scale, few are read."""
        return convergence_sentence(
            self.company_id, self.tier, self.tier1_dependents, len(self.products)
        )


def convergence(ctx: Context, nec: Necessity, ex: PropagatedExposure) -> list[Convergence]:
    """Upstream companies (tier 2+) that at least two tier-1 suppliers cannot deliver
    without, with the products that get at least half of an input through them; most
    dependents first, then most products, then by id.

    The products are those of ``ex.majorities``, every exposure at or above
    MAJORITY. The tier-1 suppliers' necessity sets hold millions of elements at
    scale: they are read as one integer array, not set by set, and grouped by
    sorting; only the objects found are made.
    """
    product_names, (g_company, companies) = ex.product_names, ex.goal_company
    ex_rank, goal, value = ex.majorities
    majorities = (ex_rank, g_company[goal], value)  # company codes into companies
    gg, m = ctx.goals, ctx.model
    n_companies = gg.element_kind.count("company")  # elements: companies first, sorted
    rc = gg.receive_codes
    focal_receive = np.flatnonzero(rc.company == rc.code_of(m.focal)).tolist()
    tier1 = [g for r in focal_receive for g, _, _ in gg.alternatives[r]]
    sets: list[tuple[int, frozenset[int]]] = []
    for g in tier1:
        needs = nec.deliver[g]
        if needs:
            sets.append((gg.deliver_company[g], needs))
    sizes = np.fromiter((len(n) for _, n in sets), dtype=np.int64, count=len(sets))
    element = np.fromiter(
        chain.from_iterable(n for _, n in sets), dtype=np.int64, count=int(sizes.sum())
    )
    supplier = np.repeat(np.array([s for s, _ in sets], dtype=np.int64), sizes)
    keep = (element < n_companies) & (element != supplier)
    pair = arrays.unique(element[keep] * n_companies + supplier[keep])
    dependent, by = pair // n_companies, pair % n_companies
    starts = arrays.first_of_runs(dependent)
    runs = np.diff(np.r_[starts, len(pair)])
    several = runs >= 2
    starts, runs = starts[several], runs[several]
    names = np.asarray(gg.elements[:n_companies], dtype=object)
    found = names[dependent[starts]]
    tiers = [ctx.tier(c) for c in found.tolist()]
    deep = np.array([t is not None and t >= 2 for t in tiers], dtype=bool)
    starts, runs, found = starts[deep], runs[deep], found[deep]
    tiers = [t for t, d in zip(tiers, deep.tolist(), strict=True) if d]
    # the products through each: majorities by (company, product)
    rank, company, exposure = majorities
    order = arrays.order((company, len(companies)), (rank, len(product_names)))
    company, rank, exposure = company[order], rank[order], exposure[order]
    bounds = np.r_[arrays.first_of_runs(company), len(company)]
    # each found company's run of majorities (-1: none through it)
    run = arrays.find(company[bounds[:-1]], arrays.find(companies, found))
    first = np.where(run >= 0, bounds[np.maximum(run, 0)], 0)
    count = np.where(run >= 0, bounds[np.maximum(run, 0) + 1] - first, 0)
    # most dependents first, then most products, then by id (codes sort as ids)
    ranked = arrays.order(
        (int(runs.max(initial=0)) - runs, int(runs.max(initial=0)) + 1),
        (int(count.max(initial=0)) - count, int(count.max(initial=0)) + 1),
        (np.arange(len(found)), len(found)),
    )
    dependents = names[by].tolist()
    product_ids = product_names[rank].tolist()
    values = exposure.tolist()
    found_, a, n = found.tolist(), starts.tolist(), runs.tolist()
    p, q = first.tolist(), count.tolist()
    return [
        Convergence(
            found_[k],
            tiers[k],
            tuple(dependents[a[k] : a[k] + n[k]]),  # ids in order
            tuple(zip(product_ids[p[k] : p[k] + q[k]], values[p[k] : p[k] + q[k]], strict=True)),
        )
        for k in ranked.tolist()
    ]
