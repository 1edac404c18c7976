"""Shared fixtures: one real Neo4j server per test session, over Bolt.

Tests wipe the database, so they never use ``NEO4J_URI`` (a server of the
user's). They use ``TIERSCOPE_TEST_NEO4J_URI`` (with ``TIERSCOPE_TEST_NEO4J_USER``
and ``_PASSWORD``) when set, else a local server of their own in
``.tierscope/test-neo4j`` on port ``TIERSCOPE_TEST_BOLT_PORT`` (default 7688),
started once for the session and stopped at its end.

Browser tests share one headless Chromium (``browser``), started when the first test
asks for it and closed at the end of the session: Playwright's sync API runs one
instance at a time in a thread, so a second ``sync_playwright()`` beside it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM
from hypothesis import settings
from playwright.sync_api import Browser, sync_playwright
from tests_support import TINY, test_server

from tierscope.graph.config import Neo4jSettings
from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path

REPO = Path(__file__).resolve().parent.parent

# the Cypher mirror of stored results is written before the write returns, so that a test
# (or a `tierscope` subprocess, which inherits this) reads it at once and no mirror process
# outlives its test; tests/graph/test_mirror.py tests the other modes
os.environ["TIERSCOPE_MIRROR"] = "wait"

# no per-example deadline: these machines are noisy, and a timed assertion does not belong
# in a test (bench/ measures speed)
settings.register_profile("tierscope", deadline=None)
settings.load_profile("tierscope")


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    given = Neo4jSettings.external_from_env(prefix="TIERSCOPE_TEST_NEO4J_")
    if given is not None:
        yield given
        return
    server = test_server()
    saved = os.environ.pop("NEO4J_URI", None)
    try:
        settings, already_running = server.start(log=lambda m: None)
    finally:
        if saved is not None:
            os.environ["NEO4J_URI"] = saved
    yield settings
    if not already_running:
        server.stop()


@pytest.fixture(scope="session")
def session_store(neo4j_settings: Neo4jSettings) -> Iterator[Store]:
    with Store(neo4j_settings) as store:
        yield store


@pytest.fixture
def store(session_store: Store) -> Store:
    """The session's store, emptied for this test."""
    session_store.clear()
    return session_store


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for every browser test of the session (each opens
    its own context)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def test_env(neo4j_settings: Neo4jSettings) -> dict[str, str]:
    """Environment for a ``tierscope`` subprocess that points it at the test server."""
    env = dict(os.environ)
    env.update(neo4j_settings.as_env())
    return env


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo bundle."""
    out = tmp_path / "demo"
    shutil.copytree(demo_bundle_path(), out, ignore=shutil.ignore_patterns("*.md", "*.py"))
    return out


def write_bundle(folder: Path, tables: dict[str, str]) -> Path:
    """Write ``tables`` (name -> CSV text) as a bundle folder; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The TINY bundle written to a fresh folder."""
    return write_bundle(tmp_path / "tiny", TINY)


@pytest.fixture
def bundle_with(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``bundle_with(table=csv_text, ...)``: TINY with some tables replaced (``None`` drops one)."""
    counter = iter(range(1000))

    def make(**tables: str | None) -> Path:
        merged = {**TINY, **tables}
        kept = {k: v for k, v in merged.items() if v is not None}
        return write_bundle(tmp_path / f"b{next(counter)}", kept)

    return make
