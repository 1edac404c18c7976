"""Hostile bundle files (issue 21, S2): refused with where and what, before they are read.

The CLI and API tests (tests/cli/test_hostile_cli.py, tests/api/test_hostile_api.py)
run the big ones end to end with peak memory measured; these check each rule's
exact text quickly.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hostile_files import bomb_zip, many_entries_zip

from tierscope.graph.errors import LISTED_PROBLEMS, BundleError, Problem, TierscopeError
from tierscope.loaders.limits import BundleLimits, bundle_limits
from tierscope.loaders.read import read_bundle
from tierscope.loaders.validate import check_bundle, validate_bundle

HEAD = "id,name,kind,country\n"


def problems_of(path: Path, limits: BundleLimits | None = None) -> list[str]:
    _, problems = check_bundle(read_bundle(path, limits))
    return [str(p) for p in problems]


def companies(folder: Path, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "companies.csv").write_bytes(data)
    return folder


def zipped(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


# -- archives ----------------------------------------------------------------


def test_entries_that_climb_out_are_refused_and_nothing_is_extracted(tmp_path: Path) -> None:
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    archive = zipped(
        inner / "climb.zip",
        {
            "../../x.csv": b"id\n",
            "/tmp/companies.csv": (HEAD + "F,Focal,focal,DE\n").encode(),
            "C:\\bundle\\companies.csv": b"id\n",
        },
    )
    before = sorted(tmp_path.rglob("*"))
    assert problems_of(archive) == [
        f"{archive}: entry '../../x.csv' climbs out of the archive (.. or an absolute path); "
        "refused, nothing was read",
        f"{archive}: entry '/tmp/companies.csv' climbs out of the archive (.. or an absolute "
        "path); refused, nothing was read",
        f"{archive}: entry 'C:\\bundle\\companies.csv' climbs out of the archive (.. or an "
        "absolute path); refused, nothing was read",
    ]
    assert sorted(tmp_path.rglob("*")) == before
    assert not (tmp_path / "x.csv").exists()


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path: Path) -> None:
    archive = bomb_zip(tmp_path / "bomb.zip")  # 4.3 MB expanding to 3.2 GB
    assert archive.stat().st_size < 5_000_000
    assert problems_of(archive) == [
        f"{archive}: entry companies.csv expands to 3,202,428,261 bytes; an entry may expand "
        "to at most 536,870,912 (TIERSCOPE_MAX_FILE_BYTES); nothing was read"
    ]


def test_too_many_entries_are_refused_before_the_directory_is_parsed(tmp_path: Path) -> None:
    archive = many_entries_zip(tmp_path / "many.zip", 3_000)
    assert problems_of(archive) == [
        f"{archive}: holds 3,000 entries; a .zip bundle may hold at most 1,000 "
        "(TIERSCOPE_MAX_ENTRIES); nothing was read"
    ]


def test_an_entry_that_expands_too_many_times_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"C{i % 10},Same name,supplier,DE\n" for i in range(200_000)).encode()
    archive = zipped(tmp_path / "ratio.zip", {"companies.csv": (HEAD.encode() + rows)})
    info = zipfile.ZipFile(archive).getinfo("companies.csv")
    ratio = info.file_size / info.compress_size
    assert ratio > 100
    assert problems_of(archive) == [
        f"{archive}: entry companies.csv expands {ratio:,.0f} times ({info.compress_size:,} to "
        f"{info.file_size:,} bytes); at most 100 times is allowed (TIERSCOPE_MAX_RATIO); "
        "nothing was read"
    ]
    # a small entry may compress as well as it likes
    small = zipped(
        tmp_path / "small.zip",
        {"companies.csv": (HEAD + "F,Focal,focal,DE\n" + " " * 500_000).encode()},
    )
    assert all("times" not in p for p in problems_of(small))


def test_a_bundle_larger_than_its_limit_is_refused_before_reading(tmp_path: Path) -> None:
    limits = BundleLimits(max_bundle_bytes=100)
    folder = companies(tmp_path / "f", (HEAD + "F," + "x" * 90 + ",focal,DE\n").encode())
    assert problems_of(folder, limits) == [
        f"{folder}: its CSV files hold 123 bytes; a bundle may hold at most 100 "
        "(TIERSCOPE_MAX_BUNDLE_BYTES); nothing was read"
    ]
    archive = zipped(tmp_path / "b.zip", {"companies.csv": (folder / "companies.csv").read_bytes()})
    assert problems_of(archive, limits) == [
        f"{archive}: expands to 123 bytes; a bundle may hold at most 100 "
        "(TIERSCOPE_MAX_BUNDLE_BYTES); nothing was read"
    ]


def test_a_file_larger_than_its_limit_is_refused_before_reading(tmp_path: Path) -> None:
    folder = companies(tmp_path / "f", (HEAD + "F,Focal,focal,DE\n").encode())
    assert problems_of(folder, BundleLimits(max_file_bytes=30)) == [
        "companies.csv: is 38 bytes; a file may hold at most 30 (TIERSCOPE_MAX_FILE_BYTES); "
        "nothing was read"
    ]


def test_a_fifo_or_device_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    os.mkfifo(folder / "companies.csv")  # reading it would block for ever
    (folder / "items.csv").symlink_to("/dev/zero")  # reading it would never end
    (folder / "sites.csv").symlink_to(tmp_path / "gone")
    assert problems_of(folder) == [
        "companies.csv: is not a regular file; refused, nothing was read",
        "items.csv: is not a regular file; refused, nothing was read",
        "sites.csv: cannot be read: No such file or directory",
    ]


def test_names_in_messages_cannot_drive_a_terminal(tmp_path: Path) -> None:
    archive = zipped(
        tmp_path / "esc.zip",
        {"../\x1b[2Jx.csv": b"id\n", "companies\x1b[31m.csv": b"id\n"},
    )
    assert problems_of(archive) == [
        f"{archive}: entry '../\\x1b[2Jx.csv' climbs out of the archive (.. or an absolute "
        "path); refused, nothing was read"
    ]
    folder = companies(tmp_path / "f", (HEAD + "F,Focal,focal,DE\n").encode())
    (folder / "evil\x1b[31m.csv").write_text("x\n")
    assert problems_of(folder)[0].startswith("evil\\x1b[31m.csv: unknown file;")


def test_a_file_twice_in_a_zip_is_refused(tmp_path: Path) -> None:
    good = (HEAD + "F,Focal,focal,DE\n").encode()
    archive = zipped(tmp_path / "twice.zip", {"a/companies.csv": good, "b/companies.csv": good})
    assert problems_of(archive) == [
        f"{archive}: holds companies.csv 2 times (a/companies.csv, b/companies.csv); keep one"
    ]


# -- cells -------------------------------------------------------------------


def test_a_huge_cell_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    folder = companies(
        tmp_path / "f",
        (HEAD + 'F,Focal,focal,DE\nS,ok,supplier,"CN' + "N" * 300_000 + '"\n').encode(),
    )
    assert problems_of(folder) == [
        "companies.csv, row 3, column country: the cell holds more than 65,536 bytes; a cell "
        "may hold at most 65,536 (TIERSCOPE_MAX_CELL_BYTES)"
    ]


def test_a_huge_quoted_cell_of_separators_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    cell = '"' + 'a,\n""' * 60_000 + '"'  # no long stretch between separators
    folder = companies(
        tmp_path / "f", (HEAD + f"F,Focal,focal,DE\nS,ok,supplier,{cell}\n").encode()
    )
    assert problems_of(folder) == [
        "companies.csv, row 3, column country: the cell holds more than 65,536 bytes; a cell "
        "may hold at most 65,536 (TIERSCOPE_MAX_CELL_BYTES)"
    ]


def test_a_stray_quote_in_an_unquoted_cell_refuses_nothing(tmp_path: Path) -> None:
    rows = "".join(f"C{i},Company {i},supplier,DE\n" for i in range(20_000))
    folder = companies(
        tmp_path / "f", (HEAD + 'F,Focal,focal,DE\nP,12" Pipe Co,supplier,US\n' + rows).encode()
    )
    records = validate_bundle(folder)
    assert records["companies"]["name"].tolist()[1] == '12" Pipe Co'
    assert len(records["companies"]) == 20_002


def test_a_huge_cell_in_the_header_is_refused(tmp_path: Path) -> None:
    folder = companies(tmp_path / "f", ("id,name" + "x" * 300_000 + ",kind\n").encode())
    assert problems_of(folder) == [
        "companies.csv, row 1: the cell holds more than 65,536 bytes; a cell may hold at most "
        "65,536 (TIERSCOPE_MAX_CELL_BYTES)"
    ]


def test_the_cell_limit_counts_utf8_bytes_exactly(tmp_path: Path) -> None:
    at_limit = "é" * 32_768  # 65,536 bytes
    over = "é" * 32_768 + "x"  # 65,537 bytes
    quoted_commas = '"' + "a," * 40_000 + '"'  # 80,000 bytes of cell, no long stretch
    folder = companies(
        tmp_path / "f",
        (
            HEAD
            + f"F,{at_limit},focal,DE\n"
            + f"S,{over},supplier,CN\n"
            + f"T,{quoted_commas},supplier,CN\n"
        ).encode(),
    )
    assert problems_of(folder) == [
        "companies.csv, row 3, column name: the cell holds 65,537 bytes; a cell may hold at "
        "most 65,536 (TIERSCOPE_MAX_CELL_BYTES)",
        "companies.csv, row 4, column name: the cell holds 80,000 bytes; a cell may hold at "
        "most 65,536 (TIERSCOPE_MAX_CELL_BYTES)",
    ]


def test_the_cell_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = companies(tmp_path / "f", (HEAD + "F,Focal AG,focal,DE\n").encode())
    monkeypatch.setenv("TIERSCOPE_MAX_CELL_BYTES", "5")
    assert problems_of(folder) == [
        "companies.csv, row 2, column name: the cell holds 8 bytes; a cell may hold at most 5 "
        "(TIERSCOPE_MAX_CELL_BYTES)"
    ]
    monkeypatch.setenv("TIERSCOPE_MAX_CELL_BYTES", "lots")
    with pytest.raises(TierscopeError) as info:
        bundle_limits()
    assert str(info.value) == "TIERSCOPE_MAX_CELL_BYTES must be a whole number above 0, got 'lots'"


def test_control_characters_are_refused_with_file_row_and_column(tmp_path: Path) -> None:
    folder = companies(
        tmp_path / "f",
        (
            HEAD
            + "F,Evil\x00Name,focal,DE\n"
            + "S,Bell\x07,supplier,\x1bCN\n"
            + "T,Del\x7f,supplier,JP\n"
            + 'U,"Two\nlines\tand tab\r\n",supplier,JP\n'
        ).encode(),
    )
    assert problems_of(folder) == [
        "companies.csv, row 2, column name: holds the control character U+0000 in "
        "'Evil\\x00Name'; only tab, line feed and carriage return are allowed",
        "companies.csv, row 3, column name: holds the control character U+0007 in 'Bell\\x07'; "
        "only tab, line feed and carriage return are allowed",
        "companies.csv, row 4, column name: holds the control character U+007F in 'Del\\x7f'; "
        "only tab, line feed and carriage return are allowed",
        "companies.csv, row 3, column country: holds the control character U+001B in "
        "'\\x1bCN'; only tab, line feed and carriage return are allowed",
    ]


def test_a_refused_file_is_not_followed_by_every_reference_to_it(demo_copy: Path) -> None:
    path = demo_copy / "companies.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ",\x00", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = problems_of(demo_copy)
    assert len(problems) == 1
    assert problems[0].startswith(
        "companies.csv, row 4, column name: holds the control character U+0000"
    )


def test_a_control_character_in_a_column_name_is_refused(tmp_path: Path) -> None:
    folder = companies(tmp_path / "f", b"id,name,kind,country,no\x00te\nF,Focal,focal,DE,x\n")
    assert problems_of(folder) == [
        "companies.csv, row 1: the column name 'no\\x00te' holds a control character; only "
        "tab, line feed and carriage return are allowed"
    ]


# -- encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "encoding", "sep"),
    [
        (b"\xef\xbb\xbf", "utf-8", ","),
        (b"\xff\xfe", "utf-16-le", ","),
        (b"\xfe\xff", "utf-16-be", ","),
        (b"\xff\xfe", "utf-16-le", "\t"),  # Excel's "Unicode text"
        (b"\xfe\xff", "utf-16-be", "\t"),
        (b"\xff\xfe\x00\x00", "utf-32-le", ","),
    ],
)
def test_utf16_and_tab_separated_text_read_as_utf8(
    tmp_path: Path, tiny: Path, bom: bytes, encoding: str, sep: str
) -> None:
    folder = tmp_path / "converted"
    folder.mkdir()
    for csv in tiny.glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        text = frame.to_csv(index=False, sep=sep, lineterminator="\r\n")
        (folder / csv.name).write_bytes(bom + text.encode(encoding))
    assert validate_bundle(folder).canonical() == validate_bundle(tiny).canonical()
    names = set(validate_bundle(folder)["companies"]["name"])
    assert {"Shenzhen 华芯", "شركة الخليج", "LogiCo 🚚"} <= names


def test_latin1_and_broken_utf16_are_refused(tmp_path: Path) -> None:
    latin = companies(tmp_path / "l", (HEAD + "F,Müller,focal,DE\n").encode("latin-1"))
    assert problems_of(latin) == ["companies.csv: is not UTF-8 text (byte 24); save it as UTF-8"]
    broken = companies(tmp_path / "u", b"\xff\xfe" + HEAD.encode("utf-16-le") + b"\x00\xd8F\x00")
    assert problems_of(broken) == [
        "companies.csv: starts as UTF-16 text but is not (byte 44); save it as UTF-8"
    ]


# -- workbooks ---------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _workbook(path: Path, inject: str, part: str, entity: str) -> Path:
    buf = io.BytesIO()
    pd.DataFrame({"id": ["F"], "name": ["Focal"], "kind": ["focal"], "country": ["DE"]}).to_excel(
        buf, sheet_name="companies", index=False
    )
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                text = data.decode()
                if text.startswith("<?xml"):  # the declaration goes before the DOCTYPE
                    text = text.split("?>", 1)[1]
                text = text.replace(">Focal<", f">{entity}<", 1) if ">Focal<" in text else text
                data = (inject + text).encode()
            out.writestr(info, data)
    return path


def test_openpyxl_parses_with_defusedxml() -> None:
    import defusedxml.ElementTree
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


@pytest.mark.parametrize(
    ("inject", "part", "entity", "error"),
    [
        (LAUGHS, "xl/worksheets/sheet1.xml", "&lol9;", "EntitiesForbidden"),
        (LAUGHS, "xl/workbook.xml", "", "EntitiesForbidden"),
        (EXTERNAL, "xl/worksheets/sheet1.xml", "&xxe;", "EntitiesForbidden"),
        (EXTERNAL, "xl/workbook.xml", "", "EntitiesForbidden"),
    ],
)
def test_a_workbook_with_xml_entities_is_refused(
    tmp_path: Path, inject: str, part: str, entity: str, error: str
) -> None:
    book = _workbook(tmp_path / "evil.xlsx", inject, part, entity)
    assert problems_of(book) == [
        f"{book}: holds XML that declares entities or a document type ({error}); refused, as a "
        "workbook saved by a spreadsheet program never does"
    ]


def test_openpyxl_without_defusedxml_is_not_trusted(
    tmp_path: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "b.xlsx"
    pd.DataFrame({"id": ["F"]}).to_excel(book, sheet_name="companies", index=False)
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    assert problems_of(book) == [
        f"{book}: cannot be read safely: openpyxl is not using defusedxml (is "
        "OPENPYXL_DEFUSEDXML set to something other than True?)"
    ]


def test_workbook_cells_obey_the_same_rules(tmp_path: Path) -> None:
    book = tmp_path / "b.xlsx"
    pd.DataFrame(
        {
            "id": ["F", "S"],
            "name": ["Evil\x7fName", "華" * 30_000],
            "kind": ["focal", "supplier"],
            "country": ["DE", "CN"],
        }
    ).to_excel(book, sheet_name="companies", index=False)
    assert problems_of(book) == [
        "sheet companies, row 3, column name: the cell holds 90,000 bytes; a cell may hold at "
        "most 65,536 (TIERSCOPE_MAX_CELL_BYTES)",
        "sheet companies, row 2, column name: holds the control character U+007F in "
        "'Evil\\x7fName'; only tab, line feed and carriage return are allowed",
    ]


def test_a_workbook_bomb_is_refused_by_its_directory(tmp_path: Path) -> None:
    book = bomb_zip(tmp_path / "bomb.xlsx", size=600_000_000, name="xl/worksheets/sheet1.xml")
    size = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml").file_size
    assert problems_of(book) == [
        f"{book}: entry xl/worksheets/sheet1.xml expands to {size:,} bytes; an entry may "
        "expand to at most 536,870,912 (TIERSCOPE_MAX_FILE_BYTES); nothing was read"
    ]


# -- how many problems are listed ---------------------------------------------


def test_bundle_errors_list_the_first_fifty() -> None:
    problems = [Problem("companies.csv", i, "kind", "x", "bad") for i in range(2, 202)]
    error = BundleError("b", problems)
    assert LISTED_PROBLEMS == 50
    assert error.listed == problems[:50]
    assert error.unlisted == 150
    assert BundleError("b", problems[:50]).unlisted == 0
