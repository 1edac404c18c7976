"""One CSV file's bytes as a table of text, with hostile content refused before it is parsed.

* Encoding: UTF-8 (with or without a byte-order mark), or UTF-16 / UTF-32 with
  a byte-order mark (Excel's "Unicode text" is UTF-16LE with a BOM). Anything
  else that is not UTF-8 is refused with the offset of the first bad byte.
* Separator: a comma; a tab when the header holds tabs and no comma (Excel's
  "Unicode text" separates with tabs).
* A cell longer than the cell limit is found by a scan of the bytes before
  pandas parses the file, so that a 200 MB name is refused without being held
  twice: a stretch without any separator lies inside one cell, and a quoted
  cell is measured up to its closing quote. The exact check runs on the
  parsed cells.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from tierscope.graph.errors import Problem
from tierscope.loaders.cells import check_cells, has_control_bytes
from tierscope.loaders.limits import BundleLimits, setting

__all__ = ["read_table"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_CHUNK = 1 << 22  # bytes per step of a scan: its index arrays stay near 100 MB at most
_HEAD = 1 << 16
#: Quoted cells checked before parsing (a stray quote makes false ones); the rest is left to
#: the check of the parsed cells.
_CANDIDATES = 4


def read_table(
    name: str, data: bytes, limits: BundleLimits, problems: list[Problem]
) -> pd.DataFrame | None:
    """Parse ``data`` (the bytes of ``name``) into a DataFrame of strings, or report why not."""
    utf8, start = _as_utf8(name, data, problems)
    if utf8 is None:
        return None
    delimiter = _delimiter(utf8, start)
    view = memoryview(utf8)[start:]
    limit = limits.max_cell_bytes
    at, longest = _stretches(view, delimiter, 2 * limit + 2)
    where: tuple[int | None, str | None] | None = None
    if at is not None:  # certainly too long; where, if the text before it can be read
        where = _locate(view, at, delimiter) or (None, None)
    elif len(view) > limit and utf8.find(b'"', start) >= 0:
        where = _long_quoted_cell(view, delimiter, limit)
    if where is not None:
        row, column = where
        problems.append(
            Problem(
                name,
                row,
                column,
                None,
                f"the cell holds more than {limits.max_cell_bytes:,} bytes; a cell may hold "
                f"at most {limits.max_cell_bytes:,} ({setting('max_cell_bytes')})",
            )
        )
        return None
    try:
        header = next(csv.reader(_lines(view), delimiter=delimiter), None)
    except csv.Error as e:
        problems.append(Problem(name, 1, None, None, f"is not valid CSV: {e}"))
        return None
    if not header:
        problems.append(Problem(name, None, None, None, "is empty; it needs a header row"))
        return None
    if not _header_ok(name, header, problems):
        return None
    stream = io.BytesIO(utf8)
    stream.seek(start)
    try:
        frame = pd.read_csv(
            stream,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            encoding="utf-8",
        )
    except (pd.errors.ParserError, ValueError) as e:
        problems.append(Problem(name, None, None, None, f"is not valid CSV: {_short(e)}"))
        return None
    frame = frame.fillna("")
    # Without quotes a cell is one stretch between separators: if none is too long, no cell is.
    sizes = longest > limits.max_cell_bytes or utf8.find(b'"', start) >= 0
    if not check_cells(name, frame, limits, problems, control=has_control_bytes(view), sizes=sizes):
        return None
    return frame


def _as_utf8(name: str, data: bytes, problems: list[Problem]) -> tuple[bytes | None, int]:
    """UTF-8 bytes of ``data`` and where the text starts in them (after a UTF-8 BOM)."""
    bom, encoding, label = next(
        (found for found in _BOMS if data.startswith(found[0])), (b"", "utf-8", "UTF-8")
    )
    if encoding == "utf-8":
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(data)
        try:
            for i in range(len(bom), len(data), _CHUNK):
                decoder.decode(view[i : i + _CHUNK], final=i + _CHUNK >= len(data))
        except UnicodeDecodeError as e:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"is not UTF-8 text (byte {i + e.start}); save it as UTF-8",
                )
            )
            return None, 0
        return data, len(bom)
    try:
        text = data[len(bom) :].decode(encoding)
    except UnicodeDecodeError as e:
        problems.append(
            Problem(
                name,
                None,
                None,
                None,
                f"starts as {label} text but is not (byte {len(bom) + e.start}); save it as UTF-8",
            )
        )
        return None, 0
    return text.encode("utf-8"), 0


def _delimiter(utf8: bytes, start: int) -> str:
    line = utf8[start : start + _HEAD].split(b"\n", 1)[0]
    return "\t" if b"\t" in line and b"," not in line else ","


def _stretches(data: memoryview, delimiter: str, longest: int) -> tuple[int | None, int]:
    """Where the first stretch of more than ``longest`` bytes without a separator starts, if any,
    and the longest stretch seen (up to there)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    sep = ord(delimiter)
    last, most = -1, 0  # the last separator seen, the longest stretch
    for lo in range(0, len(arr), _CHUNK):
        chunk = arr[lo : lo + _CHUNK]
        at = np.flatnonzero((chunk == 10) | (chunk == 13) | (chunk == sep)) + lo
        if len(at):
            gaps = np.diff(at, prepend=last) - 1
            big = np.flatnonzero(gaps > longest)
            if len(big):
                return int(at[big[0] - 1] if big[0] > 0 else last) + 1, int(gaps[big[0]])
            most, last = max(most, int(gaps.max())), int(at[-1])
        elif lo + len(chunk) - last - 1 > longest:
            return last + 1, lo + len(chunk) - last - 1
    tail = len(arr) - last - 1
    return (last + 1 if tail > longest else None), max(most, tail)


def _long_quoted_cell(
    data: memoryview, delimiter: str, limit: int
) -> tuple[int, str | None] | None:
    """Row and column of a quoted cell of more than ``limit`` bytes, found before parsing.

    Quotes are paired by parity, which is exact for CSV as written by programs
    (quotes only around cells, doubled inside them); a candidate is confirmed
    by the csv module (the cell starts there, with a quote) and by counting
    the cell's content up to its closing quote, so a stray quote in an
    unquoted cell never refuses a good file: it only leaves the check to the
    parsed cells.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    sep, longest = ord(delimiter), 2 * limit + 2
    quotes, last = 0, -1  # quotes before the chunk, the last separator outside quotes
    tried: set[int] = set()

    def confirmed(at: int) -> tuple[int, str | None] | None:
        if at in tried or len(tried) >= _CANDIDATES:
            return None
        tried.add(at)
        if arr[at] != 34 or _quoted_content(arr, at, longest) <= limit:
            return None
        return _locate(data, at, delimiter, field_start=True)

    for lo in range(0, len(arr), _CHUNK):
        chunk = arr[lo : lo + _CHUNK]
        q = np.flatnonzero(chunk == 34)
        seps = np.flatnonzero((chunk == 10) | (chunk == 13) | (chunk == sep))
        outside = seps[((np.searchsorted(q, seps) + quotes) & 1) == 0] + lo
        quotes += len(q)
        starts = np.append(np.asarray([last]), outside)
        gaps = np.diff(starts) - 1 if len(outside) else np.asarray([lo + len(chunk) - last - 1])
        for i in np.flatnonzero(gaps > longest):
            if (where := confirmed(int(starts[i]) + 1)) is not None:
                return where
        if len(outside):
            last = int(outside[-1])
    if len(arr) - last - 1 > longest:
        return confirmed(last + 1)
    return None


def _quoted_content(arr: np.ndarray[Any, Any], at: int, upto: int) -> int:
    """Bytes of the quoted cell opening at ``at``, counted within ``upto`` bytes of it."""
    window = arr[at + 1 : at + 1 + upto]
    q = np.flatnonzero(window == 34)
    i, doubled = 0, 0
    while i < len(q):
        if i + 1 < len(q) and q[i + 1] == q[i] + 1:
            doubled, i = doubled + 1, i + 2
            continue
        return int(q[i]) - doubled  # the closing quote
    return len(window) - doubled


def _locate(
    data: memoryview, at: int, delimiter: str, field_start: bool = False
) -> tuple[int, str | None] | None:
    """The spreadsheet row and the column of the cell in which byte ``at`` lies.

    With ``field_start``, ``None`` unless a cell starts exactly at ``at``; also
    ``None`` when the text before ``at`` cannot be read as CSV.
    """
    mark = "\ue000"  # ends the text read, so that the cell at ``at`` is always the last field
    header: list[str] | None = None
    row, fields = 0, [mark]
    try:
        for fields in csv.reader(_lines(data[:at], end=mark), delimiter=delimiter):
            if fields:
                row += 1
                if header is None and not fields[-1].endswith(mark):
                    header = fields
    except csv.Error:  # e.g. an earlier cell beyond the csv module's own limit
        return None
    if field_start and fields[-1] != mark:
        return None
    index = len(fields) - 1
    column = header[index] if header is not None and index < len(header) else None
    return max(row, 1), column


def _lines(data: memoryview, end: str = "") -> Iterator[str]:
    """The text of UTF-8 ``data`` as lines (ends kept), read a chunk at a time; then ``end``."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    rest = ""
    for i in range(0, len(data), 1 << 20):
        lines = (rest + decoder.decode(data[i : i + (1 << 20)])).split("\n")
        rest = lines.pop()
        yield from (line + "\n" for line in lines)
    rest += decoder.decode(b"", final=True)
    if rest or end:
        yield rest + end


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


def _short(e: Exception) -> str:
    return str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
