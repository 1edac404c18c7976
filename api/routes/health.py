"""Health (is the database reachable?) and a trivial ping (the benchmarks' reference)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from tierscope.api.routes.common import engine
from tierscope.api.schemas import Health, Ping

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Is the database reachable?")
def health(request: Request) -> Health:
    e = engine(request)
    ok, detail = e.reachable()
    eco = e.loaded
    return Health(
        status="ok" if ok else "degraded",
        database="reachable" if ok else "unreachable",
        snapshot=eco.snapshot if eco is not None else None,
        detail=None if ok else detail,
    )


@router.get("/ping", response_model=Ping, summary="Answer at once (touches nothing)")
async def ping() -> Ping:
    return Ping()
