"""The results of the loaded snapshot: the stored ones, or computed and stored now.

Every reader starts here. :func:`results` returns the stored run of the
snapshot in the database; when there is none (the load deferred the analysis,
or the results are of an older format or snapshot) or ``recompute`` is asked,
it reads the ecosystem, analyses it, stores the results and says so through
``say``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import read_projection
from tierscope.graph.reading import read_context
from tierscope.graph.store import Store
from tierscope.graph.stored import StoredRun, current_run, read_analysis, results_for
from tierscope.graph.storing import WriteSummary, write_results

__all__ = ["Results", "analyse_and_store", "ecosystem", "results"]


@dataclass(frozen=True)
class Results:
    """The current results: ``run`` as stored; ``analysis`` too when it was just computed."""

    run: StoredRun
    analysis: Analysis | None = None

    @property
    def recomputed(self) -> bool:
        return self.analysis is not None


def results(
    store: Store, recompute: bool = False, say: Callable[[str], None] = lambda _m: None
) -> Results:
    """The stored results of the loaded snapshot, computed and stored first when needed."""
    state = store.require_complete()
    stored = None if recompute else results_for(store, state.snapshot)
    if stored is not None:
        if mirror_stalled(stored):
            say(
                f"The Cypher mirror of these results (run {stored.run}, docs/results.md) is "
                "not being written: `tierscope mirror` writes it."
            )
        return Results(stored)
    if not recompute:
        say(f"No stored results for snapshot {state.snapshot}: analysing it now and storing them.")
    return analyse_and_store(store, say)


#: a mirror whose last batch is older than this has stopped (its batches take seconds)
MIRROR_SILENT = timedelta(minutes=5)


def mirror_stalled(run: StoredRun, now: datetime | None = None) -> bool:
    """Whether ``run``'s Cypher mirror is neither written nor being written (a mirror
    process died, or ``TIERSCOPE_MIRROR=off``)."""
    if run.mirrored:
        return False
    last = run.summary.get("mirror_at") or run.summary.get("readable_at")
    if last is None:
        return True
    at = last.to_native() if hasattr(last, "to_native") else last
    return bool((now or datetime.now(UTC)) - at > MIRROR_SILENT)


def analyse_and_store(store: Store, say: Callable[[str], None] = lambda _m: None) -> Results:
    """Read the loaded ecosystem, analyse it, store the results and make them current."""
    started = time.perf_counter()
    analysis = analyze(read_context(store))
    written = write_results(store, analysis)
    run = current_run(store)
    assert run is not None and run.run == written.run
    say(
        f"Analysed snapshot {analysis.snapshot} in {analysis.timings.get('total', 0.0):.1f} s and "
        f"stored the results in {written.seconds:.1f} s "
        f"({time.perf_counter() - started:.1f} s in all). {_mirror_said(written)}"
    )
    if os.environ.get("TIERSCOPE_TIMINGS"):
        say(f"Write timings: {written.parts}")
        if written.mirror is not None:
            say(f"Mirror timings: {written.mirror.parts}")
    return Results(run, analysis)


def _mirror_said(w: WriteSummary) -> str:
    if w.mirror is not None:
        return f"Their Cypher mirror took {w.mirror.seconds:.1f} s more."
    if w.mirror_pid is not None:
        return f"Their Cypher mirror (docs/results.md) is being written by process {w.mirror_pid}."
    return (
        "Their Cypher mirror is not written (TIERSCOPE_MIRROR=off): `tierscope mirror` writes it."
    )


def _read_for_checks(store: Store, run: StoredRun) -> Analysis:
    """The stored analysis of ``run``, its single points of failure decoded (what every
    dependency check reads; the rest is decoded when first read)."""
    analysis = read_analysis(store, run)
    analysis.single_points_of_failure  # noqa: B018 (decodes them now, in this thread)
    return analysis


def ecosystem(
    store: Store, recompute: bool = False, say: Callable[[str], None] = lambda _m: None
) -> Ecosystem:
    """The loaded snapshot with its results (stored, or computed and stored now), ready
    for the report, the views and the API."""
    found = results(store, recompute, say)
    if found.analysis is not None and found.analysis.context is not None:
        ctx, analysis = found.analysis.context, found.analysis
    else:
        # the stored results are read and their single points of failure decoded while
        # this thread waits for the server's columns of the context
        with ThreadPoolExecutor(1, thread_name_prefix="tierscope-results") as pool:
            stored = pool.submit(_read_for_checks, store, found.run)
            ctx = read_context(store)
            analysis = stored.result()
    if ctx.snapshot != analysis.snapshot:  # a load ended in between: start again
        return ecosystem(store, recompute, say)
    return Ecosystem.of(ctx, analysis, lambda: read_projection(store))
