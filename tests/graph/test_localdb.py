"""The local Neo4j server: start, no-op second start, status, stop, and clear refusals."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from tierscope.graph.errors import LocalServerError
from tierscope.graph.localdb import NEO4J_VERSION, LocalServer, ensure_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    s = LocalServer(home=tmp_path_factory.mktemp("neo4j-home"), bolt_port=free_port())
    saved = os.environ.pop("NEO4J_URI", None)
    yield s
    s.stop()
    if saved is not None:
        os.environ["NEO4J_URI"] = saved


def test_version_matches_the_pom() -> None:
    assert NEO4J_VERSION.startswith("5.26.")


def test_start_status_second_start_and_stop(server: LocalServer) -> None:
    messages: list[str] = []
    settings, already = server.start(log=messages.append)
    assert not already
    assert settings.uri == f"bolt://127.0.0.1:{server.bolt_port}"
    assert any("Starting Neo4j" in m for m in messages)

    with GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as d:
        records, _, _ = d.execute_query("RETURN 40 + 2 AS answer")
        assert records[0]["answer"] == 42

    status = server.status()
    assert status.running and status.version == NEO4J_VERSION
    assert status.describe().startswith(f"Neo4j {NEO4J_VERSION} is running at {settings.uri}")

    again, already = server.start(log=messages.append)
    assert already and again == settings

    mode = stat.S_IMODE(os.stat(server.home / "credentials").st_mode)
    assert mode == 0o600
    assert (
        settings.password
        and settings.password not in (server.home / "conf" / "neo4j.conf").read_text()
    )

    assert server.stop() is True
    assert not server.status().running
    assert server.stop() is False


def test_wrong_password_is_refused(server: LocalServer) -> None:
    settings, _ = server.start(log=lambda m: None)
    from neo4j.exceptions import AuthError

    with pytest.raises(AuthError), GraphDatabase.driver(settings.uri, auth=("neo4j", "neo4j")) as d:
        d.verify_connectivity()


def test_port_taken_is_named(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(LocalServerError, match=f"port {port} on 127.0.0.1 is already taken"):
            LocalServer(home=tmp_path, bolt_port=port).start(log=lambda m: None)


def test_neo4j_uri_set_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    with pytest.raises(LocalServerError, match=r"NEO4J_URI is set \(bolt://db.example:7687\)"):
        LocalServer(home=tmp_path, bolt_port=free_port()).start(log=lambda m: None)
    assert ensure_database().uri == "bolt://db.example:7687"


def test_java_missing_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(LocalServerError, match="Java is not on PATH"):
        LocalServer(home=tmp_path / "h", bolt_port=free_port()).start(log=lambda m: None)


def test_maven_missing_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("TIERSCOPE_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(LocalServerError, match=r"Maven \(mvn\) is not on PATH"):
        LocalServer(home=tmp_path / "h").provision(log=lambda m: None)
