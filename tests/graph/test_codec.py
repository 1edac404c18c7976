"""The stored form of an analysis (graph/analysis/codec.py), without the store: what
:func:`encode` cuts, :func:`decode` gives back, part by part when first read, and the
evidence steps of the single points of failure are stored once each."""

from __future__ import annotations

import json
import zlib
from collections import Counter

import pytest

from tierscope.graph.analysis.codec import (
    FORMAT,
    SPOF_TABLES,
    STEPS,
    Part,
    StoredAnalysis,
    decode,
    encode,
    same,
)
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.projection import projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle
from tierscope.loaders.generator import generate


@pytest.fixture(scope="module")
def demo() -> Analysis:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    return analyze(projection_from_records(records, snapshot))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    path = generate(800, 5, tmp_path_factory.mktemp("codec") / "gen").path
    records, snapshot = read_valid_bundle(path)
    return analyze(projection_from_records(records, snapshot))


def rows_of(parts: list[Part], table: str) -> list[list[object]]:
    return [
        row
        for p in sorted(parts, key=lambda p: p.seq)
        if p.table == table
        for row in json.loads(zlib.decompress(p.data))
    ]


@pytest.mark.parametrize("which", ["demo", "generated"])
def test_decode_gives_back_the_analysis(which: str, request: pytest.FixtureRequest) -> None:
    a: Analysis = request.getfixturevalue(which)
    assert a.single_points_of_failure  # so that the explanations are checked
    assert same(decode(encode(a)), a)


def test_each_evidence_step_is_stored_once_and_named_by_index(generated: Analysis) -> None:
    parts = list(encode(generated))
    steps = rows_of(parts, STEPS)
    assert len({json.dumps(s) for s in steps}) == len(steps)  # no step twice
    used: Counter[int] = Counter()
    for table in SPOF_TABLES:
        for _product, _node, _type, _path, ids, _assumed in rows_of(parts, table):
            used.update(ids)
    assert set(used) == set(range(len(steps)))  # every step is used, every index resolves
    assert sum(used.values()) > len(steps)  # and the points of failure share steps
    # the texts the indexes name are the explanations' own, in order
    for s, row in zip(
        generated.single_points_of_failure,
        rows_of(parts, "single_points_of_failure"),
        strict=True,
    ):
        assert [steps[i][3] for i in row[4]] == [step.text for step in s.evidence]


def test_a_part_is_decoded_when_first_read(generated: Analysis) -> None:
    b = decode(encode(generated))
    assert isinstance(b, StoredAnalysis)
    assert "register" not in vars(b) and "coverage" not in vars(b)
    assert [s.node_id for s in b.single_points_of_failure] == [
        s.node_id for s in generated.single_points_of_failure
    ]
    assert "register" not in vars(b)  # reading one part decodes that part alone
    assert [f.sentence for f in b.register] == [f.sentence for f in generated.register]
    assert b.register is b.register  # decoded once, then kept
    b.register = []  # and replaceable, as any analysis' attribute
    assert b.register == []


def test_another_format_is_refused_with_its_number(demo: Analysis) -> None:
    parts = list(encode(demo))
    meta = json.loads(zlib.decompress(parts[0].data))
    meta["format"] = FORMAT - 1
    parts[0] = Part("meta", "", 0, "json", 1, zlib.compress(json.dumps(meta).encode()))
    with pytest.raises(ValueError, match=f"format {FORMAT - 1}, not {FORMAT}"):
        decode(parts)
