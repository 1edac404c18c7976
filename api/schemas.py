"""Request and response bodies of the API (the OpenAPI document is made from these)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["no company with id 'ACME' in the loaded ecosystem"])
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str = Field(examples=["ok"], description="`ok` or `degraded`")
    database: str = Field(examples=["reachable"], description="`reachable` or `unreachable`")
    snapshot: str | None = Field(default=None, description="the analysed snapshot, if any")
    detail: str | None = None


class Ping(BaseModel):
    ok: bool = True


class DependencyCheckQuery(BaseModel):
    """The query of ``GET /v1/dependencies/check`` (validated in one pass: see the route)."""

    model_config = ConfigDict(extra="ignore")
    product: str = Field(min_length=1, max_length=200, examples=["P-MS20"])
    company: str = Field(
        min_length=1, max_length=200, examples=["KAITO"], description="a company or site id"
    )
    paths: int = Field(default=10, ge=1, le=100, description="most paths to list")


class DependencyCheckOut(BaseModel):
    product_id: str = Field(examples=["P-MS20"])
    node_id: str = Field(examples=["KAITO"])
    node_type: str = Field(examples=["company"], description="`company` or `site`")
    depends_on: bool
    is_single_point_of_failure: bool
    tiers: list[int] = Field(examples=[[2, 3]])
    paths: list[list[str]] = Field(
        examples=[[["KAITO", "BOARDCO", "FOCAL", "P-MS20"]]],
        description="id lists from the company (or site) to the product, shortest first",
    )
    paths_truncated: bool
    evidence: list[str] = Field(description="why it is a single point of failure, step by step")
    assumptions: list[str]


class Company(BaseModel):
    id: str = Field(examples=["KAITO"])
    name: str | None = None
    kind: str | None = Field(default=None, examples=["supplier"])
    country: str | None = Field(default=None, examples=["JP"])
    segment: str | None = None
    tier: int | None = None
    model_config = ConfigDict(extra="allow")


class CompanyPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[Company]


class ProductExposure(BaseModel):
    product_id: str
    tiers: list[int]
    is_single_point_of_failure: bool
    exposure: float = Field(
        description="largest share of any input of the product that passes through the company"
    )
    inventory_days: float
    revenue_at_stake: float


class CompanyExposure(BaseModel):
    company_id: str
    recovery_days: float
    recovery_days_assumed: bool
    revenue_at_stake: float = Field(
        description="revenue lost while it recovers (Risk Exposure Index)"
    )
    products: list[ProductExposure]


class NeighborNode(BaseModel):
    id: str
    label: str = Field(examples=["Company"])
    distance: int
    name: str | None = None


class NeighborEdge(BaseModel):
    source: str
    target: str
    type: str = Field(examples=["SUPPLIES"])
    properties: dict[str, Any]


class Neighborhood(BaseModel):
    id: str
    depth: int
    direction: str
    nodes: list[NeighborNode]
    edges: list[NeighborEdge]
    truncated: bool


class TreeCompany(BaseModel):
    id: str
    tiers: list[int]
    is_single_point_of_failure: bool


class TreeLink(BaseModel):
    supplier_id: str
    buyer_id: str
    kind: str = Field(description="`supplies` or `depends_on` (a critical dependency)")
    item_id: str | None
    site_id: str | None
    tier: int


class SupplyTreeOut(BaseModel):
    product_id: str
    focal_id: str
    max_tier: int
    companies: list[TreeCompany]
    links: list[TreeLink]
    truncated: bool


class FindingOut(BaseModel):
    rank: int
    kind: str = Field(examples=["single_point_of_failure"])
    severity: str = Field(examples=["critical"])
    subject_id: str
    subject_type: str
    sentence: str
    revenue_at_stake: float | None
    products: list[str]
    evidence: dict[str, Any]


class FindingPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[FindingOut]


class SinglePointOut(BaseModel):
    product_id: str
    node_id: str
    node_type: str
    path: list[str]
    evidence: list[dict[str, Any]]
    assumptions: list[str]
    summary: str


class SinglePointPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[SinglePointOut]


class SectionPage(BaseModel):
    """One page of one section of an analysis (concentration or coverage)."""

    section: str = Field(examples=["hidden"])
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


class ScenarioIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"fail": ["KAITO"], "countries": ["TW"], "days": 30}]},
    )
    fail: list[str] = Field(
        default_factory=list, max_length=1000, description="company or site ids"
    )
    countries: list[str] = Field(default_factory=list, max_length=300)
    days: float = Field(default=30.0, ge=0, le=3650)


class StoppedProductOut(BaseModel):
    product_id: str
    name: str
    revenue_per_day: float
    stops_after_days: float
    days_stopped: float
    revenue_lost: float
    covered_by_inventory: bool
    evidence: list[str]


class ScenarioOut(BaseModel):
    failed_companies: list[str]
    failed_sites: list[str]
    failed_countries: list[str]
    days: float
    down_companies: int
    down_sites: int
    stopped_products: list[StoppedProductOut]
    revenue_lost: float
    unaffected_products: list[str]


class ImportOut(BaseModel):
    snapshot: str
    counts: dict[str, int]
    rows_written: int
    seconds: float
