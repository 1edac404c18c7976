"""Property test: any names and extra values, in any script, survive CSV -> Neo4j -> networkx."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierscope.graph.projection import read_projection, to_records
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle, read_valid_bundle

# Any text a bundle may hold: no lone surrogates, not blank, and no control character
# but tab, line feed and carriage return (the loader refuses the others by file, row
# and column: tests/loaders/test_hostile_input.py).
REFUSED = "".join(chr(c) for c in [*range(0x20), 0x7F] if chr(c) not in "\t\n\r")
cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=REFUSED),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(cell, min_size=2, max_size=6),
    notes=st.lists(st.one_of(st.none(), cell), min_size=2, max_size=6),
    shares=st.lists(st.integers(0, 1000), min_size=1, max_size=4),
)
def test_any_text_survives_the_round_trip(
    store: Store, names: list[str], notes: list[str | None], shares: list[int]
) -> None:
    n = len(names)
    companies = pd.DataFrame(
        {
            "id": [f"C{i}" for i in range(n)],
            "name": names,
            "kind": ["focal"] + ["supplier"] * (n - 1),
            "country": ["DE"] * n,
            "note": [(notes[i] if i < len(notes) else None) for i in range(n)],
        }
    )
    total = sum(shares) or 1
    supplies = pd.DataFrame(
        {
            "supplier_id": [f"C{1 + i % (n - 1)}" for i in range(len(shares))],
            "buyer_id": ["C0"] * len(shares),
            "item_id": [f"I{i}" for i in range(len(shares))],
            "share": [s / total / 2 for s in shares],
        }
    )
    items = pd.DataFrame(
        {"id": [f"I{i}" for i in range(len(shares))], "name": "x", "kind": "component"}
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Quote every field, as spreadsheets do: pandas' minimal quoting leaves a lone
        # carriage return bare, which every CSV reader takes for a line break.
        companies.to_csv(folder / "companies.csv", index=False, quoting=csv.QUOTE_ALL)
        supplies.to_csv(folder / "supplies.csv", index=False, quoting=csv.QUOTE_ALL)
        items.to_csv(folder / "items.csv", index=False, quoting=csv.QUOTE_ALL)
        records, _ = read_valid_bundle(folder)
        assert records["companies"]["name"].tolist() == names
        load_bundle(folder, store)
    assert to_records(read_projection(store)).canonical() == records.canonical()
