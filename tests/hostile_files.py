"""Hostile bundle files for the tests, built in seconds without writing gigabytes.

A zip bomb's entry is deflate output of one block of rows, repeated: a full
flush empties the compressor's window, so every block compresses to the same
bytes, and a 3.2 GB entry costs one 4 MiB compression and a CRC.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HEADER = b"id,name,kind,country\n"
ROW = b"C," + b"A" * 4000 + b",supplier,DE\n"


def _entry(
    name: bytes, crc: int, packed: int, size: int, offset: int | None = None, method: int = 8
) -> bytes:
    """A local header (``offset`` None) or a directory record of a zip entry."""
    if offset is None:
        fields = (b"PK\x03\x04", 20, 0, 0, method, 0, 0x21, crc, packed, size, len(name), 0)
        return struct.pack("<4s2B4HL2L2H", *fields) + name
    fields2 = (b"PK\x01\x02", 20, 0, 20, 0, 0, method, 0, 0x21, crc, packed, size, len(name))
    return struct.pack("<4s4B4HL2L5H2L", *fields2, 0, 0, 0, 0, 0, offset) + name


def _end(entries: int, directory: int, directory_at: int) -> bytes:
    return struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, directory, directory_at, 0
    )


def bomb_zip(path: Path, size: int = 3_200_000_000, name: str = "companies.csv") -> Path:
    """A valid .zip whose one entry ``name`` is a CSV of ``size`` bytes or a little more."""
    block = ROW * ((4 << 20) // len(ROW))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(HEADER) + comp.flush(zlib.Z_FULL_FLUSH)
    packed_block = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush()
    repeats = -(-(size - len(HEADER)) // len(block))
    crc = zlib.crc32(HEADER)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    total = len(HEADER) + repeats * len(block)
    packed = len(head) + repeats * len(packed_block) + len(tail)
    assert total < 2**32, "no zip64 here"
    raw = name.encode()
    with path.open("wb") as out:
        out.write(_entry(raw, crc, packed, total))
        out.write(head)
        for _ in range(repeats):
            out.write(packed_block)
        out.write(tail)
        directory_at = out.tell()
        central = _entry(raw, crc, packed, total, offset=0)
        out.write(central)
        out.write(_end(1, len(central), directory_at))
    return path


def many_entries_zip(path: Path, n: int = 200_000) -> Path:
    """A valid .zip of ``n`` tiny stored CSV files (``f000000.csv``...), each ``a``."""
    data = b"a\n"
    crc = zlib.crc32(data)
    locals_, records = bytearray(), bytearray()
    for i in range(n):
        name = f"f{i:06d}.csv".encode()
        records += _entry(name, crc, len(data), len(data), offset=len(locals_), method=0)
        locals_ += _entry(name, crc, len(data), len(data), method=0) + data
    with path.open("wb") as out:
        out.write(locals_)
        out.write(records)
        if n >= 0xFFFF:  # more than the end record counts: a zip64 end record, as zipfile writes
            at = out.tell()
            out.write(
                struct.pack(
                    "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(records), len(locals_)
                )
            )
            out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1))
        out.write(_end(min(n, 0xFFFF), len(records), len(locals_)))
    return path
