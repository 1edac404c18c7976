"""Load throughput: `tierscope load` against Neo4j's own LOAD CSV, same files, one run.

    python bench/load.py [--companies 100000] [--seed 1] [--port 7689]

1. generates a bundle (cached under .tierscope/bench-data);
2. wipes a dedicated local Neo4j (its own home and port) and runs
   `tierscope load` on the bundle as a subprocess: wall time, rows/s, the
   loader's peak RSS; then reads the ecosystem back into networkx (timed);
3. wipes the database again and loads the same CSV files with
   `LOAD CSV WITH HEADERS … CALL { … } IN TRANSACTIONS OF 10000 ROWS`, creating
   the same uniqueness constraints first (timed, as ours is) and using the same
   MERGE keys, writing the same nodes
   and relationships (checked by counting both);
4. prints both throughputs and the ratio (target: ours / LOAD CSV >= 0.8,
   loader peak memory < 2 GiB).

Rows are the nodes plus relationships written, the same number for both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import LiteralString

from tierscope.graph.config import Neo4jSettings
from tierscope.graph.localdb import LocalServer
from tierscope.graph.mapping import total_rows
from tierscope.graph.projection import read_projection
from tierscope.graph.store import Store
from tierscope.loaders.bundle import read_valid_bundle
from tierscope.loaders.generator import generate

REPO = Path(__file__).resolve().parent.parent
SEP: LiteralString = "'\\u001f'"

# One statement per file (and per derived relationship), doing what the loader does.
# LOAD CSV reads an empty field as null, so missing values stay unset as in ours.
REFERENCE: list[tuple[str, LiteralString]] = [
    (
        "companies.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MERGE (n:Company {id: row.id}) SET n.name = row.name, n.kind = row.kind, "
        "n.country = row.country, n.segment = row.segment, "
        "n.parent_id = row.parent_id, n.annual_spend = toFloat(row.annual_spend), "
        "n.declared_tier = toInteger(row.declared_tier), n.region = row.region, "
        "n.recovery_days = toFloat(row.recovery_days) } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "items.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MERGE (n:Item {id: row.id}) SET n.name = row.name, n.kind = row.kind, "
        "n.category = row.category, n.revenue_per_day = toFloat(row.revenue_per_day), "
        "n.inventory_days = toFloat(row.inventory_days) } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "sites.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MERGE (n:Site {id: row.id}) SET n.company_id = row.company_id, n.country = row.country, "
        "n.name = row.name, n.recovery_days = toFloat(row.recovery_days), "
        "n.lat = toFloat(row.lat), n.lon = toFloat(row.lon) } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "people.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MERGE (n:Person {id: row.id}) SET n.name = row.name, n.company_id = row.company_id, "
        "n.title = row.title, n.email = row.email "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "kpis.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MERGE (n:Kpi {id: row.company_id + " + SEP + " + row.metric + " + SEP + " + row.period}) "
        "SET n.company_id = row.company_id, n.metric = row.metric, n.period = row.period, "
        "n.value = toFloat(row.value), n.target = toFloat(row.target), "
        "n.higher_is_better = toBoolean(row.higher_is_better) } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "supplies.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Company {id: row.supplier_id}) MATCH (b:Company {id: row.buyer_id}) "
        "MERGE (a)-[r:SUPPLIES {key: row.supplier_id + "
        + SEP
        + " + row.buyer_id + "
        + SEP
        + " + row.item_id + "
        + SEP
        + " + coalesce(row.site_id, '')}]->(b) "
        "SET r.item_id = row.item_id, r.share = toFloat(row.share), "
        "r.annual_spend = toFloat(row.annual_spend), r.lead_time_days = toFloat(row.lead_time_days), "
        "r.site_id = row.site_id } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "bom.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Item {id: row.parent_id}) MATCH (b:Item {id: row.child_id}) "
        "MERGE (a)-[r:REQUIRES {key: row.parent_id + " + SEP + " + row.child_id}]->(b) "
        "SET r.quantity = toFloat(row.quantity) } IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "dependencies.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Company {id: row.dependent_id}) MATCH (b:Company {id: row.provider_id}) "
        "MERGE (a)-[r:DEPENDS_ON {key: row.dependent_id + "
        + SEP
        + " + row.provider_id + "
        + SEP
        + " + row.kind}]->(b) SET r.kind = row.kind, r.critical = toBoolean(row.critical) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "companies.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "WITH row WHERE row.parent_id IS NOT NULL "
        "MATCH (a:Company {id: row.id}) MATCH (b:Company {id: row.parent_id}) "
        "MERGE (a)-[r:PART_OF {key: row.id + " + SEP + " + row.parent_id}]->(b) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "sites.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Company {id: row.company_id}) MATCH (b:Site {id: row.id}) "
        "MERGE (a)-[r:OPERATES {key: row.company_id + " + SEP + " + row.id}]->(b) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "people.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "MATCH (a:Person {id: row.id}) MATCH (b:Company {id: row.company_id}) "
        "MERGE (a)-[r:WORKS_AT {key: row.id + " + SEP + " + row.company_id}]->(b) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "kpis.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "WITH row, row.company_id + " + SEP + " + row.metric + " + SEP + " + row.period AS kid "
        "MATCH (a:Kpi {id: kid}) MATCH (b:Company {id: row.company_id}) "
        "MERGE (a)-[r:KPI_OF {key: kid + " + SEP + " + row.company_id}]->(b) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "relationships.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "WITH row WHERE row.role = 'sponsor' "
        "MATCH (a:Person {id: row.person_id}) MATCH (b:Company {id: row.company_id}) "
        "MERGE (a)-[r:SPONSORS {key: row.person_id + "
        + SEP
        + " + row.company_id + "
        + SEP
        + " + row.role}]->(b) SET r.primary = toBoolean(row.primary) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
    (
        "relationships.csv",
        "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
        "WITH row WHERE row.role = 'contact' "
        "MATCH (a:Person {id: row.person_id}) MATCH (b:Company {id: row.company_id}) "
        "MERGE (a)-[r:CONTACT_FOR {key: row.person_id + "
        + SEP
        + " + row.company_id + "
        + SEP
        + " + row.role}]->(b) SET r.primary = toBoolean(row.primary) "
        "} IN TRANSACTIONS OF 10000 ROWS",
    ),
]

COUNT_NODES: LiteralString = "MATCH (n) WHERE NOT n:TierscopeState RETURN count(n) AS n"
COUNT_RELS: LiteralString = "MATCH ()-[r]->() RETURN count(r) AS n"


def fresh(server: LocalServer) -> Neo4jSettings:
    server.wipe()
    settings, _ = server.start(log=lambda m: None)
    return settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=7689)
    args = ap.parse_args()

    data = REPO / ".tierscope" / "bench-data" / f"companies-{args.companies}-seed-{args.seed}"
    if not (data / "companies.csv").exists():
        t = time.perf_counter()
        generate(args.companies, args.seed, data)
        print(f"generated {data} in {time.perf_counter() - t:.1f} s")
    records, _ = read_valid_bundle(data)
    rows = total_rows(records)
    counts = records.counts()
    print(
        f"bundle: {args.companies:,} companies, {counts['supplies']:,} supply relationships; "
        f"{rows:,} rows to write (nodes + relationships)"
    )
    del records

    server = LocalServer(home=REPO / ".tierscope" / "bench-neo4j", bolt_port=args.port)
    os.environ.pop("NEO4J_URI", None)
    try:
        # -- ours ------------------------------------------------------------
        settings = fresh(server)
        env = {**os.environ, **settings.as_env()}
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tierscope", "load", str(data)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        ours = time.perf_counter() - t
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with Store(settings) as store:
            ours_nodes, ours_rels = store.count(COUNT_NODES), store.count(COUNT_RELS)
            t = time.perf_counter()
            g = read_projection(store)
            read_s = time.perf_counter() - t
            proj = (g.number_of_nodes(), g.number_of_edges())
            del g

        # -- reference: LOAD CSV ---------------------------------------------
        settings = fresh(server)
        import_dir = server.home / "import"
        import_dir.mkdir(parents=True, exist_ok=True)
        for f in data.glob("*.csv"):
            shutil.copy(f, import_dir / f.name)
        with Store(settings) as store:
            t = time.perf_counter()  # like ours, from a fresh database: constraints first
            store.ensure_schema()
            with store._driver.session(database=settings.database) as s:
                for name, query in REFERENCE:
                    if (import_dir / name).exists():
                        s.run(query, url=f"file:///{name}").consume()
            ref = time.perf_counter() - t
            ref_nodes, ref_rels = store.count(COUNT_NODES), store.count(COUNT_RELS)
    finally:
        server.stop()

    print(
        f"tierscope load : {ours:8.1f} s  {rows / ours:10,.0f} rows/s  "
        f"({ours_nodes:,} nodes, {ours_rels:,} relationships; includes validation)"
    )
    print(
        f"LOAD CSV       : {ref:8.1f} s  {rows / ref:10,.0f} rows/s  "
        f"({ref_nodes:,} nodes, {ref_rels:,} relationships)"
    )
    print(f"ratio (ours / LOAD CSV throughput): {ref / ours:.2f}   (target >= 0.8)")
    print(f"loader peak RSS: {peak_kib / 1024 / 1024:.2f} GiB   (target < 2 GiB)")
    print(f"read back into networkx: {read_s:.1f} s  ({proj[0]:,} nodes, {proj[1]:,} edges)")
    if (ours_nodes, ours_rels) != (ref_nodes, ref_rels):
        print("WARNING: the two loads wrote different numbers of nodes or relationships")


if __name__ == "__main__":
    main()
