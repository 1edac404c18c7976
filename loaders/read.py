"""Read a bundle — a folder of CSV files or one .xlsx workbook — into raw text tables.

Every cell is read as text exactly as written (no trimming, no NA guessing), so
names in any script arrive unchanged and the validator sees what the user wrote.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tierscope.graph.errors import Problem
from tierscope.graph.schema import TABLES

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


def read_bundle(path: Path) -> RawBundle:
    """Read the bundle at ``path`` (a folder of CSV files, an .xlsx workbook or a .zip of CSVs).

    Problems that stop a file from being read are collected in the result,
    not raised, so that the validator can report them with everything else.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        bundle = RawBundle(source=str(path))
        bundle.problems.append(Problem(str(path), None, None, None, "no such file or folder"))
        return bundle
    if path.suffix.lower() == ".xlsx":
        return _read_workbook(path)
    if path.suffix.lower() == ".zip":
        return _read_zip(path)
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


def _read_folder(folder: Path) -> RawBundle:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".csv"}
    return _from_csv_bytes(str(folder), files)


def _read_zip(path: Path) -> RawBundle:
    if not zipfile.is_zipfile(path):
        bundle = RawBundle(source=str(path))
        bundle.problems.append(Problem(str(path), None, None, None, "is not a readable .zip file"))
        return bundle
    with zipfile.ZipFile(path) as zf:
        files = {
            Path(info.filename).name: zf.read(info)
            for info in sorted(zf.infolist(), key=lambda i: i.filename)
            if not info.is_dir()
            and info.filename.endswith(".csv")
            and not Path(info.filename).name.startswith(".")
            and "__MACOSX" not in info.filename
        }
    return _from_csv_bytes(str(path), files)


def _from_csv_bytes(source: str, files: dict[str, bytes]) -> RawBundle:
    bundle = RawBundle(source=source)
    digest = hashlib.sha256()
    for name in sorted(files):
        stem = name[: -len(".csv")]
        if stem not in _KNOWN:
            allowed = ", ".join(f"{t}.csv" for t in sorted(_KNOWN))
            bundle.problems.append(
                Problem(
                    name, None, None, name, f"unknown file; the files of a bundle are {allowed}"
                )
            )
            continue
        data = files[name]
        digest.update(name.encode() + b"\0" + data + b"\0")
        frame = _parse_csv(name, data, bundle.problems)
        if frame is not None:
            bundle.frames[stem] = frame
    bundle.digest = digest.hexdigest()
    return bundle


def _parse_csv(name: str, data: bytes, problems: list[Problem]) -> pd.DataFrame | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(
            Problem(name, None, None, None, f"is not UTF-8 text (byte {e.start}); save it as UTF-8")
        )
        return None
    header_line = next(csv.reader(io.StringIO(text)), None)
    if not header_line:
        problems.append(Problem(name, None, None, None, "is empty; it needs a header row"))
        return None
    if not _header_ok(name, header_line, problems):
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as e:
        problems.append(Problem(name, None, None, None, f"is not valid CSV: {_short(e)}"))
        return None
    return frame.fillna("")


def _header_ok(name: str, header: list[str], problems: list[Problem]) -> bool:
    ok = True
    seen: set[str] = set()
    for col in header:
        if not col.strip():
            problems.append(Problem(name, 1, None, col, "has a column without a name"))
            ok = False
        elif col in seen:
            problems.append(Problem(name, 1, col, col, "column appears twice in the header"))
            ok = False
        seen.add(col)
    return ok


def _read_workbook(path: Path) -> RawBundle:
    data = path.read_bytes()
    bundle = RawBundle(source=str(path), digest=hashlib.sha256(data).hexdigest())
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False, na_filter=False
        )
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        bundle.problems.append(Problem(str(path), None, None, None, f"cannot be read: {_short(e)}"))
        return bundle
    for sheet, frame in sheets.items():
        stem = str(sheet).removesuffix(".csv")
        if stem not in _KNOWN:
            allowed = ", ".join(sorted(_KNOWN))
            bundle.problems.append(
                Problem(
                    f"sheet {sheet}", None, None, str(sheet), f"unknown sheet; allowed: {allowed}"
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
        bundle.frames[stem] = frame.astype(str)
    return bundle


def _short(e: Exception) -> str:
    return str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
