"""``GET /v1/report`` over HTTP against the real Neo4j holding the demo ecosystem."""

from __future__ import annotations

from apitools import Api

from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import read_projection


def test_the_report_is_served_as_html(api: Api) -> None:
    eco = Ecosystem.build(read_projection(api.store))
    with api.client() as c:
        r = c.get("/v1/report")
        again = c.get("/v1/report")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in r.text and "<script" not in r.text
    assert f'snapshot <b data-fact="snapshot">{eco.snapshot}</b>' in r.text
    first = eco.analysis.register[0]
    assert f'data-rank="1" data-kind="{first.kind}" data-subject="{first.subject_id}"' in r.text
    assert again.text == r.text  # the same snapshot: the same page, built once


def test_the_report_needs_a_key(api: Api) -> None:
    with api.client(key=None) as c:
        r = c.get("/v1/report")
    assert r.status_code == 401
    assert r.json()["error"]["code"]
