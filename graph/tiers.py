"""A company's tier: its shortest supply distance to the focal company.

Tier 1 supplies the focal company directly, tier 2 supplies a tier-1
supplier, and so on. Companies that reach the focal company through no chain
of supplies (customers, service providers) have no tier.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from tierscope.graph.schema import Records

__all__ = ["supply_tiers"]


def supply_tiers(records: Records) -> dict[str, int]:
    """Map each company id that supplies the focal company at any depth to its tier.

    Breadth-first search from the focal company against the supply direction.

    Examples
    --------
    >>> import pandas as pd
    >>> from tierscope.graph.schema import Records
    >>> r = Records({
    ...     "companies": pd.DataFrame({"id": ["F", "A", "B"], "kind": ["focal", "supplier", "supplier"]}),
    ...     "supplies": pd.DataFrame({"supplier_id": ["A", "B"], "buyer_id": ["F", "A"]}),
    ... })
    >>> sorted(supply_tiers(r).items())
    [('A', 1), ('B', 2), ('F', 0)]
    """
    focal = records.focal_id()
    supplies = records["supplies"]
    suppliers_of: dict[str, list[str]] = {}
    buyers = supplies["buyer_id"].to_numpy(dtype=object)
    sellers = supplies["supplier_id"].to_numpy(dtype=object)
    order = np.argsort(buyers, kind="stable") if len(buyers) else np.array([], dtype=int)
    for i in order:
        suppliers_of.setdefault(buyers[i], []).append(sellers[i])
    tiers = {focal: 0}
    queue = deque([focal])
    while queue:
        company = queue.popleft()
        for supplier in suppliers_of.get(company, ()):
            if supplier not in tiers:
                tiers[supplier] = tiers[company] + 1
                queue.append(supplier)
    return tiers
