"""``GET /v1/products/{id}/supply-tree``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from tierscope.api.routes.common import ERRORS, NOT_FOUND, Eco
from tierscope.api.schemas import SupplyTreeOut

router = APIRouter(tags=["products"], responses=ERRORS | NOT_FOUND)


@router.get(
    "/products/{product_id}/supply-tree",
    response_model=SupplyTreeOut,
    summary="Every supply link of the product down to max_tier, with each company's tiers",
)
def supply_tree(
    eco: Eco,
    product_id: Annotated[str, Path(min_length=1, max_length=200, examples=["P-MS20"])],
    max_tier: Annotated[int, Query(ge=1, le=16)] = 3,
) -> dict[str, Any]:
    return eco.supply_tree(product_id, max_tier)
