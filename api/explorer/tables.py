"""Links to entities and the tables every page is made of, each one downloadable as CSV.

A :class:`Ref` names a company, site, item, person or country, and knows its
page: every entity a page shows is one, so every one is a link. A
:class:`Table` is a page's table (its columns and cells); the page offers it as
CSV at its own URL with ``csv=NAME``, written by
:func:`tierscope.graph.csvsafe.csv_text` (cells that a spreadsheet would run as
formulas are neutralised).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import Response

from tierscope.graph.csvsafe import csv_text
from tierscope.graph.ecosystem import Ecosystem

__all__ = ["Ref", "Sentence", "Table", "csv_response", "csv_url", "linked", "ref", "url"]


def url(path: str, **query: Any) -> str:
    """``path`` with the query parameters that are not None or empty."""
    kept = {k.rstrip("_"): v for k, v in query.items() if v is not None and v != ""}
    return f"{path}?{urlencode(kept)}" if kept else path


@dataclass(frozen=True, slots=True)
class Ref:
    """A link to an entity's page: ``text`` shown, ``id`` in the URL (escaped)."""

    kind: str  # "company", "site", "product", "item", "person", "country", "path", "page"
    id: str
    text: str
    href_: str | None = None  # a page of its own (kind "page"/"path")

    @property
    def href(self) -> str:
        if self.href_ is not None:
            return self.href_
        segment = quote(self.id, safe="")
        return {
            "company": f"/companies/{segment}",
            "site": f"/sites/{segment}",
            "product": f"/products/{segment}",
            "item": f"/items/{segment}",
            "person": f"/people/{segment}",
            "country": url("/scenarios", country=self.id),
        }.get(self.kind, f"/search?q={quote(self.id, safe='')}")

    def __str__(self) -> str:  # what a CSV cell holds
        return self.id


def ref(eco: Ecosystem, node_id: str, full: bool = False) -> Ref:
    """The link to ``node_id``'s page (a company, site, item or person), shown by id; with
    ``full`` by "name (id)"."""
    ctx = eco.ctx
    if node_id in ctx.companies:
        kind = "company"
    elif node_id in ctx.sites:
        kind = "site"
    elif node_id in ctx.items:
        kind = "product" if ctx.items[node_id].get("kind") == "product" else "item"
    elif node_id in ctx.people:
        kind = "person"
    else:
        return Ref("country", node_id, node_id)
    name = ctx.name(node_id)
    text = f"{name} ({node_id})" if full and name != node_id else node_id
    return Ref(kind, node_id, text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """Text in which every id of a company, site, item or person is a link."""

    parts: tuple[str | Ref, ...]

    def __str__(self) -> str:
        return "".join(p.id if isinstance(p, Ref) else p for p in self.parts)


#: a word that may be an id: letters, digits and - _ / inside, no trailing punctuation
_WORD = re.compile(r"[\w][\w\-/]*[\w]|\w")


def linked(eco: Ecosystem, text: str) -> Sentence:
    """``text`` with each word that is the id of a company, site, item or person linked."""
    ctx = eco.ctx
    parts: list[str | Ref] = []
    last = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if word in ctx.companies or word in ctx.sites or word in ctx.items or word in ctx.people:
            parts += [text[last : m.start()], ref(eco, word)]
            last = m.end()
    parts.append(text[last:])
    return Sentence(tuple(p for p in parts if p != ""))


Cell = Ref | list[Ref] | Sentence | str | int | float | bool | None


@dataclass
class Table:
    """A table of a page: ``columns`` names, ``rows`` of cells (a cell may be a link or a
    list of links); ``total`` rows exist when the page shows a part of them."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: int | None = None
    empty: str = "Nothing to show."
    numeric: frozenset[str] = frozenset()  # columns aligned right

    def csv(self) -> str:
        return csv_text(self.columns, ([_plain(c) for c in row] for row in self.rows))


def _plain(cell: Cell) -> Any:
    if isinstance(cell, Ref):
        return cell.id
    if isinstance(cell, list):
        return " ".join(r.id for r in cell)
    if isinstance(cell, Sentence):
        return str(cell)
    return cell


def csv_url(request: Request, table: str) -> str:
    """The URL of the page ``request`` asked for, giving ``table`` as CSV."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("csv", "page")]
    params.append(("csv", table))
    raw = request.scope.get("raw_path")  # as the browser sent it: an id's "/" stays %2F
    path = raw.decode("ascii") if raw else quote(request.url.path)
    return f"{path}?{urlencode(params)}"


def csv_response(table: Table, page: str) -> Response:
    """``table`` as a CSV download named after the page and the table."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in page)[:60] or "page"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}-{table.name}.csv"'},
    )
