"""``GET /v1/dependencies/check``: does a product depend on a company or site?

This is the route other systems call in a loop, so it reads its query with one
pydantic validation of :class:`DependencyCheckQuery` (FastAPI's per-parameter
handling costs more than the check itself; see bench/api.py) and writes its JSON
directly. The OpenAPI document still lists every parameter, and a bad one gets
the same 422 naming it as on every other route.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco, query_parameters, read_query
from tierscope.api.schemas import DependencyCheckOut, DependencyCheckQuery

router = APIRouter(tags=["dependencies"], responses=ERRORS | NOT_FOUND)


@router.get(
    "/dependencies/check",
    response_model=DependencyCheckOut,
    summary="Does the product depend on the company (or site), and is it a single point of failure?",
    openapi_extra={"parameters": query_parameters(DependencyCheckQuery)},
)
async def check(eco: Eco, request: Request) -> Response:
    q = read_query(request, DependencyCheckQuery)
    body = json.dumps(eco.check(q.product, q.company, q.paths).__json__(), ensure_ascii=False)
    return Response(body, media_type="application/json")
