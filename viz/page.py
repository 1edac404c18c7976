"""HTML pages from Jinja2 templates, escaped by default, self-contained, locked down.

Every page is rendered with autoescaping on, so any name, id or free text from
the data is shown as text. Data handed to JavaScript goes through
:func:`script_json`, which escapes ``<``, ``>``, ``&`` and quotes, so a value
cannot end a ``<script>`` element. Each page carries a Content-Security-Policy
that allows only its own inline code and ``data:`` images: even a value that
slipped through could not load anything or send anything anywhere.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2
from markupsafe import Markup

from tierscope.viz.assets import vis_css, vis_js

__all__ = ["CSP", "render", "script_json"]

#: no request may leave the page: scripts and styles inline only, images as data: URIs
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("tierscope.viz", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def script_json(value: Any) -> Markup:
    """``value`` as JSON that can sit inside a ``<script>`` element unharmed."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        text = text.replace(raw, escaped)
    # U+2028 and U+2029 end a line in older JavaScript parsers
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_env.filters["script_json"] = script_json
_env.globals.update(csp=CSP, vis_js=lambda: Markup(vis_js()), vis_css=lambda: Markup(vis_css()))


def render(template: str, **context: Any) -> str:
    """The page ``template`` (a file of ``viz/templates``) with ``context``."""
    return _env.get_template(template).render(**context)
