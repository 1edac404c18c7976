"""Hostile names in the HTML the API serves: ``/v1/views/*`` and ``/v1/report`` fetched
over HTTP with an ecosystem whose company, item and person names are markup; each page
keeps them as text (escaped in the HTML) and, opened in headless Chromium, runs
nothing and holds no injected element."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from apitools import Api
from browser import INJECTIONS, open_page
from playwright.sync_api import Browser

from tierscope.loaders.bundle import demo_bundle_path, load_bundle

ITEM_NAME = "<b onmouseover=alert(2)>bold</b>"
PERSON_NAME = "<svg onload=alert(3)>"
HOSTILE = [*INJECTIONS.values(), ITEM_NAME, PERSON_NAME]

#: route -> scripts the page carries itself (the views' three; the report none)
PAGES = {
    "/v1/views/overview": 3,
    "/v1/views/companies/TKS": 3,
    "/v1/views/products/P-NX400": 3,
    "/v1/views/scenario?fail=TKS,PENANG&country=CN&days=30": 3,
    "/v1/views/people": 3,
    "/v1/report": 0,
}
INJECTED = "img, [onerror], [onload], [onmouseover], svg svg, svg[onload], b[onmouseover]"


@pytest.fixture(scope="module")
def hostile_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "bundle"
    shutil.copytree(demo_bundle_path(), out, ignore=shutil.ignore_patterns("*.md", "*.py"))
    companies = pd.read_csv(out / "companies.csv", dtype=str, keep_default_na=False)
    for cid, name in INJECTIONS.items():
        assert (companies["id"] == cid).sum() == 1, cid
        companies.loc[companies["id"] == cid, "name"] = name
    companies.to_csv(out / "companies.csv", index=False)
    items = pd.read_csv(out / "items.csv", dtype=str, keep_default_na=False)
    items.loc[items["id"] == "P-NX400", "name"] = ITEM_NAME
    items.to_csv(out / "items.csv", index=False)
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    people.loc[0, "name"] = PERSON_NAME
    people.to_csv(out / "people.csv", index=False)
    return out


@pytest.fixture
def hostile_api(api_server: Api, hostile_bundle: Path) -> Api:
    """The API serving the hostile ecosystem (the next test's ``api`` loads the demo back)."""
    load_bundle(hostile_bundle, api_server.store)
    return api_server


@pytest.mark.parametrize("route", list(PAGES))
def test_hostile_names_are_escaped_and_run_nothing(
    route: str, hostile_api: Api, browser: Browser, tmp_path: Path
) -> None:
    with hostile_api.client() as c:
        r = c.get(route)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    # no hostile name is in the page verbatim; TKS's (a person's in the people view) is,
    # escaped: views carry their data as JSON with < and > as \u003c and \u003e, the
    # report as HTML entities
    for name in HOSTILE:
        assert name not in page, name
    views = PAGES[route] > 0
    tag = "<svg onload=alert(3)>" if "people" in route else "<img src=x onerror=alert(1)>"
    escaped = (
        tag.replace("<", "\\u003c").replace(">", "\\u003e")
        if views
        else tag.replace("<", "&lt;").replace(">", "&gt;")
    )
    assert escaped in page

    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    # a view is ready when its script says so; the report has no script
    opened = open_page(browser, path) if views else open_page(browser, path, ready=None)
    if views:
        ids = opened.eval("() => tierscope.nodes.getIds()")
        assert ids, "the view drew nothing"
        for node_id in ids[:80]:  # build every tooltip, as hovering does
            opened.eval(f"() => tierscope.network.selectNodes([{node_id!r}])")
        titles = " ".join(opened.eval("() => tierscope.nodes.get().map(n => n.title || '')"))
        shown = PERSON_NAME if "people" in route else INJECTIONS["TKS"]
        assert shown in titles  # the name, as text
    else:
        assert INJECTIONS["TKS"] in opened.eval("() => document.body.textContent")
    opened.assert_clean()  # no dialog (alert) fired, no page error, nothing fetched
    assert opened.eval(f"() => document.querySelectorAll({INJECTED!r}).length") == 0
    assert opened.eval("() => document.querySelectorAll('script').length") == PAGES[route]
