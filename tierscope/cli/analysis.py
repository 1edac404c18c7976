"""``tierscope analyze`` and ``tierscope scenario``: the risk register and what-if scenarios."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tierscope.cli import blocks
from tierscope.cli.common import cell, console, err, handle_errors, open_store, split_ids
from tierscope.graph.errors import TierscopeError

# The commands import the analyses, the store and pandas when they run, not when the
# CLI starts (tests/cli/test_startup.py).
if TYPE_CHECKING:
    from tierscope.graph.analysis.finding import Finding
    from tierscope.graph.analysis.run import Analysis
    from tierscope.graph.analysis.scenarios import Scenario
    from tierscope.graph.jsonstream import Filters
    from tierscope.graph.store import Store
    from tierscope.graph.stored import StoredRun

__all__ = ["Headline", "analyze_command", "print_register", "scenario_command"]


def analyze_command(
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object, streamed (docs/contracts.md)."),
    ] = False,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Write one CSV file per table into this folder.", file_okay=False
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows of the register to print.")] = 25,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Only findings of this kind, e.g. single_point_of_failure (comma-separated, "
            "repeatable); --json then holds the register alone.",
        ),
    ] = None,
    product: Annotated[
        str | None, typer.Option("--product", help="Only what concerns this product.")
    ] = None,
    min_severity: Annotated[
        str | None,
        typer.Option(
            "--min-severity",
            help="Only findings at least this severe (critical, high, medium, low).",
        ),
    ] = None,
    recompute: Annotated[
        bool,
        typer.Option("--recompute", help="Analyse again and store the results, even if stored."),
    ] = False,
) -> None:
    """Print the ranked risk register of the loaded ecosystem (stored results; analysed and
    stored first when there are none).

    On a terminal the register is a table; into a pipe or a file, one block per
    finding with its sentence whole on one line (FORCE_COLOR=1 asks for the table).
    """
    from tierscope.graph.current import results
    from tierscope.graph.jsonstream import Filters, write_json
    from tierscope.graph.stored import iter_parts, read_analysis, read_meta, read_register

    with handle_errors(), open_store() as store:
        with err.status("Reading the results…"):
            found = results(store, recompute, say=lambda m: err.print(m, markup=False))
            meta = read_meta(store, found.run)
        filters = Filters(tuple(split_ids(only)), product, min_severity)
        filters.check(p["product_id"] for p in meta["products"])
        if csv is not None:
            result = found.analysis or read_analysis(store, found.run)
            written = write_csv(result, csv)
            err.print(f"Wrote {len(written)} CSV files to {csv}", markup=False)
        if as_json:
            out = sys.stdout
            write_json(out, meta, lambda table: iter_parts(store, found.run.run, table), filters)
            out.flush()
        elif csv is None:
            shown = read_register(store, found.run, top, filters.finding)
            head = Headline.stored(found.run)
            if filters != Filters():
                head = replace(head, shown_of=_count_register(store, found.run, filters))
            print_register(head, shown)


def _count_register(store: Store, run: StoredRun, filters: Filters) -> int:
    from tierscope.graph.analysis.codec import read_part
    from tierscope.graph.stored import iter_parts

    return sum(
        1
        for p in iter_parts(store, run.run, "register")
        for row in read_part(p.codec, p.data)
        if filters.finding(row)
    )


@dataclass(frozen=True)
class Headline:
    """What the register's title says."""

    findings: int
    products_at_risk: int
    products: int
    snapshot: str | None
    #: findings that pass the filters, when filtered
    shown_of: int | None = None

    @classmethod
    def of(cls, a: Analysis) -> Headline:
        at_risk = {p for f in a.register if f.severity == "critical" for p in f.products}
        return cls(len(a.register), len(at_risk), len(a.products), a.snapshot)

    @classmethod
    def stored(cls, run: StoredRun) -> Headline:
        s = run.summary
        return cls(int(s["findings"]), int(s["products_at_risk"]), int(s["products"]), run.snapshot)


def write_csv(result: Analysis, folder: Path) -> list[Path]:
    """One CSV file per table of ``result`` in ``folder``, every cell safe to open."""
    from tierscope.graph import csvsafe

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, df in result.frames().items():
        path = folder / f"{name}.csv"
        csvsafe.write_csv(df, path)
        out.append(path)
    return out


_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}


def print_register(head: Headline, shown: list[Finding]) -> None:
    """The findings ``shown`` (the first of the register) under its title: a table on a
    terminal, one block per finding otherwise."""
    title = (
        f"Risk register — {head.findings} findings, {head.products_at_risk} of {head.products} "
        f"products can be stopped by one failure (snapshot {head.snapshot})"
    )
    if head.shown_of is not None:
        title += f"; {head.shown_of} match the filters"
    total = head.findings if head.shown_of is None else head.shown_of
    more = (
        f"… {total - len(shown)} more: --top N, --json or --csv DIR for all."
        if total > len(shown)
        else None
    )
    if not console.is_terminal:
        console.out(blocks.text(title, blocks.finding_blocks(shown), more), highlight=False)
        return
    t = Table(title=cell(title), show_lines=False)
    t.add_column("#", justify="right")
    t.add_column("severity")
    t.add_column("kind")
    t.add_column("subject")
    t.add_column("at stake", justify="right")
    t.add_column("why", overflow="fold")
    for f in shown:
        t.add_row(
            str(f.rank),
            f"[{_STYLE[f.severity]}]{f.severity}[/]",
            f.kind.replace("_", " "),
            cell(f.subject_id),
            f"{f.revenue_at_stake:,.0f}" if f.revenue_at_stake else "",
            cell(f.sentence),
        )
    console.print(t)
    if more:
        console.print(more, markup=False)


def scenario_command(
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (see README).")
    ] = False,
) -> None:
    """Fail companies, sites or whole countries for D days: what stops, when, and what it costs."""
    from tierscope.graph.analysis.results import dumps
    from tierscope.graph.analysis.scenarios import UnknownFailure, run_scenario
    from tierscope.graph.reading import read_context

    with handle_errors(), open_store() as store:
        ids, countries = split_ids(fail), split_ids(country)
        if not ids and not countries:
            raise TierscopeError("nothing to fail: give --fail ID,... and/or --country CC,...")
        with err.status("Reading the ecosystem…"):
            ctx = read_context(store)
        for i in ids:
            if i not in ctx.companies and i not in ctx.sites:
                raise UnknownFailure(
                    "company or site", i, "give ids from companies.csv or sites.csv"
                )
        companies = [i for i in ids if i in ctx.companies]
        sites = [i for i in ids if i in ctx.sites]
        result = run_scenario(ctx, companies, sites, countries, days)
        if as_json:
            print(dumps(result))
        else:
            print_scenario(result)


def print_scenario(s: Scenario) -> None:
    """The scenario in a sentence, then its stopped products: a table on a terminal,
    one block per product otherwise."""
    failed = [*s.failed_companies, *s.failed_sites, *s.failed_countries]
    stopped = len(s.stopped_products)
    heading = (
        f"Scenario: {', '.join(failed)} fail{'s' if len(failed) == 1 else ''} for "
        f"{s.days:g} days — {_count(s.down_companies, 'company', 'companies')} and "
        f"{_count(s.down_sites, 'site', 'sites')} down; {_count(stopped, 'product', 'products')} "
        f"stop{'s' if stopped == 1 else ''}; revenue lost {s.revenue_lost:,.0f}."
    )
    if not console.is_terminal:
        console.out(
            blocks.text(heading, blocks.stopped_blocks(s.stopped_products)), highlight=False
        )
        return
    console.print(blocks.printable(heading), markup=False)
    if not s.stopped_products:
        return
    t = Table()
    for col in ("product", "stops after (days)", "days stopped", "revenue lost", "why"):
        t.add_column(col, overflow="fold")
    for p in s.stopped_products:
        note = " (inventory covers it)" if p.covered_by_inventory else ""
        t.add_row(
            cell(p.product_id),
            f"{p.stops_after_days:g}",
            f"{p.days_stopped:g}{note}",
            f"{p.revenue_lost:,.0f}",
            cell(" ".join(p.evidence[:3])),
        )
    console.print(t)


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"
