"""CSV injection (OWASP): text that a spreadsheet would run gets a quote; numbers stay numbers.

The end-to-end checks of every writer are in tests/cli/test_csv_injection.py;
here: the one function, the file it writes byte for byte, and a scan that fails
when a module writes a CSV or XLSX file without it.
"""

from __future__ import annotations

import csv
import doctest
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tierscope.graph import csvsafe
from tierscope.graph.csvsafe import FORMULA_PREFIXES, safe_cell, write_csv

REPO = Path(__file__).resolve().parents[2]

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def test_the_prefixes_are_owasps_six() -> None:
    assert list(FORMULA_PREFIXES) == PREFIXES


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_text_starting_with_a_prefix_gets_a_quote(prefix: str) -> None:
    assert safe_cell(f'{prefix}HYPERLINK("http://evil.example","Isar")') == (
        f'\'{prefix}HYPERLINK("http://evil.example","Isar")'
    )
    assert safe_cell(prefix) == "'" + prefix


@pytest.mark.parametrize(
    "value",
    [-3.5, -1, 0, 2.25, True, None, "", "Isar", "P-NX400", " =1+1", "'=already quoted", "a=b"],
    ids=repr,
)
def test_everything_else_is_left_as_it_is(value: object) -> None:
    assert safe_cell(value) is value


def test_the_file_is_exactly_this(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "id": ["=S0", "+S1", "-S2", "@S3", "\tS4", "\rS5", "S6"],
            "name": [
                '=HYPERLINK("http://evil.example","Isar")',
                "+1",
                "-1",
                "@SUM(A1)",
                "\tx",
                "\ry",
                "Isar",
            ],
            "value": [-3.5, 0.0, np.nan, 1e-05, -2.0, 3.0, 4.5],
            "count": np.array([-1, 0, 1, 2, 3, 4, 5], dtype=np.int64),
            "path": [["=S0", "F"], [], [], [], [], [], {"k": "-v"}],
            "flag": [True, False, None, True, False, True, False],
        }
    )
    df["country"] = pd.Categorical(["DE", "-X", None, "DE", "DE", "DE", "DE"])
    out = tmp_path / "t.csv"
    write_csv(df, out)
    assert out.read_bytes().decode("utf-8") == (  # read_text would turn \r into \n
        '"id","name","value","count","path","flag","country"\n'
        '"\'=S0","\'=HYPERLINK(""http://evil.example"",""Isar"")",-3.5,-1,"[""=S0"", ""F""]",True,"DE"\n'
        '"\'+S1","\'+1",0.0,0,"[]",False,"\'-X"\n'
        '"\'-S2","\'-1","",1,"[]","",""\n'
        '"\'@S3","\'@SUM(A1)",1e-05,2,"[]",True,"DE"\n'
        '"\'\tS4","\'\tx",-2.0,3,"[]",False,"DE"\n'
        '"\'\rS5","\'\ry",3.0,4,"[]",True,"DE"\n'
        '"S6","Isar",4.5,5,"{""k"": ""-v""}",False,"DE"\n'
    )
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows[1:]] == ["'=S0", "'+S1", "'-S2", "'@S3", "'\tS4", "'\rS5", "S6"]
    assert [r[2] for r in rows[1:]] == ["-3.5", "0.0", "", "1e-05", "-2.0", "3.0", "4.5"]


def test_the_docstring_examples_run() -> None:
    failed, attempted = doctest.testmod(csvsafe)
    assert attempted >= 4 and failed == 0


#: Ways to write a CSV or XLSX file.
WRITERS = re.compile(
    r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\.to_excel\(|ExcelWriter\(|Workbook\(|xlsxwriter"
)
#: Modules allowed to write one without safe_cell, and why.
EXEMPT = {
    "graph/csvsafe.py": "the one writer that neutralises every cell",
    "loaders/generator.py": "writes input bundles (tierscope generate), synthetic values that "
    "must load back unchanged: a quote added here would become part of the data",
}


def test_no_module_writes_a_csv_or_xlsx_file_but_through_csvsafe() -> None:
    found = {}
    for package in ("graph", "loaders", "viz", "api", "tierscope"):
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            hits = WRITERS.findall(path.read_text(encoding="utf-8"))
            if hits and rel not in EXEMPT:
                found[rel] = hits
    assert found == {}, "write CSV and XLSX cells through tierscope.graph.csvsafe"
