"""``tierscope report`` on a generated 20,000-company ecosystem, as a user runs it.

Issue 23: the report's single-point-of-failure pictures once built each
product's whole supply tree, and the report did not finish in 15 minutes at
this size. No timing is asserted here (performance lives in ``bench/``): the
test only has to finish within the suite's normal run, and the page it writes
must hold its chain pictures and open clean in headless Chromium.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser import open_page
from playwright.sync_api import Browser

from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle
from tierscope.loaders.generator import generate
from tierscope.viz.chains import MAX_BOXES, MAX_PRODUCTS
from tierscope.viz.report import CHAIN_VIEWS

COMPANIES = 20_000


@pytest.mark.slow
def test_the_report_of_20000_companies_has_its_chain_pictures(
    store: Store, test_env: dict[str, str], tmp_path: Path, browser: Browser
) -> None:
    generate(COMPANIES, 7, tmp_path / "bundle")
    load_bundle(tmp_path / "bundle", store)
    html = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "tierscope", "report", "-o", str(html)],
        capture_output=True,
        text=True,
        env={**test_env, "COLUMNS": "200"},
        timeout=800,
    )
    assert done.returncode == 0, done.stderr
    assert f"Wrote the report to {html}" in done.stderr
    opened = open_page(browser, html, ready=None)
    try:
        opened.assert_clean()
        chains = opened.eval(
            "() => [...document.querySelectorAll('svg.chain')].map(svg => [svg.dataset.chain,"
            " [...svg.querySelectorAll('g.box')].map(g => [g.dataset.node,"
            " g.getAttribute('class')])])"
        )
        subjects = opened.eval(
            "() => [...document.querySelectorAll("
            "'ol.risks li[data-kind=single_point_of_failure]')].map(e => e.dataset.subject)"
        )
    finally:
        opened.page.context.close()
    assert len(chains) == CHAIN_VIEWS
    # the top ten's single points of failure are pictured in the same order
    pictured = [subject for subject, _ in chains]
    assert pictured[: len(subjects)] == subjects[: len(pictured)]
    for subject, boxes in chains:
        roles = [cls.split()[-1] for _, cls in boxes]
        # each picture runs from the single point of failure (red) through the focal
        # company to the products it stops, and stays small enough to read
        assert [n for n, cls in boxes if cls.endswith("risk")] == [subject]
        assert roles.count("focal") == 1 and 1 <= roles.count("product") <= MAX_PRODUCTS + 1
        assert len(boxes) - roles.count("product") <= MAX_BOXES
