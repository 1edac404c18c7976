"""The explorer in Debian's headless Chromium, over real HTTP on the demo: an analyst's
walk from the search box to a what-if and back, the keyboard alone, every request to the
same origin, the five planted risks a click from ``/``, and hostile names as text."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from apitools import READ_KEY, Api
from browser import INJECTIONS, SCREENSHOTS
from playwright.sync_api import Browser, Page

from tierscope.loaders.bundle import demo_bundle_path, load_bundle

TIMEOUT_MS = 30_000


@dataclass
class Session:
    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, route: str) -> None:
        self.page.goto(self.origin + route)
        self.page.wait_for_load_state("load")

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.origin)

    def elsewhere(self) -> list[str]:
        local = ("data:", "about:", "blob:")
        return [u for u in self.requests if not u.startswith((self.origin + "/", *local))]


@pytest.fixture
def session(api: Api, browser: Browser) -> Iterator[Session]:
    yield from _session(api, browser)


def _session(api: Api, browser: Browser) -> Iterator[Session]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, extra_http_headers={"X-API-Key": READ_KEY}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    s = Session(page, api.url)
    context.on("request", lambda r: s.requests.append(r.url))
    context.on(
        "response", lambda r: s.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on("console", lambda m: s.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: s.errors.append(f"uncaught: {e}"))

    def dialog(d: Any) -> None:
        s.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        yield s
    finally:
        context.close()


def test_from_a_search_to_a_what_if_and_back(session: Session) -> None:
    s, page = session, session.page
    s.goto("/")
    page.locator('input[type="search"][name="q"]').press_sequentially("Kinetic", delay=40)
    suggestion = page.locator('#suggestions a[href="/companies/TKS"]')
    suggestion.wait_for(state="visible")
    suggestion.click()
    page.wait_for_url("**/companies/TKS")
    assert page.locator("h1").inner_text() == "Taiwan Kinetic Semiconductor Co., Ltd. (TKS)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "explorer-company.png"))

    page.locator('[data-table="stops"] a[href="/products/P-NX400"]').click()
    page.wait_for_url("**/products/P-NX400")
    page.locator('[data-table="spof"] a[href="/paths?from=TKS&to=P-NX400"]').click()
    page.wait_for_url("**/paths?from=TKS&to=P-NX400")
    assert page.locator("li.path").count() == 2
    page.get_by_role("link", name="What if TKS fails").click()
    page.wait_for_url("**/scenarios?fail=TKS")
    stopped = page.locator('[data-table="stopped"]').inner_text()
    assert "P-NX400" in stopped and "P-NX750" in stopped

    for expected in ("/paths?from=TKS&to=P-NX400", "/products/P-NX400", "/companies/TKS"):
        page.go_back()
        page.wait_for_url("**" + expected)
    assert s.path == "/companies/TKS"
    assert page.locator("h1").inner_text() == "Taiwan Kinetic Semiconductor Co., Ltd. (TKS)"
    assert s.elsewhere() == []
    assert s.errors == [] and s.dialogs == []


def test_the_keyboard_alone_reaches_the_search_box_and_a_result(session: Session) -> None:
    s, page = session, session.page
    s.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "q":
            break
    assert page.evaluate("() => document.activeElement.name") == "q"
    page.keyboard.type("Feinguss", delay=40)
    page.locator("#suggestions a").first.wait_for(state="visible")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "/companies/FEINGUSS"
    page.keyboard.press("Enter")
    page.wait_for_url("**/companies/FEINGUSS")
    assert s.errors == []


PAGES = [
    "/",
    "/search?q=tks",
    "/companies/TKS",
    "/products/P-NX400",
    "/paths?from=TKS&to=P-NX400",
    "/scenarios?fail=TKS&country=CN&days=30",
    "/people",
    "/people/PER-FEINGUSS-1",
    "/sites/SITE-FEINGUSS-SUHL",
    "/items/C-ASIC-MC",
]


def _pictures_drawn(page: Page) -> None:
    """Wait until every picture in a frame has drawn (its view says it is still)."""
    frames = [f for f in page.frames if "/pictures/" in f.url]
    for frame in frames:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not frame.evaluate("() => !!(window.tierscope && window.tierscope.still)"):
            assert time.monotonic() < deadline, f"{frame.url} did not draw"
            time.sleep(0.05)


@pytest.mark.parametrize("route", PAGES)
def test_every_request_of_every_page_goes_to_the_same_origin(route: str, session: Session) -> None:
    s, page = session, session.page
    s.goto(route)
    for frame in page.locator("iframe.picture").all():
        frame.scroll_into_view_if_needed()  # frames load lazily
    page.wait_for_load_state("networkidle")
    _pictures_drawn(page)
    assert s.requests, route
    assert s.elsewhere() == []
    assert s.errors == [] and s.dialogs == []
    if page.locator("iframe.picture").count():
        assert any("/pictures/" in u for u in s.requests)


#: each planted risk of loaders/demo/README.md: the link on / and what its page shows
PLANTED: dict[str, tuple[str, Callable[[Page], bool]]] = {
    "TKS stops both drives": (
        "/companies/TKS",
        lambda p: all(
            x in p.locator('[data-table="stops"]').inner_text() for x in ("P-NX400", "P-NX750")
        ),
    ),
    "China's rare earths stop the encoder": (
        "/scenarios?country=CN",
        lambda p: "P-MS20" in p.locator('[data-table="stopped"]').inner_text(),
    ),
    "DAEHAN, strategic, has no sponsor": (
        "/companies/DAEHAN",
        lambda p: (
            p.locator("#people + dl dd").first.inner_text() == "none"
            and "sponsor" in p.locator("ul.gaps").inner_text()
        ),
    ),
    "FEINGUSS has one contact": (
        "/companies/FEINGUSS",
        lambda p: (
            "contact" in p.locator("ul.gaps").inner_text()
            and "P-MS20" in p.locator('[data-table="stops"]').inner_text()
        ),
    ),
    "NORDKAP stops every product": (
        "/companies/NORDKAP",
        lambda p: p.locator('[data-table="stops"] tbody tr').count() == 8,
    ),
}


@pytest.mark.parametrize("risk", list(PLANTED))
def test_each_planted_risk_is_one_click_from_home(risk: str, session: Session) -> None:
    s, page = session, session.page
    link, shows = PLANTED[risk]
    s.goto("/")
    page.locator(f'[data-table="register"] a[href="{link}"]').first.click()
    page.wait_for_url("**" + link)
    assert shows(page), risk


@pytest.fixture
def hostile(api_server: Api, browser: Browser, tmp_path: Path) -> Iterator[Session]:
    """A session on the demo with markup as names (the next test's ``api`` loads the demo
    back)."""
    out = tmp_path / "hostile"
    shutil.copytree(demo_bundle_path(), out, ignore=shutil.ignore_patterns("*.md", "*.py"))
    companies = pd.read_csv(out / "companies.csv", dtype=str, keep_default_na=False)
    for cid, name in INJECTIONS.items():
        companies.loc[companies["id"] == cid, "name"] = name
    companies.to_csv(out / "companies.csv", index=False)
    load_bundle(out, api_server.store)
    yield from _session(api_server, browser)


def test_names_with_markup_stay_text_in_chromium(hostile: Session) -> None:
    s, page = hostile, hostile.page
    for route in ["/", "/companies/TKS", "/companies/PENANG", "/paths?from=TKS&to=P-NX400"]:
        s.goto(route)
        text = page.evaluate("() => document.body.textContent")
        assert INJECTIONS["TKS"] in text or INJECTIONS["PENANG"] in text, route
        injected = "main img, main [onerror], main [onload], main script"
        assert page.locator(injected).count() == 0, route
    s.goto("/")
    page.locator('input[name="q"]').press_sequentially("<script", delay=30)
    page.locator('#suggestions a[href="/companies/PENANG"]').wait_for(state="visible")
    assert INJECTIONS["PENANG"] in page.locator("#suggestions").inner_text()
    assert s.dialogs == [] and s.errors == [] and s.elsewhere() == []
