"""`kill -9` of the loader mid-write: a refused half-load that the same load repairs —
never a half-written ecosystem taken for a whole one.

The loader is frozen (``SIGSTOP``) once the store shows the point of the load the
test aims at, the store is read while it cannot move on, and only then is it killed
(``SIGKILL``). A frozen loader sends nothing more; at most the one statement it
had already sent may still commit. The test asserts that the store it read was
mid-write — marked ``loading``, and with the old ecosystem not yet swept, so the
statement that marks the load complete (sent only after the sweep) was not sent —
and that the process died of the kill.
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
#: ecosystem nodes still stamped with another snapshot: not swept yet
COUNT_OLD = (
    "MATCH (n) WHERE (n:Company OR n:Site OR n:Item OR n:Person OR n:Kpi) "
    "AND n.snapshot <> $snapshot RETURN count(n) AS n"
)
NODE_TABLES = ("companies", "items", "sites", "people", "kpis")


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
        env=dict(env, TIERSCOPE_BATCH_SIZE="100"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def node_ids(records: Records) -> set[tuple[str, str]]:
    return {
        (t, str(i)) for t in ("companies", "items", "sites", "people") for i in records[t]["id"]
    }


@pytest.mark.parametrize("kill_at", [0.0, 0.25, 0.6, 0.95, 1.0])
def test_kill_9_then_the_same_load_ends_as_a_clean_load(
    kill_at: float, store: Store, two_bundles: tuple[Path, Path], test_env: dict[str, str]
) -> None:
    first, second = two_bundles
    load_bundle(first, store)
    records, snapshot = read_valid_bundle(second)
    expected: Records = records
    nodes = sum(len(records[t]) for t in NODE_TABLES)
    # the first bundle has nodes the second has not: the sweep has something to delete
    assert node_ids(read_valid_bundle(first)[0]) - node_ids(records)

    loader = start_loader(second, test_env)
    target = int(kill_at * nodes)  # at 1.0 every node is written: among relationships
    try:
        while loader.poll() is None:
            state = store.state()
            if (
                state.status == "loading"
                and state.loading_snapshot == snapshot
                and store.count(COUNT_SNAPSHOT, snapshot=snapshot) >= target
            ):
                break
            time.sleep(0.005)
        if loader.returncode is not None:
            pytest.fail(f"the load ended (code {loader.returncode}) before the kill could land")
        os.kill(loader.pid, signal.SIGSTOP)  # frozen: it sends nothing more
        mid = store.state()
        written = store.count(COUNT_SNAPSHOT, snapshot=snapshot)
        unswept = store.count(COUNT_OLD, snapshot=snapshot)
    finally:
        if loader.poll() is None:
            os.kill(loader.pid, signal.SIGKILL)
        loader.wait()
    assert loader.returncode == -signal.SIGKILL  # killed, not finished
    # it was mid-write when killed: loading this snapshot, at least `target` nodes
    # written, and the old ecosystem not swept (so "complete" was never sent)
    assert (mid.status, mid.loading_snapshot) == ("loading", snapshot)
    assert written >= target and unswept > 0
    if kill_at < 1.0:
        assert written < nodes  # among the nodes
    else:
        assert written == nodes  # among the relationships or the sweep

    state = store.state()
    assert state.status == "loading"  # the half-load is refused, not taken for a whole one
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
    # the ecosystem's relationships (the stored results have their own, stamped with a run)
    assert store.count("MATCH ()-[r]->() WHERE r.run IS NULL RETURN count(r) AS n") == expected_rels
