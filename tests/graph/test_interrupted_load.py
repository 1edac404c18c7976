"""`kill -9` of the loader at any moment: the old ecosystem, or a refused half-load that
the same load repairs — never a half-written ecosystem taken for a whole one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tierscope.graph.errors import IncompleteLoad
from tierscope.graph.mapping import relationship_keys
from tierscope.graph.projection import read_projection, to_records
from tierscope.graph.schema import Records
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle, read_valid_bundle
from tierscope.loaders.generator import generate

COUNT_SNAPSHOT = "MATCH (n) WHERE n.snapshot = $snapshot RETURN count(n) AS n"


@pytest.fixture(scope="module")
def two_bundles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two generated ecosystems sharing most ids with different contents."""
    base = tmp_path_factory.mktemp("kill")
    return generate(1500, 1, base / "one").path, generate(1500, 2, base / "two").path


def canonical_in(store: Store) -> dict[str, list[tuple[tuple[str, object], ...]]]:
    return to_records(read_projection(store)).canonical()


def start_loader(path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tierscope", "load", str(path)],
        env=dict(env, TIERSCOPE_BATCH_SIZE="300"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("kill_at", [0.0, 0.25, 0.6, 0.95, 1.0])
def test_kill_9_then_the_same_load_ends_as_a_clean_load(
    kill_at: float, store: Store, two_bundles: tuple[Path, Path], test_env: dict[str, str]
) -> None:
    first, second = two_bundles
    load_bundle(first, store)
    before = canonical_in(store)
    records, snapshot = read_valid_bundle(second)
    expected: Records = records
    nodes = sum(len(records[t]) for t in ("companies", "items", "sites", "people", "kpis"))

    loader = start_loader(second, test_env)
    target = int(kill_at * nodes)
    deadline = time.monotonic() + 300
    while loader.poll() is None and time.monotonic() < deadline:
        state = store.state()
        written = store.count(COUNT_SNAPSHOT, snapshot=snapshot)
        if state.status == "loading" and written >= target and (kill_at < 1.0 or written > 0):
            # at 1.0 every node is written: the kill lands among the relationships or the sweep
            break
        time.sleep(0.01)
    if loader.poll() is None:
        os.kill(loader.pid, signal.SIGKILL)
        assert loader.wait() == -signal.SIGKILL
    else:  # it finished before the kill could land: it must have succeeded
        assert loader.returncode == 0

    state = store.state()
    if state.status == "complete":
        # killed before it began (old ecosystem intact) or after it finished (new one whole)
        assert canonical_in(store) in (before, expected.canonical())
    else:
        assert state.status == "loading"
        with pytest.raises(IncompleteLoad):
            read_projection(store)

    rerun = subprocess.run(
        [sys.executable, "-m", "tierscope", "load", str(second)],
        env=test_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert store.state().status == "complete"
    assert canonical_in(store) == expected.canonical()
    stale = store.count("MATCH (n) WHERE n.snapshot <> $s RETURN count(n) AS n", s=snapshot)
    assert stale == 0
    expected_rels = sum(len(keys) for keys in relationship_keys(records).values())
    assert store.count("MATCH ()-[r]->() RETURN count(r) AS n") == expected_rels
