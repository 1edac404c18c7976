"""Generate a synthetic, realistic, valid bundle: ``tierscope generate --companies N --seed S OUT``.

The generator writes the nine CSV files of a bundle (exact columns of
:mod:`tierscope.graph.schema`) for any number of companies from 10 to
1,000,000. Everything is drawn from one ``numpy`` generator seeded with
``seed``, and every table is built with vectorised numpy/pandas operations
(no per-company Python loop), so the same ``(companies, seed)`` gives
byte-identical files, and 1,000,000 companies (about 5 million supply rows)
take about half a minute and under 3 GB of memory.

The model
---------
Companies
    Exactly one focal company (``C000000``). About ``N**0.3`` customers (2-40),
    0.8 % service providers, 1.5 % distributors; the rest are producers at
    intended levels 1-4 (``declared_tier``). Level 1 has about ``N**0.6``
    companies, distributors included (16 at N=100, 1,000 at 100k, 3,981 at
    1M); the remainder is split 22 / 33 / 45 % over levels 2-4, so deeper
    levels are larger. Company ids are shuffled and reveal nothing of this.
Items and bill of materials
    The focal company makes ``3 + N**0.27`` products (5-50, with
    ``revenue_per_day`` and ``inventory_days``). Level-``L`` producers make
    items of level ``L`` (components at levels 1-3, materials at level 4);
    each makes one item, 15 % a second one. ``bom.csv`` links every item of
    level ``L`` to items of level ``L+1`` only, so it is acyclic; every item
    has a parent and every non-material item has children. Child popularity is
    Pareto-distributed (some materials go into many components).
Supply
    A buyer buys every BOM input of each item it makes (the focal company buys
    the inputs of its products). Each (buyer, item) is sole-, dual- or
    multi-sourced with probabilities 45 / 35 / 20 % (3-5 sources), bounded by
    how many companies make the item. Level-1 items have exactly as many makers
    as the focal company has sources for them. Deeper, makers are allotted to
    items sublinearly in demand and chosen by preferential attachment on a
    Pareto "size" of each company, so fan-in is heavy-tailed; every maker is
    chosen at least once, which makes every producer reach the focal company
    through a supply chain. Shares are whole thousandths (at least 1 %) that
    sum to exactly 1 per (buyer, item); bigger suppliers get larger shares.
    BOM fan-out per level is tuned for about five supply rows per company.
Distributors, customers, services, groups
    A distributor joins the makers of one or two items at levels 1-3
    (15 / 45 / 40 %) and buys
    each from 1-5 producers of that item. Customers buy 1-3 products from the
    focal company (share 1). Service providers (logistics, software, energy,
    finance) serve the focal company, producers and each other through
    ``dependencies.csv`` (20-40 % critical; a few providers serve very many).
    About 0.4 % of producers (at least a few) are parent groups; 6 % of
    producers are their subsidiaries (``parent_id``), named after the group.
Geography
    44 countries with a skewed weight; each material has a dominant country
    (60 % of its makers are there), each component a favoured one (30 %).
    Companies have 0-3 sites (``S<company number>-<k>``, never a company id),
    with lat/lon around the country and ``recovery_days``; 70 % of supply rows
    of a supplier with sites ship from one of its sites.
Relationship data
    Level-1 and level-2 partners get a Kraljic segment from their spend (above
    the level median) and supply risk (sole source in at least half of its
    rows, or the only maker of its item), and ``annual_spend``. 85 % of strategic tier-1
    partners have a sponsor (executives of the focal company, a few carrying
    many); tier-1 partners and 30 % of tier-2 ones have 0-3 contacts (one
    primary). Strategic tier-1 partners have 2 KPIs over 4 quarters.
Names
    Readable generated names ("Kaito Chemicals Ltd"); about 1 % are in Chinese,
    Japanese, Arabic or Cyrillic script and a few carry an emoji (at least one
    of each in every bundle).

Where it lives
--------------
This module owns :func:`generate` and the writing of the files; the drawing is
:mod:`~tierscope.loaders.generator_world` (companies, groups, geography,
services, relationship data) with :mod:`~tierscope.loaders.generator_supply`
(items, BOM, supply rows), the text of each table
:mod:`~tierscope.loaders.generator_tables`, and the parameters and vectorised
helpers :mod:`~tierscope.loaders.generator_base`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tierscope.graph.schema import TABLES
from tierscope.loaders.generator_base import Progress
from tierscope.loaders.generator_tables import _Tables
from tierscope.loaders.generator_world import _World

__all__ = ["MAX_COMPANIES", "MIN_COMPANIES", "GeneratedBundle", "generate"]

MIN_COMPANIES = 10
MAX_COMPANIES = 1_000_000


@dataclass(frozen=True)
class GeneratedBundle:
    """A bundle written by :func:`generate`: its folder and the rows of each file."""

    path: Path
    counts: dict[str, int]


def _write(frames: pd.DataFrame | list[pd.DataFrame], path: Path, columns: Sequence[str]) -> int:
    parts = frames if isinstance(frames, list) else [frames]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        for i, frame in enumerate(parts):
            frame = frame.reindex(columns=list(columns))
            frame.to_csv(f, index=False, header=i == 0, lineterminator="\n", na_rep="")
            rows += len(frame)
    return rows


def generate(
    companies: int, seed: int, out: Path, progress: Progress | None = None
) -> GeneratedBundle:
    """Write a synthetic bundle of ``companies`` companies drawn with ``seed`` into ``out``.

    ``out`` is created if needed; the nine CSV files in it are overwritten. The
    same ``(companies, seed)`` always gives byte-identical files.

    Raises
    ------
    ValueError
        When ``companies`` is not a whole number from 10 to 1,000,000 or ``seed``
        is negative.
    """
    if isinstance(companies, bool) or not isinstance(companies, int | np.integer):
        raise ValueError(f"companies must be a whole number, got {companies!r}")
    if not MIN_COMPANIES <= companies <= MAX_COMPANIES:
        raise ValueError(
            f"companies must be between {MIN_COMPANIES:,} and {MAX_COMPANIES:,}, got {companies:,}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}")
    say: Progress = progress or (lambda _m: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = _World(int(companies), int(seed), say)
    tables = _Tables(world)
    make: dict[str, Callable[[], pd.DataFrame | list[pd.DataFrame]]] = {
        "companies": tables.companies,
        "items": tables.items,
        "supplies": tables.supplies,
        "bom": tables.bom,
        "sites": tables.sites,
        "dependencies": tables.dependencies,
        "people": tables.people,
        "relationships": tables.relationships,
        "kpis": tables.kpis,
    }
    counts: dict[str, int] = {}
    for t in TABLES:
        say(f"writing {t.filename}")
        counts[t.name] = _write(make[t.name](), out / t.filename, t.column_names)
    return GeneratedBundle(path=out, counts={t.name: counts[t.name] for t in TABLES})
