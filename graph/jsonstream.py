"""``tierscope analyze --json``: the stored results written as one JSON object, streamed.

The object is written piece by piece from the stored parts
(:mod:`tierscope.graph.stored`), so memory does not grow with the output. The
contract (``"schema_version": 2``, documented in ``docs/contracts.md``):

* the register's evidence is written once, in ``"evidence"`` at the end, and each
  row names it by ``evidence_id``: thousands of findings share their chains;
* a single point of failure names its evidence steps by their index in
  ``"evidence_steps"``, written once at the end as they are stored
  (:data:`~tierscope.graph.analysis.codec.STEPS`): 244,493 distinct steps serve
  1,265,511 uses at 100,000 companies;
* the long tables (``hhi``, ``exposure``, ``country_exposure``, ``hidden``) are
  ``{"columns": [...], "rows": [[...], ...]}``: a row is a list in the order of
  ``columns``, not an object repeating every name;
* ``only`` (finding kinds), ``product`` and ``min_severity`` filter: the register
  keeps its rows of those kinds, naming that product, at or above that severity;
  every other table keeps its rows of that product; with ``only``, the object
  holds the products, the register and its evidence alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from tierscope.graph.analysis.codec import ROW_TABLES, STEPS, Part, read_part, step_object
from tierscope.graph.analysis.finding import KIND_ORDER, SEVERITIES
from tierscope.graph.analysis.results import dumps, jsonable
from tierscope.graph.errors import TierscopeError

__all__ = ["SCHEMA_VERSION", "Filters", "write_json"]

SCHEMA_VERSION = 3
#: rows of a column table turned into Python values at once
SLICE_ROWS = 20_000

#: (key in the output, stored table) of the nested objects, in output order
CONCENTRATION = (
    ("hhi", "hhi"),
    ("exposure", "exposure"),
    ("country_exposure", "country_exposure"),
    ("hidden", "hidden_concentration"),
    ("convergence", "convergence"),
)
COVERAGE = (
    ("gaps", "coverage_gaps"),
    ("people", "people"),
    ("segments", "segments"),
    ("kpis", "kpis"),
)


@dataclass(frozen=True)
class Filters:
    only: tuple[str, ...] = ()
    product: str | None = None
    min_severity: str | None = None

    def check(self, products: Iterable[str]) -> None:
        """A clear error for a filter naming nothing that exists."""
        for kind in self.only:
            if kind not in KIND_ORDER:
                raise TierscopeError(
                    f"--only {kind!r} is not a kind of finding; the kinds are {', '.join(KIND_ORDER)}"
                )
        if self.min_severity is not None and self.min_severity not in SEVERITIES:
            raise TierscopeError(
                f"--min-severity {self.min_severity!r} is not one of {', '.join(SEVERITIES)}"
            )
        known = set(products)
        if self.product is not None and self.product not in known:
            raise TierscopeError(
                f"--product {self.product!r} is not a product of the loaded ecosystem; "
                f"the products are {', '.join(sorted(known))}"
            )

    def finding(self, row: dict[str, Any]) -> bool:
        if self.only and row["kind"] not in self.only:
            return False
        if self.product is not None and self.product not in row["products"]:
            return False
        if self.min_severity is not None:
            return SEVERITIES.index(row["severity"]) <= SEVERITIES.index(self.min_severity)
        return True

    def of_product(self, row: dict[str, Any]) -> bool:
        return self.product is None or row.get("product_id") in (None, self.product)


Parts = Callable[[str], Iterator[Part]]


class _Evidence:
    """Evidence written once: each distinct value gets an id (``e1``, ``e2``, …).

    The values wait in a temporary file, not in memory, until the object's end, and
    only a digest of each is kept to recognise it again."""

    def __init__(self, values: IO[str]) -> None:
        self.ids: dict[bytes, str] = {}
        self.values = values  # a temporary file

    def ref(self, value: Any) -> str | None:
        if value in (None, {}, []):
            return None
        text = dumps(value)
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        found = self.ids.get(digest)
        if found is None:
            found = self.ids[digest] = f"e{len(self.ids) + 1}"
            self.values.write(f'{"," if len(self.ids) > 1 else ""}"{found}":{text}')
        return found

    def write(self, out: IO[str]) -> None:
        out.write("{")
        self.values.seek(0)
        shutil.copyfileobj(self.values, out, 1 << 20)
        out.write("}")


def write_json(out: IO[str], meta: dict[str, Any], parts: Parts, filters: Filters) -> None:
    """Write the JSON object of the stored results to ``out``.

    ``meta`` is the stored meta part; ``parts(table)`` yields the stored parts of
    one table in order.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as values:
        _write_json(out, meta, parts, filters, _Evidence(values))


def _write_json(
    out: IO[str], meta: dict[str, Any], parts: Parts, filters: Filters, evidence: _Evidence
) -> None:
    products = meta["products"]
    if filters.product is not None:
        products = [p for p in products if p["product_id"] == filters.product]
    head = {
        "schema_version": SCHEMA_VERSION,
        "snapshot": meta["snapshot"],
        "focal_id": meta["focal_id"],
        "filters": {
            "only": list(filters.only),
            "product": filters.product,
            "min_severity": filters.min_severity,
        },
        "products": products,
    }
    out.write(dumps(head)[:-1])  # the object stays open
    out.write(',"register":')
    _array(out, _register(parts("register"), filters, evidence))
    if not filters.only:
        for table in ("single_points_of_failure", "country_outages"):
            out.write(f',"{table}":')
            _array(out, _spofs(parts(table), filters))
        out.write(',"risk_exposure_index":')
        _array(out, _rxi(parts("risk_exposure_index"), filters))
        out.write(',"concentration":{')
        for k, (key, table) in enumerate(CONCENTRATION):
            out.write(f'{"," if k else ""}"{key}":')
            if table in ROW_TABLES:
                _columns(out, table, parts(table), filters)
            else:
                _array(out, (dumps(r) for r in _rows(parts(table)) if _converges(r, filters)))
        out.write(
            f',"exposure_iterations":{int(meta["exposure_iterations"])},'
            f'"exposure_truncated":{json.dumps(bool(meta["exposure_truncated"]))}}}'
        )
        out.write(',"coverage":{')
        for k, (key, table) in enumerate(COVERAGE):
            out.write(f'{"," if k else ""}"{key}":')
            _array(out, (dumps(r) for r in _rows(parts(table))))
        out.write("}")
        classical = dict(meta["classical"])
        out.write(',"classical_views":')
        out.write(dumps(classical)[:-1] + ',"disagreements":')
        _array(
            out,
            (dumps(r) for r in _rows(parts("classical_disagreements")) if filters.of_product(r)),
        )
        out.write("}")
    out.write(',"evidence":')
    evidence.write(out)
    if not filters.only:
        out.write(',"evidence_steps":')
        _array(out, (dumps(step_object(r)) for r in _rows(parts(STEPS))))
    out.write(',"timings_seconds":')
    out.write(dumps({k: round(v, 3) for k, v in meta["timings"].items()}))
    out.write("}\n")


def _array(out: IO[str], items: Iterable[str]) -> None:
    out.write("[")
    for k, text in enumerate(items):
        if k:
            out.write(",")
        out.write(text)
    out.write("]")


def _rows(parts: Iterator[Part]) -> Iterator[Any]:
    for p in parts:
        yield from read_part(p.codec, p.data)


def _register(parts: Iterator[Part], f: Filters, evidence: _Evidence) -> Iterator[str]:
    for row in _rows(parts):
        if f.finding(row):
            row["evidence_id"] = evidence.ref(row.pop("evidence"))
            yield dumps(row)


def _spofs(parts: Iterator[Part], f: Filters) -> Iterator[str]:
    for product, node, node_type, path, steps, assumptions in _rows(parts):
        if f.product is None or product == f.product:
            yield dumps(
                {
                    "product_id": product,
                    "node_id": node,
                    "node_type": node_type,
                    "path": path,
                    "assumptions": assumptions,
                    "steps": steps,
                }
            )


def _rxi(parts: Iterator[Part], f: Filters) -> Iterator[str]:
    for row in _rows(parts):
        if f.product is not None:
            row["products"] = [p for p in row["products"] if p["product_id"] == f.product]
            if not row["products"]:
                continue
        yield dumps(row)


def _converges(row: dict[str, Any], f: Filters) -> bool:
    return f.product is None or any(p == f.product for p, _ in row["products"])


def _columns(out: IO[str], table: str, parts: Iterator[Part], f: Filters) -> None:
    """A column table as ``{"columns": [...], "rows": [[...], ...]}``."""
    cls = ROW_TABLES[table]
    names = [x.name for x in dataclasses.fields(cls)]
    out.write('{"columns":' + dumps(names) + ',"rows":[')
    categories: dict[str, np.ndarray] = {}
    pending: dict[int, dict[str, Any]] = {}
    first = True
    for p in parts:
        value = read_part(p.codec, p.data)
        if p.codec == "cat":
            categories[p.column] = np.asarray(value, dtype=object)
            continue
        if p.codec == "codes":
            value = categories[p.column][value]
        pending.setdefault(p.seq, {})[p.column] = value
        chunk = pending[p.seq]
        if len(chunk) < len(names):
            continue
        del pending[p.seq]
        n = len(chunk[names[0]])
        for start in range(0, n, SLICE_ROWS):  # as Python values a slice at a time
            columns = [_plain(chunk[name][start : start + SLICE_ROWS]) for name in names]
            keep = None
            if f.product is not None and "product_id" in names:
                keep = [v == f.product for v in columns[names.index("product_id")]]
            for k, row in enumerate(zip(*columns, strict=True)):
                if keep is not None and not keep[k]:
                    continue
                out.write(("" if first else ",") + dumps(list(row)))
                first = False
    out.write("]}")


def _plain(values: Any) -> list[Any]:
    """A stored column as JSON values (NaN as null)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return [None if v != v else v for v in values.tolist()]
    if isinstance(values, np.ndarray):
        return list(jsonable(values.tolist()))
    return list(values)
