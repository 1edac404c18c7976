"""``GET /v1/dependencies/check``: does a product depend on a company or site?"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco
from tierscope.api.schemas import DependencyCheckOut

router = APIRouter(tags=["dependencies"], responses=ERRORS | NOT_FOUND)


@router.get(
    "/dependencies/check",
    response_model=DependencyCheckOut,
    summary="Does the product depend on the company (or site), and is it a single point of failure?",
)
async def check(
    eco: Eco,
    product: Annotated[str, Query(min_length=1, max_length=200, examples=["P-MS20"])],
    company: Annotated[
        str,
        Query(min_length=1, max_length=200, examples=["KAITO"], description="a company or site id"),
    ],
    paths: Annotated[int, Query(ge=1, le=100, description="most paths to list")] = 10,
) -> Response:
    # the JSON written directly: this route is the one other systems call in a loop
    body = json.dumps(eco.check(product, company, paths).__json__(), ensure_ascii=False)
    return Response(body, media_type="application/json")
