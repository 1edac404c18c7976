"""The published JSON contract (``docs/analysis.schema.json``) as validators, and the
readers a consumer of ``analyze --json`` (schema_version 3) writes: a column table's
rows as objects, a row's evidence by its ``evidence_id`` or its ``steps``."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "analysis.schema.json"

__all__ = ["SCHEMA_PATH", "evidence_of", "problems", "records", "schema"]


@functools.cache
def schema() -> dict[str, Any]:
    s: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(s)
    return s


@functools.cache
def _validator(part: str | None) -> Draft202012Validator:
    s = schema()
    if part is None:
        return Draft202012Validator(s)
    assert part in s["$defs"], f"no {part!r} in {SCHEMA_PATH.name}"
    return Draft202012Validator({"$ref": f"#/$defs/{part}", "$defs": s["$defs"]})


def problems(data: Any, part: str | None = None) -> list[str]:
    """Where ``data`` breaks the whole contract (or its ``$defs`` ``part``), one line each."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
        for e in _validator(part).iter_errors(data)
    ]


def records(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a ``{"columns": [...], "rows": [[...], ...]}`` table as objects."""
    columns = table["columns"]
    return [dict(zip(columns, row, strict=True)) for row in table["rows"]]


def evidence_of(printed: dict[str, Any], row: dict[str, Any]) -> Any:
    """The evidence ``row`` names: its steps (a single point of failure's indexes into
    ``evidence_steps``), or the value of its ``evidence_id`` (None when it names none)."""
    if "steps" in row:
        return [printed["evidence_steps"][i] for i in row["steps"]]
    eid = row["evidence_id"]
    return None if eid is None else printed["evidence"][eid]
