"""The explorer's pages and search suggestions over HTTP, against /v1/ping, one run.

    python bench/explorer.py [--companies 100000] [--seed 1] [--port 7689] [--samples 200]

1. generates a bundle (cached under .tierscope/bench-data) and loads it into the
   dedicated local Neo4j of ``bench/api.py`` (skipped when that snapshot is loaded);
2. starts the server as a subprocess (uvicorn, one process, as ``tierscope serve``
   runs it) and waits until it has read the ecosystem and its stored results;
3. opens each kind of page once (the explorer's indexes are made then: the time of
   that first request is printed apart), then asks ``--samples`` of each, one at a
   time, for random companies, products, people and typed prefixes; and as many
   ``GET /v1/ping`` (answers at once, touches nothing: the reference);
4. prints each kind's p50 and p95 latency and its p95 as a multiple of ping's.

Targets (issue 24, 2 cores): at 100,000 companies every page <= 200 ms at the 95th
percentile and search suggestions <= 50 ms; at 1,000,000, 500 ms and 100 ms. The
pictures (``/pictures/...``, framed by the pages) are listed below the pages.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import prepare  # bench/api.py: the bench database

TARGETS_MS = {"page": 200.0, "suggest": 50.0}


def kinds(records: object, rng: random.Random) -> dict[str, tuple[str, Callable[[], str]]]:
    """Each kind of request: whether it is a page or a suggestion, and a random URL of it."""
    frames = records.frames  # type: ignore[attr-defined]
    companies = frames["companies"]
    ids = companies[companies["kind"] != "focal"]["id"].tolist()
    names = companies["name"].astype(str).tolist()
    items = frames["items"]
    products = items[items["kind"] == "product"]["id"].tolist()
    people = frames["people"]["id"].tolist() if "people" in frames else []
    severities = ["critical", "high", "medium", "low", ""]

    def prefix() -> str:
        name = rng.choice(names)
        return name[: rng.randint(2, min(8, max(2, len(name))))]

    def inside() -> str:
        name = rng.choice(names)
        start = rng.randint(0, max(0, len(name) - 4))
        return name[start : start + 4]

    def q(path: str, **params: object) -> str:
        return f"{path}?{urlencode(params)}"

    return {
        "home /": ("page", lambda: "/"),
        "register, filtered and paged": (
            "page",
            lambda: q(
                "/",
                severity=rng.choice(severities),
                product=rng.choice(products),
                sort=rng.choice(["rank", "revenue", "subject"]),
                page=rng.randint(0, 3),
            ),
        ),
        "company": ("page", lambda: f"/companies/{rng.choice(ids)}"),
        "product": ("page", lambda: f"/products/{rng.choice(products)}"),
        "paths": (
            "page",
            lambda: q("/paths", **{"from": rng.choice(ids), "to": rng.choice(products)}),
        ),
        "person": ("page", lambda: f"/people/{rng.choice(people)}" if people else "/people"),
        "people": ("page", lambda: q("/people", page=rng.randint(0, 5))),
        "search": ("page", lambda: q("/search", q=prefix())),
        "scenario (computed)": ("page", lambda: q("/scenarios", fail=rng.choice(ids))),
        "suggest, a name's start": ("suggest", lambda: q("/suggest", q=prefix())),
        "suggest, inside a name": ("suggest", lambda: q("/suggest", q=inside())),
        "picture: company": ("picture", lambda: q("/pictures/company", id=rng.choice(ids))),
        "picture: product": ("picture", lambda: q("/pictures/product", id=rng.choice(products))),
        "picture: paths": (
            "picture",
            lambda: q("/pictures/paths", **{"from": rng.choice(ids), "to": rng.choice(products)}),
        ),
    }


def timed(client: httpx.Client, urls: list[str]) -> list[float]:
    out = []
    for url in urls:
        t = time.perf_counter()
        r = client.get(url)
        out.append(time.perf_counter() - t)
        if r.status_code != 200:
            raise SystemExit(f"{url} answered {r.status_code}: {r.text[:300]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=7689, help="Bolt port of the bench database")
    ap.add_argument("--http-port", type=int, default=8766)
    ap.add_argument("--samples", type=int, default=200, help="requests of each kind")
    ap.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="seconds to wait once the server answers, before the first page: the\n"
        "explorer's warm-up (every product's supply trees, in a thread) runs for about\n"
        "a minute at 100,000 companies, and pages asked meanwhile wait or share the CPU",
    )
    ap.add_argument(
        "--only",
        default="",
        help="comma-separated words: only the kinds whose name holds one (e.g. suggest,paths)",
    )
    args = ap.parse_args()

    database, settings, _ = prepare(args.companies, args.seed, args.port)
    from tierscope.loaders.bundle import read_valid_bundle

    data = Path(__file__).resolve().parent.parent / ".tierscope" / "bench-data"
    records, _ = read_valid_bundle(data / f"companies-{args.companies}-seed-{args.seed}")
    env = {**os.environ, **settings.as_env(), "TIERSCOPE_API_KEYS": ""}
    url = f"http://127.0.0.1:{args.http_port}"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "tierscope.api.app:app_from_env",
            "--host", "127.0.0.1", "--port", str(args.http_port), "--log-level", "warning",
            "--no-access-log",
        ],
        env=env,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=url, timeout=900) as client:
            t = time.perf_counter()
            while True:
                try:
                    if client.get("/v1/risks", params={"limit": 1}).status_code == 200:
                        break
                except httpx.TransportError:
                    if server.poll() is not None:
                        raise SystemExit("the server did not come up") from None
                    time.sleep(0.5)
            print(f"server up, ecosystem read in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            time.sleep(args.settle)
            rng = random.Random(args.seed)
            table = kinds(records, rng)
            words = [w.strip() for w in args.only.split(",") if w.strip()]
            if words:
                table = {k: v for k, v in table.items() if any(w in k for w in words)}
            first = {}
            for name, (_, make) in table.items():
                first[name] = timed(client, [make()])[0]
            ping = timed(client, ["/v1/ping"] * args.samples)
            ping_p95 = statistics.quantiles(ping, n=20)[18]
            print(
                f"\nexplorer at {args.companies:,} companies, {args.samples} requests of each "
                f"kind, one at a time (ms; ratio: p95 / ping's p95)"
            )
            print(f"{'':34} {'first':>8} {'p50':>8} {'p95':>8} {'ratio':>8}  target")
            p50 = statistics.median(ping) * 1000
            print(f"{'/v1/ping (reference)':34} {'':>8} {p50:8.1f} {ping_p95 * 1000:8.1f} {1:8.1f}")
            for name, (kind, make) in table.items():
                times = timed(client, [make() for _ in range(args.samples)])
                p50 = statistics.median(times) * 1000
                p95 = statistics.quantiles(times, n=20)[18] * 1000
                target = TARGETS_MS.get(kind)
                verdict = "" if target is None else ("met" if p95 <= target else "MISSED")
                print(
                    f"{name:34} {first[name] * 1000:8.0f} {p50:8.1f} {p95:8.1f} "
                    f"{p95 / (ping_p95 * 1000):8.1f}  "
                    + (f"<= {target:g} ms {verdict}" if target else "(picture)")
                )
    finally:
        server.terminate()
        server.wait(timeout=60)
        database.stop()


if __name__ == "__main__":
    main()
