"""Overview size, generation time and time until still in Chromium, for growing ecosystems.

    python bench/views.py [--sizes 1000,5000,20000] [--seed 1]

For each size: generates an ecosystem (cached under .tierscope/bench-data),
analyses it, builds the overview (company by company up to
``views.AGGREGATE_ABOVE`` companies, grouped by tier and country above) and
writes it as HTML (timed: the generation), then opens the file in Debian's
headless Chromium and measures the time from navigation until the network is
still (``window.tierscope.still``: positions are computed, so the picture is
still once drawn). On a grouped overview it also opens the largest group and
measures the time until its companies are drawn (interactive).

Targets (issue 5): 5,000 companies still within 10 s; 20,000 aggregated and
interactive within 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from analysis import bundle  # noqa: E402
from browser import ARGS, CHROMIUM, open_page  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tierscope.graph.ecosystem import Ecosystem  # noqa: E402
from tierscope.graph.projection import projection_from_records  # noqa: E402
from tierscope.loaders.bundle import read_valid_bundle  # noqa: E402
from tierscope.viz import views  # noqa: E402
from tierscope.viz.network import network_html  # noqa: E402

TARGET_S = 10.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in (int(s) for s in args.sizes.split(",")):
            records, snapshot = read_valid_bundle(bundle(n, args.seed))
            eco = Ecosystem.build(projection_from_records(records, snapshot))
            t = time.perf_counter()
            view = views.overview(eco)
            html = network_html(view)
            generate_s = time.perf_counter() - t
            path = Path(tmp) / f"overview-{n}.html"
            path.write_text(html, encoding="utf-8")
            t = time.perf_counter()
            opened = open_page(browser, path, timeout_ms=120_000)
            still_s = time.perf_counter() - t
            drawn = opened.eval("() => [tierscope.nodes.length, tierscope.edges.length]")
            drill_s = None
            if view.groups:
                group = max(view.groups, key=lambda g: len(view.groups[g]))  # type: ignore[index]
                t = time.perf_counter()
                opened.eval(f"() => tierscope.drill({group!r})")
                while not opened.eval("() => tierscope.drilledStill"):
                    time.sleep(0.01)
                drill_s = time.perf_counter() - t
            errors = opened.console_errors + opened.outside_requests
            opened.page.context.close()
            rows.append(
                (n, len(html), generate_s, still_s, drawn, view.groups is not None, drill_s, errors)
            )
            print(
                f"  {n:,} companies: {len(html) / 2**20:.1f} MiB, generated in {generate_s:.2f} s, "
                f"still in Chromium after {still_s:.2f} s ({drawn[0]:,} nodes, {drawn[1]:,} links"
                f"{', grouped' if view.groups else ''})"
                + (f"; largest group opened in {drill_s:.2f} s" if drill_s is not None else ""),
                file=sys.stderr,
            )
        browser.close()
    print("\nOverview in headless Chromium (time from navigation until the network is still)")
    print(
        f"{'companies':>10} {'HTML MiB':>9} {'generate s':>11} {'still s':>8} {'nodes':>7} {'links':>7}  grouped  open group s"
    )
    for n, size, gen, still, drawn, grouped, drill, errors in rows:
        print(
            f"{n:>10,} {size / 2**20:>9.1f} {gen:>11.2f} {still:>8.2f} {drawn[0]:>7,} {drawn[1]:>7,}  "
            f"{'yes' if grouped else 'no':>7}  {'' if drill is None else f'{drill:.2f}':>11}"
            + (f"  ERRORS: {errors[:3]}" if errors else "")
        )
    print("\nTargets")
    for n, _, _, still, _, grouped, drill, _ in rows:
        total = still + (drill or 0.0)
        what = "aggregated, still and a group opened" if grouped else "still"
        verdict = "met" if total <= TARGET_S else "MISSED"
        print(f"  {n:,} companies {what} in {total:.2f} s (target <= {TARGET_S:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
