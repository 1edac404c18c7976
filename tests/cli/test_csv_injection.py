"""`tierscope analyze --csv DIR` over a real Neo4j: no cell a spreadsheet would run.

One bundle holds a sole-source supplier per OWASP prefix (=, +, -, @, tab, CR),
with the prefix in its id and its name (so in the evidence sentences that
start with them too), and a KPI of -3.5. It is loaded and analysed once, by
``tierscope`` subprocesses as a user runs them; each prefix is then checked in
the files, read back with the csv module.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tierscope.graph.store import Store

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def sid(k: int) -> str:
    return f"{PREFIXES[k]}S{k}"


def name(k: int) -> str:
    return f'{PREFIXES[k]}HYPERLINK("http://evil.example","Isar {k}")'


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=600,
    )


def write(folder: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        w.writerows(rows)


def hostile_bundle(folder: Path) -> Path:
    folder.mkdir(parents=True)
    n = range(len(PREFIXES))
    write(
        folder,
        "companies",
        ["id", "name", "kind", "country", "segment"],
        [["F", "Focal AG", "focal", "DE", ""]]
        + [[sid(k), name(k), "supplier", "DE", "strategic"] for k in n],
    )
    write(
        folder,
        "items",
        ["id", "name", "kind", "revenue_per_day"],
        [["P", "Drive", "product", "1000"]] + [[f"C{k}", f"Part {k}", "component", ""] for k in n],
    )
    write(folder, "bom", ["parent_id", "child_id", "quantity"], [["P", f"C{k}", "1"] for k in n])
    write(
        folder,
        "supplies",
        ["supplier_id", "buyer_id", "item_id", "share"],
        [[sid(k), "F", f"C{k}", "1"] for k in n],
    )
    write(
        folder,
        "kpis",
        ["company_id", "metric", "period", "value", "target", "higher_is_better"],
        [[sid(k), "margin", "2026-Q1", "-3.5", "1", "true"] for k in n],
    )
    return folder


class Output:
    def __init__(self, folder: Path, analysis: dict[str, Any]) -> None:
        self.folder, self.analysis = folder, analysis

    def rows(self, table: str) -> list[dict[str, str]]:
        with (self.folder / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def raw(self, table: str) -> str:
        return (self.folder / f"{table}.csv").read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def written(
    session_store: Store, neo4j_settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Output:
    import os

    session_store.clear()
    env = {**os.environ, **neo4j_settings.as_env()}
    tmp = tmp_path_factory.mktemp("csv-injection")
    loaded = run("load", str(hostile_bundle(tmp / "bundle")), env=env)
    assert loaded.returncode == 0, loaded.stderr
    out = tmp / "out"
    result = run("analyze", "--csv", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Wrote 14 CSV files to {out}\n"
    as_json = run("analyze", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    return Output(out, json.loads(as_json.stdout))


@pytest.mark.parametrize("k", range(len(PREFIXES)), ids=[repr(p) for p in PREFIXES])
def test_each_prefix_in_ids_names_and_evidence_gets_a_quote(written: Output, k: int) -> None:
    quoted_id, quoted_name = "'" + sid(k), "'" + name(k)

    gaps = {(r["company_id"], r["kind"]): r for r in written.rows("coverage_gaps")}
    gap = gaps[(quoted_id, "no_sponsor")]
    assert gap["name"] == quoted_name
    assert gap["sentence"] == (
        f"'{sid(k)}, a strategic partner that alone stops P, has no executive sponsor."
    )

    register = {(r["kind"], r["subject_id"]): r["sentence"] for r in written.rows("register")}
    sentence = register[("single_point_of_failure", quoted_id)]
    (expected,) = [
        f["sentence"]
        for f in written.analysis["register"]
        if f["kind"] == "single_point_of_failure" and f["subject_id"] == sid(k)
    ]
    assert expected.startswith(f"{name(k)} ({sid(k)}), ")
    assert sentence == "'" + expected

    spofs = {r["node_id"]: r for r in written.rows("single_points_of_failure")}
    assert json.loads(spofs[quoted_id]["path"]) == [sid(k), "F", "P"]  # JSON text is left whole

    hhi = {r["item_id"]: r for r in written.rows("hhi")}
    assert hhi[f"C{k}"]["top_supplier"] == quoted_id
    assert hhi[f"C{k}"]["buyer_id"] == "F"

    kpis = {r["company_id"]: r for r in written.rows("kpis")}
    assert kpis[quoted_id]["latest"] == "-3.5"


def test_a_negative_number_stays_a_number(written: Output) -> None:
    header, *lines = written.raw("kpis").split("\n")[:-1]
    latest = header.split(",").index('"latest"')
    assert [line.split(",")[latest] for line in lines] == ["-3.5"] * len(PREFIXES)  # unquoted


def test_no_cell_starts_with_a_prefix_in_any_file_unless_it_is_a_number(written: Output) -> None:
    files = sorted(written.folder.glob("*.csv"))
    assert len(files) == 14
    starting = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                starting += [(path.name, c) for c in row if c.startswith(tuple(PREFIXES))]
    assert starting, "the kpis' -3.5 at least"
    for where, cell in starting:
        assert float(cell) < 0, (where, cell)
