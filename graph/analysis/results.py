"""Turning analysis results into JSON and pandas.

Results are frozen dataclasses. :func:`jsonable` turns any of them (and the
tuples, frozensets and floats inside) into plain JSON types; :func:`dumps`
writes the same JSON text straight from them, letting the C encoder walk the
lists and strings (a 100,000-company analysis is tens of millions of values);
:func:`frame` turns a list of them into a ``DataFrame`` with one column per
field.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["dumps", "frame", "jsonable", "shallow"]


def jsonable(obj: Any) -> Any:
    """``obj`` as JSON-ready data: dataclasses become objects, sets sorted lists, NaN null."""
    if hasattr(obj, "__json__"):
        return jsonable(obj.__json__())
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
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    if hasattr(obj, "item"):  # numpy scalars
        return jsonable(obj.item())
    return str(obj)


_FIELDS: dict[type, tuple[str, ...]] = {}


def shallow(obj: Any) -> Any:
    """One level of :func:`jsonable`, for ``json.dumps(default=...)``."""
    if hasattr(obj, "__json__"):  # a result that derives its JSON when asked
        return obj.__json__()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELDS.get(type(obj))
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(obj))
            names += tuple(getattr(obj, "_json_extra", ()))
            _FIELDS[type(obj)] = names
        return {n: getattr(obj, n) for n in names}
    if isinstance(obj, (frozenset, set)):
        return sorted(jsonable(v) for v in obj)
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    return str(obj)


def dumps(obj: Any) -> str:
    """``json.dumps(jsonable(obj))``, fast: the same text, NaN and infinities as null."""
    try:
        return json.dumps(obj, default=shallow, allow_nan=False, ensure_ascii=False)
    except ValueError:  # a NaN or infinity somewhere: take the careful path
        return json.dumps(jsonable(obj), ensure_ascii=False)


def frame(rows: Iterable[Any]) -> pd.DataFrame:
    """One row per result, one column per field (nested values kept as JSON data)."""
    df = pd.DataFrame([shallow(r) for r in rows])
    for col in df.columns:
        if df[col].dtype == object:
            values = df[col].tolist()
            if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
                df[col] = [jsonable(v) for v in values]
    return df
