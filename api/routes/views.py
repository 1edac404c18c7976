"""``GET /v1/views/...``: the explorer views as self-contained HTML pages."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco
from tierscope.graph.ecosystem import MAX_DEPTH
from tierscope.viz import views
from tierscope.viz.network import network_html

router = APIRouter(
    prefix="/views", tags=["views"], responses=ERRORS, default_response_class=HTMLResponse
)

Ids = Annotated[
    str,
    Query(max_length=2000, description="ids, comma-separated", examples=["TKS,KAITO"]),
]


class Direction(StrEnum):
    upstream = "upstream"
    downstream = "downstream"
    both = "both"


def _ids(text: str) -> list[str]:
    return [i.strip() for i in text.split(",") if i.strip()]


@router.get("/overview", summary="Every company in tier layers (grouped when very large)")
def overview(eco: Eco) -> HTMLResponse:
    return HTMLResponse(network_html(views.overview(eco)))


@router.get(
    "/companies/{company_id}",
    responses=NOT_FOUND,
    summary="A company's suppliers and buyers to a chosen depth",
)
def company(
    eco: Eco,
    company_id: Annotated[str, Path(min_length=1, max_length=200, examples=["TKS"])],
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2,
    direction: Direction = Direction.both,
) -> HTMLResponse:
    return HTMLResponse(network_html(views.company(eco, company_id, depth, direction.value)))


@router.get(
    "/products/{product_id}",
    responses=NOT_FOUND,
    summary="A product's supply tree with its single points of failure and their evidence",
)
def product(
    eco: Eco,
    product_id: Annotated[str, Path(min_length=1, max_length=200, examples=["P-NX400"])],
    max_tier: Annotated[int, Query(ge=1, le=10)] = 3,
) -> HTMLResponse:
    return HTMLResponse(network_html(views.product(eco, product_id, max_tier)))


@router.get("/scenario", responses=NOT_FOUND, summary="What failed, which products stop, and when")
def scenario(
    eco: Eco,
    fail: Ids = "",
    country: Annotated[
        str, Query(max_length=500, description="country codes, comma-separated", examples=["CN"])
    ] = "",
    days: Annotated[float, Query(ge=0, le=3650)] = 30.0,
) -> HTMLResponse:
    return HTMLResponse(network_html(views.scenario(eco, _ids(fail), _ids(country), days)))


@router.get("/people", summary="Sponsors and contacts against partners, coverage gaps marked")
def people(eco: Eco) -> HTMLResponse:
    return HTMLResponse(network_html(views.people(eco)))
