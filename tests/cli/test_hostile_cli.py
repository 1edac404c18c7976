"""``tierscope load`` on hostile bundle files (issue 21, S2), on a real Neo4j.

A good bundle is loaded first; each hostile one must then be refused in one
line naming the file and what was wrong, within 1 GiB of the good load's peak
memory (the child's own ``ru_maxrss``, from ``wait4``), and leave the loaded
ecosystem as it was.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hostile_files import bomb_zip, many_entries_zip
from tests_support import TINY

from tierscope.graph.store import Store

GiB = 1 << 30
HEAD = "id,name,kind,country\n"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak: int  # bytes, the child's maximum resident set
    seconds: float


def run_measured(args: list[str], env: dict[str, str], tmp: Path) -> Run:
    """Run ``tierscope ARGS`` and measure the peak memory of that process alone."""
    out, err = tmp / "stdout", tmp / "stderr"
    with out.open("wb") as o, err.open("wb") as e:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "tierscope", *args], stdout=o, stderr=e, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        child.returncode,
        out.read_text(),
        err.read_text(),
        usage.ru_maxrss * 1024,  # KiB on Linux
        seconds,
    )


@dataclass
class Loaded:
    baseline: int
    snapshot: str
    nodes: int


@pytest.fixture(scope="module")
def loaded(session_store: Store, neo4j_settings, tmp_path_factory) -> Loaded:  # type: ignore[no-untyped-def]
    """The TINY bundle loaded through the CLI; its peak memory is the baseline."""
    session_store.clear()
    folder = tmp_path_factory.mktemp("good")
    for name, text in TINY.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    env = dict(os.environ, **neo4j_settings.as_env())
    good = run_measured(["load", str(folder)], env, tmp_path_factory.mktemp("run"))
    assert good.returncode == 0, good.stderr
    state = session_store.state()
    return Loaded(
        good.peak, str(state.snapshot), session_store.count("MATCH (n) RETURN count(n) AS n")
    )


def _climb(tmp: Path) -> tuple[Path, list[str]]:
    import zipfile

    path = tmp / "climb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../x.csv", "id\n")
        zf.writestr("/etc/companies.csv", HEAD + "F,Focal,focal,DE\n")
    return path, [
        f"{path}: entry '../../x.csv' climbs out of the archive (.. or an absolute path); "
        "refused, nothing was read",
        f"{path}: entry '/etc/companies.csv' climbs out of the archive (.. or an absolute path); "
        "refused, nothing was read",
        f"{path}: 2 problems; nothing was written.",
    ]


def _bomb(tmp: Path) -> tuple[Path, list[str]]:
    path = bomb_zip(tmp / "bomb.zip")  # 4.3 MB expanding to 3.2 GB
    return path, [
        f"{path}: entry companies.csv expands to 3,202,428,261 bytes; an entry may expand to at "
        "most 536,870,912 (TIERSCOPE_MAX_FILE_BYTES); nothing was read",
        f"{path}: 1 problem; nothing was written.",
    ]


def _many(tmp: Path) -> tuple[Path, list[str]]:
    path = many_entries_zip(tmp / "many.zip", 200_000)
    return path, [
        f"{path}: holds 200,000 entries; a .zip bundle may hold at most 1,000 "
        "(TIERSCOPE_MAX_ENTRIES); nothing was read",
        f"{path}: 1 problem; nothing was written.",
    ]


def _huge_name(tmp: Path) -> tuple[Path, list[str]]:
    folder = tmp / "huge-name"
    folder.mkdir()
    with (folder / "companies.csv").open("wb") as f:
        f.write(HEAD.encode() + b"F,")
        for _ in range(200):
            f.write(b"N" * 1_000_000)  # a 200 MB name
        f.write(b",focal,DE\n")
    return folder, [
        "companies.csv, row 2, column name: the cell holds more than 65,536 bytes; a cell may "
        "hold at most 65,536 (TIERSCOPE_MAX_CELL_BYTES)",
        f"{folder}: 1 problem; nothing was written.",
    ]


def _huge_quoted(tmp: Path) -> tuple[Path, list[str]]:
    folder = tmp / "huge-quoted"
    folder.mkdir()
    with (folder / "companies.csv").open("wb") as f:
        f.write(HEAD.encode() + b'F,Focal,focal,DE\nS,"')
        for _ in range(100):
            f.write(b"a," * 1_000_000)  # a 200 MB cell of separators, on one line
        f.write(b'",supplier,DE\n')
    return folder, [
        "companies.csv, row 3, column name: the cell holds more than 65,536 bytes; a cell may "
        "hold at most 65,536 (TIERSCOPE_MAX_CELL_BYTES)",
        f"{folder}: 1 problem; nothing was written.",
    ]


def _nul(tmp: Path) -> tuple[Path, list[str]]:
    folder = tmp / "nul"
    folder.mkdir()
    (folder / "companies.csv").write_bytes(f"{HEAD}F,Evil\x00Name,focal,DE\n".encode())
    return folder, [
        "companies.csv, row 2, column name: holds the control character U+0000 in "
        "'Evil\\x00Name'; only tab, line feed and carriage return are allowed",
        f"{folder}: 1 problem; nothing was written.",
    ]


def _laughs(tmp: Path) -> tuple[Path, list[str]]:
    import zipfile

    book = tmp / "laughs.xlsx"
    pd.DataFrame({"id": ["F"], "name": ["Focal"], "kind": ["focal"], "country": ["DE"]}).to_excel(
        tmp / "plain.xlsx", sheet_name="companies", index=False
    )
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    with (
        zipfile.ZipFile(tmp / "plain.xlsx") as src,
        zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (laughs + "]>").encode() + data.replace(b">Focal<", b">&lol9;<")
            out.writestr(info, data)
    return book, [
        f"{book}: holds XML that declares entities or a document type (EntitiesForbidden); "
        "refused, as a workbook saved by a spreadsheet program never does",
        f"{book}: 1 problem; nothing was written.",
    ]


def _latin1(tmp: Path) -> tuple[Path, list[str]]:
    folder = tmp / "latin1"
    folder.mkdir()
    (folder / "companies.csv").write_bytes(f"{HEAD}F,Müller,focal,DE\n".encode("latin-1"))
    return folder, [
        "companies.csv: is not UTF-8 text (byte 24); save it as UTF-8",
        f"{folder}: 1 problem; nothing was written.",
    ]


CASES: dict[str, Callable[[Path], tuple[Path, list[str]]]] = {
    "entries that climb out": _climb,
    "zip bomb 4.3 MB -> 3.2 GB": _bomb,
    "200,000 entries": _many,
    "200 MB name": _huge_name,
    "200 MB quoted cell of separators": _huge_quoted,
    "NUL in a name": _nul,
    "billion laughs in a workbook": _laughs,
    "Latin-1 text": _latin1,
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_bundle_is_refused_in_bounded_memory_and_changes_nothing(
    case: str, loaded: Loaded, session_store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    path, expected = CASES[case](tmp_path)
    run = run_measured(["load", str(path)], test_env, tmp_path)
    print(
        f"\n[measured] {case}: peak {run.peak / 2**20:,.0f} MiB (good load {loaded.baseline / 2**20:,.0f}"
        f" MiB, +{(run.peak - loaded.baseline) / 2**20:,.0f} MiB), refused in {run.seconds:.1f} s"
    )
    assert run.returncode == 1
    assert run.stderr.splitlines() == expected
    assert "Traceback" not in run.stderr
    assert run.peak - loaded.baseline < GiB
    assert str(session_store.state().snapshot) == loaded.snapshot
    assert session_store.count("MATCH (n) RETURN count(n) AS n") == loaded.nodes


def test_excel_unicode_text_loads(
    loaded: Loaded, session_store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    """UTF-16LE with a BOM and tabs (Excel's "Unicode text"), renamed .csv, loads as UTF-8 would."""
    folder = tmp_path / "unicode-text"
    folder.mkdir()
    for name, text in TINY.items():
        rows = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        data = rows.to_csv(index=False, sep="\t", lineterminator="\r\n")
        (folder / f"{name}.csv").write_bytes(b"\xff\xfe" + data.encode("utf-16-le"))
    try:
        run = run_measured(["load", str(folder)], test_env, tmp_path)
        assert run.returncode == 0, run.stderr
        names = {props["name"] for _, props in session_store.read_nodes("Company")}
        assert {"Shenzhen 华芯", "شركة الخليج", "LogiCo 🚚"} <= names
        assert session_store.state().counts["companies"] == 6
    finally:  # the other tests of this module expect TINY as loaded from UTF-8
        session_store.clear()
        good = tmp_path / "good"
        good.mkdir()
        for name, text in TINY.items():
            (good / f"{name}.csv").write_text(text, encoding="utf-8")
        assert run_measured(["load", str(good)], test_env, tmp_path).returncode == 0


def test_at_most_fifty_problems_are_printed(test_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "many-problems"
    folder.mkdir()
    rows = "".join(f"C{i},Name {i},wizard,DE\n" for i in range(120))
    (folder / "companies.csv").write_text(HEAD + "F,Focal,focal,DE\n" + rows)
    for command in ("validate", "load"):
        run = run_measured([command, str(folder)], test_env, tmp_path)
        lines = run.stderr.splitlines()
        assert run.returncode == 1
        assert len(lines) == 52
        assert lines[0] == (
            "companies.csv, row 3, column kind: must be one of focal, supplier, distributor, "
            "customer, service_provider, got 'wizard'"
        )
        assert lines[49].startswith("companies.csv, row 52, column kind:")
        assert lines[50:] == ["and 70 more", f"{folder}: 120 problems; nothing was written."]
