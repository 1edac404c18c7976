"""Whole commands as a user runs them, from Neo4j to the printed answer (issue 23).

Each section runs ``tierscope`` commands as child processes against one loaded
database and prints, per figure, the wall time (and the peak memory of the
command's process tree, sampled every 20 ms), the reference it is compared
with, and the ratio. Python's start-up (``tierscope --version``) is printed as
the floor of every command.

    python bench/end_to_end.py --bundle DIR [--home DIR] [--port P] [--load]
        [--only startup,load,first,analyze,json,serve,report,view]

``--load`` loads the bundle first (``tierscope load --no-analyze``, timed: the
reference of the write-back) and then stores the results with ``tierscope
analyze --recompute`` (timed, with the write's own seconds). Without it the
database at ``--home`` must hold the bundle already. The server is the local one
in ``--home`` on ``--port`` (started if needed), never the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
TIERSCOPE = [sys.executable, "-m", "tierscope"]


class Run:
    """One command: wall seconds, peak memory of its process tree, output."""

    def __init__(self, seconds: float, peak: int, returncode: int, stdout: str, stderr: str):
        self.seconds, self.peak, self.returncode = seconds, peak, returncode
        self.stdout, self.stderr = stdout, stderr

    @property
    def gib(self) -> float:
        return self.peak / 2**30


def run(args: list[str], env: dict[str, str], stdout: Any = subprocess.PIPE) -> Run:
    """Run ``tierscope ARGS`` and sample its memory (the process and its children)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*TIERSCOPE, *args], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            p = psutil.Process(proc.pid)
            while not stop.is_set():
                rss = p.memory_info().rss + sum(
                    c.memory_info().rss for c in p.children(recursive=True)
                )
                peak = max(peak, rss)
                time.sleep(0.02)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return Run(seconds, peak, proc.returncode, out or "", err or "")


def must(r: Run, what: str) -> Run:
    if r.returncode != 0:
        raise SystemExit(f"{what} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r


def row(what: str, result: str, reference: str = "", ratio: str = "") -> None:
    print(f"| {what} | {result} | {reference} | {ratio} |", flush=True)


# -- sections ------------------------------------------------------------------------------


def startup(env: dict[str, str], ctx: dict[str, Any]) -> None:
    times = sorted(must(run(["--version"], env), "--version").seconds for _ in range(3))
    ctx["startup"] = times[1]
    row("`tierscope --version` (Python start-up, median of 3)", f"{times[1]:.2f} s")


def load(env: dict[str, str], ctx: dict[str, Any]) -> None:
    r = must(run(["load", str(ctx["bundle"]), "--no-analyze"], env), "load")
    seconds = float(re.search(r"rows in ([\d.]+) s", r.stdout).group(1))  # type: ignore[union-attr]
    ctx["load"] = seconds
    row(
        "`tierscope load --no-analyze` (the load's own time)",
        f"{seconds:.1f} s (command {r.seconds:.1f} s, {r.gib:.2f} GiB)",
    )
    w = must(
        run(
            ["analyze", "--recompute", "--top", "1"],
            {**env, "TIERSCOPE_TIMINGS": "1", "TIERSCOPE_MIRROR": "wait"},
        ),
        "store",
    )
    stored = float(re.search(r"stored the results in ([\d.]+) s", w.stderr).group(1))  # type: ignore[union-attr]
    mirror = float(re.search(r"mirror took ([\d.]+) s more", w.stderr).group(1))  # type: ignore[union-attr]
    ctx["write"] = stored
    row(
        "storing the results: the parts (readers read the run from then on)",
        f"{stored:.1f} s",
        f"load {seconds:.1f} s (target ≤ 25%)",
        f"{stored / seconds:.0%}",
    )
    row(
        "storing the results: the Cypher mirror, with deleting the run before",
        f"{mirror:.1f} s",
        f"load {seconds:.1f} s",
        f"{mirror / seconds:.0%}",
    )
    print(f"    write parts: {_timings(w.stderr)}", flush=True)
    print(f"    mirror: {_timings(w.stderr, 'Mirror')}", flush=True)


def analyze(env: dict[str, str], ctx: dict[str, Any]) -> None:
    floor = ctx.get("startup", 0.0)
    stored = [must(run(["analyze", "--top", "10"], env), "analyze").seconds for _ in range(3)]
    top = sorted(stored)[1]
    r = must(run(["analyze", "--top", "10"], env), "analyze")
    ctx["top_peak"] = r.peak
    row(
        "`analyze --top 10`, stored results (median of 3)",
        f"{top:.2f} s, {r.gib:.2f} GiB",
        f"start-up {floor:.2f} s",
        f"{top / floor:.1f} x" if floor else "",
    )
    if "Analys" in r.stderr:
        raise SystemExit(f"analyze ran the analysis again: {r.stderr}")
    fresh = must(
        run(["analyze", "--top", "10", "--recompute"], {**env, "TIERSCOPE_TIMINGS": "1"}),
        "recompute",
    )
    row(
        "`analyze --top 10 --recompute` (the mirror in a process of its own)",
        f"{fresh.seconds:.1f} s, {fresh.gib:.2f} GiB",
        "target ≤ 30 s at 100,000",
        "",
    )
    print(f"    {fresh.stderr.strip()}", flush=True)
    _mirror_row(fresh)


def first(env: dict[str, str], ctx: dict[str, Any]) -> None:
    """The first reader after ``load --no-analyze``: it analyses and stores (run on a
    database with no stored results, e.g. right after ``--load``)."""
    r = must(run(["analyze", "--top", "10"], {**env, "TIERSCOPE_TIMINGS": "1"}), "first")
    if "analysing it now" not in r.stderr:
        raise SystemExit(f"results were stored already: {r.stderr[-500:]}")
    row(
        "`analyze --top 10`, none stored: analyse, store the parts, answer",
        f"{r.seconds:.1f} s, {r.gib:.2f} GiB",
        "recompute target ≤ 30 s at 100,000, ≤ 5 min and ≤ 12 GiB at 1,000,000",
        "",
    )
    print(f"    {r.stderr.strip()}", flush=True)
    _mirror_row(r)


def _mirror_row(r: Run) -> None:
    m = re.search(r"being written by process (\d+)", r.stderr)
    if m:
        waited, peak = _wait_for(int(m.group(1)))
        row(
            "… its Cypher mirror, a process of its own, current after the answer",
            f"{waited:.1f} s more, {peak / 2**30:.2f} GiB",
        )


def _wait_for(pid: int) -> tuple[float, int]:
    """Seconds until process ``pid`` (not a child of ours) ends, and its peak memory
    (sampled every 0.2 s from now)."""
    started = time.perf_counter()
    peak = 0
    try:
        p = psutil.Process(pid)
        while p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
            peak = max(peak, p.memory_info().rss)
            time.sleep(0.2)
    except psutil.Error:
        pass
    return time.perf_counter() - started, peak


def as_json(env: dict[str, str], ctx: dict[str, Any]) -> None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = must(run(["analyze", "--json"], env, stdout=out), "analyze --json")
        size = os.path.getsize(out.name)
    top_peak = ctx.get("top_peak") or must(run(["analyze", "--top", "10"], env), "top").peak
    row(
        "`analyze --json > file`",
        f"{r.seconds:.1f} s, {r.gib:.2f} GiB, {size / 1e6:.0f} MB",
        f"`--top 10` peak {top_peak / 2**30:.2f} GiB (targets ≤ 1.5 x, ≤ 200 MB)",
        f"{r.peak / top_peak:.2f} x",
    )


def serve(env: dict[str, str], ctx: dict[str, Any]) -> None:
    product, company = _a_spof(env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*TIERSCOPE, "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1/dependencies/check?product={product}&company={company}"
    try:
        answer = None
        while time.perf_counter() - started < 600:
            try:
                with urllib.request.urlopen(url, timeout=600) as resp:
                    answer = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(30)
    if not answer or not answer.get("is_single_point_of_failure"):
        raise SystemExit(f"the check did not answer as expected: {answer}")
    row(
        "`tierscope serve`: first `/v1/dependencies/check` after start",
        f"{seconds:.1f} s",
        "target ≤ 10 s",
        "",
    )


def report(env: dict[str, str], ctx: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.html"
        r = must(run(["report", "-o", str(out)], env), "report")
        size = out.stat().st_size
    row(
        "`tierscope report -o r.html`",
        f"{r.seconds:.1f} s, {r.gib:.2f} GiB, {size / 1e6:.1f} MB",
        "target ≤ 30 s at 100,000",
        "",
    )


def view(env: dict[str, str], ctx: dict[str, Any]) -> None:
    _, company = _a_spof(env)
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for c in [company, *_some_companies(env, 4)]:
            r = must(
                run(["view", "company", c, "-o", str(Path(tmp) / f"{c}.html")], env), "view company"
            )
            times.append(r.seconds)
        row(
            "`view company ID` (5 companies: median, max)",
            f"{sorted(times)[2]:.2f} s, {max(times):.2f} s",
            "target ≤ 3 s",
            "",
        )
        out = Path(tmp) / "overview.html"
        r = must(run(["view", "overview", "-o", str(out)], env), "view overview")
        row(
            "`view overview`",
            f"{r.seconds:.1f} s, {r.gib:.2f} GiB, HTML {out.stat().st_size / 1e6:.1f} MB",
            "targets ≤ 20 s, ≤ 10 MB",
            "",
        )


def projection(env: dict[str, str], ctx: dict[str, Any]) -> None:
    """The read of the analyses' context against the columnar drain (bench/projection.py,
    both in one process on the same database)."""
    out = subprocess.run(
        [sys.executable, str(HERE / "projection.py"), "--repeat", "3"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    r = json.loads(out[out.index("{") :])
    row(
        "projection read: `read_context` (best of 3)",
        f"{r['read_context_s']} s (record by record: {r['record_by_record_s']} s)",
        f"columnar drain {r['columnar_drain_s']} s (target ≤ 1.5 x)",
        f"{r['ratio']} x",
    )


def _a_spof(env: dict[str, str]) -> tuple[str, str]:
    r = must(
        run(
            [
                "analyze",
                "--json",
                "--only",
                "single_point_of_failure",
                "--min-severity",
                "critical",
            ],
            env,
        ),
        "spof",
    )
    first = next(f for f in json.loads(r.stdout)["register"] if f["subject_type"] == "company")
    return first["products"][0], first["subject_id"]


def _some_companies(env: dict[str, str], n: int) -> list[str]:
    r = must(run(["analyze", "--json", "--only", "coverage_no_sponsor"], env), "companies")
    rows = json.loads(r.stdout)["register"]
    return [f["subject_id"] for f in rows[:: max(1, len(rows) // n)]][:n]


def _timings(stderr: str, what: str = "Write") -> str:
    m = re.search(what + r" timings: (.*)", stderr)
    return m.group(1) if m else ""


SECTIONS: dict[str, Callable[[dict[str, str], dict[str, Any]], None]] = {
    "startup": startup,
    "projection": projection,
    "load": load,
    "first": first,
    "analyze": analyze,
    "json": as_json,
    "serve": serve,
    "report": report,
    "view": view,
}


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--bundle",
        type=Path,
        required=True,
        help="the generated bundle (its size is the size measured)",
    )
    p.add_argument("--home", type=Path, default=Path("/tmp/tierscope-bench-e2e"))
    p.add_argument("--port", type=int, default=7720)
    p.add_argument("--load", action="store_true", help="load the bundle first (timed)")
    p.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    a = p.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(TIERSCOPE_HOME=str(a.home), TIERSCOPE_BOLT_PORT=str(a.port), COLUMNS="200")
    env.setdefault("TIERSCOPE_NEO4J_HEAP", "4g")
    env.setdefault("TIERSCOPE_NEO4J_PAGECACHE", "2g")
    must(run(["db", "start"], env), "db start")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    print(f"bundle {a.bundle}, commit {commit}, {time.strftime('%Y-%m-%d')}", flush=True)
    print("| what | result | reference | ratio |\n| --- | --- | --- | --- |", flush=True)
    wanted = [s.strip() for s in a.only.split(",") if s.strip()]
    if a.load and "load" not in wanted:
        wanted.insert(0, "load")
    if not a.load:
        wanted = [s for s in wanted if s != "load"]
    ctx: dict[str, Any] = {"bundle": a.bundle}
    for name in SECTIONS:
        if name in wanted:
            SECTIONS[name](env, ctx)


if __name__ == "__main__":
    main()
