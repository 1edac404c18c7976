"""The brute-force definition of a single point of failure: the test oracle.

Node ``n`` (a company other than the focal one, or a site) is a single point of
failure for product ``p`` when ``p`` is available with nothing failed and
unavailable with only ``n`` failed (DESIGN.md). This module applies that
definition literally — one full evaluation per node — so that faster
algorithms can be checked against it.
"""

from __future__ import annotations

from tierscope.graph.analysis.availability import SupplyModel, evaluate

__all__ = ["brute_force_single_points_of_failure"]


def brute_force_single_points_of_failure(m: SupplyModel) -> dict[str, frozenset[str]]:
    """Map each company or site whose failure alone stops a product to those products.

    Examples
    --------
    Nodes that stop nothing are left out, so an empty model has none:

    >>> m = SupplyModel("F", [], [], {}, {"F": "DE"}, {}, {}, {}, {})
    >>> brute_force_single_points_of_failure(m)
    {}
    """
    baseline = evaluate(m).available_products
    found: dict[str, frozenset[str]] = {}
    for company in sorted(m.company_country):
        if company == m.focal:
            continue
        lost = baseline - evaluate(m, companies=[company]).available_products
        if lost:
            found[company] = lost
    for site in sorted(m.site_company):
        lost = baseline - evaluate(m, sites=[site]).available_products
        if lost:
            found[site] = lost
    return found
