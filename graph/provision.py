"""Provisioning of the local Neo4j server: its jars, Java, configuration and password.

The server tarball is not published on Maven Central, but the server's jars
are: ``resources/pom.xml`` names ``org.neo4j:neo4j`` and ``org.neo4j:neo4j-bolt``,
and ``mvn dependency:copy-dependencies`` puts them and their dependencies in a
cache folder once (:func:`fetch_jars`). Before each start the server's home gets
a fresh ``conf/neo4j.conf`` bound to 127.0.0.1 (:func:`write_conf`) and, before
the very first, a random password kept in ``HOME/credentials`` with mode 0600
(:func:`init_password`). Starting and stopping the process is
:mod:`~tierscope.graph.localdb`'s.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from tierscope.graph.errors import LocalServerError

__all__ = [
    "JVM_FLAGS",
    "NEO4J_VERSION",
    "check_java",
    "fetch_jars",
    "init_password",
    "lib_dir",
    "write_conf",
]

Log = Callable[[str], None]

_POM = Path(str(resources.files("tierscope.graph") / "resources" / "pom.xml"))
NEO4J_VERSION: str = re.search(  # type: ignore[union-attr]
    r"<neo4j\.version>([^<]+)</neo4j\.version>", _POM.read_text(encoding="utf-8")
).group(1)

# The JVM options of Neo4j's own default neo4j.conf (server.jvm.additional).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)


def lib_dir() -> Path:
    """Where the Neo4j jars are cached (``$TIERSCOPE_CACHE`` or ``~/.cache/tierscope``)."""
    cache = Path(os.environ.get("TIERSCOPE_CACHE") or Path.home() / ".cache" / "tierscope")
    return cache / f"neo4j-{NEO4J_VERSION}" / "lib"


def fetch_jars(log: Log = print) -> Path:
    """Fetch the Neo4j jars from Maven Central into the cache, once; return the folder."""
    lib = lib_dir()
    if (lib / ".complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServerError(
            "Maven (mvn) is not on PATH; tierscope needs it once to fetch Neo4j "
            f"{NEO4J_VERSION} from Maven Central. Install Maven, or set NEO4J_URI to a "
            "Neo4j server of your own"
        )
    lib.parent.mkdir(parents=True, exist_ok=True)
    log(f"Fetching Neo4j {NEO4J_VERSION} from Maven Central into {lib} (once)…")
    with tempfile.TemporaryDirectory(dir=lib.parent, prefix=".download-") as tmp:
        target = Path(tmp) / "lib"
        result = subprocess.run(
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(_POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={target}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not any(target.glob("neo4j-*.jar")):
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-8:])
            raise LocalServerError(
                f"Maven could not fetch Neo4j {NEO4J_VERSION} (exit {result.returncode}):\n{tail}"
            )
        (target / ".complete").write_text(NEO4J_VERSION)
        if lib.exists():  # a half-finished folder from an interrupted download
            shutil.rmtree(lib)
        target.rename(lib)
    return lib


def check_java() -> None:
    """Raise :class:`LocalServerError` unless a Java 17 or newer runtime is on PATH."""
    java = shutil.which("java")
    if java is None:
        raise LocalServerError(
            "Java is not on PATH; the local Neo4j needs a Java 17 (or newer) runtime. "
            "Install one, or set NEO4J_URI to a Neo4j server of your own"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    m = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if m is None or int(m.group(1)) < 17:
        found = m.group(1) if m else "unknown"
        raise LocalServerError(
            f"Neo4j {NEO4J_VERSION} needs Java 17 or newer; `java -version` says {found}"
        )


def write_conf(home: Path, bolt_port: int, heap: str, pagecache: str) -> None:
    """Write ``home/conf/neo4j.conf`` (Bolt on 127.0.0.1:``bolt_port`` only, with
    authentication) and make the folders it names."""
    conf = home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    for d in ("data", "logs", "import", "plugins", "run"):
        (home / d).mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").write_text(
        "# Written by tierscope; rewritten at every start.\n"
        "server.default_listen_address=127.0.0.1\n"
        "server.default_advertised_address=127.0.0.1\n"
        "server.bolt.enabled=true\n"
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}\n"
        "server.http.enabled=false\n"
        "server.https.enabled=false\n"
        "dbms.security.auth_enabled=true\n"
        "dbms.usage_report.enabled=false\n"
        "db.tx_log.preallocate=false\n"
        "db.tx_log.rotation.retention_policy=2 files\n"
        f"server.memory.heap.initial_size={heap}\n"
        f"server.memory.heap.max_size={heap}\n"
        f"server.memory.pagecache.size={pagecache}\n"
        f"server.directories.data={home / 'data'}\n"
        f"server.directories.logs={home / 'logs'}\n"
        f"server.directories.import={home / 'import'}\n"
        f"server.directories.plugins={home / 'plugins'}\n"
        f"server.directories.run={home / 'run'}\n",
        encoding="utf-8",
    )


def init_password(home: Path, credentials: Path, lib: Path) -> None:
    """Generate and set the password before the very first start of ``home``, kept in
    ``credentials`` (mode 0600)."""
    if credentials.exists() and (home / "data" / "dbms").exists():
        return
    password = secrets.token_hex(24)  # hex: never starts with "-" (read as an option)
    fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    os.chmod(credentials, 0o600)
    # The password goes through a 0600 argument file, never the command line.
    argfile = home / "run" / "set-password.args"
    fd = os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"-cp\n{lib}/*\norg.neo4j.cli.AdminTool\ndbms\nset-initial-password\n{password}\n")
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    try:
        result = subprocess.run(
            ["java", f"@{argfile}"], capture_output=True, text=True, env=env, check=False
        )
    finally:
        argfile.unlink(missing_ok=True)
    if result.returncode != 0:
        credentials.unlink(missing_ok=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-5:])
        raise LocalServerError(f"could not set the initial Neo4j password:\n{tail}")
