"""The explorer's routes: a page per company, site, item, product, person, path and
scenario, the register at ``/``, search and its suggestions, and the pictures.

Each route reads the current ecosystem through :data:`~tierscope.api.sessions.PageEco`
(a key header or a browser session with the read role; without either, a browser is
sent to ``/signin`` and back, an htmx request gets a 401 whose ``HX-Redirect`` moves
the page there), asks :mod:`entities`, :mod:`questions` or :mod:`failures` for the page and renders
it; ``?csv=TABLE`` gives one of the page's tables as CSV instead. No explorer form
posts (searches and filters are GETs) but sign-out's, which :mod:`sessions` serves.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from tierscope.api.explorer import entities, failures, questions
from tierscope.api.explorer.catalogue import Catalogue, catalogue
from tierscope.api.explorer.render import HEADERS, page
from tierscope.api.explorer.tables import Table, csv_response, csv_url
from tierscope.api.sessions import PageEco
from tierscope.graph.analysis.scenarios import Scenario
from tierscope.graph.ecosystem import MAX_DEPTH, Ecosystem, UnknownId
from tierscope.graph.errors import TierscopeError
from tierscope.graph.stored import results_for
from tierscope.viz import views
from tierscope.viz.network import NetworkView, network_html
from tierscope.viz.paths import paths as paths_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Id = Annotated[str, Query(min_length=1, max_length=200)]
Csv = Annotated[str | None, Query(max_length=60)]
Page = Annotated[int, Query(ge=0, le=1_000_000)]
Days = Annotated[float, Query(ge=0, le=3650)]
Text = Annotated[str, Query(max_length=2000)]


class Direction(StrEnum):
    upstream = "upstream"
    downstream = "downstream"
    both = "both"


def show(
    request: Request,
    eco: Ecosystem,
    template: str,
    build: Callable[[], dict[str, Any]],
    csv: str | None,
) -> Response:
    """The page ``template`` of what ``build`` returns, or its table ``csv`` as CSV; an
    unknown id is a 404 page, a refused value a 422 page (each naming it)."""
    try:
        context = build()
    except UnknownId as e:
        return page(
            "error.html", 404, request, title="Not found", message=str(e), snapshot=eco.snapshot
        )
    except TierscopeError as e:
        return page(
            "error.html", 422, request, title="Not possible", message=str(e), snapshot=eco.snapshot
        )
    if csv is not None:
        tables = [v for v in context.values() if isinstance(v, Table)]
        tables += [t for t in context.get("tables", ()) if isinstance(t, Table)]
        table = next((t for t in tables if t.name == csv), None)
        if table is None:
            names = ", ".join(t.name for t in tables) or "none"
            return page(
                "error.html",
                404,
                request,
                title="Not found",
                message=f"this page has no table {csv!r}; its tables: {names}",
                snapshot=eco.snapshot,
            )
        return csv_response(table, request.url.path.strip("/") or "register")
    return page(
        template,
        request=request,
        snapshot=eco.snapshot,
        csv_url=lambda name: csv_url(request, name),
        **context,
    )


def _ids(text: str) -> list[str]:
    return [i.strip() for i in text.split(",") if i.strip()]


@router.get("/")
def home(
    request: Request,
    eco: PageEco,
    severity: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=60)] = "",
    product: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "rank",
    page: Page = 0,
    csv: Csv = None,
) -> Response:
    cat = catalogue(eco)
    return show(
        request,
        eco,
        "home.html",
        lambda: questions.home_page(
            cat, severity or None, kind or None, product or None, sort, page, csv is not None
        ),
        csv,
    )


@router.get("/suggest")
def suggest(eco: PageEco, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    return page("suggestions.html", **questions.suggestions(catalogue(eco), q))


@router.get("/search")
def search(
    request: Request, eco: PageEco, q: Annotated[str, Query(max_length=200)] = "", csv: Csv = None
) -> Response:
    cat = catalogue(eco)
    return show(request, eco, "search.html", lambda: questions.search_page(cat, q), csv)


@router.get("/companies/{company_id:path}")
def company(
    request: Request,
    eco: PageEco,
    company_id: str,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2,
    direction: Direction = Direction.both,
    csv: Csv = None,
) -> Response:
    cat = catalogue(eco)
    build = lambda: entities.company_page(cat, company_id, depth, direction.value, csv is not None)  # noqa: E731
    return show(request, eco, "company.html", build, csv)


@router.get("/sites/{site_id:path}")
def site(request: Request, eco: PageEco, site_id: str, csv: Csv = None) -> Response:
    cat = catalogue(eco)
    return show(request, eco, "entity.html", lambda: entities.site_page(cat, site_id), csv)


@router.get("/items/{item_id:path}")
def item(request: Request, eco: PageEco, item_id: str, csv: Csv = None) -> Response:
    cat = catalogue(eco)
    return show(
        request, eco, "entity.html", lambda: entities.item_page(cat, item_id, csv is not None), csv
    )


@router.get("/products/{product_id:path}")
def product(
    request: Request,
    eco: PageEco,
    product_id: str,
    max_tier: Annotated[int, Query(ge=1, le=10)] = 3,
    csv: Csv = None,
) -> Response:
    cat = catalogue(eco)
    build = lambda: questions.product_page(cat, product_id, max_tier, csv is not None)  # noqa: E731
    return show(request, eco, "product.html", build, csv)


@router.get("/paths")
def paths(
    request: Request,
    eco: PageEco,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
    to: Id,
    csv: Csv = None,
) -> Response:
    cat = catalogue(eco)
    return show(request, eco, "paths.html", lambda: failures.paths_page(cat, from_, to), csv)


@router.get("/scenarios")
def scenarios(
    request: Request,
    eco: PageEco,
    fail: Text = "",
    country: Text = "",
    days: Days = 30.0,
    csv: Csv = None,
) -> Response:
    cat = catalogue(eco)
    build = lambda: failures.scenario_page(cat, _ids(fail), _ids(country), days)  # noqa: E731
    return show(request, eco, "scenario.html", build, csv)


@router.get("/people")
def people(request: Request, eco: PageEco, page: Page = 0, csv: Csv = None) -> Response:
    cat = catalogue(eco)
    build = lambda: questions.people_page(cat, page, csv is not None)  # noqa: E731
    return show(request, eco, "people.html", build, csv)


@router.get("/people/{person_id:path}")
def person(request: Request, eco: PageEco, person_id: str, csv: Csv = None) -> Response:
    cat = catalogue(eco)
    return show(request, eco, "entity.html", lambda: entities.person_page(cat, person_id), csv)


# -- pictures: the views of viz/, drawn in a frame of the pages --------------------------


def picture(
    request: Request,
    eco: Ecosystem,
    make: Callable[[], NetworkView],
    key: tuple[Any, ...] | None = None,
) -> Response:
    """The picture ``make`` gives, as its own page; with a ``key``, kept in the catalogue
    and made once."""
    try:
        if key is None:
            html = network_html(make())
        else:
            html = catalogue(eco).picture(key, lambda: network_html(make()))
    except UnknownId as e:
        return page(
            "error.html", 404, request, title="Not found", message=str(e), snapshot=eco.snapshot
        )
    except TierscopeError as e:
        return page(
            "error.html", 422, request, title="Not possible", message=str(e), snapshot=eco.snapshot
        )
    # the picture carries its own policy (inline code only); it may be framed here only
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": "frame-ancestors 'self'",
            "X-Content-Type-Options": HEADERS["X-Content-Type-Options"],
        },
    )


@router.get("/pictures/company")
def company_picture(
    request: Request,
    eco: PageEco,
    id: Id,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2,
    direction: Direction = Direction.both,
) -> Response:
    def make() -> NetworkView:
        # read from Neo4j what is around the company: it costs the same at any size
        store = request.app.state.engine.store
        run = results_for(store, eco.snapshot)
        if run is None or id not in eco.ctx.companies:
            return views.company(eco, id, depth, direction.value)
        from tierscope.graph.around import company_ecosystem

        part = company_ecosystem(store, run, id, depth, direction.value)
        return views.company(part, id, depth, direction.value)

    return picture(request, eco, make, ("company", id, depth, direction.value))


@router.get("/pictures/product")
def product_picture(
    request: Request, eco: PageEco, id: Id, max_tier: Annotated[int, Query(ge=1, le=10)] = 3
) -> Response:
    return picture(
        request, eco, lambda: views.product(eco, id, max_tier), ("product", id, max_tier)
    )


@router.get("/pictures/paths")
def paths_picture(
    request: Request,
    eco: PageEco,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
    to: Id,
) -> Response:
    cat = catalogue(eco)
    how = lambda a, b: failures.link_text(cat, a, b, to)  # noqa: E731
    return picture(request, eco, lambda: paths_view(eco, from_, to, how))


class _Remembered:
    """The ecosystem, answering scenarios from the catalogue's last few: the picture of a
    scenario page draws the result the page computed."""

    def __init__(self, cat: Catalogue) -> None:
        self._cat = cat

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cat.eco, name)

    def scenario(self, ids: list[str], countries: list[str], days: float) -> Scenario:
        return self._cat.scenario(ids, countries, days)


@router.get("/pictures/scenario")
def scenario_picture(
    request: Request, eco: PageEco, fail: Text = "", country: Text = "", days: Days = 30.0
) -> Response:
    remembered = cast(Ecosystem, _Remembered(catalogue(eco)))
    return picture(
        request, eco, lambda: views.scenario(remembered, _ids(fail), _ids(country), days)
    )


@router.get("/pictures/people")
def people_picture(request: Request, eco: PageEco) -> Response:
    return picture(request, eco, lambda: views.people(eco))
