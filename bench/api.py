"""API latency and throughput: /v1/dependencies/check against a trivial endpoint, one run.

    python bench/api.py [--companies 100000] [--seed 1] [--port 7689] [--seconds 20]

1. generates a bundle (cached under .tierscope/bench-data) and loads it into a
   dedicated local Neo4j (its own home and port; skipped when that snapshot is
   already loaded);
2. starts the API server as a subprocess (uvicorn, one process, as
   ``tierscope serve`` runs it) and waits until it has analysed the ecosystem;
3. for 1 and 32 concurrent clients (keep-alive connections, a plain asyncio client), runs
   ``GET /v1/dependencies/check`` on random (product, company-or-site) pairs
   and, on the same server, ``GET /v1/ping`` (answers at once, touches nothing:
   the reference), each for ``--seconds``; prints requests/s, p50 and p99
   latency, and the ratio of the two throughputs.

Targets (issue 4): p99 of the check < 50 ms at 32 clients; check throughput
>= 0.5 x the trivial endpoint's.

    python bench/api.py --outage [--http-port 8765]

times the 503 of ``GET /v1/dependencies/check`` when the database is down, on the
app ``uvicorn --factory tierscope.api.app:app_from_env`` builds (no database
needed): a port where nothing listens (connection refused), and a port that
accepts connections and never answers (a hung server: only a deadline ends the
wait). Prints each time against the app's deadline (3 s) and the driver's own
connection timeout (30 s). The tests check the 503 and the deadline it names,
not its time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

REPO = Path(__file__).resolve().parent.parent
CONTENT_LENGTH = re.compile(rb"content-length: *(\d+)", re.IGNORECASE)


def prepare(companies: int, seed: int, port: int) -> tuple[Any, Any, list[tuple[str, str]]]:
    """The bench database (started), its settings, and the (product, node) pairs to ask."""
    from tierscope.graph.localdb import LocalServer
    from tierscope.graph.store import Store
    from tierscope.loaders.bundle import load_bundle, read_valid_bundle
    from tierscope.loaders.generator import generate

    data = REPO / ".tierscope" / "bench-data" / f"companies-{companies}-seed-{seed}"
    if not (data / "companies.csv").exists():
        generate(companies, seed, data)
    server = LocalServer(home=REPO / ".tierscope" / "bench-neo4j", bolt_port=port)
    settings, _ = server.start(log=lambda m: print(m, file=sys.stderr))
    records, snapshot = read_valid_bundle(data)
    with Store(settings) as store:
        if store.state().snapshot != snapshot or store.state().status != "complete":
            print(f"loading {companies:,} companies into the bench database…", file=sys.stderr)
            t = time.perf_counter()
            load_bundle(data, store)
            print(f"  loaded in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    companies_ = records.frames["companies"]
    sites = records.frames["sites"]["id"].tolist() if "sites" in records.frames else []
    items = records.frames["items"]
    products = items[items["kind"] == "product"]["id"].tolist()
    rng = random.Random(seed)
    nodes = companies_[companies_["kind"] != "focal"]["id"].tolist() + sites
    pairs = [(rng.choice(products), rng.choice(nodes)) for _ in range(20_000)]
    return server, settings, pairs


async def drive(
    host: str, port: int, clients: int, seconds: float, requests: list[bytes]
) -> dict[str, float]:
    """``clients`` keep-alive connections, each sending the next of ``requests`` as soon as
    the previous answer is in. A plain asyncio HTTP/1.1 client: on a 2-core machine a
    full client library would take the CPU the server needs."""
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds
    counter = iter(range(10**12))

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < end:
                request = requests[next(counter) % len(requests)]
                t = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = CONTENT_LENGTH.search(head)
                await reader.readexactly(int(length.group(1)) if length else 0)
                latencies.append(time.perf_counter() - t)
                if head[9:12] != b"200":
                    errors += 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "errors": errors,
    }


def get(path: str, params: dict[str, str] | None = None) -> bytes:
    target = path + ("?" + urlencode(params) if params else "")
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


#: the neo4j driver's own connection timeout (seconds), without the app's deadline
DRIVER_CONNECTION_TIMEOUT = 30.0
APP_DEADLINE = 3.0


def outage(http_port: int, repeat: int = 3) -> None:
    """Time the 503 with nothing listening and with a port that never answers."""
    import socket
    import threading

    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    closed_port = refused.getsockname()[1]
    refused.close()  # nothing listens there now
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    held: list[socket.socket] = []

    def hold() -> None:
        while True:
            try:
                held.append(silent.accept()[0])
            except OSError:
                return

    threading.Thread(target=hold, daemon=True).start()
    rows = []
    for name, port in (("refused", closed_port), ("never answers", silent.getsockname()[1])):
        env = {
            **os.environ,
            "NEO4J_URI": f"bolt://127.0.0.1:{port}",
            "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": "unused",
            "TIERSCOPE_API_KEYS": "",
        }
        server = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--factory", "tierscope.api.app:app_from_env",
                "--host", "127.0.0.1", "--port", str(http_port), "--log-level", "warning",
            ],
            env=env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{http_port}"
        try:
            while True:
                try:
                    httpx.get(f"{url}/v1/ping", timeout=5)
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        raise SystemExit("the API server did not come up") from None
                    time.sleep(0.2)
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                r = httpx.get(
                    f"{url}/v1/dependencies/check",
                    params={"product": "P", "company": "C"},
                    timeout=None,
                )
                times.append(time.perf_counter() - t)
                if r.status_code != 503:
                    raise SystemExit(f"expected 503, got {r.status_code}: {r.text}")
            rows.append((name, times))
        finally:
            server.terminate()
            server.wait(timeout=60)
    silent.close()
    for conn in held:
        conn.close()
    print("\n503 of /v1/dependencies/check with the database down (seconds per request)")
    for name, times in rows:
        worst = max(times)
        print(
            f"  {name:<14} {' '.join(f'{t:.2f}' for t in times)}  worst {worst:.2f} s = "
            f"{worst / APP_DEADLINE:.2f} x the app's deadline ({APP_DEADLINE:g} s), "
            f"{worst / DRIVER_CONNECTION_TIMEOUT:.2f} x the driver's own "
            f"({DRIVER_CONNECTION_TIMEOUT:g} s)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=7689, help="Bolt port of the bench database")
    ap.add_argument("--http-port", type=int, default=8765)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--outage", action="store_true", help="time the 503 of a database outage")
    args = ap.parse_args()
    if args.outage:
        outage(args.http_port)
        return

    database, settings, pairs = prepare(args.companies, args.seed, args.port)
    env = {**os.environ, **settings.as_env(), "TIERSCOPE_API_KEYS": ""}
    url = f"http://127.0.0.1:{args.http_port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tierscope.api.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.http_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        t = time.perf_counter()
        deadline = t + 900
        while True:
            try:
                r = httpx.get(f"{url}/v1/risks", params={"limit": 1}, timeout=900)
                if r.status_code == 200:
                    break
                raise SystemExit(f"the API answered {r.status_code}: {r.text}")
            except httpx.TransportError:
                if time.perf_counter() > deadline or server.poll() is not None:
                    raise SystemExit("the API server did not come up") from None
                time.sleep(0.5)
        print(f"API up and ecosystem analysed in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        # the answers are real: some pairs depend, some are single points of failure
        sample = [
            httpx.get(f"{url}/v1/dependencies/check", params={"product": p, "company": n}).json()
            for p, n in pairs[:300]
        ]
        depends = sum(1 for d in sample if d["depends_on"])
        spof = sum(1 for d in sample if d["is_single_point_of_failure"])

        checks = [get("/v1/dependencies/check", {"product": p, "company": n}) for p, n in pairs]
        pings = [get("/v1/ping")]
        results: dict[tuple[str, int], dict[str, float]] = {}
        for clients in (1, 32):
            for name, requests in (("check", checks), ("ping", pings)):
                asyncio.run(drive("127.0.0.1", args.http_port, clients, 2.0, requests))  # warm up
                results[(name, clients)] = asyncio.run(
                    drive("127.0.0.1", args.http_port, clients, args.seconds, requests)
                )
    finally:
        server.terminate()
        server.wait(timeout=60)
        database.stop()

    print(
        f"\nAPI on {args.companies:,} companies ({len(pairs):,} random product/node pairs; "
        f"of 300 sampled, {depends} depend, {spof} single points of failure)"
    )
    print(f"{'endpoint':<26}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for (name, clients), r in results.items():
        label = "/v1/dependencies/check" if name == "check" else "/v1/ping (reference)"
        print(
            f"{label:<26}{clients:>8}{r['rps']:>10.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['errors']:>8.0f}"
        )
    print("\nTargets")
    c32, p32 = results[("check", 32)], results[("ping", 32)]
    for clients in (1, 32):
        ratio = results[("check", clients)]["rps"] / results[("ping", clients)]["rps"]
        print(f"  throughput check / ping at {clients} clients: {ratio:.2f}")
    ok_p99 = c32["p99_ms"] < 50
    ok_ratio = c32["rps"] / p32["rps"] >= 0.5
    print(
        f"  p99 of the check at 32 clients: {c32['p99_ms']:.1f} ms (target < 50): "
        f"{'met' if ok_p99 else 'MISSED'}"
    )
    print(
        f"  check throughput {c32['rps'] / p32['rps']:.2f} x ping's at 32 clients (target >= 0.5): "
        f"{'met' if ok_ratio else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
