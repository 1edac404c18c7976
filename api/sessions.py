"""Browser sign-in: a key typed once on ``/signin`` becomes a session cookie.

With keys configured (``TIERSCOPE_API_KEYS``), a browser has no way to send a
key header, and a key must never sit in a URL, a page or a log. So:

* ``GET /signin`` shows a form (key field of type password); ``POST /signin``
  checks the key and, when it is valid, opens a session: a random token
  (``secrets.token_urlsafe(32)``) in the cookie ``tierscope_session``, marked
  ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, and ``Secure`` when the request
  came over TLS (``request.url.scheme``: behind a proxy, uvicorn takes it from
  ``X-Forwarded-Proto`` when the proxy is trusted, 127.0.0.1 by default,
  ``FORWARDED_ALLOW_IPS`` for another). The cookie holds no key and nothing
  derived from one; the server keeps the sessions in memory (only a SHA-256 of
  each token), each for ``TIERSCOPE_SESSION_MINUTES`` (480) from sign-in, and
  forgets them all when it restarts.
* ``POST /signout`` ends the session: its token is refused from then on.
* Every form that posts carries a CSRF token. The sign-in form (before any
  session: login CSRF) uses a double-submit token, a random value both in a
  cookie of its own (``tierscope_signin``, ``Path=/signin``) and in the form;
  every later form uses the session's token (a synchroniser token kept with
  the session; :func:`csrf_token` gives it to a template as the hidden field
  ``csrf``). A missing or wrong token is a 403.
* A wrong key is a 401 with the form again, no session and no cookie; the key
  is never echoed (the form is read by hand, not by FastAPI's validation,
  whose 422 would quote it).

For the explorer's page routes (outside ``/v1``), use the dependencies here::

    from tierscope.api.sessions import PageEco, page_access, page_post

    @router.get("/companies/{company_id}", dependencies=[page_access])
    def company_page(eco: PageEco, ...): ...   # PageEco checks access itself

    @router.post("/scenarios", dependencies=[page_post])   # a form that posts
    async def run(...): ...

``page_access`` (= ``Depends(require_page(Role.read))``) lets a request through
with a valid key header or session; otherwise it redirects the browser (303) to
``/signin?next=<the page>``, and sign-in brings it back there. An htmx request
(``HX-Request: true``) gets a 401 with ``HX-Redirect: /signin?next=<the page it came
from>`` instead, so htmx moves the whole page to sign-in rather than swapping the
sign-in form into a part of it. ``page_post``
also checks the form's ``csrf`` field (or the ``X-CSRF-Token`` header, for
htmx) against the session. A page template shows a sign-out button with::

    <form method="post" action="/signout">
      <input type="hidden" name="csrf" value="{{ csrf }}"><button>Sign out</button>
    </form>

where ``csrf = csrf_token(request)`` ("" with no keys configured). With no keys
configured, every page is open and ``/signin`` sends the browser on to ``next``.
The ``/v1`` API accepts the session cookie too (:func:`tierscope.api.auth.authorize`),
and refuses an unsafe request made with it unless it carries ``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierscope.api.auth import (
    CSRF_HEADER,
    SESSION_COOKIE,
    Grant,
    authorize,
    role_of,
    session_of,
)
from tierscope.api.settings import Role
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.page import render

__all__ = [
    "SIGNIN_COOKIE",
    "PageEco",
    "SessionStore",
    "SignInRequired",
    "csrf_token",
    "install",
    "local_path",
    "page_access",
    "page_post",
    "require_page",
]

#: the sign-in form's double-submit CSRF cookie (before there is a session)
SIGNIN_COOKIE = "tierscope_signin"
#: the sign-in page may post its form to this server only, and be framed by no one
SIGNIN_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: at most this many sessions at once; signing in beyond it ends the oldest
MAX_SESSIONS = 10_000
MAX_NEXT = 2000


@dataclass
class _Session:
    role: Role
    csrf: str
    expires: float


class SessionStore:
    """The open sessions, in memory: SHA-256 of the token -> role, CSRF token, expiry."""

    def __init__(self, lifetime_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.lifetime = lifetime_seconds
        self.clock = clock
        self._sessions: dict[bytes, _Session] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> bytes:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()

    def open(self, role: Role) -> tuple[str, Grant]:
        """A new session for ``role``: its token (for the cookie) and its grant."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            for k in [k for k, s in self._sessions.items() if s.expires <= now]:
                del self._sessions[k]
            while len(self._sessions) >= MAX_SESSIONS:
                del self._sessions[next(iter(self._sessions))]  # the oldest
            self._sessions[self._key(token)] = _Session(role, csrf, now + self.lifetime)
        return token, Grant(role, csrf)

    def grant(self, token: str) -> Grant | None:
        """The grant of ``token``; None when it is unknown, expired or closed."""
        key = self._key(token)
        with self._lock:
            s = self._sessions.get(key)
            if s is None:
                return None
            if s.expires <= self.clock():
                del self._sessions[key]
                return None
            return Grant(s.role, s.csrf)

    def close(self, token: str) -> None:
        """End the session of ``token`` (nothing when there is none)."""
        with self._lock:
            self._sessions.pop(self._key(token), None)

    def __len__(self) -> int:
        return len(self._sessions)


class SignInRequired(Exception):
    """A page asked for without a key or session: the browser goes to ``/signin``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def local_path(text: str | None) -> str:
    """``text`` when it is a path of this site (``/...``, no scheme, no host, no
    backslash or control character), else ``/``: where sign-in may send the browser
    on, so that ``next`` cannot make it an open redirect.

    Examples
    --------
    >>> local_path("/companies/TKS?depth=2"), local_path("//evil.example/x")
    ('/companies/TKS?depth=2', '/')
    >>> local_path("https://evil.example/"), local_path("/\\\\evil.example")
    ('/', '/')
    """
    if not text or len(text) > MAX_NEXT or not text.startswith("/") or text.startswith("//"):
        return "/"
    if "\\" in text or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return "/"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or text.startswith(("/signin", "/signout")):
        return "/"
    return text


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session, for a form's hidden ``csrf`` field
    ("" when no keys are configured or there is no session)."""
    grant = session_of(request)
    return grant.csrf if grant else ""


def require_page(role: Role, form: bool = False) -> Callable[..., Awaitable[None]]:
    """A dependency for an explorer page: a valid key header, or a session with
    ``role``; without either, a 303 to ``/signin?next=<this page>``. With ``form``
    (a route that takes a posted form), the session's CSRF token must come too, as
    the form field ``csrf`` or the ``X-CSRF-Token`` header (else 403)."""

    async def check(request: Request) -> None:
        keys: dict[str, Role] = request.app.state.keys
        if not keys:
            return
        has_key = request.headers.get("x-api-key") or request.headers.get("authorization")
        grant = session_of(request)
        if has_key or grant is None:
            if has_key:
                authorize(request, role)
                return
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInRequired(local_path(target))
        if grant.role < role:
            authorize(request, role)  # the same 403 as the API's
        if form or request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get(CSRF_HEADER)
            if sent is None:
                sent = str((await request.form()).get("csrf") or "")
            if not hmac.compare_digest(sent.encode(), grant.csrf.encode()):
                raise _Forbidden()

    return check


class _Forbidden(Exception):
    """A form posted without its CSRF token, or with a wrong one."""


#: every explorer page: key header or session with the read role, else to /signin
page_access = Depends(require_page(Role.read))
#: every explorer route that takes a posted form: as ``page_access``, and its CSRF token
page_post = Depends(require_page(Role.read, form=True))


async def _page_ecosystem(request: Request) -> Ecosystem:
    await require_page(Role.read)(request)
    eco: Ecosystem = await request.app.state.engine.fresh()
    return eco


#: the current ecosystem for an explorer page (access checked as ``page_access``)
PageEco = Annotated[Ecosystem, Depends(_page_ecosystem)]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

_NO_STORE = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": SIGNIN_CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _page(
    request: Request,
    status: int,
    next_path: str,
    error: str = "",
    signin_token: str | None = None,
) -> HTMLResponse:
    """The sign-in page (or, with a session, the signed-in page with its sign-out form)."""
    grant = session_of(request)
    token = signin_token or request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
    html = render(
        "signin.html",
        csp=SIGNIN_CSP,
        title="Sign in",
        error=error,
        next_path=next_path,
        signin_csrf=token,
        signed_in_as=grant.role.name if grant else None,
        session_csrf=grant.csrf if grant else "",
        refused=False,
    )
    response = HTMLResponse(html, status_code=status, headers=_NO_STORE)
    if grant is None and request.cookies.get(SIGNIN_COOKIE) != token:
        response.set_cookie(
            SIGNIN_COOKIE,
            token,
            max_age=3600,
            path="/signin",
            secure=_secure(request),
            httponly=True,
            samesite="strict",
        )
    return response


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    target = local_path(next)
    if not request.app.state.keys:
        return RedirectResponse(target, status_code=303)
    return _page(request, 200, target)


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Sign in with a key: a session cookie and back to ``next``, or the form again."""
    form = await request.form()
    target = local_path(str(form.get("next") or "/"))
    if not request.app.state.keys:
        return RedirectResponse(target, status_code=303)
    sent = str(form.get("csrf") or "")
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        return _page(
            request,
            403,
            target,
            "This form has expired or did not come from this page; sign in again below.",
            signin_token=secrets.token_urlsafe(32),
        )
    key = form.get("key")
    role = role_of(request.app.state.keys, key) if isinstance(key, str) and key else None
    if role is None:
        return _page(request, 401, target, "That key is not valid. Check it and try again.")
    sessions: SessionStore = request.app.state.sessions
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        sessions.close(old)  # a new token at each sign-in: no session fixation
    token, _ = sessions.open(role)
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(sessions.lifetime),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session (its form carries the session's CSRF token)."""
    grant = session_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if grant is None or token is None:
        response: Response = RedirectResponse("/signin", status_code=303)
    else:
        form = await request.form()
        sent = request.headers.get(CSRF_HEADER) or str(form.get("csrf") or "")
        if not hmac.compare_digest(sent.encode(), grant.csrf.encode()):
            raise _Forbidden()
        request.app.state.sessions.close(token)
        response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict"
    )
    return response


def _htmx_to_signin(request: Request) -> Response:
    """The answer to an htmx request without access: 401, with ``HX-Redirect`` to the
    sign-in page, which brings the browser back to the page it was on (``HX-Current-URL``)
    rather than to the fragment htmx asked for."""
    current = urlsplit(request.headers.get("hx-current-url", ""))
    here = current.path + (f"?{current.query}" if current.query else "")
    target = f"/signin?next={quote(local_path(here), safe='')}"
    return Response(
        "Sign in again: the session has ended.",
        status_code=401,
        media_type="text/plain",
        headers={"HX-Redirect": target, "Cache-Control": "no-store"},
    )


def install(app: FastAPI, lifetime_seconds: float) -> None:
    """Sessions on ``app``: its store, ``/signin`` and ``/signout``, and the answers to
    a page asked for without access (303 to sign-in) or a form without its token (403)."""
    app.state.sessions = SessionStore(lifetime_seconds)
    app.include_router(router)

    @app.exception_handler(SignInRequired)
    async def to_signin(request: Request, e: SignInRequired) -> Response:
        if request.headers.get("hx-request") == "true":
            # htmx asked for a part of a page (a suggestion list, say) after the session
            # ended: a 401, and htmx sends the whole page to sign-in, back to that page
            return _htmx_to_signin(request)
        return RedirectResponse(f"/signin?next={quote(e.next_path, safe='')}", status_code=303)

    @app.exception_handler(_Forbidden)
    async def forbidden(request: Request, _: _Forbidden) -> Response:
        return HTMLResponse(
            render(
                "signin.html",
                csp=SIGNIN_CSP,
                title="Refused",
                error="This form has expired or did not come from this site (its CSRF token "
                "is missing or wrong). Reload the page and try again.",
                next_path="/",
                signin_csrf="",
                signed_in_as=None,
                session_csrf="",
                refused=True,
            ),
            status_code=403,
            headers=_NO_STORE,
        )
