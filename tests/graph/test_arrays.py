"""The sorting helpers against numpy's own (slower) functions, on random integer columns."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tierscope.graph.analysis import arrays

small = st.lists(st.integers(0, 40), max_size=60)
wide = st.lists(st.integers(0, 2**62), max_size=60)


@settings(max_examples=300)
@given(st.one_of(small, wide))
def test_unique_and_its_inverse_are_numpys(values: list[int]) -> None:
    x = np.array(values, dtype=np.int64)
    expected, inverse = np.unique(x, return_inverse=True)
    assert arrays.unique(x).tolist() == expected.tolist()
    got, got_inverse = arrays.unique_inverse(x)
    assert got.tolist() == expected.tolist()
    assert got_inverse.tolist() == inverse.reshape(-1).tolist()


@settings(max_examples=300)
@given(st.one_of(small, wide))
def test_argsort_is_a_stable_argsort(values: list[int]) -> None:
    x = np.array(values, dtype=np.int64)
    # packed with the positions when they fit, numpy's stable sort when they do not
    assert arrays.argsort(x).tolist() == np.argsort(x, kind="stable").tolist()


@settings(max_examples=300)
@given(st.sets(st.tuples(st.integers(0, 5), st.integers(0, 300), st.integers(0, 2)), max_size=50))
def test_order_sorts_distinct_rows_by_each_key(distinct: set[tuple[int, int, int]]) -> None:
    rows = sorted(distinct, key=hash)  # in no particular order
    cols = [np.array([r[k] for r in rows], dtype=np.int64) for k in range(3)]
    expected = sorted(range(len(rows)), key=lambda i: rows[i])
    assert arrays.order((cols[0], 6), (cols[1], 301), (cols[2], 3)).tolist() == expected
    # too wide to pack with the positions: a plain sort of the packed keys
    assert arrays.order((cols[0], 2**20), (cols[1], 2**36), (cols[2], 3)).tolist() == expected
    # too wide to pack at all: a lexicographic sort
    assert arrays.order((cols[0], 2**40), (cols[1], 2**40), (cols[2], 3)).tolist() == expected


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=40))
def test_first_largest_picks_each_groups_first_maximum(rows: list[tuple[int, int]]) -> None:
    rows = sorted(rows, key=lambda r: r[0])  # grouped; values in any order within
    group = np.array([g for g, _ in rows], dtype=np.int64)
    value = np.array([v for _, v in rows], dtype=float)
    expected = []
    for g in sorted(set(group.tolist())):
        positions = [i for i, (h, _) in enumerate(rows) if h == g]
        best = max(value[i] for i in positions)
        expected.append(next(i for i in positions if value[i] == best))
    assert arrays.first_largest(group, value).tolist() == expected


@given(st.sets(st.tuples(st.integers(0, 3), st.integers(0, 50), st.integers(0, 9)), max_size=40))
def test_order_runs_sorts_within_each_group(distinct: set[tuple[int, int, int]]) -> None:
    rows = sorted(distinct, key=lambda r: (r[0], hash(r)))  # grouped, else in any order
    group, a, b = (np.array([r[k] for r in rows], dtype=np.int64) for k in range(3))
    expected = sorted(range(len(rows)), key=lambda i: rows[i])
    assert arrays.order_runs(group, (a, 51), (b, 10)).tolist() == expected


@given(st.sets(st.integers(0, 60), max_size=30), st.lists(st.integers(0, 60), max_size=30))
def test_find_gives_each_position_or_minus_one(present: set[int], wanted: list[int]) -> None:
    values = np.array(sorted(present), dtype=np.int64)
    expected = [sorted(present).index(w) if w in present else -1 for w in wanted]
    assert arrays.find(values, np.array(wanted, dtype=np.int64)).tolist() == expected


names = st.sets(st.text("ABC", max_size=3), max_size=12)


@given(names, names)
def test_union_merges_two_sorted_sets_of_names(a: set[str], b: set[str]) -> None:
    left, right = np.array(sorted(a), dtype=object), np.array(sorted(b), dtype=object)
    merged, at_left, at_right = arrays.union(left, right)
    assert merged.tolist() == sorted(a | b)
    assert merged[at_left].tolist() == sorted(a) and merged[at_right].tolist() == sorted(b)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=30))
def test_ranges_lists_each_run_in_turn(runs: list[tuple[int, int]]) -> None:
    starts = np.array([a for a, _ in runs], dtype=np.int64)
    lengths = np.array([n for _, n in runs], dtype=np.int64)
    expected = [a + k for a, n in runs for k in range(n)]
    assert arrays.ranges(starts, lengths).tolist() == expected


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 10**6)), max_size=60))
def test_csr_groups_links_by_source_in_link_order(links: list[tuple[int, int]]) -> None:
    source = np.array([a for a, _ in links], dtype=np.int64)
    target = np.array([b for _, b in links], dtype=np.int64)
    bounds, flat = arrays.csr(source, target, 10)
    for v in range(10):
        assert flat[bounds[v] : bounds[v + 1]].tolist() == [b for a, b in links if a == v]
    assert bounds[-1] == len(links)


@settings(max_examples=300)
@given(st.one_of(small, wide))
def test_counted_is_numpys_unique_with_counts(values: list[int]) -> None:
    x = np.array(values, dtype=np.int64)
    expected, counts = np.unique(x, return_counts=True)
    got, got_counts = arrays.counted(x)
    assert got.tolist() == expected.tolist()
    assert got_counts.tolist() == counts.tolist()
