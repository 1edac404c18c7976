"""``tierscope demo`` and ``tierscope view`` as a user runs them, against the test Neo4j;
the written views opened in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from browser import open_page
from playwright.sync_api import Browser

from tierscope.graph.projection import read_projection
from tierscope.graph.store import Store
from tierscope.graph.summary import summarize
from tierscope.loaders.bundle import demo_bundle_path, load_bundle, read_valid_bundle

WROTE = re.compile(r"^Wrote (?P<path>.+) \((?P<nodes>[\d,]+) nodes, (?P<links>[\d,]+) links\)$")


@pytest.fixture
def demo_loaded(session_store: Store) -> Store:
    """The session's store holding the demo (loaded only when it holds something else)."""
    _, snapshot = read_valid_bundle(demo_bundle_path())
    state = session_store.state()
    if (state.status, state.snapshot) != ("complete", snapshot):
        load_bundle(demo_bundle_path(), session_store)
    return session_store


def tierscope(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_loads_the_demo_and_summarises_it(store: Store, test_env: dict[str, str]) -> None:
    assert store.state().status == "empty"
    r = tierscope(test_env, "demo", "--json")
    assert r.returncode == 0, r.stderr
    _, snapshot = read_valid_bundle(demo_bundle_path())
    state = store.state()
    assert (state.status, state.snapshot) == ("complete", snapshot)
    assert re.search(
        rf"^Loaded the demo ecosystem into {re.escape(test_env['NEO4J_URI'])} \([\d,]+ rows, ",
        r.stderr,
        re.MULTILINE,
    )
    printed = json.loads(r.stdout)
    assert printed == summarize(read_projection(store)).as_dict()
    companies = pd.read_csv(demo_bundle_path() / "companies.csv", dtype=str)
    assert printed["companies"] == len(companies)

    # as a person runs it: the summary, then the top of the register and what to do next
    again = tierscope(test_env, "demo")
    assert again.returncode == 0, again.stderr
    assert store.state().snapshot == snapshot  # the same demo again changes nothing
    assert "TKS" in again.stdout  # the planted single point of failure is in the top 15
    assert "Next: `tierscope analyze`" in again.stderr
    assert "Traceback" not in again.stderr


VIEWS = {
    "overview": ["overview"],
    "company": ["company", "TKS", "--depth", "2"],
    "product": ["product", "P-NX400"],
    "scenario": ["scenario", "--fail", "TKS", "--country", "CN", "--days", "30"],
    "people": ["people"],
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_writes_a_page_that_draws_its_nodes(
    name: str, demo_loaded: Store, test_env: dict[str, str], browser: Browser, tmp_path: Path
) -> None:
    out = tmp_path / "views" / f"{name}.html"
    r = tierscope(test_env, "view", *VIEWS[name], "-o", str(out))
    assert r.returncode == 0, r.stderr
    wrote = WROTE.match(r.stderr.strip().splitlines()[-1])
    assert wrote is not None, r.stderr
    assert Path(wrote["path"]) == out and out.is_file()
    nodes, links = int(wrote["nodes"].replace(",", "")), int(wrote["links"].replace(",", ""))
    assert nodes > 5 and links > 5
    opened = open_page(browser, out)
    opened.assert_clean()  # no page error, no request leaving the machine, no dialog
    drawn = opened.eval("() => [tierscope.nodes.length, tierscope.edges.length]")
    assert drawn == [nodes, links]
    if name in ("company", "product", "scenario"):
        assert "TKS" in opened.eval("() => tierscope.nodes.getIds()")


def test_view_of_an_unknown_product_is_one_line(
    demo_loaded: Store, test_env: dict[str, str]
) -> None:
    r = tierscope(test_env, "view", "product", "NOPE", "-o", "/nonexistent/never-written.html")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "Error: no product with id 'NOPE' in the loaded ecosystem"
    ]
