"""API keys: ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, each with a role.

With no keys configured every request is let through (the server then binds to
127.0.0.1 only, see ``tierscope serve``). Keys are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from tierscope.api.settings import Role

__all__ = ["SECURITY_SCHEMES", "authorize", "require"]

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


def _role_of(keys: dict[str, Role], token: str) -> Role | None:
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
    if not token:
        raise HTTPException(
            401,
            "An API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
            headers=challenge,
        )
    have = _role_of(keys, token)
    if have is None:
        raise HTTPException(401, "The API key is not valid.", headers=challenge)
    if have < role:
        raise HTTPException(
            403,
            f"This route needs a key with the '{role.name}' role; this key has '{have.name}'.",
        )


def require(role: Role) -> Callable[..., Awaitable[None]]:
    """A dependency checking the key (for routes that need no ecosystem)."""

    async def check(request: Request) -> None:
        authorize(request, role)

    return check
