"""The Cypher mirror of stored results, written in the background, later, or again.

graph/storing.py makes a run readable once its parts are written, then has its mirror
written (graph/mirror.py) by a process of its own (``TIERSCOPE_MIRROR=background``, the
default), here (``wait``, what the rest of the suite uses) or not at all (``off``, then
``tierscope mirror``). These tests take the other modes and the mirror's own guards.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tierscope.graph.analysis.run import Analysis, analyze, index
from tierscope.graph.current import mirror_stalled
from tierscope.graph.errors import TierscopeError
from tierscope.graph.mirror import write_mirror
from tierscope.graph.projection import read_projection
from tierscope.graph.store import Store
from tierscope.graph.stored import StoredRun, current_run
from tierscope.graph.storing import MirrorMode, mirror_mode, write_results
from tierscope.loaders.bundle import demo_bundle_path, load_bundle

MIRROR = (
    "MATCH (s:Summary {current: true}) "
    "RETURN s.run AS run, COUNT { (f:Finding {run: s.run}) } AS findings, "
    "COUNT { ()-[:SINGLE_POINT_OF_FAILURE_FOR {run: s.run}]->() } AS spofs"
)


def rows(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    with store.session() as session:
        return [r.data() for r in session.run(query, params)]


def loaded(store: Store) -> Analysis:
    load_bundle(demo_bundle_path(), store)
    return analyze(index(read_projection(store)))


def whole(a: Analysis, run: str) -> list[dict[str, Any]]:
    """The mirror a Cypher user should see: ``run`` current with every finding."""
    spofs = len(a.single_points_of_failure) + len(a.country_outages)
    return [{"run": run, "findings": len(a.register), "spofs": spofs}]


def tierscope(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_in_the_background_the_answer_comes_first_and_the_mirror_follows(
    store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    a = loaded(store)
    env = dict(test_env, TIERSCOPE_MIRROR="background", TIERSCOPE_HOME=str(tmp_path))
    done = tierscope(env, "analyze", "--recompute", "--top", "1")
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "Their Cypher mirror (docs/results.md) is being written by process" in said
    pid = int(said.split("written by process ")[1].split(".")[0])
    run = current_run(store)
    assert run is not None

    deadline = time.monotonic() + 300
    while not rows(store, MIRROR) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rows(store, MIRROR) == whole(a, run.run)
    # the mirror process ends once its run is current (it is not our child: poll /proc)
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.1)
    assert (tmp_path / "logs" / "mirror.log").exists()


def test_off_leaves_the_mirror_to_tierscope_mirror(store: Store, test_env: dict[str, str]) -> None:
    a = loaded(store)
    env = dict(test_env, TIERSCOPE_MIRROR="off")
    done = tierscope(env, "analyze", "--recompute", "--top", "1")
    assert done.returncode == 0, done.stderr
    assert "`tierscope mirror` writes it" in " ".join(done.stderr.split())
    run = current_run(store)
    assert run is not None and not run.mirrored
    assert rows(store, MIRROR) == []

    first = tierscope(test_env, "mirror")
    assert first.returncode == 0, first.stderr
    assert f"Wrote the Cypher mirror of run {run.run}" in first.stdout
    assert rows(store, MIRROR) == whole(a, run.run)
    again = tierscope(test_env, "mirror")
    assert again.returncode == 0, again.stderr
    assert f"The mirror of run {run.run} is already written." in again.stdout
    other = tierscope(test_env, "mirror", "--run", "nope")
    assert other.returncode == 1
    assert f"Run 'nope' is not the readable one ({run.run})" in " ".join(other.stderr.split())


def test_a_run_replaced_while_mirrored_stops_and_leaves_nothing(store: Store) -> None:
    a = loaded(store)
    old = write_results(store, a, mirror=MirrorMode.off).run
    new = write_results(store, a, mirror=MirrorMode.off).run
    done = write_mirror(store, old, a)
    assert not done.completed
    assert rows(store, "MATCH (n {run: $run}) RETURN count(n) AS n", run=old) == [{"n": 0}]
    assert rows(store, "MATCH ()-[r {run: $run}]->() RETURN count(r) AS n", run=old) == [{"n": 0}]
    readable = current_run(store)
    assert readable is not None and readable.run == new
    assert write_mirror(store, new, a).completed
    assert rows(store, MIRROR) == whole(a, new)


def test_a_mirror_written_again_replaces_what_an_interrupted_one_left(store: Store) -> None:
    a = loaded(store)
    run = write_results(store, a, mirror=MirrorMode.off).run
    # what a mirror process killed after its first batch leaves behind
    with store.session() as session:
        session.run(
            "MATCH (s:Summary {run: $run}) SET s.mirror_at = datetime() "
            "CREATE (:Finding {run: $run, rank: 1, sentence: 'left by a killed mirror'})",
            run=run,
        ).consume()
    assert write_mirror(store, run, a).completed
    assert rows(store, MIRROR) == whole(a, run)
    left = rows(
        store, "MATCH (f:Finding {sentence: 'left by a killed mirror'}) RETURN count(f) AS n"
    )
    assert left == [{"n": 0}]


def test_the_mirror_mode_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSCOPE_MIRROR", "Later")
    with pytest.raises(TierscopeError) as e:
        mirror_mode()
    assert str(e.value) == "TIERSCOPE_MIRROR must be one of background, wait, off, got 'later'"
    monkeypatch.setenv("TIERSCOPE_MIRROR", "")
    assert mirror_mode() is MirrorMode.background


def test_a_mirror_silent_for_five_minutes_is_reported_as_stalled() -> None:
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)

    def run(**summary: Any) -> StoredRun:
        return StoredRun("r1", "s1", summary)

    assert not mirror_stalled(run(current=True), now)
    assert mirror_stalled(run(current=False), now)  # no trace of a mirror at all
    assert not mirror_stalled(run(mirror_at=now - timedelta(minutes=4)), now)
    assert mirror_stalled(run(mirror_at=now - timedelta(minutes=6)), now)
    # TIERSCOPE_MIRROR=off: readable for six minutes and no mirror started
    assert mirror_stalled(run(readable_at=now - timedelta(minutes=6)), now)
    assert not mirror_stalled(run(readable_at=now - timedelta(seconds=10)), now)
