"""`tierscope analyze` and `tierscope scenario` over a real Neo4j, as a user runs them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle

#: the tables `analyze --csv DIR` writes, one file each (Analysis.frames)
TABLES = (
    "register",
    "single_points_of_failure",
    "country_outages",
    "risk_exposure_index",
    "hhi",
    "exposure",
    "country_exposure",
    "hidden_concentration",
    "convergence",
    "coverage_gaps",
    "people",
    "segments",
    "kpis",
    "classical_disagreements",
)


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=600,
    )


@pytest.fixture
def loaded(store: Store, demo_copy: Path, test_env: dict[str, str]) -> dict[str, str]:
    load_bundle(demo_copy, store)
    return test_env


def test_analyze_prints_the_register_json_and_csv(loaded: dict[str, str], tmp_path: Path) -> None:
    table = run("analyze", "--top", "5", env=loaded)
    assert table.returncode == 0, table.stderr
    assert "Risk register" in table.stdout and "NORDKAP" in table.stdout
    assert "more: --top N" in table.stdout

    out = run("analyze", "--json", env=loaded)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # one JSON object, nothing else on stdout
    assert data["schema_version"] == 3
    spofs = {(s["product_id"], s["node_id"]) for s in data["single_points_of_failure"]}
    assert {("P-NX400", "TKS"), ("P-MS20", "SITE-FEINGUSS-SUHL")} <= spofs
    first = data["single_points_of_failure"][0]
    assert set(first) == {
        "product_id",
        "node_id",
        "node_type",
        "path",
        "assumptions",
        "steps",
    }
    assert data["evidence_steps"][first["steps"][0]]["text"]  # its steps, written once
    assert data["register"][0]["rank"] == 1

    folder = tmp_path / "out"
    written = run("analyze", "--csv", str(folder), env=loaded)
    assert written.returncode == 0, written.stderr
    with (folder / "single_points_of_failure.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["product_id"], r["node_id"]) for r in rows} == spofs
    assert json.loads(rows[0]["evidence"])[0]["text"]  # nested values are JSON in the cell
    # one file per table: the CSV files keep the evidence inline and the rows as objects
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    assert written.stderr == f"Wrote {len(TABLES)} CSV files to {folder}\n"
    with (folder / "hidden_concentration.csv").open(newline="", encoding="utf-8") as f:
        hidden = list(csv.DictReader(f))
    assert len(hidden) == len(data["concentration"]["hidden"]["rows"])
    assert all(h["sentence"] for h in hidden)


def test_scenario_json_has_the_stopped_products(loaded: dict[str, str]) -> None:
    out = run("scenario", "--country", "TW", "--days", "30", "--json", env=loaded)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    stopped = {p["product_id"]: p for p in data["stopped_products"]}
    assert {"P-NX400", "P-NX750"} <= set(stopped)
    nx400 = stopped["P-NX400"]
    assert nx400["revenue_lost"] == pytest.approx(
        nx400["revenue_per_day"] * max(0.0, 30 - nx400["stops_after_days"])
    )
    assert data["revenue_lost"] == pytest.approx(sum(p["revenue_lost"] for p in stopped.values()))

    table = run("scenario", "--fail", "TKS,SITE-FEINGUSS-SUHL", "--days", "60", env=loaded)
    assert table.returncode == 0, table.stderr
    assert "P-MS20" in table.stdout and "P-NX400" in table.stdout


def test_scenario_refuses_unknown_ids_in_one_line(loaded: dict[str, str]) -> None:
    bad = run("scenario", "--fail", "NOPE", env=loaded)
    assert bad.returncode != 0
    assert "'NOPE'" in bad.stderr and "Traceback" not in bad.stderr
    nothing = run("scenario", env=loaded)
    assert nothing.returncode != 0 and "nothing to fail" in nothing.stderr
    country = run("scenario", "--country", "XX", env=loaded)
    assert country.returncode != 0 and "'XX'" in country.stderr and "TW" in country.stderr


def test_a_second_analyze_reads_the_stored_results(
    store: Store, demo_copy: Path, test_env: dict[str, str]
) -> None:
    """The first `analyze` after a load that deferred the analysis computes and stores the
    results and says so; the second reads them: it says nothing of analysing, prints the
    same register, and the stored run is the same one (not written again)."""
    loaded = run("load", str(demo_copy), "--no-analyze", env=test_env)
    assert loaded.returncode == 0, loaded.stderr
    assert "Analysed" not in loaded.stderr
    runs = "MATCH (s:Summary) RETURN s.run AS run, s.current AS current"
    assert store._run(runs) == []

    first = run("analyze", "--top", "5", env=test_env)
    assert first.returncode == 0, first.stderr
    assert "No stored results for snapshot" in first.stderr and "Analysed snapshot" in first.stderr
    stored = store._run(runs)
    assert len(stored) == 1 and stored[0]["current"] is True

    second = run("analyze", "--top", "5", env=test_env)
    assert second.returncode == 0, second.stderr
    assert "Analys" not in second.stderr
    assert second.stdout == first.stdout
    assert store._run(runs) == stored  # the same run: nothing was written again

    again = run("load", str(demo_copy), env=test_env)  # the same bundle: the same results
    assert again.returncode == 0, again.stderr
    assert "already stored" in again.stderr
    assert store._run(runs) == stored

    fresh = run("analyze", "--top", "5", "--recompute", env=test_env)
    assert fresh.returncode == 0, fresh.stderr
    assert "Analysed snapshot" in fresh.stderr
    assert fresh.stdout == first.stdout
    (now,) = store._run(runs)
    assert now["run"] != stored[0]["run"]
