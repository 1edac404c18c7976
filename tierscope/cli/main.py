"""The ``tierscope`` command: thin — parse, call the core, print, translate errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tierscope import __version__
from tierscope.cli import blocks, db, view
from tierscope.cli.analysis import Headline, analyze_command, print_register, scenario_command
from tierscope.cli.common import cell, console, err, handle_errors, open_store, state
from tierscope.cli.crash import ReportingGroup
from tierscope.cli.mirror import mirror_command
from tierscope.cli.report import report_command
from tierscope.cli.serve import explore_command, serve_command

# Each command imports the core it uses (the store and its driver, the loaders, the
# analyses, pandas, networkx) when it runs: `tierscope --version`, `--help` and every
# command start without them (tests/cli/test_startup.py).
if TYPE_CHECKING:
    from tierscope.graph.current import Results
    from tierscope.graph.store import LoadSummary, Store
    from tierscope.graph.summary import EcosystemSummary

app = typer.Typer(
    name="tierscope",
    cls=ReportingGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Explore a partner ecosystem: load it into Neo4j, find single points of failure, "
    "concentration and coverage gaps.",
)
app.add_typer(db.app, name="db")
app.add_typer(view.app, name="view")
app.command("analyze")(analyze_command)
app.command("scenario")(scenario_command)
app.command("serve")(serve_command)
app.command("explore")(explore_command)
app.command("report")(report_command)
app.command("mirror")(mirror_command)

BundlePath = Annotated[
    Path, typer.Argument(help="A folder of CSV files, an .xlsx workbook or a .zip of CSV files.")
]


def _version(value: bool) -> None:
    if value:
        console.print(f"tierscope {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks instead of one-line errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Explore a partner ecosystem with Neo4j and networkx."""
    state.debug = debug


@app.command()
def validate(path: BundlePath) -> None:
    """Check a bundle and report every problem at once (exit 1 if there is any)."""
    from tierscope.loaders.read import read_bundle
    from tierscope.loaders.validate import check_bundle

    with handle_errors():
        with err.status("Validating…"):
            raw = read_bundle(path)
            records, problems = check_bundle(raw)
        if problems:
            from tierscope.graph.errors import BundleError

            raise BundleError(str(path), problems)
        counts = ", ".join(f"{n} {name}" for name, n in records.counts().items() if n)
        console.print(f"{path}: valid ({counts}); snapshot {raw.digest[:16]}", markup=False)


def _load(store: Store, path: Path) -> LoadSummary:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from tierscope.graph.mapping import total_rows
    from tierscope.loaders.bundle import read_valid_bundle

    with err.status(f"Validating {path}…"):
        records, snapshot = read_valid_bundle(path)
    with Progress(
        SpinnerColumn(),
        TextColumn("Loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,  # else rich leaves an empty line in a log
    ) as bar:
        task = bar.add_task("load", total=total_rows(records))
        return store.load(records, snapshot, progress=lambda n: bar.advance(task, n))


AnalyseOnLoad = Annotated[
    bool,
    typer.Option(
        "--analyze/--no-analyze",
        envvar="TIERSCOPE_ANALYZE_ON_LOAD",
        help="Analyse the loaded ecosystem and store the results in Neo4j (deferred with "
        "--no-analyze: the first reader then does it).",
    ),
]


def _store_results(store: Store) -> Results:
    """The loaded snapshot's results: already stored (the same bundle loaded again), or
    analysed and stored now."""
    from tierscope.graph.current import Results, analyse_and_store
    from tierscope.graph.stored import results_for

    state = store.require_complete()
    stored = results_for(store, state.snapshot)
    if stored is not None:
        err.print(f"The results of snapshot {state.snapshot} are already stored.", markup=False)
        return Results(stored)
    with err.status("Analysing and storing the results…"):
        return analyse_and_store(store, say=lambda m: err.print(m, markup=False))


@app.command()
def load(path: BundlePath, analyse: AnalyseOnLoad = True) -> None:
    """Validate a bundle and, if it has no problem, replace the ecosystem in Neo4j with it;
    then analyse it and store the results beside it."""
    with handle_errors(), open_store() as store:
        summary = _load(store, path)
        rate = summary.rows_written / summary.seconds if summary.seconds else 0.0
        console.print(
            f"Loaded {path} into {store.settings.uri}: {summary.rows_written:,} rows in "
            f"{summary.seconds:.1f} s ({rate:,.0f} rows/s); snapshot {summary.snapshot}",
            markup=False,
        )
        if analyse:
            _store_results(store)


@app.command()
def summary(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Describe the ecosystem loaded in Neo4j."""
    from tierscope.graph.projection import read_projection
    from tierscope.graph.summary import summarize

    with handle_errors(), open_store() as store:
        _print_summary(summarize(read_projection(store)), as_json)


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Start Neo4j if needed, load the bundled demo ecosystem and summarise it."""
    from tierscope.graph.projection import read_projection
    from tierscope.graph.stored import read_analysis
    from tierscope.graph.summary import summarize
    from tierscope.loaders.bundle import demo_bundle_path

    with handle_errors(), open_store() as store:
        path = demo_bundle_path()
        result = _load(store, path)
        err.print(
            f"Loaded the demo ecosystem into {store.settings.uri} "
            f"({result.rows_written:,} rows, {result.seconds:.1f} s).",
            markup=False,
        )
        found = _store_results(store)
        analysis = found.analysis or read_analysis(store, found.run)
        g = read_projection(store)
        if as_json:
            _print_summary(summarize(g), as_json)
        else:
            console.out(_one_line_summary(summarize(g)), highlight=False)
            console.out("")  # the summary, a blank line, the register
            print_register(Headline.of(analysis), analysis.register[:15])
            err.print(
                "Next: `tierscope analyze` (all findings, --json, --csv DIR), "
                "`tierscope scenario --country TW --days 30`.",
                markup=False,
            )


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the bundle's CSV files into.")],
    companies: Annotated[
        int, typer.Option("--companies", "-n", help="Number of companies (10 to 1,000,000).")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Random seed; same seed, same bundle.")
    ] = 0,
) -> None:
    """Write a realistic synthetic bundle of any size (same seed, same bundle)."""
    from tierscope.loaders.generator import generate as run

    with handle_errors():
        try:
            with err.status("Generating…") as status:
                result = run(companies, seed, out, progress=lambda m: status.update(m))
        except ValueError as e:
            from tierscope.graph.errors import TierscopeError

            raise TierscopeError(str(e)) from e
        counts = ", ".join(f"{n:,} {name}" for name, n in result.counts.items())
        console.print(f"Wrote {result.path}: {counts}", markup=False)


def _one_line_summary(s: EcosystemSummary) -> str:
    """The ecosystem in a sentence, for the demo (``tierscope summary`` has the table)."""
    tiers = ", ".join(
        f"tier {k}: {v:,}" for k, v in s.companies_by_tier.items() if k not in ("0", "none")
    )
    products = f"{len(s.products)} product{'s' if len(s.products) != 1 else ''}"
    return (
        f"{blocks.printable(s.focal_name)} ({blocks.printable(s.focal_id)}): "
        f"{s.companies:,} companies in {s.countries} countries "
        f"({tiers}), {products}, {s.supply_relationships:,} supply relationships; "
        "`tierscope summary` describes it in full."
    )


def _print_summary(s: EcosystemSummary, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(s.as_dict()))
        return
    title = f"{s.focal_name} ({s.focal_id}) — snapshot {s.snapshot}"
    rows = _summary_rows(s)
    if not console.is_terminal:
        console.out(blocks.key_values(title, rows), highlight=False)
        return
    t = Table(title=cell(title), show_header=False)
    t.add_column("what")
    t.add_column("count")
    for what, value in rows:
        t.add_row(what, cell(value))
    console.print(t)


def _summary_rows(s: EcosystemSummary) -> list[tuple[str, str]]:
    tiers = ", ".join(
        f"{'focal' if k == '0' else 'not upstream' if k == 'none' else 'tier ' + k}: {v}"
        for k, v in s.companies_by_tier.items()
    )
    kinds = ", ".join(f"{k}: {v}" for k, v in s.companies_by_kind.items())
    return [
        ("Companies", f"{s.companies:,}"),
        ("  by tier", tiers),
        ("  by kind", kinds),
        ("Countries (companies and sites)", f"{s.countries}"),
        (
            "Products",
            f"{len(s.products)}: {', '.join(s.products[:12])}"
            + (" …" if len(s.products) > 12 else ""),
        ),
        ("Revenue per day (products)", f"{s.revenue_per_day:,.0f}"),
        ("Items", f"{s.items:,}"),
        ("Supply relationships", f"{s.supply_relationships:,}"),
        ("Bill-of-materials lines", f"{s.bom_lines:,}"),
        ("Sites", f"{s.sites:,}"),
        ("Dependencies (critical)", f"{s.dependencies:,} ({s.critical_dependencies:,})"),
        ("People / sponsorships / contacts", f"{s.people:,} / {s.sponsors:,} / {s.contacts:,}"),
        ("KPI rows", f"{s.kpi_rows:,}"),
        ("Loaded from", s.source),
        ("Loaded at", s.loaded_at),
    ]


if __name__ == "__main__":  # pragma: no cover
    app()
