"""tierscope: a graph-based explorer of a company's partner ecosystem.

The packages are ``tierscope.graph`` (domain core: schema, Neo4j store,
networkx projection, analyses), ``tierscope.loaders`` (bundle files to
validated records), ``tierscope.api`` (HTTP), ``tierscope.viz`` (HTML) and
``tierscope.cli`` (the ``tierscope`` command).

In a notebook, two functions give the whole analysis, whose ``frames()`` are
pandas DataFrames (the tables of ``tierscope analyze --csv``):

>>> from tierscope import analyze_bundle
>>> register = analyze_bundle("loaders/demo").frames()["register"]  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI starts faster without importing the analyses
    from tierscope.graph.analysis.run import Analysis

__version__ = "0.1.0"
__all__ = ["__version__", "analyze_bundle", "analyze_loaded"]


def analyze_bundle(path: str | Path) -> Analysis:
    """Validate the bundle at ``path`` (a folder, ``.zip`` or ``.xlsx``) and analyse
    it, without a database; raises ``BundleError`` listing every problem."""
    from tierscope.graph.analysis.run import analyze
    from tierscope.graph.projection import projection_from_records
    from tierscope.loaders.bundle import read_valid_bundle

    records, snapshot = read_valid_bundle(Path(path))
    return analyze(projection_from_records(records, snapshot))


def analyze_loaded() -> Analysis:
    """Analyse the ecosystem loaded in Neo4j: ``NEO4J_URI`` when set, else the local
    server (started if it is not running), as every ``tierscope`` command does."""
    from tierscope.graph.analysis.run import analyze
    from tierscope.graph.localdb import ensure_database
    from tierscope.graph.reading import read_context
    from tierscope.graph.store import Store

    with Store(ensure_database(start=True, log=lambda _: None)) as store:
        return analyze(read_context(store))
