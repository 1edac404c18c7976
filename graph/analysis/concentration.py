"""Concentration: HHI per (buyer, item), propagated exposure, hidden concentration, convergence.

DESIGN.md, "Concentration". This module owns the entry point
:func:`concentration` and its result :class:`Concentration`; each finding has
its own module, in the order they are computed:

* :mod:`~tierscope.graph.analysis.hhi` — **HHI** per (buyer, item) over
  supplier shares, 0-10,000, shares normalised to sum to one with the basis
  named (``share``, else ``annual_spend``, else ``equal``); the same over the
  suppliers' countries and over parent groups. Above 2,500 is highly
  concentrated.
* :mod:`~tierscope.graph.analysis.exposure` — **propagated exposure**: one unit
  of a product needs one unit of each BOM input (AND); a buyer's need for an
  input is split over its suppliers by their shares (OR). A company's exposure
  is the largest fraction of any item of the product's tree that it supplies.
  Computed product by product as sparse products over the goal graph, one pass
  over its levels (rounds only where supply loops are:
  :mod:`~tierscope.graph.analysis.flows`).
* :mod:`~tierscope.graph.analysis.hidden` — **hidden concentration**: an
  upstream company (tier 2+) through which at least half of a product's supply
  passes, or a country that supplies at least half of an item entering the
  product only below tier 1, while the tier-1 view does not show it.
* :mod:`~tierscope.graph.analysis.convergence` — **convergence**: an upstream
  company (tier 2+) that several tier-1 suppliers cannot deliver without; the
  products that get at least half of an input through it are listed with it.

The result types and ``HIGHLY_CONCENTRATED`` are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.convergence import Convergence, convergence
from tierscope.graph.analysis.exposure import CountryExposure, Exposure, propagated_exposure
from tierscope.graph.analysis.hhi import HIGHLY_CONCENTRATED, Hhi, hhi, supply_columns
from tierscope.graph.analysis.hidden import HiddenConcentration, hidden_concentration
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.spof import Necessity

__all__ = [
    "HIGHLY_CONCENTRATED",
    "Concentration",
    "Convergence",
    "CountryExposure",
    "Exposure",
    "Hhi",
    "HiddenConcentration",
    "concentration",
]


@dataclass(frozen=True, slots=True)
class Concentration:
    """Every concentration finding of one analysis."""

    hhi: Rows[Hhi]  # one per (buyer, item): millions at scale
    exposure: Rows[Exposure]  # millions of rows at scale: kept as columns
    country_exposure: Rows[CountryExposure]
    hidden: Rows[HiddenConcentration]  # a million rows at scale
    convergence: tuple[Convergence, ...]
    exposure_iterations: int  # tiers followed; a supply loop stops at the cap
    exposure_truncated: bool


def concentration(ctx: Context, nec: Necessity) -> Concentration:
    """Every concentration finding of DESIGN.md (see the module docstring).

    HHI is read from the supply rows alone; exposure follows each product's supply
    tree, and hidden concentration and convergence are read from the exposures
    (convergence also from the single-point-of-failure sets ``nec``).
    """
    columns = supply_columns(ctx)
    by_buyer_item = hhi(ctx, columns)
    if not ctx.model.products or not ctx.goals.deliver:
        return Concentration(
            by_buyer_item,
            Rows.empty(Exposure),
            Rows.empty(CountryExposure),
            Rows.empty(HiddenConcentration),
            (),
            0,
            False,
        )
    ex = propagated_exposure(ctx, columns)
    return Concentration(
        by_buyer_item,
        ex.exposure,
        ex.country_exposure,
        hidden_concentration(ex),
        tuple(convergence(ctx, nec, ex)),
        ex.iterations,
        ex.truncated,
    )
