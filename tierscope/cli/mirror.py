"""``tierscope mirror``: write the Cypher mirror of the stored results (graph/mirror.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from tierscope.cli.common import console, err, handle_errors, open_store
from tierscope.graph.errors import TierscopeError

__all__ = ["mirror_command"]


def mirror_command(
    run: Annotated[
        str | None,
        typer.Option(help="The run to mirror (default: the readable one, as analyze reads)."),
    ] = None,
) -> None:
    """Write the Cypher mirror of the stored results (findings, single points of failure,
    HHIs, exposures; docs/results.md) and make it current. load and analyze start this in
    a process of their own; run it after TIERSCOPE_MIRROR=off or an interrupted mirror."""
    from tierscope.graph.mirror import write_mirror
    from tierscope.graph.stored import current_run, read_analysis

    with handle_errors(), open_store() as store:
        readable = current_run(store)
        if readable is None:
            raise TierscopeError(
                "No stored results to mirror: `tierscope analyze` analyses and stores them."
            )
        if run is not None and run != readable.run:
            raise TierscopeError(
                f"Run {run!r} is not the readable one ({readable.run}): only the results "
                "readers get are mirrored."
            )
        if readable.mirrored:
            console.print(f"The mirror of run {readable.run} is already written.", markup=False)
            return
        with err.status(f"Writing the Cypher mirror of run {readable.run}…"):
            done = write_mirror(store, readable.run, read_analysis(store, readable))
        if not done.completed:
            console.print(
                f"Run {readable.run} was replaced by a newer one while it was mirrored: "
                "what was written of it is deleted.",
                markup=False,
            )
            return
        rows = sum(done.counts.values())
        console.print(
            f"Wrote the Cypher mirror of run {readable.run} ({rows:,} rows) in "
            f"{done.seconds:.1f} s; it is current.",
            markup=False,
        )
