"""Every explorer view in headless Chromium: loads clean, holds what it should, escapes names."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from browser import INJECTIONS, Opened, open_page
from playwright.sync_api import Browser

from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz import views
from tierscope.viz.layout import radius
from tierscope.viz.network import NetworkView, network_html

VIEWS: dict[str, Callable[[Ecosystem], NetworkView]] = {
    "overview": views.overview,
    "overview-grouped": lambda eco: views.overview(eco, aggregate_above=10),
    "company": lambda eco: views.company(eco, "TKS", 2),
    "product": lambda eco: views.product(eco, "P-NX400"),
    "scenario": lambda eco: views.scenario(eco, ["TKS"], ["CN"], 30),
    "people": views.people,
}


def show(browser: Browser, view: NetworkView, path: Path) -> Opened:
    path.write_text(network_html(view), encoding="utf-8")
    return open_page(browser, path)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_each_view_loads_clean_and_draws_every_node_and_link(
    name: str, browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    view = VIEWS[name](demo_eco)
    opened = show(browser, view, tmp_path / f"{name}.html")
    opened.screenshot(f"view-{name}")
    opened.assert_clean()
    drawn = opened.eval("() => [tierscope.nodes.length, tierscope.edges.length]")
    assert drawn == [len(view.nodes), len(view.links)]
    assert len(view.nodes) > 5 and len(view.links) > 5
    # the drawn ids are the view's ids
    ids = opened.eval("() => tierscope.nodes.getIds().sort()")
    assert ids == sorted(n.id for n in view.nodes)


def test_the_overview_rings_the_planted_single_points_and_colours_by_severity(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, views.overview(demo_eco), tmp_path / "o.html")
    flagged = set(opened.eval("() => tierscope.nodes.get({filter: n => n.flagged}).map(n => n.id)"))
    planted = {s.node_id for s in demo_eco.analysis.single_points_of_failure}
    assert flagged == planted & set(demo_eco.ctx.companies)
    assert "TKS" in flagged  # the demo's planted hidden sole source behind both EMS partners
    tks = opened.eval("() => tierscope.nodes.get('TKS')")
    assert tks["color"]["background"] == views.RISK["critical"]
    assert "single point of failure for" in tks["title"]
    # switching the colour to segment recolours every node from its facts
    opened.page.select_option("#colour", "segment")
    kestrel = opened.eval("() => tierscope.nodes.get('KESTREL')")
    assert kestrel["color"]["background"] == views.SEGMENT[kestrel["facts"]["segment"]]
    legend = opened.page.inner_text("#legend")
    assert "strategic" in legend and "critical finding" not in legend


def test_search_and_filters_change_what_is_shown(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, views.overview(demo_eco), tmp_path / "o.html")
    page = opened.page
    page.fill("#search", "kinetic")  # by name: Taiwan Kinetic Semiconductor
    assert page.inner_text("#search-result") == "1 found"
    assert opened.eval("() => tierscope.network.getSelectedNodes()") == ["TKS"]
    assert "TKS" in page.inner_text("#details")
    page.select_option("select[data-facet=country]", "JP")
    hidden = opened.eval(
        "() => tierscope.nodes.get().filter(n => !n.hidden).map(n => n.facts.country)"
    )
    assert hidden and set(hidden) == {"JP"}
    assert "of 115 nodes shown" in page.inner_text("#count")


def test_the_product_view_paints_the_evidence_of_each_single_point_red(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    view = views.product(demo_eco, "P-NX400")
    opened = show(browser, view, tmp_path / "p.html")
    red = opened.eval(
        "() => tierscope.edges.get({filter: e => e.width === 3}).map(e => [e.from, e.to])"
    )
    drawn = {tuple(e) for e in opened.eval("() => tierscope.edges.get().map(e => [e.from, e.to])")}
    # the red links are exactly the links of every single point's evidence path that
    # the view draws (node to product), and the focal company's link to the product
    evidence = set()
    for s in demo_eco.single_points_of_failure("P-NX400"):
        path = ["product:P-NX400" if n == "P-NX400" else n for n in s.path]
        evidence.update(itertools.pairwise(path))
    focal = demo_eco.analysis.focal_id
    assert {tuple(e) for e in red} == (evidence & drawn) | {(focal, "product:P-NX400")}
    # the planted one's chain is among them: TKS -> KESTREL -> the focal company -> P-NX400
    assert {("TKS", "KESTREL"), ("KESTREL", focal)} <= {tuple(e) for e in red}
    ringed = set(opened.eval("() => tierscope.nodes.get({filter: n => n.flagged}).map(n => n.id)"))
    spofs = {s.node_id for s in demo_eco.single_points_of_failure("P-NX400")}
    nodes = set(opened.eval("() => tierscope.nodes.getIds()"))
    assert "TKS" in ringed and ringed == spofs & nodes


def test_a_grouped_overview_opens_a_group_into_its_companies(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    view = views.overview(demo_eco, aggregate_above=10)
    assert view.groups is not None
    opened = show(browser, view, tmp_path / "g.html")
    group = max(view.groups, key=lambda g: len(view.groups[g]))  # type: ignore[index]
    opened.eval(f"() => tierscope.drill({group!r})")
    assert view.drill is not None
    members = {view.drill["ids"][i] for i in view.groups[group]}
    drawn = set(opened.eval("() => tierscope.nodes.getIds()"))
    assert members <= drawn
    opened.page.click("#drill")
    assert opened.eval("() => tierscope.nodes.length") == len(view.nodes)
    # a company drawn from the page's packed columns says what the ungrouped overview says
    tks_group = next(
        g for g, m in view.groups.items() if "TKS" in {view.drill["ids"][i] for i in m}
    )
    opened.eval(f"() => tierscope.drill({tks_group!r})")
    tks = opened.eval("() => tierscope.nodes.get('TKS')")
    facts = views.Facts(demo_eco)
    assert tks["flagged"] and tks["color"]["background"] == views.RISK["critical"]
    assert tks["facts"] == facts.facts("TKS") and tks["size"] == radius(round(facts.size("TKS"), 1))
    head = facts.tooltip("TKS").split("\n")[:4]  # name, facts, stake, single point of failure
    assert tks["title"].split("\n")[:4] == head
    assert f"{len(facts.findings['TKS'])} findings (worst: critical)" in tks["title"]
    drawn_links = {
        tuple(e) for e in opened.eval("() => tierscope.edges.get().map(e => [e.from, e.to])")
    }
    inside = {view.drill["ids"][i] for i in view.groups[tks_group]}
    assert drawn_links and all(a in inside or b in inside for a, b in drawn_links)
    assert ("TKS", "KESTREL") in drawn_links
    opened.assert_clean()


def test_the_scenario_view_says_what_stops_and_when(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    result = demo_eco.scenario(["TKS"], [], 30)
    opened = show(browser, views.scenario(demo_eco, ["TKS"], [], 30), tmp_path / "s.html")
    for s in result.stopped_products:
        node = opened.eval(f"() => tierscope.nodes.get('product:{s.product_id}')")
        assert node["facts"]["outcome"] in ("stops", "covered")
        if not s.covered_by_inventory:
            assert f"stops after {s.stops_after_days:g} days" in node["title"]
    assert result.stopped_products


def test_the_people_view_marks_partners_without_a_sponsor(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, views.people(demo_eco), tmp_path / "pp.html")
    gaps = {g.company_id for g in demo_eco.analysis.coverage.gaps}
    ringed = set(
        opened.eval(
            "() => tierscope.nodes.get({filter: n => n.flagged && n.shape === 'dot'}).map(n => n.id)"
        )
    )
    assert gaps and ringed == gaps


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_hostile_names_show_as_text_and_run_nothing(
    name: str, browser: Browser, injected_eco: Ecosystem, tmp_path: Path
) -> None:
    view = VIEWS[name](injected_eco)
    opened = show(browser, view, tmp_path / f"x-{name}.html")
    # hover every node so that every tooltip is built, and open the details of each
    for node_id in opened.eval("() => tierscope.nodes.getIds()")[:60]:
        opened.eval(f"() => tierscope.network.selectNodes([{node_id!r}])")
        pos = opened.eval(
            f"() => tierscope.network.canvasToDOM(tierscope.network.getPosition({node_id!r}))"
        )
        opened.page.mouse.move(pos["x"], pos["y"] + 130)
    opened.page.fill("#search", "script")
    opened.page.wait_for_timeout(300)
    opened.screenshot(f"view-injected-{name}")
    opened.assert_clean()
    titles = " ".join(opened.eval("() => tierscope.nodes.get().map(n => n.title || '')"))
    if name in ("overview", "company", "product"):
        assert INJECTIONS["TKS"] in titles  # the name, as text, not as an element
    assert (
        opened.eval("() => document.querySelectorAll('img, svg[onload], b[onmouseover]').length")
        == 0
    )
    assert opened.eval("() => document.querySelectorAll('script').length") == 3
