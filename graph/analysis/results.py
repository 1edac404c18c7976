"""Turning analysis results into JSON and pandas.

Results are frozen dataclasses. :func:`jsonable` turns any of them (and the
tuples, frozensets and floats inside) into plain JSON types; :func:`dumps`
writes the same JSON text straight from them, letting the C encoder walk the
lists and strings (a 100,000-company analysis is tens of millions of values);
:func:`frame` turns a list of them into a ``DataFrame`` with one column per
field. :class:`Rows` keeps a long list of results of one type as columns.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np
import pandas as pd

__all__ = ["Rows", "dumps", "frame", "jsonable", "shallow"]

T = TypeVar("T")


class Rows(Sequence[T], Generic[T]):
    """Many results of one dataclass type, kept as columns, read as objects.

    Ten million exposures as objects take gigabytes; as one numpy array per
    field they take a few hundred bytes a row less. A column of ids repeated
    over millions of rows may be a ``pandas.Categorical`` (integer codes into
    the distinct ids): it is read like the others, and :meth:`codes` hands out
    its codes without hashing a string. Indexing and iterating give ``row``
    objects (made when read); :meth:`frame` gives the columns as a
    ``DataFrame`` without making any; JSON writes the objects.
    """

    __slots__ = ("_columns", "_n", "row")

    #: rows made per step while iterating (bounds the temporary lists)
    STEP = 65_536

    def __init__(self, row: type[T], columns: Mapping[str, Any]) -> None:
        names = [f.name for f in dataclasses.fields(row)]  # type: ignore[arg-type]
        if sorted(columns) != sorted(names):
            raise ValueError(f"columns {sorted(columns)} are not the fields {sorted(names)}")
        self.row = row
        self._columns = [_column(columns[n]) for n in names]
        lengths = {len(c) for c in self._columns}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths {sorted(lengths)}")
        self._n = lengths.pop() if lengths else 0

    @classmethod
    def empty(cls, row: type[T]) -> Rows[T]:
        return cls(row, {f.name: [] for f in dataclasses.fields(row)})  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Rows[T]: ...
    def __getitem__(self, i: int | slice) -> T | Rows[T]:
        names = [f.name for f in dataclasses.fields(self.row)]  # type: ignore[arg-type]
        if isinstance(i, slice):
            return Rows(self.row, {n: c[i] for n, c in zip(names, self._columns, strict=True)})
        if not -self._n <= i < self._n:
            raise IndexError(f"row {i} of {self._n}")
        i %= self._n
        return self.row(*(c[i : i + 1].tolist()[0] for c in self._columns))

    def take(self, positions: np.ndarray) -> list[T]:
        """The rows at ``positions`` (integers), as objects: one gather per column."""
        columns = [
            np.asarray(c.categories, dtype=object)[c.codes[positions]].tolist()
            if isinstance(c, pd.Categorical)
            else c[positions].tolist()
            for c in self._columns
        ]
        return [self.row(*v) for v in zip(*columns, strict=True)]

    def __iter__(self) -> Iterator[T]:
        for start in range(0, self._n, self.STEP):
            values = [c[start : start + self.STEP].tolist() for c in self._columns]
            for v in zip(*values, strict=True):
                yield self.row(*v)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.row is other.row and list(self) == list(other)
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows[{self.row.__name__}]({self._n} rows)"

    def __json__(self) -> list[T]:
        return list(self)

    def column(self, name: str) -> np.ndarray:
        """The values of field ``name``, one per row (the array held, or made from a
        categorical column's codes: do not change it)."""
        return np.asarray(self._held(name))

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Field ``name`` as integer codes, one per row, and the values they stand for
        (a categorical column's own codes; any other column factorised)."""
        c = self._held(name)
        if isinstance(c, pd.Categorical):
            return np.asarray(c.codes, dtype=np.int64), np.asarray(c.categories, dtype=object)
        codes, uniques = pd.factorize(c)
        return codes, np.asarray(uniques, dtype=object)

    def _held(self, name: str) -> np.ndarray | pd.Categorical:
        names = [f.name for f in dataclasses.fields(self.row)]  # type: ignore[arg-type]
        if name not in names:
            raise KeyError(f"{self.row.__name__} has no field {name!r}; it has {names}")
        return self._columns[names.index(name)]

    def frame(self) -> pd.DataFrame:
        """The columns as a ``DataFrame`` (missing values as ``None``), with the derived
        fields JSON shows (``_json_extra``) read from the rows as objects."""
        names = [f.name for f in dataclasses.fields(self.row)]  # type: ignore[arg-type]
        df = pd.DataFrame(dict(zip(names, self._columns, strict=True)))
        for extra in getattr(self.row, "_json_extra", ()):
            df[extra] = [getattr(r, extra) for r in self]
        return df


def _column(values: Any) -> np.ndarray | pd.Categorical:
    return values if isinstance(values, pd.Categorical) else np.asarray(values)


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
    if isinstance(rows, Rows):
        return rows.frame()
    df = pd.DataFrame([shallow(r) for r in rows])
    for col in df.columns:
        if df[col].dtype == object:
            values = df[col].tolist()
            if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
                df[col] = [jsonable(v) for v in values]
    return df
