"""``POST /v1/imports``: upload a bundle (.zip of CSV files or .xlsx workbook), admin only.

The upload is validated in full first; any problem answers 422 with the first
problems (``LISTED_PROBLEMS``, then a count of the rest) and nothing is
written. The bundle's limits (``docs/bundle-format.md``) are checked on the
archive's directory before any entry is read. A valid bundle is loaded
all-or-nothing, and the next request analyses the new snapshot.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from tierscope.api.routes.common import ERRORS, admin, engine
from tierscope.api.schemas import ImportOut
from tierscope.graph.current import results
from tierscope.graph.errors import BundleError, Problem, TierscopeError
from tierscope.loaders.bundle import load_bundle

log = logging.getLogger("tierscope.api")

router = APIRouter(tags=["imports"], dependencies=admin, responses=ERRORS)

SUFFIXES = (".zip", ".xlsx")


@router.post("/imports", response_model=ImportOut, status_code=201, summary="Load a bundle")
def import_bundle(
    request: Request,
    file: Annotated[UploadFile, File(description="a .zip of CSV files or an .xlsx workbook")],
) -> dict[str, Any]:
    name = Path(file.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise TierscopeError(f"upload {name!r}: the file must end in .zip or .xlsx")
    e = engine(request)
    with tempfile.TemporaryDirectory(prefix="tierscope-import-") as tmp:
        path = Path(tmp) / f"bundle{suffix}"
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
        with e.writing:
            try:
                summary = load_bundle(path, e.store)
                results(e.store, say=log.info)  # analysed and stored, as `tierscope load` does
            except BundleError as err:  # name the upload, not the temporary file
                raise BundleError(
                    name, [_named(p, str(path), name) for p in err.problems]
                ) from None
    e.invalidate()
    return {
        "snapshot": summary.snapshot,
        "counts": summary.counts,
        "rows_written": summary.rows_written,
        "seconds": summary.seconds,
    }


def _named(problem: Problem, temporary: str, upload: str) -> Problem:
    """``problem`` naming the upload where it names the temporary file."""
    return replace(problem, file=upload) if problem.file == temporary else problem
