"""The loading pipeline: read a bundle, validate all of it, then hand it to the store.

Nothing reaches the store unless the whole bundle is valid.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tierscope.graph.errors import BundleError
from tierscope.graph.schema import Records
from tierscope.graph.store import LoadSummary, Progress, Store
from tierscope.loaders.read import read_bundle
from tierscope.loaders.validate import check_bundle

__all__ = ["demo_bundle_path", "load_bundle", "read_valid_bundle"]

#: Snapshot ids are this many hex digits of the bundle's SHA-256.
SNAPSHOT_DIGITS = 16


def demo_bundle_path() -> Path:
    """The folder of the bundled demo ecosystem."""
    return Path(str(resources.files("tierscope.loaders") / "demo"))


def read_valid_bundle(path: Path) -> tuple[Records, str]:
    """Read and validate ``path``; return the records and the bundle's snapshot id.

    Raises :class:`BundleError` listing every problem.
    """
    raw = read_bundle(path)
    records, problems = check_bundle(raw)
    if problems:
        raise BundleError(str(path), problems)
    return records, raw.digest[:SNAPSHOT_DIGITS]


def load_bundle(path: Path, store: Store, progress: Progress | None = None) -> LoadSummary:
    """Validate the bundle at ``path`` and, only if it has no problem, load it into ``store``."""
    records, snapshot = read_valid_bundle(path)
    return store.load(records, snapshot, progress)
