"""Read a bundle — a folder of CSV files or one .xlsx workbook — into raw text tables.

Every cell is read as text exactly as written (no trimming, no NA guessing), so
names in any script arrive unchanged and the validator sees what the user wrote.
A bundle beyond :class:`~tierscope.loaders.limits.BundleLimits` (sizes, archive
entries, cells) or with control characters in a cell is refused with the file
and what was wrong, before more of it is read than the limits allow.
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import openpyxl
import pandas as pd
from defusedxml import DefusedXmlException

from tierscope.graph.errors import Problem
from tierscope.graph.schema import TABLES
from tierscope.loaders.archive import safe_entries
from tierscope.loaders.cells import check_cells, escaped
from tierscope.loaders.csvtext import read_table
from tierscope.loaders.limits import BundleLimits, bundle_limits, setting

__all__ = ["RawBundle", "read_bundle"]

_KNOWN = {t.name for t in TABLES}


@dataclass
class RawBundle:
    """The text tables of a bundle, before validation.

    ``frames`` maps a table name to a DataFrame of strings; ``problems`` holds
    what could not even be read (a missing file, a malformed line); ``digest``
    is a SHA-256 over the bytes of the files read, the bundle's snapshot id.
    """

    source: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""

    def file_of(self, table: str) -> str:
        """The name a user sees for ``table``: the CSV file or the workbook sheet."""
        return f"{table}.csv" if not self.source.endswith(".xlsx") else f"sheet {table}"


def read_bundle(path: Path, limits: BundleLimits | None = None) -> RawBundle:
    """Read the bundle at ``path`` (a folder of CSV files, an .xlsx workbook or a .zip of CSVs).

    Problems that stop a file from being read are collected in the result,
    not raised, so that the validator can report them with everything else.
    A bundle beyond ``limits`` (default: :func:`bundle_limits`, from the
    environment) is refused before its content is read.
    """
    path = Path(path)
    limits = limits or bundle_limits()
    if path.is_dir():
        return _read_folder(path, limits)
    if not path.exists():
        bundle = RawBundle(source=str(path))
        bundle.problems.append(Problem(str(path), None, None, None, "no such file or folder"))
        return bundle
    if path.suffix.lower() == ".xlsx":
        return _read_workbook(path, limits)
    if path.suffix.lower() == ".zip":
        return _read_zip(path, limits)
    bundle = RawBundle(source=str(path))
    bundle.problems.append(
        Problem(
            str(path),
            None,
            None,
            path.suffix,
            "a bundle must be a folder of CSV files, an .xlsx workbook or a .zip of CSV files",
        )
    )
    return bundle


def _read_folder(folder: Path, limits: BundleLimits) -> RawBundle:
    bundle = RawBundle(source=str(folder))
    paths = [p for p in sorted(folder.iterdir()) if p.suffix == ".csv"]
    sizes: dict[Path, int] = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError as e:  # a dangling link, no permission
            bundle.problems.append(
                Problem(p.name, None, None, None, f"cannot be read: {e.strerror}")
            )
            continue
        if not stat.S_ISREG(st.st_mode):
            bundle.problems.append(
                Problem(
                    p.name, None, None, None, "is not a regular file; refused, nothing was read"
                )
            )
        elif st.st_size > limits.max_file_bytes:
            bundle.problems.append(
                Problem(
                    p.name,
                    None,
                    None,
                    None,
                    f"is {st.st_size:,} bytes; a file may hold at most {limits.max_file_bytes:,} "
                    f"({setting('max_file_bytes')}); nothing was read",
                )
            )
        sizes[p] = st.st_size
    together = sum(sizes.values())
    if not bundle.problems and together > limits.max_bundle_bytes:
        bundle.problems.append(
            Problem(
                str(folder),
                None,
                None,
                None,
                f"its CSV files hold {together:,} bytes; a bundle may hold at most "
                f"{limits.max_bundle_bytes:,} ({setting('max_bundle_bytes')}); nothing was read",
            )
        )
    if bundle.problems:
        return bundle
    files: dict[str, bytes] = {}
    for p in paths:
        with p.open("rb") as f:  # no more than was checked, should the file grow meanwhile
            files[p.name] = f.read(sizes[p])
    return _from_csv_bytes(bundle, files, limits)


def _is_bundle_file(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return (
        not info.is_dir()
        and name.endswith(".csv")
        and not PurePosixPath(name).name.startswith(".")
        and "__MACOSX" not in name
    )


def _read_zip(path: Path, limits: BundleLimits) -> RawBundle:
    bundle = RawBundle(source=str(path))
    infos, bundle.problems = safe_entries(path, str(path), limits, _is_bundle_file, ".zip bundle")
    if bundle.problems:
        return bundle
    by_name: dict[str, list[str]] = {}
    for info in infos:
        by_name.setdefault(PurePosixPath(info.filename).name, []).append(info.filename)
    for name, entries in sorted(by_name.items()):
        if len(entries) > 1:
            bundle.problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    name,
                    f"holds {escaped(name)} {len(entries)} times "
                    f"({escaped(', '.join(sorted(entries)))}); keep one",
                )
            )
    if bundle.problems:
        return bundle
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                with zf.open(info) as entry:
                    files[PurePosixPath(info.filename).name] = entry.read(info.file_size)
    except Exception as e:  # a damaged entry: zipfile, zlib, bz2 and lzma raise many kinds
        bundle.problems.append(
            Problem(str(path), None, None, None, f"is a damaged .zip file: {_short(e)}")
        )
        return bundle
    return _from_csv_bytes(bundle, files, limits)


def _from_csv_bytes(bundle: RawBundle, files: dict[str, bytes], limits: BundleLimits) -> RawBundle:
    digest = hashlib.sha256()
    for name in sorted(files):
        stem = name[: -len(".csv")]
        if stem not in _KNOWN:
            allowed = ", ".join(f"{t}.csv" for t in sorted(_KNOWN))
            bundle.problems.append(
                Problem(
                    escaped(name),
                    None,
                    None,
                    name,
                    f"unknown file; the files of a bundle are {allowed}",
                )
            )
            continue
        data = files[name]
        for part in (name.encode(), b"\0", data, b"\0"):  # no copy of the data
            digest.update(part)
        frame = read_table(name, data, limits, bundle.problems)
        if frame is not None:
            bundle.frames[stem] = frame
    bundle.digest = digest.hexdigest()
    return bundle


def _read_workbook(path: Path, limits: BundleLimits) -> RawBundle:
    bundle = RawBundle(source=str(path))
    if path.stat().st_size > limits.max_file_bytes:
        bundle.problems.append(
            Problem(
                str(path),
                None,
                None,
                None,
                f"is {path.stat().st_size:,} bytes; a workbook may hold at most "
                f"{limits.max_file_bytes:,} ({setting('max_file_bytes')}); nothing was read",
            )
        )
        return bundle
    _, bundle.problems = safe_entries(path, str(path), limits, lambda _: True, "workbook")
    if bundle.problems:
        return bundle
    if not openpyxl.DEFUSEDXML:
        bundle.problems.append(
            Problem(
                str(path),
                None,
                None,
                None,
                "cannot be read safely: openpyxl is not using defusedxml "
                "(is OPENPYXL_DEFUSEDXML set to something other than True?)",
            )
        )
        return bundle
    data = path.read_bytes()
    bundle.digest = hashlib.sha256(data).hexdigest()
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False, na_filter=False
        )
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        defused = _defused(e)
        message = (
            f"holds XML that declares entities or a document type ({type(defused).__name__}); "
            "refused, as a workbook saved by a spreadsheet program never does"
            if defused is not None
            else f"cannot be read: {_short(e)}"
        )
        bundle.problems.append(Problem(str(path), None, None, None, message))
        return bundle
    for sheet, frame in sheets.items():
        stem = str(sheet).removesuffix(".csv")
        if stem not in _KNOWN:
            allowed = ", ".join(sorted(_KNOWN))
            bundle.problems.append(
                Problem(
                    f"sheet {escaped(str(sheet))}",
                    None,
                    None,
                    str(sheet),
                    f"unknown sheet; allowed: {allowed}",
                )
            )
            continue
        unnamed = [c for c in frame.columns if str(c).startswith("Unnamed:")]
        for c in unnamed:
            if (frame[c].astype(str) != "").any():
                bundle.problems.append(
                    Problem(f"sheet {stem}", 1, None, None, "has a column without a name")
                )
        frame = frame.drop(columns=unnamed).fillna("")
        frame.columns = [str(c) for c in frame.columns]
        frame = frame.astype(str)
        if check_cells(f"sheet {stem}", frame, limits, bundle.problems, control=True):
            bundle.frames[stem] = frame
    return bundle


def _defused(e: BaseException | None) -> DefusedXmlException | None:
    """The defusedxml refusal behind ``e`` (openpyxl re-raises it as another exception)."""
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, DefusedXmlException):
            return e
        e, seen = e.__cause__ or e.__context__, seen + 1
    return None


def _short(e: Exception) -> str:
    return str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
