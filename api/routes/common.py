"""What the routes share: the engine of the app, pagination bounds, error responses."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tierscope.api.auth import authorize, require
from tierscope.api.engine import Engine
from tierscope.api.schemas import ErrorBody
from tierscope.api.settings import Role
from tierscope.graph.analysis.results import jsonable
from tierscope.graph.ecosystem import Ecosystem

M = TypeVar("M", bound=BaseModel)

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


def read_query(request: Request, model: type[M]) -> M:
    """The query string validated as ``model`` in one pass; a bad or missing parameter
    raises the same 422 (naming it) as FastAPI's own parameters do. The last value of a
    repeated parameter counts, as with FastAPI's."""
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as e:
        raise RequestValidationError(
            [{**err, "loc": ("query", *err["loc"])} for err in e.errors(include_url=False)]
        ) from None


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The OpenAPI parameter objects of a query read with :func:`read_query`."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            param["description"] = prop.pop("description")
        if "examples" in prop:
            param["example"] = prop.pop("examples")[0]
        param["schema"] = prop
        out.append(param)
    return out
