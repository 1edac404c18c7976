"""Analysis speed and memory, and the exact single points of failure against the oracle.

    python bench/analysis.py [--sizes 10000,100000,1000000] [--oracle-sizes 1000,5000]
                             [--seed 1] [--repeat 3] [--repeat-large 1]

For each size, in a fresh subprocess (so that peak memory is that size's own):

1. generates a bundle of that many companies (cached under .tierscope/bench-data)
   and reads it with the loader's validation (timed, not part of the analysis);
2. builds the networkx projection from the rows (timed: what reading Neo4j
   ends in, without the database);
3. runs the full analysis as ``tierscope analyze`` does (index the projection,
   drop it, analyse the index) and prints the time of each part and the peak
   resident memory during it (sampled every 20 ms), then the process's peak.
   Sizes below 1,000,000 are analysed ``--repeat`` times, 1,000,000 and above
   ``--repeat-large`` times, and the run with the median total is reported, with
   every run's total: on these shared machines a run moves by a third at 100,000
   and by a quarter at 1,000,000, and the growth target divides one by the other.
   Each run is a child forked from the process holding the projection, so that
   every run, as ``tierscope analyze`` does, drops the projection once indexed
   and analyses in the memory it leaves. Before the clock starts, the child
   touches every object of the projection, so that its pages are its own as in
   a process that built it (copy-on-write copies are not timed). Until
   2026-11-24 the runs before the last kept the projection; the last, which
   dropped it, was the fastest at 1,000,000 in both measurements made so. The
   memory target is read from the largest peak of any run. The evidence of
   every pair is timed once, in the last run.

Then, for each oracle size, in one process on the same supply model: the exact
algorithm (necessity sets plus listing every single point of failure with its
evidence) against the brute-force oracle (one full re-evaluation per company
and site), checks that both give the same answer, and prints the speed-up.

Targets (issue 3): analysis of 100,000 companies < 60 s; 1,000,000 < 15 min
within 16 GiB; 1,000,000 no more than 15 x the time of 100,000; the exact
algorithm >= 100 x faster than the oracle at 5,000 companies.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
GiB = 2**30


def bundle(companies: int, seed: int) -> Path:
    from tierscope.loaders.generator import generate

    out = REPO / ".tierscope" / "bench-data" / f"companies-{companies}-seed-{seed}"
    if not (out / "companies.csv").exists() or not (out / "supplies.csv").exists():
        generate(companies, seed, out)
    return out


class Sampler(threading.Thread):
    """Resident memory of this process every ``every`` seconds."""

    def __init__(self, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.every, self.samples = every, [(time.perf_counter(), self._rss())]
        self._halt = threading.Event()

    @staticmethod
    def _rss() -> int:
        return int(psutil.Process().memory_info().rss)

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.samples.append((time.perf_counter(), self._rss()))

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.samples.append((time.perf_counter(), self._rss()))

    def peak(self, start: float, end: float) -> int:
        inside = [r for t, r in self.samples if start <= t <= end]
        return max(inside) if inside else 0


def one_size(companies: int, seed: int, repeat: int) -> dict[str, Any]:
    """Analyse ``companies`` ``repeat`` times on one projection; the run of median
    total time is reported, with every run's total beside it."""
    from tierscope.graph.analysis.run import paused_gc
    from tierscope.graph.projection import projection_from_records
    from tierscope.loaders.bundle import read_valid_bundle

    head: dict[str, Any] = {"companies": companies}
    data = bundle(companies, seed)
    t = time.perf_counter()
    records, snapshot = read_valid_bundle(data)
    head["read_bundle_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with paused_gc():
        g = projection_from_records(records, snapshot)
    head["projection_s"] = time.perf_counter() - t
    head["projection_nodes"], head["projection_edges"] = g.number_of_nodes(), g.number_of_edges()
    del records
    gc.collect()
    holder = [g]
    del g
    runs = [_forked(companies, holder, evidence=k == repeat - 1) for k in range(repeat)]
    totals = [r["analysis_s"] for r in runs]
    median = sorted(range(repeat), key=lambda k: totals[k])[(repeat - 1) // 2]
    out = head | runs[median]
    out["runs_s"] = totals
    out["largest_peak_rss_gib"] = max(r["analysis_peak_rss_gib"] for r in runs)
    # the evidence of every pair is timed in the last run only
    for key in ("evidence_all_pairs_s", "evidence_steps"):
        out[key] = runs[-1][key]
    out["process_peak_rss_gib"] = max(
        resource.getrusage(who).ru_maxrss / 2**20
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return out


def _forked(companies: int, holder: list[Any], evidence: bool) -> dict[str, Any]:
    """One run in a child forked from this process, which keeps the projection for
    the next run; the child's figures come back as JSON through a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: analyse, report, leave without cleaning up
        os.close(read)
        code = 1
        try:
            with os.fdopen(write, "w") as pipe:
                pipe.write(json.dumps(_one_run(companies, holder, evidence)))
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not text:
        raise RuntimeError(f"the run of {companies:,} companies failed (status {status})")
    result: dict[str, Any] = json.loads(text)
    return result


def _own(g: Any) -> None:
    """Touch every object of projection ``g`` (its reference count changes), so that this
    forked child holds its own copy of each memory page before the clock starts, as a
    process that built the projection does: copy-on-write faults would otherwise be
    timed in the index (0.7-1 s of its 3-4 s at 100,000 companies)."""
    for _, d in g.nodes(data=True):
        for _ in d.values():
            pass
    for _, neighbours in g.succ.items():
        for _, keys in neighbours.items():
            for _, d in keys.items():
                for _ in d.values():
                    pass
    # the predecessors' dictionaries hold the same edge dictionaries: their own level only
    for _, neighbours in g.pred.items():
        for _ in neighbours.items():
            pass


def _one_run(companies: int, holder: list[Any], evidence: bool) -> dict[str, Any]:
    from tierscope.graph.analysis.run import analyze, index

    out: dict[str, Any] = {}
    t = time.perf_counter()
    _own(holder[0])
    print(
        f"    {companies:,}: own copy of the projection {time.perf_counter() - t:.1f} s",
        file=sys.stderr,
    )
    sampler = Sampler()
    sampler.start()
    out["rss_before_analysis_gib"] = sampler.samples[0][1] / GiB
    # as `tierscope analyze` does: index the projection, drop it, analyse the index
    t0 = time.perf_counter()
    ctx = index(holder[0])
    t_index = time.perf_counter()
    holder.clear()
    gc.collect()
    t_freed = time.perf_counter()

    def say(name: str, seconds: float) -> None:
        rss = Sampler._rss() / GiB
        print(f"    {companies:,}: {name} {seconds:.1f} s, now {rss:.2f} GiB", file=sys.stderr)

    say("index", t_index - t0)
    a = analyze(ctx, progress=say)
    t1 = time.perf_counter()
    sampler.stop()
    out["analysis_s"] = (t_index - t0) + (t1 - t_freed)
    out["analysis_peak_rss_gib"] = sampler.peak(t0, t1) / GiB
    out["parts"] = {"index": {"s": t_index - t0, "peak_rss_gib": sampler.peak(t0, t_index) / GiB}}
    out["parts"] |= {
        name: {"s": a.timings[name], "peak_rss_gib": sampler.peak(*a.spans[name]) / GiB}
        for name in a.spans
        if name != "total"
    }
    out["evidence_all_pairs_s"] = out["evidence_steps"] = None
    if evidence:
        # the evidence of every pair is derived when read (JSON, API, report): time it apart
        t = time.perf_counter()
        steps = sum(len(s.explained()[0]) for s in a.single_points_of_failure)
        out["evidence_all_pairs_s"] = time.perf_counter() - t
        out["evidence_steps"] = steps
    out["findings"] = len(a.register)
    out["single_points_of_failure"] = len(a.single_points_of_failure)
    return out


def oracle_size(companies: int, seed: int) -> dict[str, Any]:
    from tierscope.graph.analysis.availability import SupplyModel
    from tierscope.graph.analysis.goals import GoalGraph
    from tierscope.graph.analysis.oracle import brute_force_single_points_of_failure
    from tierscope.graph.analysis.spof import necessity, single_points_of_failure
    from tierscope.graph.projection import projection_from_records
    from tierscope.loaders.bundle import read_valid_bundle

    records, snapshot = read_valid_bundle(bundle(companies, seed))
    g = projection_from_records(records, snapshot)
    m = SupplyModel.from_projection(g)
    t = time.perf_counter()
    spofs = single_points_of_failure(necessity(GoalGraph.build(m)))
    exact_s = time.perf_counter() - t
    t = time.perf_counter()
    oracle = brute_force_single_points_of_failure(g)  # reads the records itself
    oracle_s = time.perf_counter() - t
    exact: dict[str, set[str]] = {}
    for s in spofs:
        exact.setdefault(s.node_id, set()).add(s.product_id)
    return {
        "companies": companies,
        "nodes_failed_by_oracle": len(m.company_country) - 1 + len(m.site_company),
        "exact_s": exact_s,
        "oracle_s": oracle_s,
        "speedup": oracle_s / exact_s,
        "same_answer": exact == {n: set(ps) for n, ps in oracle.items()},
        "pairs": len(spofs),
    }


def in_subprocess(flag: str, companies: int, seed: int, repeat: int = 1) -> dict[str, Any]:
    cmd = [sys.executable, __file__, flag, str(companies), "--seed", str(seed)]
    cmd += ["--repeat", str(repeat)]
    # stderr passes through: the parts show as they finish, even if the run is killed
    run = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if run.returncode != 0:
        return {"companies": companies, "error": f"exit {run.returncode} (see above)"}
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def report(sizes: list[dict[str, Any]], oracles: list[dict[str, Any]]) -> None:
    print("\nFull analysis (analyze() on the networkx projection)")
    for r in sizes:
        n = r["companies"]
        if "error" in r:
            print(f"  {n:>9,} companies: FAILED\n{r['error']}")
            continue
        print(
            f"  {n:>9,} companies: {r['analysis_s']:8.1f} s, peak {r['analysis_peak_rss_gib']:.2f} GiB"
            f" (process {r['process_peak_rss_gib']:.2f} GiB; projection {r['projection_s']:.1f} s,"
            f" {r['projection_nodes']:,} nodes, {r['projection_edges']:,} edges;"
            f" bundle read {r['read_bundle_s']:.1f} s)"
        )
        if len(r["runs_s"]) > 1:
            runs = ", ".join(f"{x:.1f}" for x in r["runs_s"])
            print(
                f"      median of {len(r['runs_s'])} runs ({runs} s), each dropping the projection"
                f" once indexed; largest peak of any run {r['largest_peak_rss_gib']:.2f} GiB;"
                " the median run's parts:"
            )
        for name, p in r["parts"].items():
            print(f"      {name:<26} {p['s']:8.2f} s   peak {p['peak_rss_gib']:.2f} GiB")
        print(
            f"      {r['single_points_of_failure']:,} single points of failure,"
            f" {r['findings']:,} findings; evidence of every pair when read:"
            f" {r['evidence_all_pairs_s']:.1f} s ({r['evidence_steps']:,} steps)"
        )
    by = {r["companies"]: r for r in sizes if "error" not in r}
    print("\nTargets")
    if 100_000 in by:
        s = by[100_000]["analysis_s"]
        print(f"  100,000 companies: {s:.1f} s (target < 60 s): {'met' if s < 60 else 'MISSED'}")
    if 1_000_000 in by:
        s, mem = by[1_000_000]["analysis_s"], by[1_000_000]["largest_peak_rss_gib"]
        ok = s < 900 and mem < 16
        print(
            f"  1,000,000 companies: {s:.1f} s, peak {mem:.1f} GiB (the largest run's)"
            f" (target < 900 s within 16 GiB): "
            f"{'met' if ok else 'MISSED'}"
        )
        if 100_000 in by:
            ratio = s / by[100_000]["analysis_s"]
            print(
                f"  growth 1,000,000 / 100,000: {ratio:.1f} x (target <= 15 x): "
                f"{'met' if ratio <= 15 else 'MISSED'}"
            )
            print("      per part: " + ", ".join(_growth(by[100_000], by[1_000_000])))
    elif any(r["companies"] == 1_000_000 for r in sizes):
        print("  1,000,000 companies: MISSED (the run failed, see above)")
    for o in oracles:
        if "error" in o:
            print(f"  oracle at {o['companies']:,}: FAILED\n{o['error']}")
            continue
        verdict = (
            ""
            if o["companies"] != 5000
            else (" (target >= 100 x): " + ("met" if o["speedup"] >= 100 else "MISSED"))
        )
        print(
            f"  {o['companies']:,} companies: exact {o['exact_s']:.2f} s, oracle {o['oracle_s']:.1f} s"
            f" ({o['nodes_failed_by_oracle']:,} re-evaluations), speed-up {o['speedup']:.0f} x"
            f"{verdict}; same answer: {o['same_answer']} ({o['pairs']:,} pairs)"
        )


def _growth(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    """Each part's time at the large size over the small one's, and the same for what
    falls outside the named parts (the collector's passes, mostly)."""

    def outside(r: dict[str, Any]) -> float:
        return float(r["analysis_s"] - sum(p["s"] for p in r["parts"].values()))

    pairs = [(name, p["s"], large["parts"][name]["s"]) for name, p in small["parts"].items()]
    pairs.append(("outside the parts", outside(small), outside(large)))
    return [
        f"{name} {b:.1f}/{a:.1f} s = {b / a:.1f} x" for name, a, b in pairs if a >= 0.05 and b > 0
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--oracle-sizes", default="1000,5000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each size below 1,000,000, median reported (default 3)",
    )
    ap.add_argument(
        "--repeat-large",
        type=int,
        default=1,
        help="runs of 1,000,000 companies and above, median reported (default 1: one run"
        " there takes minutes)",
    )
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--oracle", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.seed, args.repeat)))
        return
    if args.oracle:
        print(json.dumps(oracle_size(args.oracle, args.seed)))
        return
    sizes, oracles = [], []
    for n in [int(x) for x in args.sizes.split(",") if x]:
        print(f"analysing {n:,} companies…", file=sys.stderr, flush=True)
        repeat = max(args.repeat_large if n >= 1_000_000 else args.repeat, 1)
        sizes.append(in_subprocess("--one", n, args.seed, repeat))
    for n in [int(x) for x in args.oracle_sizes.split(",") if x]:
        print(f"oracle at {n:,} companies…", file=sys.stderr, flush=True)
        oracles.append(in_subprocess("--oracle", n, args.seed))
    report(sizes, oracles)


if __name__ == "__main__":
    main()
