"""``GET /v1/report``: the leadership report as one self-contained HTML page."""

from __future__ import annotations

import threading
import weakref

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tierscope.api.routes.common import ERRORS, Eco
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.report import report_html

router = APIRouter(tags=["report"], responses=ERRORS)


class ReportCache:
    """The report of the newest ecosystem only, kept while that ecosystem lives (a new
    snapshot replaces it; a weak reference never keeps an old ecosystem in memory)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._of: weakref.ref[Ecosystem] | None = None
        self._html = ""

    def html(self, eco: Ecosystem) -> str:
        with self._lock:
            if self._of is None or self._of() is not eco:
                self._html = report_html(eco)
                self._of = weakref.ref(eco)
            return self._html


_cache = ReportCache()


@router.get(
    "/report",
    response_class=HTMLResponse,
    summary="The leadership report: headline numbers, top ten risks, charts (HTML)",
)
def report(eco: Eco) -> HTMLResponse:
    return HTMLResponse(_cache.html(eco))
