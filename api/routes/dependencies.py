"""``GET /v1/dependencies/check``: does a product depend on a company or site?"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco, Id, reader
from tierscope.api.schemas import DependencyCheckOut
from tierscope.graph.analysis.results import jsonable

router = APIRouter(tags=["dependencies"], dependencies=reader, responses=ERRORS | NOT_FOUND)


@router.get(
    "/dependencies/check",
    response_model=DependencyCheckOut,
    summary="Does the product depend on the company (or site), and is it a single point of failure?",
)
def check(
    eco: Eco,
    product: Annotated[str, Query(min_length=1, max_length=200, examples=["P-MS20"])],
    company: Annotated[
        str,
        Query(min_length=1, max_length=200, examples=["KAITO"], description="a company or site id"),
    ],
    paths: Annotated[int, Query(ge=1, le=100, description="most paths to list")] = 10,
) -> DependencyCheckOut:
    return DependencyCheckOut.model_validate(jsonable(eco.check(product, company, paths)))


__all__ = ["Id", "router"]
