"""Cells that a spreadsheet opens as text, never as a formula (CSV injection).

A company named ``=HYPERLINK("http://evil.example","Isar")`` — from a partner's
own master data, say — is a formula to Excel or LibreOffice when it comes out
as the first characters of a cell. Following OWASP's guidance on CSV injection,
:func:`safe_cell` puts a single quote before every text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and :func:`write_csv`
quotes every text field. Numbers stay numbers: ``-3.5`` is written as ``-3.5``.

Every CSV or XLSX file tierscope writes passes its cells through
:func:`safe_cell` (``tests/graph/test_csvsafe.py`` fails when a module writes
one any other way).

References
----------
.. [1] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FORMULA_PREFIXES", "csv_text", "safe_cell", "write_csv"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a cell that no spreadsheet runs: text starting with one of
    :data:`FORMULA_PREFIXES` gets a leading ``'``; anything else is returned as is.

    Parameters
    ----------
    value : object
        A cell: text, a number, ``None``...

    Returns
    -------
    object
        The same value, or the text with a ``'`` in front.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://evil.example","Isar")')
    '\\'=HYPERLINK("http://evil.example","Isar")'
    >>> safe_cell("-P1"), safe_cell(-3.5), safe_cell("Isar")
    ("'-P1", -3.5, 'Isar')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` as UTF-8 CSV whose cells are all safe to open.

    Lists and dicts become JSON text, missing values empty cells, numbers stay
    numbers (unquoted); every text field is quoted and passed through
    :func:`safe_cell`.

    Examples
    --------
    >>> import io, tempfile
    >>> df = pd.DataFrame({"name": ["=1+2", "Isar"], "share": [-3.5, None]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_csv(df, Path(d) / "t.csv")
    ...     print((Path(d) / "t.csv").read_text(), end="")
    "name","share"
    "'=1+2",-3.5
    "Isar",""
    """
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow([safe_cell(str(c)) for c in frame.columns])
        writer.writerows(_rows(frame))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """``header`` and ``rows`` as CSV text (what a web page offers as a download), every
    cell passed through :func:`safe_cell` and every text field quoted, as
    :func:`write_csv` writes files.

    Examples
    --------
    >>> print(csv_text(["id", "share"], [["=1+2", 0.5], ["Isar", None]]), end="")
    "id","share"
    "'=1+2",0.5
    "Isar",""
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([safe_cell(str(c)) for c in header])
    writer.writerows([safe_cell(_plain(v)) for v in row] for row in rows)
    return out.getvalue()


def _rows(frame: pd.DataFrame) -> Iterable[Sequence[Any]]:
    columns = [frame[c].tolist() for c in frame.columns]  # plain Python values per column
    for row in zip(*columns, strict=True):
        yield [safe_cell(_plain(v)) for v in row]


def _plain(value: Any) -> Any:
    """A value as the csv module should see it: JSON text for nested values, Python
    scalars for numpy ones, ``None`` for a missing value."""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
