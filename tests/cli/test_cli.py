"""The command line as a user meets it: help everywhere, exact messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from tierscope.cli.main import app


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def all_commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        out.append((prefix, cmd))
        if hasattr(cmd, "commands"):  # a group of subcommands
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", root)
    return out


def test_every_command_has_help_text() -> None:
    commands = all_commands()
    names = {name for name, _ in commands}
    assert {
        "validate",
        "load",
        "demo",
        "generate",
        "summary",
        "db start",
        "db stop",
        "db status",
    } <= names
    missing = [name or "tierscope" for name, cmd in commands if not (cmd.help or "").strip()]
    assert missing == []


@pytest.mark.parametrize("command", ["", "validate", "load", "generate", "db", "db start"])
def test_help_runs(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_validate_reports_a_valid_bundle(tiny: Path) -> None:
    result = run("validate", str(tiny))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tiny}: valid (6 companies, 4 items, 4 supplies,")


def test_validate_lists_every_problem_without_a_traceback(bundle_with) -> None:  # type: ignore[no-untyped-def]
    bad = bundle_with(supplies="supplier_id,buyer_id,item_id,share\nS1,F,B,1.7\nZZ,F,B,\n")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "supplies.csv, row 2, column share: must be between 0 and 1, got '1.7'",
        "supplies.csv, row 3, column supplier_id: no company with id 'ZZ' (is it in companies.csv?)",
        f"{bad}: 2 problems; nothing was written.",
    ]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "validate", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "BundleError" in result.stderr


def test_load_and_summary_through_the_cli(tiny: Path, test_env: dict[str, str], store) -> None:  # type: ignore[no-untyped-def]
    loaded = run("load", str(tiny), env=test_env)
    assert loaded.returncode == 0, loaded.stderr
    # 24 table rows + 6 derived relationships (2 PART_OF, 1 OPERATES, 2 WORKS_AT, 1 KPI_OF)
    assert f"Loaded {tiny} into {test_env['NEO4J_URI']}: 30 rows" in loaded.stdout
    summary = run("summary", "--json", env=test_env)
    assert summary.returncode == 0, summary.stderr
    import json

    data = json.loads(summary.stdout)
    assert data["companies"] == 6
    assert data["companies_by_tier"] == {"0": 1, "1": 2, "2": 1, "none": 2}
    assert data["products"] == ["P"]


def test_unreachable_database_is_one_clear_line(tiny: Path) -> None:
    import os

    env = dict(os.environ, NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x")
    result = run("load", str(tiny), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Neo4j at bolt://127.0.0.1:1 is not reachable")
    assert "Traceback" not in result.stderr


def test_db_start_refuses_when_neo4j_uri_is_set() -> None:
    import os

    env = dict(os.environ, NEO4J_URI="bolt://example.invalid:7687")
    result = run("db", "start", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: NEO4J_URI is set (bolt://example.invalid:7687): tierscope uses that server"
    )


def test_unwritable_output_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("generate", "--companies", "10", str(blocker / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {blocker / 'out'}")
    assert "Traceback" not in result.stderr


def test_damaged_zip_is_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bundle.zip"
    bad.write_bytes(b"PK not really")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{bad}: is not a readable .zip file"
