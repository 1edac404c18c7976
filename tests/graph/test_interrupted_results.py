"""`kill -9` while the results are written: what readers see stays whole, and the next
run completes and clears what the killed one left.

A run is written in two stages (graph/storing.py): its parts (then tierscope's readers
read it), then its Cypher mirror (then it is current for Cypher users). Killed in the
first, the previous run stays readable and current; killed in the second, the new run
is readable (its parts are whole) and the previous mirror stays current, whole.

As in test_interrupted_load.py, the writer is frozen (``SIGSTOP``) once the store
shows it mid-write, the store is read while it cannot move on, and only then is it
killed (``SIGKILL``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from tierscope.graph.analysis.codec import same
from tierscope.graph.analysis.run import analyze, index
from tierscope.graph.projection import read_projection
from tierscope.graph.store import Store
from tierscope.graph.stored import current_run, read_analysis
from tierscope.graph.storing import write_results
from tierscope.loaders.bundle import demo_bundle_path, load_bundle

WRITING = (
    "MATCH (s:Summary) WHERE s.status IN ['writing', 'mirroring'] AND NOT s.current "
    "RETURN s.run AS run, s.status AS status, COUNT { (p:ResultPart {run: s.run}) } AS parts, "
    "COUNT { (f:Finding {run: s.run}) } AS findings"
)
#: the findings a Cypher user sees (docs/results.md scopes every query this way)
FINDINGS = (
    "MATCH (s:Summary {current: true}) MATCH (f:Finding {run: s.run}) "
    "RETURN f.rank AS rank, f.sentence AS sentence ORDER BY rank"
)


def rows(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    with store.session() as session:
        return [r.data() for r in session.run(query, params)]


def mid_write(found: list[dict[str, Any]], stage: str, at_least: int) -> bool:
    if not found or found[0]["status"] != stage:
        return False
    return found[0]["parts" if stage == "writing" else "findings"] >= at_least


@pytest.mark.parametrize(
    ("stage", "at_least"), [("writing", 1), ("mirroring", 0), ("mirroring", 40)]
)
def test_kill_9_while_writing_results_keeps_what_readers_see_whole(
    stage: str, at_least: int, store: Store, test_env: dict[str, str]
) -> None:
    load_bundle(demo_bundle_path(), store)
    a = analyze(index(read_projection(store)))
    write_results(store, a)
    before = current_run(store)
    assert before is not None and before.mirrored
    findings_before = rows(store, FINDINGS)

    writer = subprocess.Popen(
        [sys.executable, "-m", "tierscope", "analyze", "--recompute", "--top", "1"],
        # small transactions: the kill lands between two of them
        env=dict(test_env, TIERSCOPE_RESULTS_BATCH="5", TIERSCOPE_PART_BYTES="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while writer.poll() is None:
            if mid_write(rows(store, WRITING), stage, at_least):
                break
            time.sleep(0.002)
        if writer.returncode is not None:
            pytest.fail(f"the write ended (code {writer.returncode}) before the kill could land")
        os.kill(writer.pid, signal.SIGSTOP)
        frozen = rows(store, WRITING)
        readable_while_writing = current_run(store)
    finally:
        if writer.poll() is None:
            os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    # it was mid-write, in the stage aimed at
    assert len(frozen) == 1 and mid_write(frozen, stage, at_least), frozen
    killed = frozen[0]["run"]
    assert readable_while_writing is not None

    # a Cypher user sees the previous run's findings, whole
    assert rows(store, FINDINGS) == findings_before
    after = current_run(store)
    assert after is not None and after.run == readable_while_writing.run
    if stage == "writing":  # readers read the previous run
        assert after.run == before.run
    else:  # readers read the new run: its parts are whole
        assert after.run == killed and not after.mirrored
    assert same(read_analysis(store, after), a)

    rerun = subprocess.run(
        [sys.executable, "-m", "tierscope", "analyze", "--recompute", "--top", "1"],
        env=test_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    final = current_run(store)
    assert final is not None and final.run not in (before.run, killed) and final.mirrored
    for run in (before.run, killed):
        assert rows(store, "MATCH (n {run: $run}) RETURN count(n) AS n", run=run) == [{"n": 0}]
        assert rows(store, "MATCH ()-[r {run: $run}]->() RETURN count(r) AS n", run=run) == [
            {"n": 0}
        ]
    assert rows(store, FINDINGS) == findings_before
    assert same(read_analysis(store, final), a)
