"""``tierscope view``: the explorer views as self-contained HTML files."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tierscope.cli.common import err, handle_errors, open_store, split_ids
from tierscope.cli.crash import ReportingGroup
from tierscope.graph.bounds import MAX_DEPTH

# The commands import the ecosystem, its analyses and the HTML views when they run,
# not when the CLI starts (tests/cli/test_startup.py).
if TYPE_CHECKING:
    from tierscope.graph.ecosystem import Ecosystem
    from tierscope.viz.network import NetworkView

app = typer.Typer(
    cls=ReportingGroup,
    no_args_is_help=True,
    help="Write an interactive view of the loaded ecosystem as one HTML file (works offline).",
)

Output = Annotated[
    Path, typer.Option("-o", "--output", help="The HTML file to write.", dir_okay=False)
]


class Direction(StrEnum):
    upstream = "upstream"
    downstream = "downstream"
    both = "both"


def _run(output: Path, make: Callable[[Ecosystem], NetworkView]) -> None:
    from tierscope.graph.current import ecosystem

    with handle_errors(), open_store() as store:
        with err.status("Reading the ecosystem and its results…"):
            eco = ecosystem(store, say=lambda m: err.print(m, markup=False))
        _write(output, make(eco))


def _write(output: Path, view: NetworkView) -> None:
    from tierscope.viz.network import network_html

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(network_html(view), encoding="utf-8")
    err.print(
        f"Wrote {output} ({len(view.nodes):,} nodes, {len(view.links):,} links)", markup=False
    )


@app.command("overview")
def overview_command(output: Output) -> None:
    """Every company in tier layers, coloured by risk or segment (grouped when very large)."""
    from tierscope.viz import views

    _run(output, views.overview)


@app.command("company")
def company_command(
    company_id: Annotated[str, typer.Argument(help="A company id.")],
    output: Output,
    depth: Annotated[int, typer.Option(min=1, max=MAX_DEPTH, help="Hops to show.")] = 2,
    direction: Annotated[
        Direction, typer.Option(help="Suppliers, buyers or both.")
    ] = Direction.both,
) -> None:
    """A company's suppliers (upstream) and buyers (downstream) to a chosen depth."""
    from tierscope.graph.around import company_ecosystem
    from tierscope.graph.current import results
    from tierscope.viz import views

    with handle_errors(), open_store() as store:
        with err.status("Reading the company and what is around it…"):
            found = results(store, say=lambda m: err.print(m, markup=False))
            eco = company_ecosystem(store, found.run, company_id, depth, direction.value)
        _write(output, views.company(eco, company_id, depth, direction.value))


@app.command("product")
def product_command(
    product_id: Annotated[str, typer.Argument(help="A product id.")],
    output: Output,
    max_tier: Annotated[int, typer.Option(min=1, max=10, help="Deepest tier drawn.")] = 3,
) -> None:
    """A product's supply tree with its single points of failure and their evidence."""
    from tierscope.viz import views

    _run(output, lambda eco: views.product(eco, product_id, max_tier))


@app.command("scenario")
def scenario_command(
    output: Output,
    fail: Annotated[
        list[str] | None,
        typer.Option("--fail", help="Company or site ids to fail, comma-separated (repeatable)."),
    ] = None,
    country: Annotated[
        list[str] | None,
        typer.Option("--country", help="Country codes to fail, comma-separated (repeatable)."),
    ] = None,
    days: Annotated[
        float, typer.Option("--days", min=0, help="How long the failure lasts.")
    ] = 30.0,
) -> None:
    """What failed, which products stop, and after how many days."""
    from tierscope.viz import views

    _run(output, lambda eco: views.scenario(eco, split_ids(fail), split_ids(country), days))


@app.command("people")
def people_command(output: Output) -> None:
    """Sponsors and contacts against the partners they cover, coverage gaps marked."""
    from tierscope.viz import views

    _run(output, views.people)
