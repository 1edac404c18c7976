"""`view company` reads only what it draws: the part of the ecosystem around the company,
straight from Neo4j, draws exactly what the whole ecosystem draws for that company."""

from __future__ import annotations

import pytest

from tierscope.graph.around import company_ecosystem
from tierscope.graph.current import ecosystem, results
from tierscope.graph.ecosystem import UnknownId
from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path, load_bundle
from tierscope.viz import views


def drawn(view: views.NetworkView) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    nodes = [
        (n.id, n.level, n.title, round(n.size, 9), n.colors, n.flagged, n.facts) for n in view.nodes
    ]
    links = sorted((x.source, x.target, x.title, x.dashed) for x in view.links)
    return nodes, links


def test_the_company_view_from_its_surroundings_equals_the_whole(store: Store) -> None:
    load_bundle(demo_bundle_path(), store)
    run = results(store).run
    whole = ecosystem(store)
    companies = [c for c, _ in whole.by_id]
    assert len(companies) > 50
    for company in companies:
        for depth, direction in ((1, "both"), (2, "both"), (3, "upstream"), (2, "downstream")):
            part = company_ecosystem(store, run, company, depth, direction)
            assert len(part.ctx.companies) <= len(whole.ctx.companies)
            assert drawn(views.company(part, company, depth, direction)) == drawn(
                views.company(whole, company, depth, direction)
            ), (company, depth, direction)
    # the part is a part: a tier-3 company's picture reads far fewer companies than all
    part = company_ecosystem(store, run, "TKS", 1, "both")
    assert len(part.ctx.companies) < len(whole.ctx.companies) / 3

    with pytest.raises(UnknownId):
        company_ecosystem(store, run, "NOPE", 1, "both")
