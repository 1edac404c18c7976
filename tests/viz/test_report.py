"""The leadership report in headless Chromium: loads clean, says what the analysis says,
shows hostile names as text, prints to PDF."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import INJECTIONS, Opened, open_page
from playwright.sync_api import Browser

from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.pdf import PdfError, print_pdf
from tierscope.viz.report import report_html

WHEN = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def show(browser: Browser, eco: Ecosystem, path: Path, **kw: str) -> Opened:
    path.write_text(report_html(eco, WHEN, **kw), encoding="utf-8")
    return open_page(browser, path, ready=None)


@pytest.fixture(scope="module")
def demo_page(
    browser: Browser, demo_eco: Ecosystem, tmp_path_factory: pytest.TempPathFactory
) -> Opened:
    opened = show(browser, demo_eco, tmp_path_factory.mktemp("report") / "report.html")
    opened.screenshot("report-demo")
    return opened


def test_the_report_loads_clean_and_self_contained(demo_page: Opened) -> None:
    demo_page.assert_clean()
    # nothing to fetch, nothing to run: no script, no link, no external image
    assert (
        demo_page.eval("() => document.querySelectorAll('script, link, img, iframe').length") == 0
    )


def test_headline_numbers_are_the_analysis(demo_page: Opened, demo_eco: Ecosystem) -> None:
    a = demo_eco.analysis
    shown = demo_page.eval(
        "() => Object.fromEntries([...document.querySelectorAll('[data-headline]')]"
        ".map(e => [e.dataset.headline, Number(e.dataset.value)]))"
    )
    at_risk = {p for f in a.register if f.severity == "critical" for p in f.products}
    assert shown == {
        "products_at_risk": len(at_risk),
        "revenue_at_stake": max(e.revenue_lost for e in a.risk_exposure_index),
        "single_points_of_failure": len({s.node_id for s in a.single_points_of_failure}),
        "hidden_concentrations": sum(1 for f in a.register if f.kind == "hidden_concentration"),
        "coverage_gaps": len(a.coverage.gaps),
    }
    # the demo: NORDKAP stops all 8 products; 5 single points (README "Planted risks")
    assert shown["products_at_risk"] == 8 and shown["single_points_of_failure"] == 5
    text = demo_page.page.inner_text("section.glance")
    assert "8 of 8" in text and "21.1 M" in text


def test_the_top_ten_are_the_registers_first_ten_in_order(
    demo_page: Opened, demo_eco: Ecosystem
) -> None:
    listed = demo_page.eval(
        "() => [...document.querySelectorAll('ol.risks li')]"
        ".map(e => [Number(e.dataset.rank), e.dataset.kind, e.dataset.subject])"
    )
    assert listed == [[f.rank, f.kind, f.subject_id] for f in demo_eco.analysis.register[:10]]
    items = demo_page.page.locator("ol.risks li")
    for i in range(10):
        text = items.nth(i).inner_text()
        assert "Why it matters:" in text and "What to do:" in text, text


def test_the_planted_risks_appear(demo_page: Opened) -> None:
    risks = demo_page.page.inner_text("ol.risks")
    # 1. TKS behind both drives; 5. NORDKAP stops everything; Taiwan as a country
    assert "Taiwan Kinetic Semiconductor Co., Ltd. (TKS)" in risks
    assert "Nordkap Logistics SE (NORDKAP)" in risks and "An outage in TW alone stops" in risks
    assert "Feinguss Thüringen Suhl foundry (SITE-FEINGUSS-SUHL)" in risks
    # the TKS picture: both EMS partners converge on TKS, then Norvik, then the two drives
    nodes = demo_page.eval(
        "() => [...document.querySelectorAll('svg[data-chain=\"TKS\"] [data-node]')]"
        ".map(e => e.dataset.node).sort()"
    )
    assert nodes == sorted(["TKS", "KESTREL", "PENANG", "NORVIK", "P-NX400", "P-NX750"])
    assert demo_page.eval("() => document.querySelectorAll('svg.chain').length") == 4
    # 2. CN concentration behind the encoder: the P-MS20 row has 100% in the CN column
    share = demo_page.eval(
        "() => document.querySelector('svg[data-chart=countries] "
        '[data-product="P-MS20"][data-country="CN"]\').dataset.share'
    )
    assert float(share) == pytest.approx(1.0)
    # every chart is drawn
    for chart in ("revenue", "countries", "concentration", "kpis"):
        assert demo_page.page.locator(f"svg[data-chart={chart}]").count() == 1
    bars = demo_page.page.text_content("svg[data-chart=revenue]") or ""
    assert bars.index("NORDKAP") < bars.index("QUBIT") < bars.index("TKS")
    # 3. DAEHAN's KPIs decline and miss their targets
    assert "(DAEHAN)" in (demo_page.page.text_content("svg[data-chart=kpis]") or "")


def test_the_data_date_and_snapshot_are_shown(demo_page: Opened, demo_eco: Ecosystem) -> None:
    header = demo_page.page.inner_text("header.page")
    assert demo_eco.snapshot and f"snapshot {demo_eco.snapshot}" in header
    assert "report generated 2026-01-15 09:30 UTC" in header
    assert "latest KPI period 2026-Q3" in header


def test_hostile_names_are_text_and_run_nothing(
    browser: Browser, injected_eco: Ecosystem, tmp_path: Path
) -> None:
    opened = show(browser, injected_eco, tmp_path / "injected.html")
    opened.screenshot("report-injected")
    opened.assert_clean()
    assert (
        opened.eval(
            "() => document.querySelectorAll('script, img, svg svg, [onerror], [onload]').length"
        )
        == 0
    )
    # shown in full in the top ten; every one is in the page's text (SVG tooltips included)
    assert f"{INJECTIONS['TKS']} (TKS)" in opened.page.inner_text("ol.risks")
    text = opened.eval("() => document.body.textContent")
    for name in INJECTIONS.values():
        assert name in text, name


def test_chinese_and_korean_names_are_drawn_not_boxed(demo_page: Opened) -> None:
    # The demo names two suppliers in Hangul and Han characters. Without a CJK font
    # (scripts/setup installs Noto CJK) Chromium draws each of them as the same box.
    drawn = demo_page.eval(
        """() => {
          const font = '32px ' + getComputedStyle(document.body).fontFamily;
          return ['深', '圳', '대', '한'].map(ch => {
            const c = document.createElement('canvas');
            c.width = c.height = 40;
            const x = c.getContext('2d');
            x.font = font;
            x.fillText(ch, 2, 34);
            return Array.from(x.getImageData(0, 0, 40, 40).data).join(',');
          });
        }"""
    )
    assert len(set(drawn)) == 4


def test_the_report_prints_to_pdf_on_a4_and_letter(demo_eco: Ecosystem, tmp_path: Path) -> None:
    for paper, width in (("a4", 595), ("letter", 612)):
        html = tmp_path / f"{paper}.html"
        html.write_text(report_html(demo_eco, WHEN, paper=paper), encoding="utf-8")
        pdf = tmp_path / f"{paper}.pdf"
        print_pdf(html, pdf)
        data = pdf.read_bytes()
        assert data[:4] == b"%PDF"
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        assert 2 <= pages <= 8, pages
        boxes = {round(float(m)) for m in re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+)", data)}
        assert boxes == {width}, boxes


def test_a_missing_chromium_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_eco: Ecosystem
) -> None:
    html = tmp_path / "r.html"
    html.write_text(report_html(demo_eco, WHEN), encoding="utf-8")
    monkeypatch.setenv("TIERSCOPE_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(PdfError, match=r"no Chromium executable at '.*no-chromium'"):
        print_pdf(html, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_a_failing_chromium_gives_its_exit_code_and_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_eco: Ecosystem
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    html = tmp_path / "r.html"
    html.write_text(report_html(demo_eco, WHEN), encoding="utf-8")
    monkeypatch.setenv("TIERSCOPE_CHROMIUM", str(fake))
    with pytest.raises(PdfError, match=r"exited with code 3 .*cannot open display"):
        print_pdf(html, tmp_path / "r.pdf")
