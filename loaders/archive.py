"""Open a .zip bundle or an .xlsx workbook only after its directory says it is safe to read.

Every check here reads the archive's directory, never an entry's content: the
number of entries (from the end record, before the directory is parsed), entry
names that climb out of the archive (``..``, an absolute path), encrypted or
unknown compression, and the uncompressed sizes and compression ratios against
:class:`~tierscope.loaders.limits.BundleLimits`. Python's :mod:`zipfile` never
returns more bytes than an entry's recorded size, so these sizes also bound
what is read.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from tierscope.graph.errors import Problem
from tierscope.loaders.cells import escaped
from tierscope.loaders.limits import RATIO_EXEMPT_BYTES, BundleLimits, setting

__all__ = ["entry_count", "safe_entries"]

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
#: stored, deflate, bzip2, lzma: what :mod:`zipfile` can read
_METHODS = frozenset({0, 8, 12, 14})
#: a directory record is 46 bytes plus its name, extra field and comment
_DIRECTORY_BYTES_PER_ENTRY = 4096
_DRIVE = re.compile(r"^[A-Za-z]:")


def entry_count(path: Path) -> tuple[int, int] | None:
    """``(entries, directory bytes)`` from the archive's end record; ``None`` if there is none.

    Read before :class:`zipfile.ZipFile` parses the directory, which would hold
    every entry in memory.
    """
    with path.open("rb") as fp:
        fp.seek(0, 2)
        size = fp.tell()
        start = max(0, size - _EOCD.size - 0xFFFF)
        fp.seek(start)
        tail = fp.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            return None
        _, _, _, _, total, directory, offset, _ = _EOCD.unpack_from(tail, at)
        if total != 0xFFFF and directory != 0xFFFFFFFF and offset != 0xFFFFFFFF:
            return total, directory
        locator = start + at - _ZIP64_LOCATOR.size
        if locator < 0:
            return None
        fp.seek(locator)
        sig, _, record, _ = _ZIP64_LOCATOR.unpack(fp.read(_ZIP64_LOCATOR.size))
        if sig != b"PK\x06\x07":
            return None
        fp.seek(record)
        raw = fp.read(_ZIP64_EOCD.size)
        if len(raw) < _ZIP64_EOCD.size or raw[:4] != b"PK\x06\x06":
            return None
        fields = _ZIP64_EOCD.unpack(raw)
        return int(fields[7]), int(fields[8])


def _climbs_out(name: str) -> bool:
    name = name.replace("\\", "/")
    return name.startswith("/") or bool(_DRIVE.match(name)) or ".." in PurePosixPath(name).parts


def safe_entries(
    path: Path,
    source: str,
    limits: BundleLimits,
    wanted: Callable[[zipfile.ZipInfo], bool],
    what: str,
) -> tuple[list[zipfile.ZipInfo], list[Problem]]:
    """The entries of the archive at ``path`` that pass ``wanted``, or the problems that refuse it.

    ``source`` is the name the user knows the archive by; ``what`` names the
    archive in messages (".zip bundle", "workbook"). Sizes and ratios are
    checked on the wanted entries only, since no other entry is read.
    """

    def refuse(message: str) -> tuple[list[zipfile.ZipInfo], list[Problem]]:
        return [], [Problem(source, None, None, None, message)]

    counted = entry_count(path)
    if counted is None or not zipfile.is_zipfile(path):
        return refuse("is not a readable .zip file")
    total, directory = counted
    if total > limits.max_entries:
        return refuse(
            f"holds {total:,} entries; a {what} may hold at most {limits.max_entries:,} "
            f"({setting('max_entries')}); nothing was read"
        )
    if directory > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        return refuse(
            f"has a directory of {directory:,} bytes, more than {limits.max_entries:,} entries "
            f"need ({setting('max_entries')}); nothing was read"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except Exception:  # zipfile raises many kinds for a damaged directory
        return refuse("is not a readable .zip file")
    if len(infos) > limits.max_entries:  # the end record understated them
        return refuse(
            f"holds {len(infos):,} entries; a {what} may hold at most {limits.max_entries:,} "
            f"({setting('max_entries')}); nothing was read"
        )
    problems: list[Problem] = []
    for info in infos:
        if _climbs_out(info.filename):
            problems.append(
                Problem(
                    source,
                    None,
                    None,
                    info.filename,
                    f"entry '{escaped(info.filename)}' climbs out of the archive (.. or an absolute "
                    "path); refused, nothing was read",
                )
            )
    if problems:
        return [], problems
    chosen = [i for i in infos if wanted(i)]
    together = 0
    for info in chosen:
        name = escaped(info.filename)
        if info.flag_bits & 0x1:
            problems.append(
                Problem(source, None, None, name, f"entry {name} is encrypted; save it unencrypted")
            )
        elif info.compress_type not in _METHODS:
            problems.append(
                Problem(
                    source,
                    None,
                    None,
                    name,
                    f"entry {name} uses compression method {info.compress_type}; "
                    "save it with deflate (the usual .zip compression)",
                )
            )
        elif info.file_size > limits.max_file_bytes:
            problems.append(
                Problem(
                    source,
                    None,
                    None,
                    name,
                    f"entry {name} expands to {info.file_size:,} bytes; an entry may expand "
                    f"to at most {limits.max_file_bytes:,} ({setting('max_file_bytes')}); "
                    "nothing was read",
                )
            )
        elif info.file_size > RATIO_EXEMPT_BYTES and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            problems.append(
                Problem(
                    source,
                    None,
                    None,
                    name,
                    f"entry {name} expands {ratio:,.0f} times ({info.compress_size:,} to "
                    f"{info.file_size:,} bytes); at most {limits.max_ratio:,} times is allowed "
                    f"({setting('max_ratio')}); nothing was read",
                )
            )
        together += info.file_size
    if not problems and together > limits.max_bundle_bytes:
        problems.append(
            Problem(
                source,
                None,
                None,
                None,
                f"expands to {together:,} bytes; a bundle may hold at most "
                f"{limits.max_bundle_bytes:,} ({setting('max_bundle_bytes')}); nothing was read",
            )
        )
    return ([] if problems else chosen), problems
