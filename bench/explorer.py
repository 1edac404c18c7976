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

    python bench/explorer.py --companies 100000 --settle 150 --browser [--samples 10]

instead opens, in one headless Chromium (Debian's, with ``tierscope.viz.pdf.FLAGS``),
``--samples`` random pages of each kind (home, company, product, paths for a single
point of failure's company and product, people, person, search), one at a time, and
times each from the navigation's start until the page has loaded and every picture
frame on it says its picture is still (``window.tierscope.still``; a picture frame
below the fold, which loads lazily, is scrolled into view as a reader would); prints
each kind's median and max against 2 s, and whether any request left the origin.

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
from typing import Any
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Error as PlaywrightError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import prepare  # bench/api.py: the bench database

TARGETS_MS = {"page": 200.0, "suggest": 50.0}
#: issue 24: each page in Chromium usable (drawn, its pictures still) at 100,000 companies
BROWSER_TARGET_S = 2.0
BROWSER_TIMEOUT_S = 120.0
LOCAL_SCHEMES = ("data:", "about:", "blob:")


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


def browser_kinds(
    records: object, rng: random.Random, client: httpx.Client
) -> dict[str, Callable[[], str]]:
    """Each kind of page opened in Chromium, and a random URL of it. The paths pages go
    from a single point of failure's company to one of its products (a path exists)."""
    frames = records.frames  # type: ignore[attr-defined]
    companies = frames["companies"]
    ids = companies[companies["kind"] != "focal"]["id"].tolist()
    names = companies["name"].astype(str).tolist()
    items = frames["items"]
    products = items[items["kind"] == "product"]["id"].tolist()
    people = frames["people"]["id"].tolist() if "people" in frames else []
    findings = client.get("/v1/risks", params={"limit": 50}).json()["items"]
    pairs = [
        (f["subject_id"], product)
        for f in findings
        if f["kind"] == "single_point_of_failure" and f["subject_type"] == "company"
        for product in f["products"]
    ]
    if not pairs:
        raise SystemExit("no single point of failure at a company among /v1/risks?limit=50")

    def q(path: str, **params: object) -> str:
        return f"{path}?{urlencode(params)}"

    def prefix() -> str:
        name = rng.choice(names)
        return name[: rng.randint(2, min(8, max(2, len(name))))]

    def paths() -> str:
        company, product = rng.choice(pairs)
        return q("/paths", **{"from": company, "to": product})

    return {
        "home /": lambda: "/",
        "company": lambda: f"/companies/{rng.choice(ids)}",
        "product": lambda: f"/products/{rng.choice(products)}",
        "paths (single point of failure)": paths,
        "people": lambda: q("/people", page=rng.randint(0, 5)),
        "person": lambda: f"/people/{rng.choice(people)}" if people else "/people",
        "search": lambda: q("/search", q=prefix()),
    }


def _still(frame: Any) -> bool:
    try:
        return bool(frame.evaluate("() => !!(window.tierscope && window.tierscope.still)"))
    except PlaywrightError:  # the frame is navigating: its document is not there yet
        return False


PICTURE_TIMES = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return [(n.responseEnd - n.requestStart) / 1000, window.tierscope.stillAt / 1000];
}"""


def usable(
    page: Any, url: str, pictures_times: list[tuple[float, float]]
) -> tuple[float, float, int, int]:
    """Open ``url``; seconds until loaded, seconds until every picture frame is still too,
    the number of pictures and how many were below the fold (scrolled into view). Each
    picture's answer time (request to last byte) and drawing time (its script's start to
    still) go to ``pictures_times``."""
    t = time.perf_counter()
    page.goto(url, wait_until="load", timeout=BROWSER_TIMEOUT_S * 1000)
    loaded = time.perf_counter() - t
    deadline = t + BROWSER_TIMEOUT_S
    pictures = page.query_selector_all("iframe[src*='/pictures/']")
    scrolled = 0
    for element in pictures:
        frame = element.content_frame()
        if frame is None or "/pictures/" not in frame.url:
            element.scroll_into_view_if_needed()  # loading="lazy": a reader scrolls to it
            scrolled += 1
        while True:
            frame = element.content_frame()
            if frame is not None and "/pictures/" in frame.url and _still(frame):
                break
            if time.perf_counter() > deadline:
                raise SystemExit(f"{url}: a picture was not still within {BROWSER_TIMEOUT_S} s")
            time.sleep(0.02)
        done = time.perf_counter()
        answered, still = frame.evaluate(PICTURE_TIMES)
        pictures_times.append((answered, still))
        t += time.perf_counter() - done  # the evaluation above is not the page's time
    return loaded, time.perf_counter() - t, len(pictures), scrolled


def in_browser(url: str, table: dict[str, Callable[[], str]], samples: int) -> None:
    """Open ``samples`` pages of each kind in one headless Chromium; print the times."""
    from playwright.sync_api import sync_playwright

    from tierscope.viz.pdf import FLAGS, chromium_path

    times: dict[str, list[tuple[float, float, int, int]]] = {k: [] for k in table}
    drawn: dict[str, list[tuple[float, float]]] = {k: [] for k in table}
    elsewhere: list[str] = []
    failed: list[str] = []
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", file=sys.stderr)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(FLAGS))
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((url + "/", *LOCAL_SCHEMES))
                    else elsewhere.append(r.url)
                ),
            )
            context.on(
                "response",
                lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page = context.new_page()
            page.on("pageerror", lambda e: failed.append(f"uncaught: {e}"))
            for _ in range(samples):  # the kinds in turn: each sees the same browser cache
                for name, make in table.items():
                    times[name].append(usable(page, url + make(), drawn[name]))
        finally:
            browser.close()
    print(
        f"\nexplorer in headless Chromium, {samples} pages of each kind, one at a time "
        f"(s from the navigation's start; usable: loaded and every picture still)"
    )
    print(
        f"{'':34} {'loaded p50':>10} {'usable p50':>10} {'usable max':>10} {'pictures':>9}  target"
    )
    for name, rows in times.items():
        loaded = statistics.median(r[0] for r in rows)
        done = [r[1] for r in rows]
        pictures = sum(r[2] for r in rows)
        scrolled = sum(r[3] for r in rows)
        verdict = "met" if max(done) <= BROWSER_TARGET_S else "MISSED"
        print(
            f"{name:34} {loaded:10.2f} {statistics.median(done):10.2f} {max(done):10.2f} "
            f"{pictures:>4} ({scrolled} scrolled)  <= {BROWSER_TARGET_S:g} s {verdict}"
        )
    for name, pairs in drawn.items():
        if pairs:
            answered, still = [a for a, _ in pairs], [b for _, b in pairs]
            print(
                f"  {name} pictures: answered p50 {statistics.median(answered):.2f} s, "
                f"max {max(answered):.2f} s; drawn (script start to still) p50 "
                f"{statistics.median(still):.2f} s, max {max(still):.2f} s"
            )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"requests that left the origin: {len(elsewhere)}" + "".join(f"\n  {u}" for u in elsewhere)
    )
    print(
        f"answers >= 400 and uncaught errors: {len(failed)}"
        + "".join(f"\n  {u}" for u in failed[:20])
    )


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
    ap.add_argument(
        "--browser",
        action="store_true",
        help="open the pages in one headless Chromium instead (--samples of each kind,\n"
        "10 unless given): time until each is loaded and its pictures still",
    )
    args = ap.parse_args()
    if args.browser and "--samples" not in sys.argv:
        args.samples = 10

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
            if args.browser:
                pages = browser_kinds(records, rng, client)
                words = [w.strip() for w in args.only.split(",") if w.strip()]
                if words:
                    pages = {k: v for k, v in pages.items() if any(w in k for w in words)}
                in_browser(url, pages, args.samples)
                return
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
