"""API keys: ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, each with a role;
or, for a browser, the session cookie it got by signing in with a key.

With no keys configured every request is let through (the server then binds to
127.0.0.1 only, see ``tierscope serve``). Keys are compared in constant time.
A request that carries a key header is judged by its key alone (API clients are
unchanged); one without is judged by its session cookie (:mod:`tierscope.api.sessions`
signs in, keeps the sessions and sends the cookie). A request made with the
cookie that could change something (any method but GET, HEAD and OPTIONS) must
also carry the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import NamedTuple, Protocol

from fastapi import HTTPException, Request

from tierscope.api.settings import Role

__all__ = [
    "CSRF_HEADER",
    "SAFE_METHODS",
    "SECURITY_SCHEMES",
    "SESSION_COOKIE",
    "Grant",
    "SessionLookup",
    "authorize",
    "require",
    "role_of",
    "session_of",
]

#: the browser's session cookie (its value is a random token, never a key)
SESSION_COOKIE = "tierscope_session"
#: where a request made with the session cookie sends the session's CSRF token
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Grant(NamedTuple):
    """What a valid session grants: its role, and the CSRF token its forms carry."""

    role: Role
    csrf: str


class SessionLookup(Protocol):
    """The sessions of the app (``app.state.sessions``): a token's grant, if still valid."""

    def grant(self, token: str) -> Grant | None: ...


#: how keys are sent, as the OpenAPI document declares them (see ``security_schemes``)
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API key as a bearer token"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "an API key"},
}


def _token(request: Request) -> str | None:
    token = request.headers.get("x-api-key")
    if token:
        return token
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def role_of(keys: dict[str, Role], token: str) -> Role | None:
    """The role of key ``token``, or None when it is none of ``keys``."""
    found = None
    for key, role in keys.items():  # every key is compared: no timing hint of which matched
        if hmac.compare_digest(key.encode(), token.encode()):
            found = role
    return found


def authorize(request: Request, role: Role) -> None:
    """Raise 401 (no key, or not a valid one) or 403 (too low a role) unless the request's
    key has ``role``; with no keys configured, let it through."""
    keys: dict[str, Role] = request.app.state.keys
    if not keys:
        return
    token = _token(request)
    challenge = {"WWW-Authenticate": "Bearer"}
    if not token and (grant := session_of(request)) is not None:
        _check_session(request, grant, role)
        return
    if not token:
        raise HTTPException(
            401,
            "An API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
            headers=challenge,
        )
    have = role_of(keys, token)
    if have is None:
        raise HTTPException(401, "The API key is not valid.", headers=challenge)
    if have < role:
        raise HTTPException(
            403,
            f"This route needs a key with the '{role.name}' role; this key has '{have.name}'.",
        )


def session_of(request: Request) -> Grant | None:
    """The grant of the request's session cookie, or None (no cookie, or not a valid
    session: unknown, expired or signed out)."""
    token = request.cookies.get(SESSION_COOKIE)
    sessions: SessionLookup | None = getattr(request.app.state, "sessions", None)
    if not token or sessions is None:
        return None
    return sessions.grant(token)


def _check_session(request: Request, grant: Grant, role: Role) -> None:
    if grant.role < role:
        raise HTTPException(
            403,
            f"This needs the '{role.name}' role; this session has '{grant.role.name}'.",
        )
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), grant.csrf.encode()):
            raise HTTPException(
                403, f"A request made with the session cookie needs its {CSRF_HEADER} header."
            )


def require(role: Role) -> Callable[..., Awaitable[None]]:
    """A dependency checking the key (for routes that need no ecosystem)."""

    async def check(request: Request) -> None:
        authorize(request, role)

    return check
