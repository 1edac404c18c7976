"""API keys: ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, each with a role.

With no keys configured every request is let through (the server then binds to
127.0.0.1 only, see ``tierscope serve``). Keys are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from tierscope.api.settings import Role

__all__ = ["require"]

_bearer = HTTPBearer(auto_error=False, description="an API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")


def _role_of(keys: dict[str, Role], token: str) -> Role | None:
    found = None
    for key, role in keys.items():  # every key is compared: no timing hint of which matched
        if hmac.compare_digest(key.encode(), token.encode()):
            found = role
    return found


def require(role: Role) -> Callable[..., Awaitable[None]]:
    async def check(
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
        api_key: str | None = Depends(_header),
    ) -> None:
        keys: dict[str, Role] = request.app.state.keys
        if not keys:
            return
        token = api_key or (bearer.credentials if bearer is not None else None)
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

    return check
