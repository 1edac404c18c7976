"""Start-up: every ``tierscope`` command pays for what the CLI imports before it runs.

``--version``, ``--help`` and each command's ``--help`` must not import the
database driver, the data and graph libraries or the web stack: each command
imports those when it runs. Checked in a fresh interpreter, as a user starts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: what takes tenths of a second or more to import on a small machine, and no help needs
#: (not pydantic: typer itself imports it to read a command's parameters)
HEAVY = (
    "neo4j",
    "pandas",
    "numpy",
    "networkx",
    "scipy",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "pyvis",
    "openpyxl",
    "rich.progress",
)

# Runs the command as the console script does, then lists the modules then loaded.
_PROBE = """
import json, sys
from tierscope.cli.main import app
try:
    app(sys.argv[1:], prog_name="tierscope")
except SystemExit as e:
    code = e.code
else:
    code = 0
print("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.rstrip().rsplit("\n", 1)[-1]
    assert last.startswith("MODULES "), done.stdout
    found = json.loads(last.removeprefix("MODULES "))
    return found["code"], set(found["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["analyze", "--help"],
        ["scenario", "--help"],
        ["load", "--help"],
        ["report", "--help"],
        ["serve", "--help"],
        ["explore", "--help"],
        ["db", "--help"],
        ["db", "start", "--help"],
        ["view", "--help"],
        ["view", "company", "--help"],
    ],
    ids=lambda args: " ".join(args),
)
def test_version_and_help_import_nothing_heavy(args: list[str]) -> None:
    code, modules = _modules_after(*args)
    assert code == 0
    assert "tierscope.cli.main" in modules
    assert _heavy(modules) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The check above can fail: a command that runs imports what it needs."""
    probe = "import networkx\n" + _PROBE
    done = subprocess.run(
        [sys.executable, "-c", probe, "--version"], capture_output=True, text=True, timeout=120
    )
    found = json.loads(done.stdout.rstrip().rsplit("\n", 1)[-1].removeprefix("MODULES "))
    assert "networkx" in _heavy(set(found["modules"]))
