"""``POST /v1/scenarios``: fail companies, sites or countries for D days."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tierscope.api.routes.common import ERRORS, Eco
from tierscope.api.schemas import ScenarioIn, ScenarioOut
from tierscope.graph.analysis.results import jsonable

router = APIRouter(tags=["scenarios"], responses=ERRORS)


@router.post(
    "/scenarios", response_model=ScenarioOut, summary="What stops, when, and what it costs"
)
def scenario(eco: Eco, body: ScenarioIn) -> Any:
    return jsonable(eco.scenario(body.fail, body.countries, body.days))
