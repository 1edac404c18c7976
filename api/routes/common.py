"""What the routes share: the engine of the app, pagination bounds, error responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from tierscope.api.auth import authorize, require
from tierscope.api.engine import Engine
from tierscope.api.schemas import ErrorBody
from tierscope.api.settings import Role
from tierscope.graph.analysis.results import jsonable
from tierscope.graph.ecosystem import Ecosystem

MAX_PAGE = 500

Offset = Annotated[int, Query(ge=0, le=100_000_000, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"rows per page (at most {MAX_PAGE})")]
Id = Annotated[str, Query(min_length=1, max_length=200)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no API key, or not a valid one"},
    403: {"model": ErrorBody, "description": "the key's role is too low"},
    409: {"model": ErrorBody, "description": "no ecosystem loaded yet"},
    422: {"model": ErrorBody, "description": "a parameter is not valid (it is named)"},
    503: {"model": ErrorBody, "description": "the database is not reachable (see Retry-After)"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "the id is not in the loaded ecosystem"},
}

admin = [Depends(require(Role.admin))]


def engine(request: Request) -> Engine:
    e: Engine = request.app.state.engine
    return e


async def ecosystem(request: Request) -> Ecosystem:
    """The current ecosystem, for a key with the read role: the key check and the
    freshness check in one dependency (FastAPI's cost per request grows with the
    number of dependencies; see bench/api.py)."""
    authorize(request, Role.read)
    return await engine(request).fresh()


#: the ecosystem, for a key with the read role: every data route takes it
Eco = Annotated[Ecosystem, Depends(ecosystem)]


def page(rows: Any, offset: int, limit: int) -> dict[str, Any]:
    return {
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "items": jsonable(list(rows[offset : offset + limit])),
    }
