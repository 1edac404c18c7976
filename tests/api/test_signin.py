"""Browser sign-in over real HTTP: a key once on /signin, then a session cookie.

The server here has keys, logs everything it can (uvicorn's access and error
logs, tierscope's, FastAPI's and Starlette's, at DEBUG) into a list, and carries three probe routes
standing for the explorer's pages: a page, a page that takes a posted form, and
one that reads the ecosystem; the explorer is mounted at ``/`` beside them, as in
``tierscope serve``, and is walked over HTTP and in Chromium: sign-in, pages,
pictures, a CSV, suggestions, a session ended under an open page, sign-out. Every
response body, header and log line is kept, and none may hold a key.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from apitools import ADMIN_KEY, READ_KEY, Api, free_port
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from playwright.sync_api import Browser, Page, Route

from tierscope.api.app import create_app
from tierscope.api.auth import SESSION_COOKIE
from tierscope.api.sessions import (
    MAX_SESSIONS,
    SIGNIN_COOKIE,
    PageEco,
    SessionStore,
    local_path,
    page_access,
    page_post,
    require_page,
)
from tierscope.api.settings import ApiSettings, Role
from tierscope.graph.store import Store

KEYS = (READ_KEY, ADMIN_KEY)
WRONG_KEY = "wrong-key-0123456789abcdef-xyz"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Server:
    url: str
    logs: Records
    seen: list[str] = field(default_factory=list)  # every body, header and URL seen

    def client(self, **headers: str) -> httpx.Client:
        def keep(response: httpx.Response) -> None:
            response.read()
            self.seen.append(str(response.request.url))
            self.seen.append(response.text)
            self.seen.extend(f"{k}: {v}" for k, v in response.headers.multi_items())

        return httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=60,
            follow_redirects=False,
            event_hooks={"response": [keep]},
        )


def probe_app(keys: str, store: Store) -> FastAPI:
    app = create_app(ApiSettings(api_keys=keys, freshness_seconds=0.2), store)

    @app.get("/probe/page", dependencies=[page_access], response_class=HTMLResponse)
    def page() -> str:
        return "<!DOCTYPE html><title>probe</title><h1 id='probe'>a page</h1>"

    @app.post("/probe/form", dependencies=[page_post], response_class=PlainTextResponse)
    def form() -> str:
        return "posted"

    @app.get(
        "/probe/admin",
        dependencies=[Depends(require_page(Role.admin))],
        response_class=PlainTextResponse,
    )
    def admin() -> str:
        return "admin page"

    @app.get("/probe/eco", response_class=PlainTextResponse)
    def eco(eco: PageEco) -> str:
        return f"{len(eco.ctx.companies)} companies"

    return app


def serve(app: FastAPI, logs: Records) -> Iterator[Server]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="debug",
            access_log=True,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            log_config=None,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start in 30 s")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", logs)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def logs() -> Iterator[Records]:
    records = Records()
    records.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    names = ("uvicorn", "uvicorn.access", "uvicorn.error", "tierscope", "fastapi", "starlette")
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(records)
        lg.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(records)
            lg.setLevel(level)


@pytest.fixture(scope="module")
def server(api_server: Api, logs: Records) -> Iterator[Server]:
    yield from serve(probe_app(f"{READ_KEY}:read,{ADMIN_KEY}:admin", api_server.store), logs)


@pytest.fixture(scope="module")
def open_server(api_server: Api, logs: Records) -> Iterator[Server]:
    yield from serve(probe_app("", api_server.store), logs)


def signin_token(client: httpx.Client, next_path: str = "/probe/page") -> str:
    """GET the sign-in form; the CSRF token it carries (its cookie is in the client)."""
    r = client.get("/signin", params={"next": next_path})
    assert r.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert found is not None
    return found.group(1)


def sign_in(
    client: httpx.Client, key: str = READ_KEY, next_path: str = "/probe/page"
) -> httpx.Response:
    token = signin_token(client, next_path)
    return client.post("/signin", data={"key": key, "csrf": token, "next": next_path})


def session_csrf(client: httpx.Client) -> str:
    r = client.get("/signin")
    found = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert found is not None and "signed in with a" in r.text
    return found.group(1)


def set_cookie(response: httpx.Response, name: str) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    return None


def test_a_page_without_a_session_sends_the_browser_to_sign_in(server: Server) -> None:
    with server.client() as c:
        r = c.get("/probe/page", params={"depth": "2"})
        assert r.status_code == 303
        assert r.headers["location"] == "/signin?next=%2Fprobe%2Fpage%3Fdepth%3D2"
        r = c.get(r.headers["location"])
        assert r.status_code == 200 and 'type="password"' in r.text
        assert 'name="next" value="/probe/page?depth=2"' in r.text
        cookie = set_cookie(r, SIGNIN_COOKIE)
        assert cookie is not None
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/signin" in cookie
        assert r.headers["cache-control"] == "no-store"
        assert "form-action 'self'" in r.headers["content-security-policy"]


def test_signing_in_gives_a_session_cookie_that_opens_pages(server: Server, api: Api) -> None:
    with server.client() as c:
        r = sign_in(c, next_path="/probe/page?depth=2")
        assert r.status_code == 303 and r.headers["location"] == "/probe/page?depth=2"
        cookie = set_cookie(r, SESSION_COOKIE)
        assert cookie is not None
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP here
        token = c.cookies[SESSION_COOKIE]
        assert len(token) >= 40 and all(k not in token for k in KEYS)
        assert c.get("/probe/page").status_code == 200
        assert c.get("/probe/eco").text.endswith("companies")
        # the /v1 API reads with the session too
        assert c.get("/v1/companies", params={"limit": 1}).status_code == 200


def test_a_wrong_key_is_refused_with_a_clear_message_and_no_cookie(server: Server) -> None:
    with server.client() as c:
        r = sign_in(c, key=WRONG_KEY)
        assert r.status_code == 401
        assert "That key is not valid" in r.text
        assert set_cookie(r, SESSION_COOKIE) is None and SESSION_COOKIE not in c.cookies
        assert WRONG_KEY not in r.text
        assert c.get("/probe/page").status_code == 303
        r = sign_in(c, key="")
        assert r.status_code == 401 and set_cookie(r, SESSION_COOKIE) is None


def test_sign_in_without_its_csrf_token_is_refused(server: Server) -> None:
    with server.client() as c:
        token = signin_token(c)
        for data in (
            {"key": READ_KEY, "next": "/"},  # no token
            {"key": READ_KEY, "csrf": token + "x", "next": "/"},  # a wrong one
        ):
            r = c.post("/signin", data=data)
            assert r.status_code == 403 and "expired or did not come from" in r.text
            assert set_cookie(r, SESSION_COOKIE) is None
    with server.client() as c:  # a token, but not the cookie that goes with it (login CSRF)
        r = c.post("/signin", data={"key": READ_KEY, "csrf": token, "next": "/"})
        assert r.status_code == 403 and set_cookie(r, SESSION_COOKIE) is None


def test_signing_out_ends_the_session_for_good(server: Server) -> None:
    with server.client() as c:
        sign_in(c)
        old = c.cookies[SESSION_COOKIE]
        csrf = session_csrf(c)
        assert c.post("/signout").status_code == 403  # no token
        assert c.post("/signout", data={"csrf": csrf[:-1]}).status_code == 403
        assert c.get("/probe/page").status_code == 200  # refused sign-outs end nothing
        r = c.post("/signout", data={"csrf": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/signin"
        assert SESSION_COOKIE not in c.cookies
    with server.client() as c:  # the old cookie, replayed
        c.cookies.set(SESSION_COOKIE, old)
        assert c.get("/probe/page").status_code == 303
        r = c.get("/v1/companies")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_a_form_that_posts_needs_the_sessions_csrf_token(server: Server, api: Api) -> None:
    with server.client() as c:
        sign_in(c)
        csrf = session_csrf(c)
        assert c.post("/probe/form", data={"x": "1"}).status_code == 403
        assert c.post("/probe/form", data={"csrf": "nope"}).status_code == 403
        assert c.post("/probe/form", data={"csrf": csrf}).text == "posted"
        assert c.post("/probe/form", headers={"X-CSRF-Token": csrf}).text == "posted"
        # the API's unsafe routes with the cookie alone: refused without the header
        body = {"fail": ["TKS"], "days": 10}
        assert c.post("/v1/scenarios", json=body).status_code == 403
        ok = c.post("/v1/scenarios", json=body, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200


def test_a_read_session_cannot_do_what_needs_admin(server: Server) -> None:
    with server.client() as c:
        sign_in(c)
        csrf = session_csrf(c)
        r = c.post("/v1/imports", headers={"X-CSRF-Token": csrf}, files={"file": ("b.zip", b"")})
        assert r.status_code == 403 and "'admin' role" in r.json()["error"]["message"]


def test_a_page_that_needs_admin_refuses_a_read_session(server: Server) -> None:
    with server.client() as c:
        sign_in(c)
        r = c.get("/probe/admin")
        assert r.status_code == 403 and "'admin' role" in r.json()["error"]["message"]
    with server.client() as c:
        sign_in(c, key=ADMIN_KEY)
        assert c.get("/probe/admin").text == "admin page"


def test_next_never_leaves_the_site(server: Server) -> None:
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/x\ty"):
        with server.client() as c:
            r = sign_in(c, next_path=hostile)
            assert r.status_code == 303 and r.headers["location"] == "/"
    with server.client() as c:  # percent-escapes stay escapes: still a path of this site
        assert sign_in(c, next_path="/%0d%0aX").headers["location"] == "/%0d%0aX"
    assert local_path("/companies/TKS") == "/companies/TKS"
    assert local_path("javascript:alert(1)") == "/"
    assert local_path("/signin?next=//evil") == "/"
    assert local_path("/a\x00b") == "/"


def test_a_next_with_markup_stays_text(server: Server) -> None:
    hostile = '/x"><script>alert(1)</script>'
    with server.client() as c:
        r = c.get("/signin", params={"next": hostile})
        assert "<script>alert(1)</script>" not in r.text
        assert 'value="/x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in r.text
        location = sign_in(c, next_path=hostile).headers["location"]
        assert location.startswith("/x") and "<" not in location and '"' not in location


def test_the_cookie_is_secure_when_the_request_came_over_tls(server: Server) -> None:
    # uvicorn trusts X-Forwarded-Proto from the proxies it is told of (here 127.0.0.1);
    # the client talks plain HTTP, so it would not send back a Secure cookie by itself
    with server.client(**{"X-Forwarded-Proto": "https"}) as c:
        r = c.get("/signin")
        signin = set_cookie(r, SIGNIN_COOKIE)
        assert signin is not None and "Secure" in signin
        value = signin.split(";")[0].split("=", 1)[1]
        r = c.post(
            "/signin",
            data={"key": READ_KEY, "csrf": value, "next": "/"},
            headers={"Cookie": f"{SIGNIN_COOKIE}={value}"},
        )
        cookie = set_cookie(r, SESSION_COOKIE)
        assert r.status_code == 303
        assert cookie is not None and "Secure" in cookie and "HttpOnly" in cookie


def test_the_api_still_refuses_requests_without_a_key_and_shows_no_trace(
    server: Server, api: Api
) -> None:
    with server.client() as c:
        for path in ("/v1/companies", "/v1/risks", "/v1/views/overview"):
            r = c.get(path)
            assert r.status_code == 401, path
            assert r.json()["error"]["code"] == "unauthorized"
            assert "Traceback" not in r.text and 'File "' not in r.text
        c.cookies.set(SESSION_COOKIE, "forged-" + "a" * 40)
        assert c.get("/v1/companies").status_code == 401
        assert c.get("/probe/page").status_code == 303
    with server.client(**{"X-API-Key": READ_KEY}) as c:
        assert c.get("/v1/companies", params={"limit": 1}).status_code == 200
        assert c.get("/probe/page").status_code == 200  # a key header opens pages too
    with server.client(**{"X-API-Key": WRONG_KEY}) as c:
        assert c.get("/probe/page").status_code == 401  # a bad key is not sent to sign in


def test_with_no_keys_everything_is_open(open_server: Server) -> None:
    with open_server.client() as c:
        assert c.get("/probe/page").status_code == 200
        assert c.post("/probe/form").text == "posted"
        r = c.get("/signin", params={"next": "/probe/page"})
        assert r.status_code == 303 and r.headers["location"] == "/probe/page"


def test_sessions_expire() -> None:
    now = [1000.0]
    store = SessionStore(60, clock=lambda: now[0])
    token, grant = store.open(Role.read)
    assert store.grant(token) == grant and grant.role == Role.read
    now[0] += 59
    assert store.grant(token) is not None
    now[0] += 2
    assert store.grant(token) is None and len(store) == 0
    other, _ = store.open(Role.admin)
    store.close(other)
    assert store.grant(other) is None


def test_the_browser_signs_in_once_explores_and_signs_out(
    server: Server, browser: Browser, api: Api
) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    outside: list[str] = []

    def route(r: Route) -> None:
        requests.append(r.request.url)
        if r.request.url.startswith(server.url + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    contents: list[str] = []

    def look() -> str:
        contents.append(page.content())
        return page.url

    page.goto(server.url + "/probe/page")
    assert look() == server.url + "/signin?next=%2Fprobe%2Fpage"
    page.fill("#key", WRONG_KEY)
    page.click("button[type=submit]")
    look()
    assert "That key is not valid" in page.inner_text("#error")
    assert [c for c in context.cookies() if c["name"] == SESSION_COOKIE] == []
    page.fill("#key", READ_KEY)
    page.click("button[type=submit]")
    assert look() == server.url + "/probe/page"
    assert page.inner_text("#probe") == "a page"
    (cookie,) = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("() => document.cookie") == ""  # out of reach of any script
    page.goto(server.url + "/probe/page")
    assert look() == server.url + "/probe/page"  # signed in once: still in
    page.goto(server.url + "/signin")
    look()
    assert "signed in with a read key" in page.inner_text("#signed-in")
    page.click("#signout")
    assert look() == server.url + "/signin"
    assert [c for c in context.cookies() if c["name"] == SESSION_COOKIE] == []
    page.goto(server.url + "/probe/page")
    assert look().startswith(server.url + "/signin?next=")
    context.close()
    assert outside == [] and requests
    server.seen.extend(requests + contents)
    for key in (*KEYS, WRONG_KEY):
        assert [u for u in requests if key in u] == []
        assert [c for c in contents if key in c] == []


def test_the_oldest_session_gives_way_when_there_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tierscope.api.sessions.MAX_SESSIONS", 3)
    store = SessionStore(60)
    tokens = [store.open(Role.read)[0] for _ in range(4)]
    assert len(store) == 3 and MAX_SESSIONS > 3
    assert store.grant(tokens[0]) is None
    assert all(store.grant(t) is not None for t in tokens[1:])


#: the explorer's pages (the server here mounts it at / as ``tierscope serve`` does)
EXPLORER = [
    "/",
    "/search?q=tks",
    "/companies/TKS?depth=3",
    "/products/P-NX400",
    "/paths?from=TKS&to=P-NX400",
    "/scenarios?fail=TKS",
    "/people",
]


def test_the_explorer_signs_in_explores_and_signs_out_over_http(server: Server, api: Api) -> None:
    with server.client() as c:
        r = c.get("/companies/TKS?depth=3")
        assert r.status_code == 303
        assert r.headers["location"] == "/signin?next=%2Fcompanies%2FTKS%3Fdepth%3D3"
        r = sign_in(c, next_path="/companies/TKS?depth=3")
        assert r.status_code == 303 and r.headers["location"] == "/companies/TKS?depth=3"
        for route in EXPLORER:
            r = c.get(route)
            assert r.status_code == 200, route
            assert "signed in with a read key" in r.text, route
            assert r.headers["cache-control"] == "no-store", route
        csrf = session_csrf(c)
        assert f'name="csrf" value="{csrf}"' in c.get("/").text  # the sign-out form's token
        r = c.get("/companies/TKS", params={"csv": "stops"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "P-NX400" in r.text
        r = c.get("/pictures/company", params={"id": "TKS"})
        assert (
            r.status_code == 200
            and "frame-ancestors 'self'" in r.headers["content-security-policy"]
        )
        r = c.get("/suggest", params={"q": "Kinetic"}, headers={"HX-Request": "true"})
        assert r.status_code == 200 and 'href="/companies/TKS"' in r.text
        old = c.cookies[SESSION_COOKIE]
        r = c.post("/signout", data={"csrf": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/signin"
    with server.client() as c:  # the old cookie, replayed: every part of the explorer refuses
        c.cookies.set(SESSION_COOKIE, old)
        for route in [*EXPLORER, "/companies/TKS?csv=stops", "/pictures/company?id=TKS"]:
            r = c.get(route)
            assert r.status_code == 303, route
            assert r.headers["location"].startswith("/signin?next=%2F"), route
        r = c.get(
            "/suggest",
            params={"q": "tks"},
            headers={"HX-Request": "true", "HX-Current-URL": server.url + "/people"},
        )
        assert r.status_code == 401 and r.headers["hx-redirect"] == "/signin?next=%2Fpeople"
        assert "TKS" not in r.text


def test_with_no_keys_the_explorer_shows_no_sign_out(open_server: Server, api: Api) -> None:
    with open_server.client() as c:
        r = c.get("/")
        assert r.status_code == 200
        assert "/signout" not in r.text and "signed in" not in r.text


def _drawn(page: Page) -> None:
    """Wait until every picture in a frame of ``page`` has drawn and stands still."""
    for frame in page.locator("iframe.picture").all():
        frame.scroll_into_view_if_needed()  # frames load lazily
    page.wait_for_load_state("networkidle")
    frames = [f for f in page.frames if "/pictures/" in f.url]
    assert frames, page.url
    for frame in frames:
        deadline = time.monotonic() + 30
        while not frame.evaluate("() => !!(window.tierscope && window.tierscope.still)"):
            assert time.monotonic() < deadline, f"{frame.url} did not draw"
            time.sleep(0.05)


def test_the_browser_signs_in_to_the_explorer_and_its_session_ends(
    server: Server, browser: Browser, api: Api, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    requests: list[str] = []
    contents: list[str] = []
    context.on("request", lambda r: requests.append(r.url))

    def look() -> str:
        page.wait_for_load_state("load")
        contents.append(page.content())
        return page.url.removeprefix(server.url)

    def signin_here() -> None:
        page.fill("#key", READ_KEY)
        page.click("button[type=submit]")

    page.goto(server.url + "/companies/TKS")
    assert look() == "/signin?next=%2Fcompanies%2FTKS"
    signin_here()
    page.wait_for_url("**/companies/TKS")
    assert look() == "/companies/TKS"
    assert page.locator("h1").inner_text() == "Taiwan Kinetic Semiconductor Co., Ltd. (TKS)"
    assert page.inner_text("#signed-in") == "signed in with a read key"
    _drawn(page)  # the picture in its frame, with the session cookie
    with page.expect_download() as download:
        page.locator('[data-table="stops"] a.csv').click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert "P-NX400" in saved.read_text(encoding="utf-8")

    page.goto(server.url + "/")
    look()
    page.locator('input[type="search"][name="q"]').press_sequentially("Kinetic", delay=40)
    page.locator('#suggestions a[href="/companies/TKS"]').wait_for(state="visible")

    # the session ends elsewhere (signed out in another tab, say): the next suggestion
    # moves the whole page to sign-in, and signing in brings it back to the register
    (cookie,) = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    csrf = page.locator('form.account input[name="csrf"]').get_attribute("value")
    with server.client() as other:
        other.cookies.set(SESSION_COOKIE, cookie["value"])
        assert other.post("/signout", data={"csrf": csrf or ""}).status_code == 303
    page.locator('input[type="search"][name="q"]').fill("")
    page.locator('input[type="search"][name="q"]').press_sequentially("Fein", delay=40)
    page.wait_for_url("**/signin?next=%2F")
    assert look() == "/signin?next=%2F"
    signin_here()
    page.wait_for_url(server.url + "/")
    assert look() == "/" and page.locator('[data-table="register"]').count() == 1

    page.click("#signout")
    page.wait_for_url("**/signin")
    assert look() == "/signin"
    assert [c for c in context.cookies() if c["name"] == SESSION_COOKIE] == []
    page.goto(server.url + "/products/P-NX400")
    assert look() == "/signin?next=%2Fproducts%2FP-NX400"
    context.close()
    assert [u for u in requests if not u.startswith(server.url + "/")] == []
    server.seen.extend(requests + contents)
    for key in (*KEYS, WRONG_KEY):
        assert [u for u in requests if key in u] == []
        assert [c for c in contents if key in c] == []


def test_no_key_ever_reached_a_body_header_url_or_log(server: Server) -> None:
    """Runs last in this module: everything the tests above saw and logged."""
    with server.client() as c:  # one more whole flow, with a wrong key first
        sign_in(c, key=WRONG_KEY)
        sign_in(c, key=ADMIN_KEY)
        c.post("/signout", data={"csrf": session_csrf(c)})
    assert server.seen and server.logs.lines
    assert any("POST /signin" in line for line in server.logs.lines)  # the log was caught
    for key in (*KEYS, WRONG_KEY):
        assert [s for s in server.seen if key in s] == []
        assert [line for line in server.logs.lines if key in line] == []
