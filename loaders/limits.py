"""The limits a bundle must stay within, so that a hostile file is refused before it is read.

Each limit is a setting (``TIERSCOPE_`` + its name in capitals, e.g.
``TIERSCOPE_MAX_CELL_BYTES``) and is named in the error that it causes.
``docs/bundle-format.md`` ("Limits and refused input") lists them.
"""

from __future__ import annotations

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tierscope.graph.errors import TierscopeError

__all__ = ["BundleLimits", "bundle_limits", "setting"]

MiB = 1 << 20
GiB = 1 << 30


class BundleLimits(BaseSettings):
    """How large a bundle, its files, archive entries and cells may be."""

    model_config = SettingsConfigDict(env_prefix="TIERSCOPE_", extra="ignore", frozen=True)

    #: bytes of all CSV files of a bundle together (uncompressed), or of a workbook's parts
    max_bundle_bytes: int = Field(default=2 * GiB, gt=0)
    #: bytes of one CSV file (on disk or uncompressed in a .zip), or of one part of a workbook
    max_file_bytes: int = Field(default=512 * MiB, gt=0)
    #: entries (files and folders) in a .zip bundle or an .xlsx workbook
    max_entries: int = Field(default=1_000, gt=0)
    #: uncompressed / compressed size of one archive entry (entries up to 1 MiB are exempt)
    max_ratio: int = Field(default=100, gt=0)
    #: bytes (UTF-8) of one cell
    max_cell_bytes: int = Field(default=64 * 1024, gt=0)


#: An archive entry this small may compress as well as it likes.
RATIO_EXEMPT_BYTES = MiB


def setting(name: str) -> str:
    """The environment variable of a limit: ``max_cell_bytes`` -> ``TIERSCOPE_MAX_CELL_BYTES``."""
    return f"TIERSCOPE_{name.upper()}"


def bundle_limits() -> BundleLimits:
    """The limits from the environment; a clear error naming the bad variable."""
    try:
        return BundleLimits()
    except ValidationError as e:
        first = e.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "?"
        raise TierscopeError(
            f"{setting(name)} must be a whole number above 0, got {first.get('input')!r}"
        ) from None
