"""The explorer's pages over real HTTP on the demo: each answers, links to the pages of
what it names (and every link answers), filters and pages the register, offers each table
as neutralised CSV, keeps hostile names as text, and refuses what it cannot show."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pandas as pd
import pytest
from apitools import Api
from browser import INJECTIONS

from tierscope.loaders.bundle import demo_bundle_path, load_bundle

PAGES = [
    "/",
    "/search?q=kinetic",
    "/companies/TKS",
    "/companies/NORDKAP?depth=1&direction=upstream",
    "/sites/SITE-FEINGUSS-SUHL",
    "/items/C-ASIC-MC",
    "/products/P-NX400",
    "/paths?from=TKS&to=P-NX400",
    "/paths?from=SITE-FEINGUSS-SUHL&to=P-MS20",
    "/scenarios",
    "/scenarios?fail=TKS&days=30",
    "/scenarios?country=CN&days=45",
    "/people",
    "/people/PER-FEINGUSS-1",
]
PICTURES = [
    "/pictures/company?id=TKS",
    "/pictures/product?id=P-NX400",
    "/pictures/paths?from=TKS&to=P-NX400",
    "/pictures/scenario?fail=TKS",
    "/pictures/people",
]


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` and the ``src`` of every frame, script and stylesheet."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag in ("iframe", "script", "img") and a.get("src"):
            self.loads.append(str(a["src"]))
        if tag == "link" and a.get("href") and a.get("href") != "data:,":  # no favicon
            self.loads.append(str(a["href"]))


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


@pytest.fixture
def client(api: Api) -> httpx.Client:
    with api.client() as c:
        yield c


@pytest.mark.parametrize("route", PAGES)
def test_every_page_answers_with_html_under_a_strict_policy(
    route: str, client: httpx.Client
) -> None:
    r = client.get(route)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    page = parse(r.text)
    # the page loads only this server's own files: htmx, the stylesheet, pictures
    assert page.loads, route
    for src in page.loads:
        assert src.startswith("/") and not src.startswith("//"), src
    assert '<input type="search" name="q"' in r.text  # search from every page


@pytest.mark.parametrize("route", PICTURES)
def test_every_picture_is_a_view_that_may_be_framed_here_only(
    route: str, client: httpx.Client
) -> None:
    r = client.get(route)
    assert r.status_code == 200, r.text
    assert r.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert 'id="view-data"' in r.text


def test_every_link_of_every_page_answers(client: httpx.Client) -> None:
    seen: set[str] = set()
    for route in PAGES:
        for link in parse(client.get(route).text).links:
            if link.startswith("#") or link in seen:
                continue
            assert link.startswith("/"), (route, link)  # nothing points elsewhere
            seen.add(link.split("#")[0])
    assert len(seen) > 100
    for link in sorted(seen):
        r = client.get(link)
        assert r.status_code == 200, (link, r.text[:300])


def test_the_company_page_links_what_it_names(client: httpx.Client) -> None:
    links = set(parse(client.get("/companies/TKS").text).links)
    assert {
        "/products/P-NX400",
        "/products/P-NX750",
        "/companies/KESTREL",
        "/companies/PENANG",
        "/sites/SITE-TKS-HSINCHU",
        "/sites/SITE-TKS-TAINAN",
        "/paths?from=TKS&to=P-NX400",
        "/scenarios?fail=TKS",
        "/scenarios?country=TW",
        "/items/C-ASIC-MC",
    } <= links
    text = client.get("/companies/TKS").text
    assert "Taiwan Kinetic Semiconductor" in text
    # what it stops, and why: the evidence chain in words and as a picture
    assert (
        ' is the only supplier of <a href="/items/C-ASIC-MC" data-kind="item">C-ASIC-MC</a> to '
        '<a href="/companies/KESTREL" data-kind="company">KESTREL</a>' in text
    )
    assert 'data-chain="TKS"' in text
    assert (
        '<iframe class="picture" src="/pictures/company?id=TKS&amp;depth=2&amp;direction=both"'
        in text
    )


def test_the_company_page_shows_sponsors_contacts_gaps_and_kpis(client: httpx.Client) -> None:
    text = client.get("/companies/DAEHAN").text
    people = text[text.index('id="people"') :]
    assert "<dt>sponsors</dt><dd><strong>none</strong></dd>" in people
    assert "/people/" in people
    assert 'data-table="kpis"' in text and "declining" in text
    assert 'data-chart="kpis"' in text


def test_the_product_page_marks_its_single_points_of_failure(client: httpx.Client) -> None:
    text = client.get("/products/P-MS20").text
    spof = text[text.index('data-table="spof"') : text.index('data-table="findings"')]
    for node in ("NORDKAP", "FEINGUSS", "SITE-FEINGUSS-SUHL"):
        assert f'href="/companies/{node}"' in spof or f'href="/sites/{node}"' in spof, node
        assert f"/paths?from={node}&amp;to=P-MS20" in spof
    assert "TKS" not in spof
    assert 'data-chart="companies"' in text and 'data-chart="countries"' in text
    assert "<dt>time to survive (inventory days)</dt><dd>14</dd>" in text
    countries = text[text.index('data-table="country-exposure"') :]
    assert 'href="/scenarios?country=CN"' in countries
    tree = list(csv.DictReader(io.StringIO(client.get("/products/P-MS20?csv=supply-tree").text)))
    marked = {r["supplier"] for r in tree if r["supplier stops it alone"] == "yes"}
    assert marked == {"NORDKAP", "FEINGUSS"}


def test_the_paths_page_shows_only_the_paths_with_their_shares(client: httpx.Client) -> None:
    text = client.get("/paths?from=TKS&to=P-NX400").text
    assert text.count('<li class="path">') == 2
    assert "C-PCBA-DRV 60%" in text and "C-PCBA-DRV 40%" in text  # KESTREL, PENANG
    assert "C-ASIC-MC 100%" in text
    start = text.index('<ol class="paths">')
    listed = text[start : text.index("</ol>", start)]
    assert "C-PCBA-IO" not in listed  # KESTREL sells it to NORVIK, but not for P-NX400
    assert "alone stops P-NX400" in text
    r = client.get("/pictures/paths?from=TKS&to=P-NX400")
    ids = set(re.findall(r'"id":"([^"]+)"', r.text))
    assert ids == {"TKS", "KESTREL", "PENANG", "NORVIK", "product:P-NX400"}


def test_a_scenario_names_what_stops_when_and_the_loss(client: httpx.Client) -> None:
    text = client.get("/scenarios?fail=TKS&days=30").text
    stopped = text[text.index('data-table="stopped"') : text.index('data-table="running"')]
    assert 'href="/products/P-NX400"' in stopped and 'href="/products/P-NX750"' in stopped
    assert "P-MS20" not in stopped
    assert "2 of 8 products" in text


def test_the_register_filters_sorts_and_pages(client: httpx.Client) -> None:
    def rows(route: str) -> list[list[str]]:
        r = client.get(route + ("&" if "?" in route else "?") + "csv=register")
        assert r.status_code == 200
        return list(csv.reader(io.StringIO(r.text)))[1:]

    everything = rows("/")
    assert len(everything) == 98
    assert [int(r[0]) for r in everything] == list(range(1, 99))
    critical = rows("/?severity=critical")
    assert critical and {r[1] for r in critical} == {"critical"}
    ms20 = rows("/?product=P-MS20")
    assert ms20 and all("P-MS20" in r[6].split() for r in ms20)
    assert len(ms20) < len(everything)
    by_revenue = rows("/?sort=revenue")
    assert len(by_revenue) == 98 and by_revenue[0][3] == "NORDKAP"
    assert [r[3] for r in rows("/?sort=subject")][:2] == sorted(r[3] for r in everything)[:2]
    first = client.get("/").text
    second = client.get("/?page=1").text
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert '<a href="/?sort=rank&amp;page=1" rel="next">' in first
    assert '<td class="num">51</td>' in second and '<td class="num">51</td>' not in first


def test_each_table_comes_as_csv(client: httpx.Client) -> None:
    r = client.get("/companies/TKS?csv=stops")
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="companies-TKS-stops.csv"' in r.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(r.text)))
    assert lines[0] == ["product", "revenue per day", "inventory days", "revenue at stake", "paths"]
    assert [x[0] for x in lines[1:]] == ["P-NX400", "P-NX750"]
    page = client.get("/companies/TKS").text
    for name in ("stops", "depends", "suppliers", "buyers", "hhi", "sites", "findings", "kpis"):
        if f'data-table="{name}"' in page and f"csv={name}" in page:
            assert client.get(f"/companies/TKS?csv={name}").status_code == 200
    missing = client.get("/companies/TKS?csv=nothing")
    assert missing.status_code == 404
    assert "this page has no table &#39;nothing&#39;" in missing.text


def test_suggestions_find_companies_sites_items_and_people(client: httpx.Client) -> None:
    def hits(q: str) -> list[str]:
        r = client.get("/suggest", params={"q": q})
        assert r.status_code == 200
        return [h for h in parse(r.text).links if not h.startswith("/search")]

    assert hits("kinetic")[0] == "/companies/TKS"  # part of a name
    assert hits("TKS")[0] == "/companies/TKS"  # the exact id first
    assert "/sites/SITE-TKS-HSINCHU" in hits("site-tks")  # an id's start
    assert "/items/C-ASIC-MC" in hits("C-ASIC")
    assert "/products/P-NX400" in hits("nx400")
    person = client.get("/people/PER-FEINGUSS-1").text
    name = re.search(r"<h1>(.+?) \(PER-FEINGUSS-1\)</h1>", person)
    assert name is not None
    assert "/people/PER-FEINGUSS-1" in hits(name.group(1).split()[-1])
    assert client.get("/suggest", params={"q": "zzzz-nothing"}).text.count("Nothing found") == 1
    assert client.get("/suggest", params={"q": ""}).text.strip() == ""


def test_unknown_ids_and_refused_values_are_pages_that_name_them(client: httpx.Client) -> None:
    for route, status, said in [
        ("/companies/NOPE", 404, "no company with id &#39;NOPE&#39;"),
        ("/products/NOPE", 404, "no product with id &#39;NOPE&#39;"),
        ("/products/C-ASIC-MC", 422, "&#39;C-ASIC-MC&#39; is not a product"),
        ("/people/NOPE", 404, "no person with id &#39;NOPE&#39;"),
        ("/sites/NOPE", 404, "no site with id &#39;NOPE&#39;"),
        ("/paths?from=NOPE&to=P-NX400", 404, "NOPE"),
        ("/scenarios?fail=NOPE", 422, "NOPE"),
        ("/?severity=grave", 422, "severity &#39;grave&#39; is not one of"),
    ]:
        r = client.get(route)
        assert r.status_code == status, route
        assert said in r.text, (route, r.text[-600:])
        assert r.headers["content-type"].startswith("text/html")


#: every explorer route that reads data (pages, a table as CSV, pictures, suggestions)
GUARDED = [
    "/",
    "/?csv=register",
    "/search?q=tks",
    "/companies/TKS",
    "/companies/TKS?csv=stops",
    "/sites/SITE-FEINGUSS-SUHL",
    "/items/C-ASIC-MC",
    "/products/P-NX400",
    "/paths?from=TKS&to=P-NX400",
    "/scenarios?fail=TKS",
    "/people",
    "/people/PER-FEINGUSS-1",
    "/suggest?q=tks",
    "/pictures/company?id=TKS",
    "/pictures/product?id=P-NX400",
    "/pictures/paths?from=TKS&to=P-NX400",
    "/pictures/scenario?fail=TKS",
    "/pictures/people",
]


@pytest.mark.parametrize("route", GUARDED)
def test_without_a_key_or_session_a_page_sends_the_browser_to_sign_in(api: Api, route: str) -> None:
    with api.client(key=None) as c:
        r = c.get(route, follow_redirects=False)
        assert r.status_code == 303, route
        assert r.headers["location"] == "/signin?next=" + quote(route, safe="")
        assert "tierscope" not in r.text  # nothing of the page
    with api.client(key="not-a-key-0123456789") as c:
        assert c.get(route).status_code == 401  # a wrong key header is not sent to sign in
    with api.client() as c:
        assert c.get(route).status_code == 200


def test_htmx_without_a_session_moves_the_page_to_sign_in(api: Api) -> None:
    """A suggestion asked for after the session ended: a 401 whose ``HX-Redirect`` takes
    the whole page (not the suggestion list) to sign-in, and back to where it was."""
    with api.client(key=None) as c:
        r = c.get(
            "/suggest?q=tks",
            headers={"HX-Request": "true", "HX-Current-URL": api.url + "/companies/TKS?depth=3"},
        )
        assert r.status_code == 401
        assert r.headers["hx-redirect"] == "/signin?next=%2Fcompanies%2FTKS%3Fdepth%3D3"
        r = c.get(
            "/suggest?q=tks",
            headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"},
        )
        assert r.status_code == 401  # another site's URL: only its path, on this site
        assert r.headers["hx-redirect"] == "/signin?next=%2Fx"
        assert c.get("/static/htmx.min.js").status_code == 200  # no data in it


def test_pages_open_to_a_key_show_no_sign_out_and_are_not_cached(client: httpx.Client) -> None:
    r = client.get("/companies/TKS")
    assert r.headers["cache-control"] == "no-store"
    assert 'action="/signout"' not in r.text  # a key header has no session to end


def test_the_api_under_v1_is_unchanged_and_its_document_lists_no_page(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert all(p.startswith("/v1/") for p in doc["paths"])
    assert client.get("/v1/ping").status_code == 200


def test_ids_with_slashes_and_markup_have_working_pages(api_server: Api, tmp_path: Path) -> None:
    """An id is a path segment, escaped: ``A/B`` and ``<x>`` get pages and links that work."""
    out = tmp_path / "odd"
    shutil.copytree(demo_bundle_path(), out, ignore=shutil.ignore_patterns("*.md", "*.py"))
    for name in (
        "companies",
        "supplies",
        "sites",
        "dependencies",
        "people",
        "relationships",
        "kpis",
    ):
        path = out / f"{name}.csv"
        if path.exists():
            path.write_text(path.read_text().replace("TKS", "T/K<S>"), encoding="utf-8")
    load_bundle(out, api_server.store)
    with api_server.client() as c:
        r = c.get("/suggest", params={"q": "t/k<s"})
        link = next(h for h in parse(r.text).links if h.startswith("/companies/"))
        assert link == "/companies/T%2FK%3CS%3E"
        page = c.get(link)
        assert page.status_code == 200
        assert "T/K&lt;S&gt;" in page.text and "T/K<S>" not in page.text
        assert c.get("/companies/T%2FK%3CS%3E?csv=stops").status_code == 200
        paths = c.get("/paths", params={"from": "T/K<S>", "to": "P-NX400"})
        assert paths.status_code == 200 and "alone stops P-NX400" in paths.text


@pytest.fixture
def hostile(api_server: Api, tmp_path: Path) -> Api:
    """The demo with markup and a formula as names (the next test's ``api`` loads the demo
    back)."""
    out = tmp_path / "hostile"
    shutil.copytree(demo_bundle_path(), out, ignore=shutil.ignore_patterns("*.md", "*.py"))
    companies = pd.read_csv(out / "companies.csv", dtype=str, keep_default_na=False)
    for cid, name in {**INJECTIONS, "DAEHAN": '=HYPERLINK("http://evil.example","x")'}.items():
        companies.loc[companies["id"] == cid, "name"] = name
    companies.to_csv(out / "companies.csv", index=False)
    load_bundle(out, api_server.store)
    return api_server


def test_hostile_names_stay_text_and_formulas_stay_inert(hostile: Api) -> None:
    with hostile.client() as c:
        for route in ["/", "/companies/TKS", "/companies/PENANG", "/products/P-NX400",
                      "/paths?from=TKS&to=P-NX400", "/search?q=script", "/suggest?q=%3Cscript",
                      "/scenarios?fail=KESTREL"]:  # fmt: skip
            text = c.get(route).text
            for name in INJECTIONS.values():
                assert name not in text, (route, name)
        shown = c.get("/companies/PENANG").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
        table = c.get("/search", params={"q": "hyperlink", "csv": "results"}).text
        assert "\"'=HYPERLINK(" in table  # a spreadsheet shows it as text


def test_links_keep_their_query_when_a_table_is_downloaded(client: httpx.Client) -> None:
    text = client.get("/?severity=high&sort=revenue").text
    link = next(h for h in parse(text).links if "csv=register" in h)
    assert parse_qs(urlsplit(link).query) == {
        "severity": ["high"],
        "sort": ["revenue"],
        "csv": ["register"],
    }


def test_before_anything_is_loaded_a_page_says_so_and_the_api_stays_json(
    api_server: Api,
) -> None:
    api_server.store.clear()  # the next test's ``api`` loads the demo back
    with api_server.client() as c:
        deadline = time.monotonic() + 30  # the server checks the database every 0.2 s
        while (r := c.get("/companies/TKS")).status_code == 200:
            assert time.monotonic() < deadline, "the server still shows the cleared data"
            time.sleep(0.1)
        assert r.status_code == 409
        assert r.headers["content-type"].startswith("text/html")
        assert "<h1>Nothing loaded yet</h1>" in r.text and "tierscope load" in r.text
        v1 = c.get("/v1/risks")
        assert v1.status_code == 409 and v1.json()["error"]["code"] == "no_ecosystem"
