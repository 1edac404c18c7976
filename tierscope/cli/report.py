"""``tierscope report``: the leadership report as HTML, and as PDF through headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierscope.cli.common import err, handle_errors, open_store
from tierscope.graph.errors import TierscopeError
from tierscope.viz.pdf import PAPERS, print_pdf

__all__ = ["report_command"]


def report_command(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The HTML file to write.", dir_okay=False),
    ],
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf", help="Also print it to this PDF file (headless Chromium).", dir_okay=False
        ),
    ] = None,
    paper: Annotated[
        str, typer.Option("--paper", help=f"Paper size to print on: {' or '.join(PAPERS)}.")
    ] = "a4",
) -> None:
    """Write the leadership report: headline numbers, the top ten risks, charts."""
    with handle_errors():
        if paper.lower() not in PAPERS:
            raise TierscopeError(f"--paper {paper!r} is not one of {', '.join(PAPERS)}")
    # imported when the command runs: the report's stack is most of start-up otherwise
    from tierscope.graph.current import ecosystem
    from tierscope.viz.report import report_html

    with handle_errors(), open_store() as store:
        with err.status("Reading the ecosystem and its results…"):
            eco = ecosystem(store, say=lambda m: err.print(m, markup=False))
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report_html(eco, paper=paper.lower()), encoding="utf-8")
        err.print(f"Wrote the report to {output}", markup=False)
        if pdf is not None:
            with err.status("Printing the PDF…"):
                print_pdf(output, pdf)
            err.print(f"Wrote the PDF to {pdf}", markup=False)
