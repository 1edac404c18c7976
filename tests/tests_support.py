"""Helpers the tests share outside fixtures."""

from __future__ import annotations

import os
from pathlib import Path

from tierscope.graph.localdb import LocalServer

REPO = Path(__file__).resolve().parent.parent


def test_server() -> LocalServer:
    """The local Neo4j of the test session (whether it runs or not)."""
    port = int(os.environ.get("TIERSCOPE_TEST_BOLT_PORT", "7688"))
    return LocalServer(home=REPO / ".tierscope" / "test-neo4j", bolt_port=port)


test_server.__test__ = False  # type: ignore[attr-defined]  # not a test, despite its name


#: A small valid ecosystem, the diamond of DESIGN.md: P needs board B (two
#: tier-1 sources) and housing H (unmapped); both sources buy chip X from T.
TINY: dict[str, str] = {
    "companies": (
        "id,name,kind,country,segment,parent_id,annual_spend\n"
        "F,Focal AG,focal,DE,,,\n"
        "S1,Shenzhen 华芯,supplier,CN,strategic,G,1000.5\n"
        "S2,شركة الخليج,supplier,TW,bottleneck,G,\n"
        "G,Group Holding,supplier,US,,,\n"
        "T,Kaito Chemicals,supplier,JP,routine,,\n"
        "L,LogiCo 🚚,service_provider,NL,,,\n"
    ),
    "items": (
        "id,name,kind,revenue_per_day,inventory_days\n"
        "P,Drive controller,product,1000,5\n"
        "B,Board,component,,\n"
        "H,Housing,component,,\n"
        "X,Chip,component,,\n"
    ),
    "bom": "parent_id,child_id,quantity\nP,B,1\nP,H,1\nB,X,2\n",
    "supplies": (
        "supplier_id,buyer_id,item_id,share,site_id\n"
        "S1,F,B,0.6,S1-SZ\n"
        "S2,F,B,0.4,\n"
        "T,S1,X,,\n"
        "T,S2,X,,\n"
    ),
    "sites": "id,company_id,country,recovery_days\nS1-SZ,S1,CN,20\n",
    "dependencies": "dependent_id,provider_id,kind,critical\nF,L,logistics,true\n",
    "people": (
        "id,name,company_id,title\n"
        "P1,José Müller,F,Chief Procurement Officer\n"
        "P2,Li Wei,S1,Key account manager\n"
    ),
    "relationships": "person_id,company_id,role,primary\nP1,S1,sponsor,\nP2,S1,contact,true\n",
    "kpis": (
        "company_id,metric,period,value,target,higher_is_better\n"
        "S1,on_time_delivery,2026-Q1,0.93,0.95,true\n"
    ),
}
