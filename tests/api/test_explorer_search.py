"""The explorer's search index: the exact id first, then ids and names that start with
the text, then those that contain it; at most ``limit``, and whether there are more."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tierscope.api.explorer.catalogue import Entry, Grouped, SearchIndex

ENTRIES = [
    Entry("company", "TKS", "Taiwan Kinetic Semiconductor Co., Ltd.", "supplier · TW"),
    Entry("company", "TKS2", "Kinetic Two", "supplier · TW"),
    Entry("site", "SITE-TKS-HSINCHU", "TKS Fab 3 Hsinchu", "site of TKS"),
    Entry("item", "C-ASIC-MC", "Motor-control ASIC", "component"),
    Entry("person", "PER-1", "Jana Nováková", "sales"),
    Entry("company", "SINO", "<script>alert(1)</script>", "supplier · CN"),
]


def ids(hits: list[Entry]) -> list[str]:
    return [e.id for e in hits]


def test_the_exact_id_comes_first_then_prefixes_then_substrings() -> None:
    index = SearchIndex(ENTRIES)
    assert ids(index.find("tks")[0]) == ["TKS", "TKS2", "SITE-TKS-HSINCHU"]
    assert ids(index.find("TKS2")[0])[0] == "TKS2"
    assert ids(index.find("kinetic")[0]) == ["TKS2", "TKS"]  # a name's start, then inside
    assert ids(index.find("nováková")[0]) == ["PER-1"]
    assert ids(index.find("<script")[0]) == ["SINO"]
    assert index.find("  ") == ([], False)
    assert index.find("nothing like it") == ([], False)


def test_at_most_limit_and_says_when_there_are_more() -> None:
    index = SearchIndex(ENTRIES)
    hits, more = index.find("t", limit=2)
    assert len(hits) == 2 and more
    hits, more = index.find("tks", limit=3)
    assert len(hits) == 3 and not more


def test_no_hit_spans_an_id_and_its_name_or_two_entries() -> None:
    index = SearchIndex(ENTRIES)
    assert index.find("tks taiwan")[0] == []
    assert index.find("tks\ttaiwan")[0] == []
    assert index.find("mc\nper")[0] == []
    assert index.find("asic\nper-1")[0] == []


@given(st.lists(st.text(alphabet="abcAB-1 \t", min_size=1, max_size=6), min_size=1, max_size=40),
       st.text(alphabet="abcAB-1 \t\n", min_size=1, max_size=3))  # fmt: skip
def test_it_finds_what_a_scan_finds(names: list[str], q: str) -> None:
    entries = [Entry("company", f"C{k}", n, "") for k, n in enumerate(names)]
    hits, more = SearchIndex(entries).find(q, limit=len(entries))

    def clean(text: str) -> str:
        return text.replace("\n", " ").replace("\t", " ").lower()

    needle = clean(q.strip())
    expected = {
        e.id for e in entries if needle and (needle in clean(e.id) or needle in clean(e.name))
    }
    assert set(ids(hits)) == expected and not more
    assert len(ids(hits)) == len(set(ids(hits)))  # each once


def test_grouped_rows_are_every_row_of_the_key() -> None:
    rng = random.Random(3)
    keys = [rng.choice(["A", "B", "C", None]) for _ in range(500)]
    g = Grouped(keys)
    for key in ("A", "B", "C"):
        assert g.rows(key).tolist() == [k for k, x in enumerate(keys) if x == key]
    assert g.rows("D").tolist() == []
    assert isinstance(g.rows("A"), np.ndarray)
