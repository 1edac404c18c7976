"""Rows keeps results as columns and reads them back as the same objects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierscope.graph.analysis.results import Rows, dumps, frame, jsonable


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    tier: int | None
    share: float
    below: bool


rows_strategy = st.lists(
    st.builds(
        Row,
        st.text(max_size=5),
        st.none() | st.integers(0, 9),
        st.floats(0, 1),
        st.booleans(),
    ),
    max_size=40,
)


def as_rows(items: list[Row], categorical: bool = False) -> Rows[Row]:
    names = np.array([r.name for r in items], dtype=object)
    return Rows(
        Row,
        {
            "name": pd.Categorical(names) if categorical else names,
            "tier": np.array([r.tier for r in items], dtype=object),
            "share": np.array([r.share for r in items], dtype=float),
            "below": np.array([r.below for r in items], dtype=bool),
        },
    )


@given(rows_strategy, st.booleans())
def test_rows_read_back_as_the_objects_they_hold(items: list[Row], categorical: bool) -> None:
    rows = as_rows(items, categorical)
    assert len(rows) == len(items)
    assert list(rows) == items
    assert rows == items
    for i in range(len(items)):
        assert rows[i] == items[i] and rows[-1 - i] == items[-1 - i]
    assert list(rows[1:3]) == items[1:3]
    picked = np.arange(len(items))[::-2]
    assert rows.take(picked) == [items[i] for i in picked]
    # Python types, not numpy scalars: JSON and equality see plain values
    for r in rows:
        assert type(r.share) is float and type(r.below) is bool
    assert json.loads(dumps(rows)) == jsonable(items)
    df = frame(rows)
    assert list(df.columns) == ["name", "tier", "share", "below"]
    assert df.to_dict("records") == [
        {"name": r.name, "tier": r.tier, "share": r.share, "below": r.below} for r in items
    ]
    # a column as codes: the same values, categorical or not
    codes, values = rows.codes("name")
    assert values[codes].tolist() == [r.name for r in items]
    assert rows.column("name").tolist() == [r.name for r in items]


def test_rows_iterate_in_steps_without_losing_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [Row(str(k), k % 3 or None, k / 1000, k % 2 == 0) for k in range(1000)]
    rows = as_rows(items)
    monkeypatch.setattr(Rows, "STEP", 7)
    assert list(rows) == items


def test_rows_refuse_columns_that_are_not_the_fields() -> None:
    with pytest.raises(ValueError, match="not the fields"):
        Rows(Row, {"name": ["a"], "tier": [1], "share": [0.5]})
    with pytest.raises(ValueError, match="different lengths"):
        Rows(Row, {"name": ["a"], "tier": [1], "share": [0.5], "below": [True, False]})
    with pytest.raises(IndexError, match="row 3 of 1"):
        as_rows([Row("a", 1, 0.5, True)])[3]


@dataclass(frozen=True, slots=True)
class Told:
    name: str
    share: float

    _json_extra: ClassVar[tuple[str, ...]] = ("sentence",)

    @property
    def sentence(self) -> str:
        return f"{self.share:.0%} from {self.name}"


def test_a_frame_of_rows_has_the_fields_json_derives() -> None:
    items = [Told("A", 0.5), Told("B", 0.25)]
    rows = Rows(Told, {"name": pd.Categorical(["A", "B"]), "share": np.array([0.5, 0.25])})
    assert frame(rows).to_dict("records") == frame(items).to_dict("records")
    assert frame(rows)["sentence"].tolist() == ["50% from A", "25% from B"]
