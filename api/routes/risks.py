"""The risk register and the analyses behind it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco, Limit, Offset, page
from tierscope.api.schemas import FindingPage, SectionPage, SinglePointPage

router = APIRouter(prefix="/risks", tags=["risks"], responses=ERRORS)


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class ConcentrationSection(StrEnum):
    hhi = "hhi"
    exposure = "exposure"
    country_exposure = "country_exposure"
    hidden = "hidden"
    convergence = "convergence"


class CoverageSection(StrEnum):
    gaps = "gaps"
    people = "people"
    segments = "segments"
    kpis = "kpis"


@router.get("", response_model=FindingPage, summary="The ranked risk register")
def risks(
    eco: Eco,
    kind: Annotated[str | None, Query(max_length=64, examples=["single_point_of_failure"])] = None,
    severity: Severity | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    return page(eco.risks(kind, severity.value if severity else None), offset, limit)


@router.get(
    "/single-points-of-failure",
    response_model=SinglePointPage,
    responses=NOT_FOUND,
    summary="Every (product, company or site) pair where one failure alone stops the product",
)
def single_points_of_failure(
    eco: Eco,
    product: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    node: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    return page(eco.single_points_of_failure(product, node), offset, limit)


@router.get("/concentration", response_model=SectionPage, summary="Concentration findings")
def concentration(
    eco: Eco,
    section: ConcentrationSection = ConcentrationSection.hidden,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    rows = getattr(eco.analysis.concentration, section.value)
    return {"section": section.value, **page(rows, offset, limit)}


@router.get("/coverage", response_model=SectionPage, summary="Relationship coverage findings")
def coverage(
    eco: Eco,
    section: CoverageSection = CoverageSection.gaps,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    rows = getattr(eco.analysis.coverage, section.value)
    return {"section": section.value, **page(rows, offset, limit)}
