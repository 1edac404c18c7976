"""Companies: list (filtered, paginated), one, its downstream exposure, its neighbourhood."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco, Limit, Offset
from tierscope.api.schemas import Company, CompanyExposure, CompanyPage, Neighborhood
from tierscope.graph.ecosystem import MAX_DEPTH

router = APIRouter(tags=["companies"], responses=ERRORS)

CompanyId = Annotated[str, Path(min_length=1, max_length=200, examples=["KAITO"])]


class Kind(StrEnum):
    focal = "focal"
    supplier = "supplier"
    distributor = "distributor"
    customer = "customer"
    service_provider = "service_provider"


class Segment(StrEnum):
    strategic = "strategic"
    leverage = "leverage"
    bottleneck = "bottleneck"
    routine = "routine"


class Direction(StrEnum):
    upstream = "upstream"
    downstream = "downstream"
    both = "both"


@router.get("/companies", response_model=CompanyPage, summary="Companies, filtered and paginated")
def companies(
    eco: Eco,
    kind: Kind | None = None,
    tier: Annotated[int | None, Query(ge=0, le=1000)] = None,
    country: Annotated[str | None, Query(min_length=1, max_length=3, examples=["TW"])] = None,
    segment: Segment | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    total, items = eco.companies(
        kind.value if kind else None,
        tier,
        country,
        segment.value if segment else None,
        offset,
        limit,
    )
    return {"total": total, "offset": offset, "limit": limit, "items": items}


@router.get(
    "/companies/{company_id}", response_model=Company, responses=NOT_FOUND, summary="One company"
)
def company(eco: Eco, company_id: CompanyId) -> dict[str, Any]:
    return eco.company(company_id)


@router.get(
    "/companies/{company_id}/exposure",
    response_model=CompanyExposure,
    responses=NOT_FOUND,
    summary="What depends on the company downstream: products, tiers, revenue at stake",
)
def exposure(eco: Eco, company_id: CompanyId) -> dict[str, Any]:
    return eco.exposure(company_id)


@router.get(
    "/companies/{company_id}/neighborhood",
    response_model=Neighborhood,
    responses=NOT_FOUND,
    summary="Nodes and relationships within a few hops of the company",
)
def neighborhood(
    eco: Eco,
    company_id: CompanyId,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
    direction: Direction = Direction.both,
) -> dict[str, Any]:
    return eco.neighborhood(company_id, depth, direction.value)
