"""A company and what is around it, read from Neo4j alone: what ``view company`` draws.

:func:`company_ecosystem` walks the supply links (and critical dependencies)
hop by hop from one company with small Cypher queries, reads only the
companies it reaches, their sites, the links between them and the stored
results about them (findings, single points of failure, revenue at stake), and
returns an :class:`~tierscope.graph.ecosystem.Ecosystem` of just that part: the
views draw it exactly as they draw the whole, in a time that does not grow
with the ecosystem.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, LiteralString

import networkx as nx

from tierscope.graph.analysis.classical import ClassicalViews
from tierscope.graph.analysis.concentration import Concentration
from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.coverage import Coverage
from tierscope.graph.analysis.exposure import CountryExposure, Exposure
from tierscope.graph.analysis.finding import Finding, Told
from tierscope.graph.analysis.hhi import Hhi
from tierscope.graph.analysis.hidden import HiddenConcentration
from tierscope.graph.analysis.results import Rows
from tierscope.graph.analysis.run import Analysis
from tierscope.graph.analysis.scenarios import ExposureIndexEntry, ProductLoss
from tierscope.graph.analysis.spof import SinglePoint
from tierscope.graph.ecosystem import MAX_NODES, Ecosystem, UnknownId
from tierscope.graph.projection import Projection
from tierscope.graph.store import Store
from tierscope.graph.stored import StoredRun

__all__ = ["company_ecosystem"]

UPSTREAM: LiteralString = (
    "UNWIND $ids AS id MATCH (c:Company {id: id}) "
    "CALL (c) { MATCH (s:Company)-[:SUPPLIES]->(c) RETURN s.id AS other "
    "UNION MATCH (c)-[d:DEPENDS_ON]->(s:Company) WHERE d.critical RETURN s.id AS other } "
    "RETURN DISTINCT other ORDER BY other"
)
DOWNSTREAM: LiteralString = (
    "UNWIND $ids AS id MATCH (c:Company {id: id}) "
    "CALL (c) { MATCH (c)-[:SUPPLIES]->(b:Company) RETURN b.id AS other "
    "UNION MATCH (b:Company)-[d:DEPENDS_ON]->(c) WHERE d.critical RETURN b.id AS other } "
    "RETURN DISTINCT other ORDER BY other"
)
COMPANIES: LiteralString = (
    "UNWIND $ids AS id MATCH (c:Company {id: id}) RETURN c.id AS id, properties(c) AS props"
)
PRODUCTS: LiteralString = (
    "MATCH (i:Item) WHERE i.kind = 'product' RETURN i.id AS id, properties(i) AS props"
)
SITES: LiteralString = (
    "UNWIND $ids AS id MATCH (:Company {id: id})-[:OPERATES]->(s:Site) "
    "RETURN s.id AS id, properties(s) AS props"
)
LINKS: LiteralString = (
    "UNWIND $ids AS id MATCH (a:Company {id: id})-[r:SUPPLIES|DEPENDS_ON]->(b:Company) "
    "WHERE b.id IN $ids RETURN type(r) AS type, a.id AS start, b.id AS end, "
    "properties(r) AS props"
)
ITEMS: LiteralString = (
    "UNWIND $ids AS id MATCH (i:Item {id: id}) RETURN i.id AS id, properties(i) AS props"
)
FINDINGS: LiteralString = (
    "UNWIND $ids AS id MATCH (f:Finding {subject_id: id}) WHERE f.run = $run "
    "RETURN properties(f) AS f ORDER BY f.rank"
)
SPOFS: LiteralString = (
    "UNWIND $ids AS id "
    "MATCH (n:Company {id: id})-[r:SINGLE_POINT_OF_FAILURE_FOR {run: $run}]->(p:Item) "
    "RETURN n.id AS node, 'company' AS kind, p.id AS product, r.revenue_at_stake AS stake "
    "ORDER BY product, node"
)


def company_ecosystem(
    store: Store, run: StoredRun, company_id: str, depth: int, direction: str
) -> Ecosystem:
    """The part of the ecosystem ``depth`` hops around ``company_id`` (see the module)."""
    state = store.require_complete()
    with store.session() as session:

        def read(query: LiteralString, **params: Any) -> list[dict[str, Any]]:
            return [r.data() for r in session.run(query, params)]

        if not read(COMPANIES, ids=[company_id]):
            raise UnknownId("company", company_id)
        ids = _walk(read, company_id, depth, direction)
        focal = state.focal_id or ""
        every = sorted(ids | ({focal} if focal else set()))
        g: Projection = nx.MultiDiGraph(
            snapshot=state.snapshot, source=state.source, loaded_at=state.loaded_at, focal_id=focal
        )
        for r in read(COMPANIES, ids=every):
            g.add_node(("Company", r["id"]), **r["props"])
        for r in read(PRODUCTS):
            g.add_node(("Item", r["id"]), **r["props"])
        for r in read(SITES, ids=every):
            g.add_node(("Site", r["id"]), **r["props"])
            g.add_edge(
                ("Company", r["props"]["company_id"]),
                ("Site", r["id"]),
                ("OPERATES", f"{r['props']['company_id']}>{r['id']}"),
            )
        links = read(LINKS, ids=every)
        items = sorted({str(r["props"]["item_id"]) for r in links if r["type"] == "SUPPLIES"})
        for r in read(ITEMS, ids=items):
            g.add_node(("Item", r["id"]), **r["props"])
        # (u, v, key, data) tuples: the properties include one named "key"
        g.add_edges_from(
            (
                ("Company", r["start"]),
                ("Company", r["end"]),
                (r["type"], r["props"]["key"]),
                r["props"],
            )  # type: ignore[misc]
            for r in links
        )
        findings = [r["f"] for r in read(FINDINGS, ids=every, run=run.run)]
        spofs = read(SPOFS, ids=every, run=run.run)
    ctx = Context.from_projection(g)
    return Ecosystem.of(ctx, _analysis(ctx, run, findings, spofs), g, top_stake=_top(run))


def _walk(read: Any, start: str, depth: int, direction: str) -> set[str]:
    """The companies within ``depth`` hops of ``start`` (at most MAX_NODES)."""
    seen = {start}
    for query, wanted in ((UPSTREAM, ("upstream", "both")), (DOWNSTREAM, ("downstream", "both"))):
        if direction not in wanted:
            continue
        frontier = [start]
        for _ in range(depth):
            if not frontier or len(seen) > MAX_NODES:
                break
            found = [r["other"] for r in read(query, ids=frontier)]
            frontier = [c for c in found if c not in seen]
            seen.update(frontier)
    return seen


def _analysis(
    ctx: Context, run: StoredRun, findings: list[dict[str, Any]], spofs: list[dict[str, Any]]
) -> Analysis:
    """The stored results about the companies read, as an :class:`Analysis` (every other
    table empty: the views of one company draw nothing else)."""
    register = [
        Finding(
            f["kind"],
            f["severity"],
            f["subject_id"],
            f["subject_type"],
            Told(f["sentence"], {}),
            f.get("revenue_at_stake"),
            tuple(f.get("products") or ()),
            int(f["rank"]),
        )
        for f in findings
    ]
    points = [
        SinglePoint(s["product"], s["node"], s["kind"], None)  # type: ignore[arg-type]
        for s in spofs
    ]
    losses: dict[tuple[str, str], list[ProductLoss]] = defaultdict(list)
    for s in spofs:
        tts = ctx.inventory_days(s["product"])
        ttr, _ = ctx.recovery_days(s["node"])
        losses[(s["node"], s["kind"])].append(
            ProductLoss(s["product"], tts, max(0.0, ttr - tts), float(s["stake"] or 0.0))
        )
    rxi = []
    for (node, kind), ps in losses.items():
        ttr, assumed = ctx.recovery_days(node)
        total = sum(p.revenue_lost for p in ps)
        if total > 0:
            rxi.append(ExposureIndexEntry(node, kind, ttr, assumed, tuple(ps), total))
    rxi.sort(key=lambda e: (-e.revenue_lost, e.node_id))
    return Analysis(
        snapshot=run.snapshot,
        focal_id=ctx.focal,
        products=[],
        single_points_of_failure=points,
        country_outages=[],
        risk_exposure_index=rxi,
        concentration=Concentration(
            Rows.empty(Hhi),
            Rows.empty(Exposure),
            Rows.empty(CountryExposure),
            Rows.empty(HiddenConcentration),
            (),
            0,
            False,
        ),
        coverage=Coverage((), (), (), ()),
        classical=ClassicalViews((), {}, (), {}),
        register=register,
        context=ctx,
    )


def _top(run: StoredRun) -> float | None:
    v = run.summary.get("top_revenue_at_stake")
    return None if v is None else float(v)
