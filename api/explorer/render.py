"""The explorer's HTML: Jinja2 templates, autoescaped, with a strict Content-Security-Policy.

Templates live in ``api/explorer/templates``; the report's SVG chart macros
(``report_svg.html``) are shared from ``viz/templates``. Every value is
escaped by Jinja2's autoescaping (a company called ``<script>…`` is that
text). The policy lets a page load only this server's own scripts, styles,
images and frames (htmx and the stylesheet from ``/static``, pictures in
frames from ``/pictures``) and send requests and forms only to it.

Given the request, a page of a server with keys shows who is signed in and a
sign-out button (a form posting the session's CSRF token to ``/signout``), and
is not kept by the browser's cache (after sign-out, back shows no data).
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from tierscope import __version__
from tierscope.api.auth import session_of
from tierscope.api.explorer.tables import Ref, Sentence, Table
from tierscope.viz.charts import money

__all__ = ["CSP", "HEADERS", "page"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_env = jinja2.Environment(
    loader=jinja2.ChoiceLoader(
        [
            jinja2.PackageLoader("tierscope.api.explorer", "templates"),
            jinja2.PackageLoader("tierscope.viz", "templates"),
        ]
    ),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(version=__version__)
_env.filters["money"] = money
_env.tests["ref"] = lambda v: isinstance(v, Ref)
_env.tests["reflist"] = lambda v: isinstance(v, list) and all(isinstance(x, Ref) for x in v)
_env.tests["table"] = lambda v: isinstance(v, Table)
_env.tests["sentence"] = lambda v: isinstance(v, Sentence)


def page(
    template: str, status: int = 200, request: Request | None = None, **context: Any
) -> HTMLResponse:
    """The page ``template`` with ``context``, with the explorer's security headers; with
    ``request``, on a server with keys, the session's role and CSRF token as ``signed_in``
    and ``csrf`` (for the layout's sign-out button) and no caching."""
    headers = HEADERS
    if request is not None and request.app.state.keys:
        grant = session_of(request)
        context.update(
            signed_in=grant.role.name if grant else None, csrf=grant.csrf if grant else ""
        )
        headers = {**HEADERS, "Cache-Control": "no-store"}
    html = _env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=headers)
