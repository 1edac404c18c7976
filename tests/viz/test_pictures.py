"""The pictures in real Chromium: fitted to their frame, labels clear, PNG and SVG export.

Every view is opened from a file as ``tierscope view`` writes it; ``open_page``
aborts and records any request that would leave the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from browser import INJECTIONS, Opened, open_page
from playwright.sync_api import Browser

from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz import views
from tierscope.viz.layout import LABEL_HEIGHT, MAX_RADIUS, ROW_GAP, radius
from tierscope.viz.network import NetworkView, network_html

PICTURES: dict[str, Callable[[Ecosystem], NetworkView]] = {
    "overview": views.overview,
    "company": lambda eco: views.company(eco, "TKS", 2),
    "product": lambda eco: views.product(eco, "P-NX400"),
    "people": views.people,
    "scenario": lambda eco: views.scenario(eco, ["TKS"], ["CN"], 30),
    "overview-grouped": lambda eco: views.overview(eco, aggregate_above=10),
}

#: every node's centre and its label box in page pixels, and the canvas's box
BOXES = """() => {
  const net = tierscope.network, frame = net.canvas.frame.canvas.getBoundingClientRect();
  const pos = net.getPositions(), out = [];
  for (const id in pos) {
    const c = net.canvasToDOM(pos[id]), b = net.getBoundingBox(id);
    const tl = net.canvasToDOM({x: b.left, y: b.top}), br = net.canvasToDOM({x: b.right, y: b.bottom});
    const r = tierscope.nodes.get(id).size * net.getScale();
    out.push({id: id, x: c.x, y: c.y, r: r, left: tl.x, top: tl.y, right: br.x, bottom: br.y});
  }
  return {width: frame.width, height: frame.height, nodes: out};
}"""


def show(
    browser: Browser, view: NetworkView, path: Path, viewport: tuple[int, int] = (1400, 900)
) -> Opened:
    path.write_text(network_html(view), encoding="utf-8")
    return open_page(browser, path, viewport=viewport)


def assert_inside(opened: Opened) -> None:
    """Every node, with its label, lies inside the canvas."""
    boxes = opened.eval(BOXES)
    outside = [
        n["id"]
        for n in boxes["nodes"]
        if not (
            0 <= n["left"] <= n["right"] <= boxes["width"]
            and 0 <= n["top"] <= n["bottom"] <= boxes["height"]
        )
    ]
    assert boxes["nodes"] and outside == []


def test_no_radius_lets_a_dot_reach_its_neighbours_label() -> None:
    # two neighbours of one column and the label between them fit in a row gap
    assert 2 * MAX_RADIUS + LABEL_HEIGHT <= ROW_GAP
    assert radius(1000.0) == MAX_RADIUS and radius(0.0) > 0


@pytest.mark.parametrize("name", sorted(PICTURES))
@pytest.mark.parametrize("viewport", [(1400, 900), (800, 560)])
def test_every_node_and_label_opens_inside_the_canvas(
    name: str, viewport: tuple[int, int], browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, PICTURES[name](demo_eco), tmp_path / f"{name}.html", viewport)
    assert_inside(opened)
    # still once drawn: the positions do not change afterwards
    before = opened.eval("() => tierscope.network.getPositions()")
    opened.page.wait_for_timeout(400)
    assert opened.eval("() => tierscope.network.getPositions()") == before
    opened.assert_clean()


def test_the_picture_refits_when_its_frame_changes_size(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, views.overview(demo_eco), tmp_path / "o.html")
    opened.eval("() => tierscope.network.moveTo({scale: 3, animation: false})")  # zoomed in
    for size in ({"width": 700, "height": 500}, {"width": 1600, "height": 1000}):
        opened.page.set_viewport_size(size)
        opened.page.wait_for_timeout(400)
        assert_inside(opened)
    opened.assert_clean()


@pytest.mark.parametrize("name", ["overview", "company", "product"])
def test_no_node_covers_another_nodes_label(
    name: str, browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, PICTURES[name](demo_eco), tmp_path / f"{name}.html")
    nodes = opened.eval(BOXES)["nodes"]
    covered = []
    for a in nodes:  # a's label: the part of its box below its shape
        top = a["y"] + a["r"]
        for b in nodes:
            if b is a:
                continue
            if (
                b["x"] + b["r"] > a["left"] + 1
                and b["x"] - b["r"] < a["right"] - 1
                and b["y"] + b["r"] > top + 1
                and b["y"] - b["r"] < a["bottom"] - 1
            ):
                covered.append((b["id"], a["id"]))
    assert covered == []


def test_the_legend_says_what_colours_shapes_and_sizes_mean(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, views.product(demo_eco, "P-NX400"), tmp_path / "p.html")
    legend = opened.page.inner_text("aside")
    for text in ("critical finding", "no finding", "star: the product", "red link: evidence"):
        assert text in legend
    assert "node size" in legend and "revenue at stake" in legend
    opened.page.select_option("#colour", "segment")
    assert "bottleneck" in opened.page.inner_text("#legend")


@pytest.mark.parametrize("name", ["overview", "company", "product"])
def test_png_export_downloads_the_picture(
    name: str, browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, PICTURES[name](demo_eco), tmp_path / f"{name}.html")
    with opened.page.expect_download() as download:
        opened.page.click("#export-png")
    saved = tmp_path / "picture.png"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert download.value.suggested_filename.endswith(".png")
    opened.assert_clean()


def test_svg_export_holds_every_node_and_link_drawn(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    view = views.product(demo_eco, "P-NX400")
    opened = show(browser, view, tmp_path / "p.html")
    with opened.page.expect_download() as download:
        opened.page.click("#export-svg")
    saved = tmp_path / "picture.svg"
    download.value.save_as(saved)
    root = ElementTree.fromstring(saved.read_bytes())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    labels = {"".join(t.itertext()) for t in root.iter(f"{ns}text")}
    assert {n.label for n in view.nodes} <= labels
    assert len(list(root.iter(f"{ns}line"))) == len(view.links)
    red = [line for line in root.iter(f"{ns}line") if line.get("stroke") == views.RISK["critical"]]
    assert len(red) == sum(link.highlighted for link in view.links)
    opened.assert_clean()


@pytest.mark.parametrize("name", ["overview", "company", "product"])
def test_names_with_markup_stay_text_in_the_svg(
    name: str, browser: Browser, injected_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, PICTURES[name](injected_eco), tmp_path / f"x-{name}.html")
    with opened.page.expect_download() as download:
        opened.page.click("#export-svg")
    saved = tmp_path / "x.svg"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)  # parses: nothing broke the markup
    ns = "{http://www.w3.org/2000/svg}"
    assert not [e for e in root.iter() if e.tag in (f"{ns}script", f"{ns}img", f"{ns}image")]
    assert not [e for e in root.iter() if any(k.startswith("on") for k in e.attrib)]
    titles = " ".join("".join(t.itertext()) for t in root.iter(f"{ns}title"))
    assert INJECTIONS["TKS"] in titles  # the name is there, as text
    assert "<script>" not in text and "&lt;script&gt;" in text
    opened.assert_clean()


def test_export_works_inside_an_embedding_frame(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    (tmp_path / "c.html").write_text(
        network_html(views.company(demo_eco, "TKS", 2)), encoding="utf-8"
    )
    host = tmp_path / "host.html"
    host.write_text(
        '<!DOCTYPE html><title>host</title><iframe src="c.html" width="1000" height="700">'
        "</iframe>",
        encoding="utf-8",
    )
    opened = open_page(browser, host, ready=None)
    frame = opened.page.frame_locator("iframe")
    frame.locator("#export-png").wait_for()
    opened.page.wait_for_timeout(500)
    for button, magic in (("#export-png", b"\x89PNG"), ("#export-svg", b"<?xml")):
        with opened.page.expect_download() as download:
            frame.locator(button).click()
        saved = tmp_path / f"framed{button[-4:]}"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(magic)
    opened.assert_clean()


def test_a_big_company_view_folds_its_crowded_columns_and_opens_a_group(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    whole = views.company(demo_eco, "NORVIK", 3)
    view = views.company(demo_eco, "NORVIK", 3, fold_above=20)
    assert view.folded and view.members == whole.nodes and len(view.nodes) < len(whole.nodes)
    in_groups = {view.members[i].id for m in view.folded.values() for i in m}
    drawn_ids = {n.id for n in view.nodes}
    assert drawn_ids - set(view.folded) | in_groups == {n.id for n in whole.nodes}
    assert "NORVIK" in drawn_ids  # the centre, and every ringed node, stay drawn
    assert {n.id for n in whole.nodes if n.flagged} <= drawn_ids  # fewer than KEEP_FLAGGED
    assert "click one to open it" in view.notes[-1]
    opened = show(browser, view, tmp_path / "folded.html")
    assert opened.eval("() => tierscope.nodes.length") == len(view.nodes)
    assert_inside(opened)
    group = max(view.folded, key=lambda g: len(view.folded[g]))  # type: ignore[index]
    at = opened.eval(
        f"() => tierscope.network.canvasToDOM(tierscope.network.getPosition({group!r}))"
    )
    box = opened.page.locator("#network canvas").bounding_box()
    assert box is not None
    opened.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])  # a real click on it
    deadline = 100
    while not opened.eval("() => tierscope.drilledStill") and deadline:
        opened.page.wait_for_timeout(50)
        deadline -= 1
    drawn = set(opened.eval("() => tierscope.nodes.getIds()"))
    assert {view.members[i].id for i in view.folded[group]} <= drawn
    assert_inside(opened)
    opened.page.click("#drill")
    assert opened.eval("() => tierscope.nodes.length") == len(view.nodes)
    opened.assert_clean()


def test_small_views_are_not_folded(demo_eco: Ecosystem) -> None:
    view = views.product(demo_eco, "P-NX400")
    assert view.folded is None and view.members is None


def test_an_opened_group_of_the_overview_is_fitted_too(
    browser: Browser, demo_eco: Ecosystem, tmp_path: Path
) -> None:
    view = views.overview(demo_eco, aggregate_above=10)
    assert view.groups is not None
    opened = show(browser, view, tmp_path / "g.html")
    group = max(view.groups, key=lambda g: len(view.groups[g]))  # type: ignore[index]
    opened.eval(f"() => tierscope.drill({group!r})")
    for _ in range(100):
        if opened.eval("() => tierscope.drilledStill"):
            break
        opened.page.wait_for_timeout(50)
    assert opened.eval("() => tierscope.nodes.length") > len(view.groups[group])
    assert_inside(opened)
    opened.assert_clean()
