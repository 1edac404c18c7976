"""Turning analysis results into JSON and pandas.

Results are frozen dataclasses. :func:`jsonable` turns any of them (and the
tuples, frozensets and floats inside) into plain JSON types; :func:`frame`
turns a list of them into a ``DataFrame`` with one column per field.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["frame", "jsonable"]


def jsonable(obj: Any) -> Any:
    """``obj`` as JSON-ready data: dataclasses become objects, sets sorted lists, NaN null."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in getattr(obj, "_json_extra", ()):
            out[name] = jsonable(getattr(obj, name))
        return out
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (frozenset, set)):
        return sorted(jsonable(v) for v in obj)
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else round(obj, 6)
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    if hasattr(obj, "item"):  # numpy scalars
        return jsonable(obj.item())
    return str(obj)


def frame(rows: Iterable[Any]) -> pd.DataFrame:
    """One row per result, one column per field (nested values kept as JSON data)."""
    data = [jsonable(r) for r in rows]
    return pd.DataFrame(data)
