"""A real local Neo4j Community 5.26 LTS server that tierscope starts, stops and watches.

The server runs as
``java -cp 'lib/*' org.neo4j.server.CommunityEntryPoint --console-mode`` in
its own session (it outlives the command that started it), bound to
127.0.0.1, with authentication on and a random password kept in
``HOME/credentials`` (mode 0600). Its jars, configuration and password are
provisioned by :mod:`~tierscope.graph.provision`; this module owns the process:
start, stop, status, the lock and pid file, and :func:`ensure_database`.

Layout of ``HOME`` (default ``$TIERSCOPE_HOME/neo4j``): ``conf/neo4j.conf``,
``data/``, ``logs/console.log``, ``import/``, ``run/``, ``neo4j.pid``,
``credentials``, ``lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tierscope.graph.config import Neo4jSettings, tierscope_home
from tierscope.graph.errors import LocalServerError
from tierscope.graph.provision import (
    JVM_FLAGS,
    NEO4J_VERSION,
    check_java,
    fetch_jars,
    init_password,
    lib_dir,
    write_conf,
)

__all__ = ["NEO4J_VERSION", "LocalServer", "ServerStatus", "ensure_database"]

Log = Callable[[str], None]


@dataclass(frozen=True)
class ServerStatus:
    """Whether the local server runs, where, and which version."""

    running: bool
    uri: str | None
    version: str | None
    pid: int | None
    home: Path

    def describe(self) -> str:
        """One line for ``tierscope db status``."""
        if self.running:
            return (
                f"Neo4j {self.version} is running at {self.uri} (pid {self.pid}, home {self.home})"
            )
        if self.pid is not None:
            return (
                f"Neo4j (pid {self.pid}) is starting or not answering on {self.uri} "
                f"(home {self.home}); see {self.home / 'logs' / 'console.log'}"
            )
        return f"Neo4j is not running (home {self.home}); start it with `tierscope db start`"


class LocalServer:
    """The local Neo4j server living in ``home``, listening on ``bolt_port``."""

    def __init__(self, home: Path | None = None, bolt_port: int | None = None) -> None:
        self.home = Path(home) if home is not None else tierscope_home() / "neo4j"
        self.bolt_port = bolt_port or int(os.environ.get("TIERSCOPE_BOLT_PORT", "7687"))
        self.heap = os.environ.get("TIERSCOPE_NEO4J_HEAP", "2g")
        self.pagecache = os.environ.get("TIERSCOPE_NEO4J_PAGECACHE", "1g")
        #: the process this object launched (its exit status is known, unlike a pid's)
        self._proc: subprocess.Popen[bytes] | None = None

    # -- paths -------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def _pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def _credentials(self) -> Path:
        return self.home / "credentials"

    @property
    def _console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    @staticmethod
    def lib_dir() -> Path:
        """Where the Neo4j jars are cached (``$TIERSCOPE_CACHE`` or ``~/.cache/tierscope``)."""
        return lib_dir()

    # -- provisioning --------------------------------------------------------
    def provision(self, log: Log = print) -> Path:
        """Fetch the Neo4j jars from Maven Central into the cache, once; return the folder."""
        return fetch_jars(log)

    # -- lifecycle -----------------------------------------------------------
    def settings(self) -> Neo4jSettings:
        """How to connect to this server (the password is generated on first start)."""
        password = self._credentials.read_text().strip() if self._credentials.exists() else ""
        return Neo4jSettings(self.uri, "neo4j", password, "neo4j", external=False)

    def start(self, timeout: float = 120.0, log: Log = print) -> tuple[Neo4jSettings, bool]:
        """Start the server unless it runs; return its settings and whether it already ran."""
        external = Neo4jSettings.external_from_env()
        if external is not None:
            raise LocalServerError(
                f"NEO4J_URI is set ({external.uri}): tierscope uses that server and does not "
                "start another; unset NEO4J_URI to use the local one"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if self._alive_pid() is not None:
                self._wait_ready(timeout)
                return self.settings(), True
            check_java()
            self._check_port()
            lib = self.provision(log)
            write_conf(self.home, self.bolt_port, self.heap, self.pagecache)
            init_password(self.home, self._credentials, lib)
            self._launch(lib)
            log(f"Starting Neo4j {NEO4J_VERSION} at {self.uri} (home {self.home})…")
            self._wait_ready(timeout)
            return self.settings(), False

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server: SIGTERM, SIGKILL after ``timeout``. False if it was not running."""
        with self._lock():
            pid = self._alive_pid()
            if pid is None:
                self._pid_file.unlink(missing_ok=True)
                return False
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
                while _alive(pid):
                    time.sleep(0.1)
            self._pid_file.unlink(missing_ok=True)
            return True

    def status(self) -> ServerStatus:
        """Whether the server runs and answers, with its version."""
        pid = self._alive_pid()
        if pid is None:
            return ServerStatus(False, None, None, None, self.home)
        version = self._version()
        return ServerStatus(version is not None, self.uri, version, pid, self.home)

    def wipe(self) -> None:
        """Stop the server and delete its data and password (a fresh database next start)."""
        self.stop()
        shutil.rmtree(self.home / "data", ignore_errors=True)
        self._credentials.unlink(missing_ok=True)

    # -- internals -----------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / "lock", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _pid_of_file(self) -> int | None:
        try:
            return int(self._pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _alive_pid(self) -> int | None:
        pid = self._pid_of_file()
        if pid is None:
            return None
        if self._proc is not None and self._proc.pid == pid:
            return pid if self._proc.poll() is None else None
        if not _alive(pid):
            return None
        try:  # a recycled pid belonging to another program is not our server
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return None
        return pid if str(self.home) in cmdline else None

    def _check_port(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", self.bolt_port))
            except OSError as e:
                raise LocalServerError(
                    f"port {self.bolt_port} on 127.0.0.1 is already taken ({e.strerror}); "
                    "stop what uses it or set TIERSCOPE_BOLT_PORT to a free port"
                ) from e

    def _launch(self, lib: Path) -> None:
        self._console_log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            "java",
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            f"{lib}/*",
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
            "--console-mode",
        ]
        with open(self._console_log, "ab") as out:
            proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.home,
                start_new_session=True,
            )
        self._proc = proc
        self._pid_file.write_text(f"{proc.pid}\n")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The process we launched is judged by its own handle (a pid read from /proc
            # while the JVM starts can look like another program's); one started by
            # another tierscope process, by its pid file.
            ours = self._proc is not None and self._proc.pid == self._pid_of_file()
            code = self._proc.poll() if ours and self._proc is not None else None
            if code is not None or (not ours and self._alive_pid() is None):
                tail = "\n".join(self._log_tail(12)) or "(nothing)"
                how = "" if code is None else f" ({_exit_status(code)})"
                raise LocalServerError(
                    f"Neo4j stopped while starting{how}; the end of {self._console_log}:\n{tail}"
                )
            if self._version() is not None:
                return
            time.sleep(0.5)
        raise LocalServerError(
            f"Neo4j did not answer on {self.uri} within {timeout:.0f} s; see {self._console_log}"
        )

    def _version(self) -> str | None:
        # the driver takes half a second to import: only what talks to the server loads it
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

        settings = self.settings()
        try:
            with GraphDatabase.driver(
                settings.uri, auth=(settings.user, settings.password), connection_timeout=2
            ) as driver:
                with driver.session(database="system") as session:  # no retries: a probe
                    record = session.run(
                        "CALL dbms.components() YIELD versions RETURN versions[0] AS v"
                    ).single()
                return str(record["v"]) if record else None
        except AuthError as e:
            raise LocalServerError(
                f"the local Neo4j refused the password in {self._credentials}; run "
                "`tierscope db stop`, delete that file and the data folder, and start again"
            ) from e
        except (ServiceUnavailable, Neo4jError, OSError):
            return None

    def _log_tail(self, n: int) -> list[str]:
        try:
            return self._console_log.read_text(errors="replace").splitlines()[-n:]
        except FileNotFoundError:
            return []


def _exit_status(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child is dead for our purposes
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def ensure_database(start: bool = True, log: Log = print) -> Neo4jSettings:
    """The database every command uses: ``NEO4J_URI`` if set, else the local server.

    With ``start``, the local server is started on demand (a no-op when it runs).
    """
    external = Neo4jSettings.external_from_env()
    if external is not None:
        return external
    server = LocalServer()
    if start:
        settings, _ = server.start(log=log)
        return settings
    return server.settings()
