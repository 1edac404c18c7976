"""An :class:`~tierscope.graph.analysis.run.Analysis` as parts to store, and back.

The analysis is stored in Neo4j (:mod:`tierscope.graph.stored`) so that every
reader starts from its results instead of recomputing them. :func:`encode`
cuts it into :class:`Part` s of bounded size: the long column tables
(:class:`~tierscope.graph.analysis.results.Rows`: HHIs, exposures, hidden
concentration) one column at a time as raw little-endian numbers or integer
codes, everything else as JSON rows, each part compressed. :func:`decode`
rebuilds the same dataclasses; a finding's sentence and evidence and a single
point of failure's explanation come back as the stored text (they were derived
lazily from the analysis' indexes, which a reader does not have).

Only JSON and plain numbers are stored, never pickles: a value read from the
database is data, not code. ``decode(encode(a)).to_dict() == a.to_dict()``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

import numpy as np
import pandas as pd

from tierscope.graph.analysis.classical import ClassicalViews, Disagreement
from tierscope.graph.analysis.concentration import Concentration
from tierscope.graph.analysis.convergence import Convergence
from tierscope.graph.analysis.coverage import (
    Coverage,
    CoverageGap,
    KpiScore,
    PersonLoad,
    SegmentCheck,
)
from tierscope.graph.analysis.exposure import CountryExposure, Exposure
from tierscope.graph.analysis.finding import Finding, Told
from tierscope.graph.analysis.hhi import Hhi
from tierscope.graph.analysis.hidden import HiddenConcentration
from tierscope.graph.analysis.results import Rows, dumps, jsonable
from tierscope.graph.analysis.run import Analysis
from tierscope.graph.analysis.scenarios import ExposureIndexEntry
from tierscope.graph.analysis.spof import EvidenceStep, SinglePoint

__all__ = [
    "FORMAT",
    "JSON_TABLES",
    "ROW_TABLES",
    "Part",
    "decode",
    "decode_row",
    "encode",
    "iter_json_rows",
    "read_part",
    "tables",
]

#: bumped when the stored form changes: a reader finding another one recomputes
FORMAT = 1
#: rows of a JSON table per part, and rows of a column table per part
JSON_ROWS = 2_000
COLUMN_ROWS = 1_000_000

#: table -> dataclass of its rows, stored as JSON rows
JSON_TABLES: dict[str, type] = {
    "register": Finding,
    "single_points_of_failure": SinglePoint,
    "country_outages": SinglePoint,
    "risk_exposure_index": ExposureIndexEntry,
    "convergence": Convergence,
    "coverage_gaps": CoverageGap,
    "people": PersonLoad,
    "segments": SegmentCheck,
    "kpis": KpiScore,
    "classical_disagreements": Disagreement,
}
#: table -> dataclass of its rows, stored as columns
ROW_TABLES: dict[str, type] = {
    "hhi": Hhi,
    "exposure": Exposure,
    "country_exposure": CountryExposure,
    "hidden_concentration": HiddenConcentration,
}


@dataclass(frozen=True)
class Part:
    """One stored piece: ``table`` (and ``column`` of a column table), ``seq`` in order,
    ``codec`` saying how ``data`` (zlib-compressed) reads."""

    table: str
    column: str
    seq: int
    codec: str  # "json", "cat" (JSON list of categories), "codes", or a numpy dtype ("<f8")
    rows: int
    data: bytes

    def as_row(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "seq": self.seq,
            "codec": self.codec,
            "rows": self.rows,
            "data": self.data,
        }


def _zip(text: bytes) -> bytes:
    return zlib.compress(text, 1)


# -- encoding ---------------------------------------------------------------------------


def encode(a: Analysis) -> Iterator[Part]:
    """The parts of ``a``, produced one at a time (a caller writes each and drops it)."""
    meta = {
        "format": FORMAT,
        "snapshot": a.snapshot,
        "focal_id": a.focal_id,
        "products": a.products,
        "timings": a.timings,
        "exposure_iterations": a.concentration.exposure_iterations,
        "exposure_truncated": a.concentration.exposure_truncated,
        "classical": {
            "articulation_points": a.classical.articulation_points,
            "dominators": a.classical.dominators,
            "disagreement_counts": a.classical.disagreement_counts,
            "label": a.classical.label,
        },
    }
    yield Part("meta", "", 0, "json", 1, _zip(dumps(meta).encode()))
    for table, rows in _json_tables(a).items():
        rows = list(rows) if not isinstance(rows, list) else rows
        if not rows:
            yield Part(table, "", 0, "json", 0, _zip(b"[]"))
        for seq, start in enumerate(range(0, len(rows), JSON_ROWS)):
            chunk = rows[start : start + JSON_ROWS]
            yield Part(table, "", seq, "json", len(chunk), _zip(dumps(chunk).encode()))
    for table, held in _row_tables(a).items():
        yield from _encode_rows(table, held)


def tables(a: Analysis) -> dict[str, Any]:
    """Every table of ``a`` by its stored name (the JSON tables, then the column tables)."""
    return {**_json_tables(a), **_row_tables(a)}


def _json_tables(a: Analysis) -> dict[str, Any]:
    return {
        "register": a.register,
        "single_points_of_failure": a.single_points_of_failure,
        "country_outages": a.country_outages,
        "risk_exposure_index": a.risk_exposure_index,
        "convergence": a.concentration.convergence,
        "coverage_gaps": a.coverage.gaps,
        "people": a.coverage.people,
        "segments": a.coverage.segments,
        "kpis": a.coverage.kpis,
        "classical_disagreements": a.classical.disagreements,
    }


def _row_tables(a: Analysis) -> dict[str, Rows[Any]]:
    c = a.concentration
    return {
        "hhi": c.hhi,
        "exposure": c.exposure,
        "country_exposure": c.country_exposure,
        "hidden_concentration": c.hidden,
    }


def _encode_rows(table: str, rows: Rows[Any]) -> Iterator[Part]:
    n = len(rows)
    for f in dataclasses.fields(rows.row):
        held = rows._held(f.name)
        if isinstance(held, pd.Categorical):
            categories = np.asarray(held.categories, dtype=object).tolist()
            yield Part(table, f.name, -1, "cat", len(categories), _zip(dumps(categories).encode()))
            codes = np.asarray(held.codes, dtype="<i4")
            for seq, start in enumerate(range(0, max(n, 1), COLUMN_ROWS)):
                piece = codes[start : start + COLUMN_ROWS]
                yield Part(table, f.name, seq, "codes", len(piece), _zip(piece.tobytes()))
            continue
        arr = np.asarray(held)
        for seq, start in enumerate(range(0, max(n, 1), COLUMN_ROWS)):
            piece = arr[start : start + COLUMN_ROWS]
            if arr.dtype.kind in "fiub":
                dtype = arr.dtype.newbyteorder("<").str
                data = piece.astype(dtype, copy=False).tobytes()
                yield Part(table, f.name, seq, dtype, len(piece), _zip(data))
            else:
                yield Part(
                    table, f.name, seq, "json", len(piece), _zip(dumps(piece.tolist()).encode())
                )


# -- decoding ---------------------------------------------------------------------------


def read_part(codec: str, data: bytes) -> Any:
    """The value of one stored part: a list (JSON) or a numpy array."""
    raw = zlib.decompress(data)
    if codec in ("json", "cat"):
        return json.loads(raw)
    if codec == "codes":
        return np.frombuffer(raw, dtype="<i4")
    return np.frombuffer(raw, dtype=np.dtype(codec))


def iter_json_rows(parts: Iterable[tuple[str, bytes]]) -> Iterator[dict[str, Any]]:
    """The rows of a JSON table's parts ``(codec, data)``, in order."""
    for codec, data in parts:
        yield from read_part(codec, data)


class Explained:
    """A single point of failure's stored explanation (instead of the lazy walk)."""

    __slots__ = ("parts",)

    def __init__(
        self, steps: tuple[EvidenceStep, ...], path: tuple[str, ...], assumptions: tuple[str, ...]
    ) -> None:
        self.parts = (steps, path, assumptions)

    def explain(self) -> tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]:
        return self.parts


def decode(parts: Iterable[Part]) -> Analysis:
    """The :class:`Analysis` of :func:`encode`'s parts (in any order)."""
    json_rows: dict[str, list[tuple[int, list[Any]]]] = {}
    columns: dict[str, dict[str, list[tuple[int, Any]]]] = {}
    categories: dict[tuple[str, str], list[Any]] = {}
    meta: dict[str, Any] = {}
    for p in parts:
        value = read_part(p.codec, p.data)
        if p.table == "meta":
            meta = value
        elif p.table in JSON_TABLES:
            json_rows.setdefault(p.table, []).append((p.seq, value))
        elif p.codec == "cat":
            categories[(p.table, p.column)] = value
        else:
            columns.setdefault(p.table, {}).setdefault(p.column, []).append((p.seq, value))
    if meta.get("format") != FORMAT:
        raise ValueError(f"stored results of format {meta.get('format')!r}, not {FORMAT}")

    def rows_of(table: str) -> list[Any]:
        cls = JSON_TABLES[table]
        out: list[Any] = []
        for _, chunk in sorted(json_rows.get(table, []), key=lambda x: x[0]):
            out.extend(decode_row(cls, r) for r in chunk)
        return out

    def table_of(table: str) -> Rows[Any]:
        cls = ROW_TABLES[table]
        held: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            pieces = [
                v for _, v in sorted(columns.get(table, {}).get(f.name, []), key=lambda x: x[0])
            ]
            if (table, f.name) in categories:
                codes = np.concatenate(pieces) if pieces else np.zeros(0, dtype="<i4")
                held[f.name] = pd.Categorical.from_codes(
                    codes.astype(np.int32),
                    categories=pd.Index(categories[(table, f.name)], dtype=object),
                )
            elif pieces and isinstance(pieces[0], np.ndarray):
                held[f.name] = np.concatenate(pieces)
            else:
                values = [v for piece in pieces for v in piece]
                held[f.name] = (
                    np.array(values, dtype=object) if values else np.array([], dtype=object)
                )
        return Rows(cls, held)

    c = meta["classical"]
    return Analysis(
        snapshot=meta["snapshot"],
        focal_id=meta["focal_id"],
        products=meta["products"],
        single_points_of_failure=rows_of("single_points_of_failure"),
        country_outages=rows_of("country_outages"),
        risk_exposure_index=rows_of("risk_exposure_index"),
        concentration=Concentration(
            table_of("hhi"),
            table_of("exposure"),
            table_of("country_exposure"),
            table_of("hidden_concentration"),
            tuple(rows_of("convergence")),
            int(meta["exposure_iterations"]),
            bool(meta["exposure_truncated"]),
        ),
        coverage=Coverage(
            tuple(rows_of("coverage_gaps")),
            tuple(rows_of("people")),
            tuple(rows_of("segments")),
            tuple(rows_of("kpis")),
        ),
        classical=ClassicalViews(
            tuple(c["articulation_points"]),
            {k: tuple(v) for k, v in c["dominators"].items()},
            tuple(rows_of("classical_disagreements")),
            dict(c["disagreement_counts"]),
            c["label"],
        ),
        register=rows_of("register"),
        timings=dict(meta["timings"]),
    )


def decode_row(cls: type, d: dict[str, Any]) -> Any:
    if cls is Finding:
        return Finding(
            d["kind"],
            d["severity"],
            d["subject_id"],
            d["subject_type"],
            Told(d["sentence"], d["evidence"]),
            d["revenue_at_stake"],
            tuple(d["products"]),
            d["rank"],
        )
    if cls is SinglePoint:
        steps = tuple(_value(EvidenceStep, s) for s in d["evidence"])
        why = Explained(steps, tuple(d["path"]), tuple(d["assumptions"]))
        return SinglePoint(d["product_id"], d["node_id"], d["node_type"], why)  # type: ignore[arg-type]
    return _value(cls, d)


_HINTS: dict[type, dict[str, Any]] = {}


def _value(tp: Any, v: Any) -> Any:
    """``v`` (JSON data) as a value of type ``tp``: dataclasses, tuples, dicts, unions."""
    if v is None:
        return math.nan if tp is float else None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _HINTS.get(tp)
        if hints is None:
            hints = _HINTS[tp] = get_type_hints(tp)
        return tp(
            **{f.name: _value(hints[f.name], v[f.name]) for f in dataclasses.fields(tp) if f.init}
        )
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], x) for x in v)
        return tuple(_value(a, x) for a, x in zip(args, v, strict=True))
    if origin is list:
        return [_value(args[0], x) for x in v]
    if origin is dict:
        return {k: _value(args[1], x) for k, x in v.items()}
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _value(options[0], v) if len(options) == 1 else v
    if tp is float:
        return float(v)
    return v


def same(a: Analysis, b: Analysis) -> bool:
    """Whether two analyses give the same JSON contract (timings aside)."""
    x, y = jsonable(a.contract()), jsonable(b.contract())
    x.pop("timings_seconds"), y.pop("timings_seconds")
    return bool(x == y)
