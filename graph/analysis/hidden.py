"""Hidden concentration: concentration that exists only at tier 2 and deeper.

DESIGN.md, "Concentration": an upstream company (tier 2+) through which at
least half of a product's supply passes, or a country that supplies at least
half of an item entering the product only below tier 1, while the tier-1 view
(the countries of the focal company's own suppliers) does not show it. Read
from the propagated exposure (:mod:`~tierscope.graph.analysis.exposure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from tierscope.graph.analysis import arrays
from tierscope.graph.analysis.exposure import MAJORITY, PropagatedExposure
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.sentences import hidden_sentence

__all__ = ["HiddenConcentration", "hidden_concentration"]


@dataclass(frozen=True, slots=True)
class HiddenConcentration:
    """Concentration that exists only at tier 2 and deeper."""

    product_id: str
    kind: str  # "company" or "country"
    subject_id: str  # company id or country code
    item_id: str
    share: float
    tier: int | None  # of the company (None for a country)
    visible_share: float  # what the tier-1 view shows for the same company or country

    _json_extra: ClassVar[tuple[str, ...]] = ("sentence",)

    @property
    def sentence(self) -> str:
        return hidden_sentence(
            self.subject_id,
            self.kind,
            self.tier,
            [(self.product_id, self.item_id, self.share)],
            self.visible_share,
        )


def hidden_concentration(ex: PropagatedExposure) -> Rows[HiddenConcentration]:
    """Hidden concentration, largest share first (then product, kind, subject, item).

    The companies of ``ex.majorities`` (product rank, deliver goal, exposure) at tier
    2 or deeper; the countries of ``ex.deep`` (product rank, country key, share),
    each a majority of an item entering below tier 1, shown as hidden where the
    tier-1 view (``ex.visible``, per product rank and country) stays under half.
    Kept as columns, ids as codes (millions of rows at scale; a row becomes an
    object when read).
    """
    product_names, g_deep, g_tier = ex.product_names, ex.goal_deep, ex.goal_tier
    key_country, countries, visible = ex.key_country, ex.countries, ex.visible
    rank, goal, share = ex.majorities
    deep_goal = g_deep[goal]
    rank, goal, share = rank[deep_goal], goal[deep_goal], share[deep_goal]
    c_rank, key, c_share = ex.deep
    shown = visible[c_rank, key_country[key]]
    hide = shown < MAJORITY
    c_rank, key, c_share, shown = c_rank[hide], key[hide], c_share[hide], shown[hide]
    n = len(rank)
    (company, companies), (g_item_code, g_items), (key_item_code, key_items) = (
        ex.goal_company,
        ex.goal_item,
        ex.key_item,
    )
    # codes into the sorted union of the names (sorted codes keep the names' order)
    subjects, company_at, country_at = arrays.union(companies, countries)
    subject = np.concatenate([company_at[company[goal]], country_at[key_country[key]]])
    items, goal_item_at, key_item_at = arrays.union(g_items, key_items)
    item = np.concatenate([goal_item_at[g_item_code[goal]], key_item_at[key_item_code[key]]])
    all_rank = np.concatenate([rank, c_rank])
    all_share = np.concatenate([share, np.round(c_share, 6)])
    kind = np.r_[np.zeros(n, dtype=np.int64), np.ones(len(c_rank), dtype=np.int64)]
    order = arrays.order(
        arrays.descending(all_share),
        (all_rank, len(product_names)),
        (kind, 2),
        (subject, len(subjects)),
        (item, len(items)),
    )
    tier = np.r_[g_tier[goal], np.full(len(c_rank), None, dtype=object)]
    seen = np.r_[np.zeros(n), np.round(shown, 6)]
    return Rows(
        HiddenConcentration,
        {
            "product_id": arrays.categorical(all_rank[order], product_names),
            "kind": arrays.categorical(kind[order], np.array(["company", "country"], dtype=object)),
            "subject_id": arrays.categorical(subject[order], subjects),
            "item_id": arrays.categorical(item[order], items),
            "share": all_share[order],
            "tier": tier[order],
            "visible_share": seen[order],
        },
    )
