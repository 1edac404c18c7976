"""The explorer's HTML: Jinja2 templates, autoescaped, with a strict Content-Security-Policy.

Templates live in ``api/explorer/templates``; the report's SVG chart macros
(``report_svg.html``) are shared from ``viz/templates``. Every value is
escaped by Jinja2's autoescaping (a company called ``<script>…`` is that
text). The policy lets a page load only this server's own scripts, styles,
images and frames (htmx and the stylesheet from ``/static``, pictures in
frames from ``/pictures``) and send requests and forms only to it.
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

from tierscope import __version__
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


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` with ``context``, with the explorer's security headers."""
    html = _env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)
