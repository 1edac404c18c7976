"""An :class:`~tierscope.graph.analysis.run.Analysis` as parts to store, and back.

The analysis is stored in Neo4j (:mod:`tierscope.graph.stored`) so that every
reader starts from its results instead of recomputing them. :func:`encode`
cuts it into :class:`Part` s of bounded size: the long column tables
(:class:`~tierscope.graph.analysis.results.Rows`: HHIs, exposures, hidden
concentration) one column at a time as raw little-endian numbers or integer
codes, everything else as JSON rows, each part compressed. The single points of
failure name their evidence steps by index into one table of distinct steps
(:data:`STEPS`). :func:`decode` gives back the same dataclasses, each part of
the analysis decoded when first read (:class:`StoredAnalysis`); a finding's
sentence and evidence and a single point of failure's explanation come back as
the stored text (they were derived lazily from the analysis' indexes, which a
reader does not have).

Only JSON and plain numbers are stored, never pickles: a value read from the
database is data, not code. ``decode(encode(a)).to_dict() == a.to_dict()``.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

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
from tierscope.graph.analysis.finding import Finding
from tierscope.graph.analysis.fromjson import converter, decode_row
from tierscope.graph.analysis.hhi import Hhi
from tierscope.graph.analysis.hidden import HiddenConcentration
from tierscope.graph.analysis.register import explained_points
from tierscope.graph.analysis.results import Rows, dumps, jsonable
from tierscope.graph.analysis.run import Analysis, paused_gc
from tierscope.graph.analysis.scenarios import ExposureIndexEntry
from tierscope.graph.analysis.spof import EvidenceStep, SinglePoint, explanations_kept

__all__ = [
    "FORMAT",
    "JSON_TABLES",
    "ROW_TABLES",
    "SPOF_TABLES",
    "STEPS",
    "Part",
    "StoredAnalysis",
    "decode",
    "decode_row",
    "encode",
    "iter_json_rows",
    "read_part",
    "step_object",
    "tables",
]

#: bumped when the stored form changes: a reader finding another one recomputes
#: (2: the single points of failure's evidence steps stored once, named by index)
FORMAT = 2
#: rows of a JSON table per part, and rows of a column table per part
JSON_ROWS = 2_000
COLUMN_ROWS = 200_000

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
#: tables of single points of failure: rows ``[product, node, type, path, step indexes,
#: assumptions]``, the steps themselves once in :data:`STEPS` (244,493 distinct steps
#: for 1,265,511 uses at 100,000 companies: stored whole, they were 318 MB of JSON)
SPOF_TABLES = ("single_points_of_failure", "country_outages")
#: the evidence steps: rows ``[kind, company, item, text, suppliers, assumption]``
STEPS = "evidence_steps"
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
    # the single points of failure are explained and stored a part at a time, their
    # steps numbered as they come; the table of steps is stored after them
    steps: dict[EvidenceStep, int] = {}
    # the tables of single points of failure come first, keeping the walks that the
    # register's sentences read again
    order = sorted(_json_tables(a).items(), key=lambda t: t[0] not in SPOF_TABLES)
    with explanations_kept(explained_points(a.register)):
        for table, rows in order:
            spofs = table in SPOF_TABLES
            yield from _encode_json(table, _spof_rows(rows, steps) if spofs else rows)
    listed = (
        [s.kind, s.company_id, s.item_id, s.text, [list(x) for x in s.suppliers], s.assumption]
        for s in steps
    )
    yield from _encode_json(STEPS, listed)
    for table, held in _row_tables(a).items():
        yield from _encode_rows(table, held)


def _encode_json(table: str, rows: Iterable[Any]) -> Iterator[Part]:
    """The parts of a JSON table, :data:`JSON_ROWS` rows each (one empty part when it
    has no row), made as the rows come."""
    it = iter(rows)
    seq = 0
    while chunk := list(islice(it, JSON_ROWS)):
        yield Part(table, "", seq, "json", len(chunk), _zip(dumps(chunk).encode()))
        seq += 1
    if seq == 0:
        yield Part(table, "", 0, "json", 0, _zip(b"[]"))


def _spof_rows(spofs: list[SinglePoint], steps: dict[EvidenceStep, int]) -> Iterator[list[Any]]:
    """The stored rows of single points of failure, numbering their steps in ``steps``."""
    known: dict[int, int] = {}  # id(step) -> index: most steps are shared objects
    kept: list[EvidenceStep] = []  # keeps them alive while their id() names them
    for s in spofs:
        evidence, path, assumptions = s.explained()
        ids = []
        for step in evidence:
            k = known.get(id(step))
            if k is None:
                k = steps.setdefault(step, len(steps))
                known[id(step)] = k
                kept.append(step)
            ids.append(k)
        yield [s.product_id, s.node_id, s.node_type, list(path), ids, list(assumptions)]


_STEP_KEYS = ("kind", "company_id", "item_id", "text", "suppliers", "assumption")


def step_object(row: list[Any]) -> dict[str, Any]:
    """A stored evidence step as the contract's object."""
    return dict(zip(_STEP_KEYS, row, strict=True))


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
    """The :class:`Analysis` of :func:`encode`'s parts (in any order).

    Each part of the analysis is decoded when first read (a :class:`StoredAnalysis`):
    a dependency check needs the single points of failure, not the 164,388 findings
    of the register. Decoding pauses the cyclic garbage collector: its passes over
    the millions of new objects were two thirds of the time (21.6 s against 7.0 s
    for everything at 100,000 companies)."""
    return StoredAnalysis(_Held.of(parts))


class _Held:
    """The stored parts of an analysis, still compressed, by table; its meta decoded."""

    def __init__(self) -> None:
        self.json: dict[str, list[Part]] = {}
        self.columns: dict[str, dict[str, list[Part]]] = {}
        self.categories: dict[tuple[str, str], Part] = {}
        self.meta: dict[str, Any] = {}

    @classmethod
    def of(cls, parts: Iterable[Part]) -> _Held:
        held = cls()
        for p in parts:
            if p.table == "meta":
                held.meta = read_part(p.codec, p.data)
            elif p.table in JSON_TABLES or p.table == STEPS:
                held.json.setdefault(p.table, []).append(p)
            elif p.codec == "cat":
                held.categories[(p.table, p.column)] = p
            else:
                held.columns.setdefault(p.table, {}).setdefault(p.column, []).append(p)
        found = held.meta.get("format")
        if found != FORMAT:
            raise ValueError(f"stored results of format {found!r}, not {FORMAT}")
        return held

    def raw(self, table: str) -> Iterator[Any]:
        """The JSON rows of ``table``, in order."""
        for p in sorted(self.json.get(table, []), key=lambda p: p.seq):
            yield from read_part(p.codec, p.data)

    def rows(self, table: str, steps: list[EvidenceStep] | None = None) -> list[Any]:
        """The rows of JSON table ``table`` as their dataclass."""
        with paused_gc():
            if table in SPOF_TABLES:
                assert steps is not None
                return [
                    SinglePoint(
                        product,
                        node,
                        node_type,
                        Explained(tuple(steps[i] for i in ids), tuple(path), tuple(assumed)),  # type: ignore[arg-type]
                    )
                    for product, node, node_type, path, ids, assumed in self.raw(table)
                ]
            convert = converter(JSON_TABLES[table])
            assert convert is not None
            return [convert(r) for r in self.raw(table)]

    def steps(self) -> list[EvidenceStep]:
        with paused_gc():
            return [
                EvidenceStep(k, c, i, t, tuple(tuple(x) for x in sup), assumed)
                for k, c, i, t, sup, assumed in self.raw(STEPS)
            ]

    def table(self, table: str) -> Rows[Any]:
        """Column table ``table`` as :class:`Rows`."""
        cls = ROW_TABLES[table]
        held: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            stored = sorted(self.columns.get(table, {}).get(f.name, []), key=lambda p: p.seq)
            pieces = [read_part(p.codec, p.data) for p in stored]
            cat = self.categories.get((table, f.name))
            if cat is not None:
                codes = np.concatenate(pieces) if pieces else np.zeros(0, dtype="<i4")
                held[f.name] = pd.Categorical.from_codes(
                    codes.astype(np.int32),
                    categories=pd.Index(read_part(cat.codec, cat.data), dtype=object),
                )
            elif pieces and isinstance(pieces[0], np.ndarray):
                held[f.name] = np.concatenate(pieces)
            else:
                values = [v for piece in pieces for v in piece]
                held[f.name] = (
                    np.array(values, dtype=object) if values else np.array([], dtype=object)
                )
        return Rows(cls, held)


class _Decoded:
    """An attribute of :class:`StoredAnalysis` decoded on first read, then kept in the
    instance (which then answers it without this descriptor, as ``cached_property``
    does); one thread decodes while the others wait for it."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        with obj._decoding:
            found = obj.__dict__.get(self.name, _MISSING)
            if found is _MISSING:
                found = obj.__dict__[self.name] = self.make(obj)
            return found


_MISSING = object()


class StoredAnalysis(Analysis):
    """An :class:`Analysis` read from its stored parts, each attribute decoded when first
    read (assigning one replaces it, as for any analysis)."""

    def __init__(self, held: _Held) -> None:  # not Analysis.__init__: nothing decoded yet
        meta = held.meta
        self._held = held
        self._decoding = threading.RLock()
        self.snapshot = meta["snapshot"]
        self.focal_id = meta["focal_id"]
        self.products = meta["products"]
        self.timings = dict(meta["timings"])
        self.spans = {}
        self.context = None
        self.necessity = None

    def _steps(self) -> list[EvidenceStep]:
        return self._evidence_steps  # type: ignore[no-any-return]

    _evidence_steps = _Decoded(lambda self: self._held.steps())
    single_points_of_failure = _Decoded(
        lambda self: self._held.rows("single_points_of_failure", self._steps())
    )
    country_outages = _Decoded(lambda self: self._held.rows("country_outages", self._steps()))
    risk_exposure_index = _Decoded(lambda self: self._held.rows("risk_exposure_index"))
    register = _Decoded(lambda self: self._held.rows("register"))
    concentration = _Decoded(
        lambda self: Concentration(
            self._held.table("hhi"),
            self._held.table("exposure"),
            self._held.table("country_exposure"),
            self._held.table("hidden_concentration"),
            tuple(self._held.rows("convergence")),
            int(self._held.meta["exposure_iterations"]),
            bool(self._held.meta["exposure_truncated"]),
        )
    )
    coverage = _Decoded(
        lambda self: Coverage(
            tuple(self._held.rows("coverage_gaps")),
            tuple(self._held.rows("people")),
            tuple(self._held.rows("segments")),
            tuple(self._held.rows("kpis")),
        )
    )
    classical = _Decoded(
        lambda self: ClassicalViews(
            tuple(self._held.meta["classical"]["articulation_points"]),
            {k: tuple(v) for k, v in self._held.meta["classical"]["dominators"].items()},
            tuple(self._held.rows("classical_disagreements")),
            dict(self._held.meta["classical"]["disagreement_counts"]),
            self._held.meta["classical"]["label"],
        )
    )


def same(a: Analysis, b: Analysis) -> bool:
    """Whether two analyses give the same JSON contract (timings aside)."""
    x, y = jsonable(a.contract()), jsonable(b.contract())
    x.pop("timings_seconds"), y.pop("timings_seconds")
    return bool(x == y)
