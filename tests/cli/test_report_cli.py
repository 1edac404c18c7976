"""``tierscope report`` over a real Neo4j, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=600,
    )


def test_report_writes_html_and_pdf(
    store: Store, demo_copy: Path, test_env: dict[str, str], tmp_path: Path
) -> None:
    summary = load_bundle(demo_copy, store)
    html, pdf = tmp_path / "out" / "report.html", tmp_path / "out" / "report.pdf"
    done = run("report", "-o", str(html), "--pdf", str(pdf), env=test_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"Wrote the report to {html}" in done.stderr
    assert f"Wrote the PDF to {pdf}" in done.stderr
    text = html.read_text(encoding="utf-8")
    assert summary.snapshot in text and "Taiwan Kinetic Semiconductor" in text
    assert "not recorded" not in text  # the load time comes from the database
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_report_names_a_bad_paper_size(test_env: dict[str, str], tmp_path: Path) -> None:
    done = run("report", "-o", str(tmp_path / "r.html"), "--paper", "a5", env=test_env)
    assert done.returncode == 1
    assert "Error: --paper 'a5' is not one of a4, letter" in done.stderr
    assert not (tmp_path / "r.html").exists()
