"""An unexpected error: one line naming the command and the error, the traceback in a log.

The error is a real one: the loaded ecosystem is damaged in Neo4j as a hand
edit in Neo4j Browser could do it (one SUPPLIES relationship loses its
``key``), and every command that reads the ecosystem then fails on a
``KeyError`` nobody planned for. Also here: ``analyze --csv`` on a small valid
bundle with a formula in a name (a ``TypeError`` with pandas 3, issue 21).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from tierscope.graph.config import Neo4jSettings
from tierscope.graph.store import Store

FORMULA = '=HYPERLINK("http://evil.example","Isar")'
#: One relationship loses the key every stored relationship has (parameterised).
DAMAGE = "MATCH ()-[r:SUPPLIES]->() WHERE r.key = $key REMOVE r.key"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=600,
    )


@pytest.fixture
def env(test_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The test server, and a tierscope home of this test's own (for the logs)."""
    return {**test_env, "TIERSCOPE_HOME": str(tmp_path / "home")}


@pytest.fixture
def formula_bundle(bundle_with) -> Path:  # type: ignore[no-untyped-def]
    """TINY (four companies upstream of the focal one) with a formula as S2's name."""
    from tests_support import TINY

    return bundle_with(  # type: ignore[no-any-return]
        companies=TINY["companies"].replace(
            "S2,شركة الخليج,", f'S2,"{FORMULA.replace(chr(34), 2 * chr(34))}",'
        )
    )


@pytest.fixture
def damaged(
    store: Store, formula_bundle: Path, env: dict[str, str], neo4j_settings: Neo4jSettings
) -> dict[str, str]:
    # --no-analyze: the commands then read (and analyse) the damaged graph themselves,
    # instead of the results stored before the damage
    loaded = run("load", str(formula_bundle), "--no-analyze", env=env)
    assert loaded.returncode == 0, loaded.stderr
    s = neo4j_settings
    with GraphDatabase.driver(s.uri, auth=(s.user, s.password)) as driver:
        key = driver.execute_query(
            "MATCH ()-[r:SUPPLIES]->() RETURN r.key AS key ORDER BY key LIMIT 1",
            database_=s.database,
        ).records[0]["key"]
        summary = driver.execute_query(DAMAGE, key=key, database_=s.database).summary
    assert summary.counters.properties_set == 1
    return env


def test_analyze_csv_on_a_small_valid_bundle_writes_every_table(
    store: Store, formula_bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    assert run("load", str(formula_bundle), env=env).returncode == 0
    out = tmp_path / "out"
    result = run("analyze", "--csv", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Wrote 14 CSV files to {out}\n"
    assert sorted(p.name for p in out.iterdir()) == [
        f"{name}.csv"
        for name in sorted(
            [
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
            ]
        )
    ]
    gaps = (out / "coverage_gaps.csv").read_text(encoding="utf-8")
    assert '"S2","\'=HYPERLINK(""http://evil.example"",""Isar"")","no_sponsor"' in gaps


@pytest.mark.parametrize(
    "command",
    [
        ["analyze"],
        ["analyze", "--csv", "OUT"],
        ["summary"],
        ["scenario", "--country", "JP"],
        ["view", "overview", "-o", "OUT/v.html"],
        ["report", "-o", "OUT/r.html"],
    ],
    ids=" ".join,
)
def test_an_unexpected_error_is_one_line_and_a_log_with_the_traceback(
    damaged: dict[str, str], tmp_path: Path, command: list[str]
) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    (tmp_path / "out").mkdir()
    result = run(*args, env=damaged)
    assert result.returncode == 1
    assert result.stdout == ""
    name = " ".join(["tierscope", *[a for a in command if a.isalpha() and a.islower()]])
    logs = tmp_path / "home" / "logs"
    # a reader of the results first says it analyses (none are stored: --no-analyze)
    notice = r"(No stored results for snapshot \w+: analysing it now and storing them\.\n)?"
    match = re.fullmatch(
        notice + rf"Error: {re.escape(name)} failed unexpectedly \(KeyError: 'key'\); "
        rf"the traceback is in ({re.escape(str(logs))}/crash-\d{{8}}-\d{{6}}-\w+\.log)\n",
        result.stderr,
    )
    assert match, result.stderr
    log = Path(match[2])
    assert list(logs.iterdir()) == [log]
    text = log.read_text(encoding="utf-8")
    assert text.startswith("tierscope ")
    assert f"\ncommand: {name}\n" in text
    assert "\nTraceback (most recent call last):\n" in text
    assert "raise KeyError(key)" in text  # the line that failed
    assert text.endswith("\nKeyError: 'key'\n")
    assert os.stat(log).st_mode & 0o777 == 0o600


def test_debug_shows_the_traceback_and_writes_no_log(
    damaged: dict[str, str], tmp_path: Path
) -> None:
    result = run("--debug", "analyze", env=damaged)
    assert result.returncode == 1
    assert "Traceback (most recent call last):" in result.stderr
    assert result.stderr.endswith("\nKeyError: 'key'\n")
    assert not (tmp_path / "home" / "logs").exists()


def test_the_log_goes_to_the_temporary_folder_when_the_home_cannot_hold_it(
    damaged: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    temp = tmp_path / "temp"
    temp.mkdir()
    result = run("summary", env={**damaged, "TIERSCOPE_HOME": str(home), "TMPDIR": str(temp)})
    assert result.returncode == 1
    (log,) = temp.iterdir()
    assert result.stderr == (
        f"Error: tierscope summary failed unexpectedly (KeyError: 'key'); the traceback is in {log}\n"
    )
    assert log.read_text(encoding="utf-8").endswith("\nKeyError: 'key'\n")


def test_an_unwritable_csv_folder_is_the_users_mistake_in_one_line(
    store: Store, formula_bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    assert run("load", str(formula_bundle), env=env).returncode == 0
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("analyze", "--csv", str(blocker / "out"), env=env)
    assert result.returncode == 1
    assert result.stderr == f"Error: {blocker / 'out'}: Not a directory\n"
    assert not (tmp_path / "home" / "logs").exists()
