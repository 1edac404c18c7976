"""The README is the front door: short, every link resolves, every block marked
``runnable`` runs as a newcomer would run it, and the output it shows is what
the command prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
TEXT = README.read_text(encoding="utf-8")
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def blocks(info: str) -> list[str]:
    return [body for kind, body in FENCE.findall(TEXT) if kind.strip() == info]


def anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the headings of ``markdown``."""
    out = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def test_the_readme_is_a_front_door_of_at_most_150_lines() -> None:
    assert len(TEXT.splitlines()) <= 150
    assert TEXT.index("bash scripts/demo") < TEXT.index("bash scripts/test") < 1_000


def test_every_link_in_the_readme_resolves() -> None:
    links = LINK.findall(FENCE.sub("", TEXT))
    assert len(links) >= 10
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve()
        assert target.exists(), f"README links to {link}, which does not exist"
        if anchor:
            assert anchor in anchors(target.read_text(encoding="utf-8")), link


def test_every_link_in_the_docs_resolves() -> None:
    for page in sorted((REPO / "docs").glob("*.md")):
        for link in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
            if link.startswith(("http://", "https://")):
                continue
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.exists(), f"{page.name} links to {link}, which does not exist"
            if anchor:
                assert anchor in anchors(target.read_text(encoding="utf-8")), (page.name, link)


@pytest.fixture(scope="module")
def demo_env(neo4j_settings, session_store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The test server with the demo loaded, as ``tierscope demo`` leaves it."""
    session_store.clear()
    env = {**os.environ, **neo4j_settings.as_env()}
    loaded = subprocess.run(
        [sys.executable, "-m", "tierscope", "load", str(REPO / "loaders" / "demo")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    return env


def _tierscope(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert command.startswith("tierscope "), command
    args = command.split()[1:]
    return subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("block", blocks("bash runnable"))
def test_every_runnable_command_runs(block: str, demo_env: dict[str, str], tmp_path: Path) -> None:
    for line in block.strip().splitlines():
        result = _tierscope(line.strip(), demo_env, tmp_path)
        assert result.returncode == 0, (line, result.stderr)
        assert result.stdout or list(tmp_path.iterdir()), line


def test_the_register_the_readme_shows_is_what_the_command_prints(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    shown = next(body for kind, body in FENCE.findall(TEXT) if kind.strip() == "text")
    printed = _tierscope("tierscope analyze --top 3", demo_env, tmp_path).stdout.splitlines()
    for line in shown.splitlines():
        if line and line != "…":
            assert line in printed, line


def test_the_notebook_example_runs(tmp_path: Path) -> None:
    (code,) = blocks("python runnable")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == (
        [
            "rank",
            "severity",
            "subject_id",
            "1",
            "critical",
            "NORDKAP",
            "2",
            "critical",
            "QUBIT",
            "3",
            "critical",
            "TKS",
        ]
    )
