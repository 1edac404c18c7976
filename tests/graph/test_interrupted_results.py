"""`kill -9` while the results are written: the previous results stay current and whole,
and the next run completes and clears what the killed one left.

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
from tierscope.graph.stored import current_run, read_analysis, write_results
from tierscope.loaders.bundle import demo_bundle_path, load_bundle

WRITING = (
    "MATCH (s:Summary {status: 'writing'}) "
    "RETURN s.run AS run, COUNT { (f:Finding {run: s.run}) } AS findings"
)
FINDINGS = (
    "MATCH (s:Summary {current: true}) MATCH (f:Finding {run: s.run}) "
    "RETURN f.rank AS rank, f.sentence AS sentence ORDER BY rank"
)


def rows(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    with store.session() as session:
        return [r.data() for r in session.run(query, params)]


@pytest.mark.parametrize("findings_written", [0, 40])
def test_kill_9_while_writing_results_keeps_the_previous_ones(
    findings_written: int, store: Store, test_env: dict[str, str]
) -> None:
    load_bundle(demo_bundle_path(), store)
    a = analyze(index(read_projection(store)))
    write_results(store, a)
    before = current_run(store)
    assert before is not None
    findings_before = rows(store, FINDINGS)

    writer = subprocess.Popen(
        [sys.executable, "-m", "tierscope", "analyze", "--recompute", "--top", "1"],
        env=dict(test_env, TIERSCOPE_RESULTS_BATCH="5"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while writer.poll() is None:
            mid = rows(store, WRITING)
            if mid and mid[0]["findings"] >= findings_written:
                break
            time.sleep(0.005)
        if writer.returncode is not None:
            pytest.fail(f"the write ended (code {writer.returncode}) before the kill could land")
        os.kill(writer.pid, signal.SIGSTOP)
        frozen = rows(store, WRITING)
        current_while_writing = current_run(store)
    finally:
        if writer.poll() is None:
            os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    # it was mid-write: a run marked writing, with at least the findings aimed at
    assert len(frozen) == 1 and frozen[0]["findings"] >= findings_written
    killed = frozen[0]["run"]
    assert current_while_writing is not None and current_while_writing.run == before.run

    # the previous results are current and whole
    after = current_run(store)
    assert after is not None and after.run == before.run
    assert rows(store, FINDINGS) == findings_before
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
    assert final is not None and final.run not in (before.run, killed)
    assert rows(store, "MATCH (n {run: $run}) RETURN count(n) AS n", run=killed) == [{"n": 0}]
    assert rows(store, "MATCH ()-[r {run: $run}]->() RETURN count(r) AS n", run=killed) == [
        {"n": 0}
    ]
    assert rows(store, FINDINGS) == findings_before
    assert same(read_analysis(store, final), a)
