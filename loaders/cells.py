"""Cells a bundle may not hold: control characters, and more bytes than the cell limit.

Tab, line feed and carriage return are allowed (a quoted CSV cell may hold a
line break); every other C0 control character (U+0000-U+001F) and DEL (U+007F)
is refused with the file, row and column, as is a cell of more than
``max_cell_bytes`` bytes in UTF-8.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tierscope.graph.errors import Problem
from tierscope.loaders.limits import BundleLimits, setting

__all__ = ["CONTROL", "check_cells", "escaped", "has_control_bytes", "shown"]

#: The refused characters (a regular expression character class).
CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL)
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_BYTE = np.zeros(256, dtype=bool)
_CONTROL_BYTE[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True
_SHOWN = 40


def escaped(text: str) -> str:
    """``text`` with its control characters (tab and line breaks too) as ``\\xNN``."""
    return _ANY_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown(value: str) -> str:
    """``value`` as a message shows it: control characters escaped, at most 40 characters."""
    return escaped(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")


def has_control_bytes(data: bytes | memoryview) -> bool:
    """Whether UTF-8 ``data`` holds a refused control character (they are single bytes in UTF-8)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24
    return any(_CONTROL_BYTE[arr[i : i + step]].any() for i in range(0, len(arr), step))


def check_cells(
    file: str,
    frame: pd.DataFrame,
    limits: BundleLimits,
    problems: list[Problem],
    control: bool,
    sizes: bool = True,
) -> bool:
    """Report every cell of ``frame`` (text) that is too large (if ``sizes``) or holds a
    control character (if ``control``).

    The flags let a caller that has already ruled one out skip the work.
    Rows are spreadsheet rows (the header is row 1). Returns whether all cells passed.
    """
    ok = True
    for col in frame.columns:
        if _CONTROL.search(str(col)):
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    str(col),
                    f"the column name '{shown(str(col))}' holds a control character; "
                    "only tab, line feed and carriage return are allowed",
                )
            )
            ok = False
    limit = limits.max_cell_bytes
    for i, col in enumerate(frame.columns):
        if not (sizes or control):
            break
        text = frame.iloc[:, i].astype(str)
        long = text.str.len() > limit // 4 if sizes else pd.Series(False, index=text.index)
        if long.any():  # a character is at most 4 bytes in UTF-8
            size = text[long].map(lambda v: len(v.encode("utf-8")))
            for row, n in size[size > limit].items():
                problems.append(
                    Problem(
                        file,
                        _row(frame, row),
                        str(col),
                        None,
                        f"the cell holds {int(n):,} bytes; a cell may hold at most {limit:,} "
                        f"({setting('max_cell_bytes')})",
                    )
                )
                ok = False
        if control:
            bad = text.str.contains(CONTROL, regex=True)
            for row, value in text[bad].items():
                char = _CONTROL.search(value)
                code = f"U+{ord(char.group()):04X}" if char else "?"
                problems.append(
                    Problem(
                        file,
                        _row(frame, row),
                        str(col),
                        shown(value),
                        f"holds the control character {code} in '{shown(value)}'; "
                        "only tab, line feed and carriage return are allowed",
                    )
                )
                ok = False
    return ok


def _row(frame: pd.DataFrame, label: object) -> int:
    return int(frame.index.get_loc(label)) + 2  # type: ignore[arg-type]
