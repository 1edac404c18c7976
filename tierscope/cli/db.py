"""``tierscope db``: start, stop and inspect the local Neo4j server."""

from __future__ import annotations

import typer

from tierscope.cli.common import console, err, handle_errors
from tierscope.cli.crash import ReportingGroup
from tierscope.graph.config import Neo4jSettings
from tierscope.graph.errors import LocalServerError
from tierscope.graph.localdb import LocalServer  # light: it loads the driver to probe only

app = typer.Typer(
    cls=ReportingGroup,
    no_args_is_help=True,
    help="Start, stop and inspect the local Neo4j server.",
)


def _log(message: str) -> None:
    err.print(message, markup=False)


@app.command()
def start() -> None:
    """Start the local Neo4j (fetched from Maven Central on first use) and print its URI."""
    with handle_errors():
        external = Neo4jSettings.external_from_env()
        if external is not None:
            raise LocalServerError(
                f"NEO4J_URI is set ({external.uri}): tierscope uses that server and does not "
                "start another; unset NEO4J_URI to use the local one"
            )
        settings, already = LocalServer().start(log=_log)
        if already:
            console.print(f"Neo4j is already running at {settings.uri}; nothing to do.")
        else:
            console.print(f"Neo4j is running at {settings.uri}")


@app.command()
def stop() -> None:
    """Stop the local Neo4j server cleanly."""
    with handle_errors():
        server = LocalServer()
        if server.stop():
            console.print("Neo4j stopped.")
        else:
            console.print("Neo4j was not running.")


@app.command()
def status() -> None:
    """Say whether Neo4j runs, where, and which version."""
    with handle_errors():
        external = Neo4jSettings.external_from_env()
        if external is not None:
            from tierscope.graph.store import Store

            with Store(external) as store:
                console.print(f"Using NEO4J_URI {external.uri}: Neo4j {store.server_version()}")
            return
        st = LocalServer().status()
        console.print(st.describe(), markup=False)
        if not st.running:
            raise typer.Exit(3)
