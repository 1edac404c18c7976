"""``POST /v1/imports`` with hostile bundle files (issue 21, S2), over HTTP on a real Neo4j.

The server runs in this process (tests/api/conftest.py), so its memory is this
process's: sampled every 2 ms during the request, it must stay within 1 GiB of
what it was before. The demo ecosystem stays loaded.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
from apitools import ADMIN_KEY, Api
from hostile_files import bomb_zip, many_entries_zip

GiB = 1 << 30
HEAD = "id,name,kind,country\n"


@contextmanager
def peak_rss() -> Iterator[dict[str, int]]:
    """``{"before", "peak"}``: this process's resident memory before and at most during the block."""
    me = psutil.Process()
    seen = {"before": me.memory_info().rss, "peak": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            seen["peak"] = max(seen["peak"], me.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        done.set()
        sampler.join()
        seen["peak"] = max(seen["peak"], me.memory_info().rss)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _import(api: Api, name: str, data: bytes, case: str) -> dict[str, Any]:
    before = api.store.state()
    nodes = api.store.count("MATCH (n) RETURN count(n) AS n")
    with api.client(key=ADMIN_KEY) as c, peak_rss() as rss:
        started = time.monotonic()
        r = c.post("/v1/imports", files={"file": (name, data, "application/octet-stream")})
        seconds = time.monotonic() - started
    grown = rss["peak"] - rss["before"]
    print(
        f"\n[measured] API {case}: +{grown / 2**20:,.0f} MiB over {rss['before'] / 2**20:,.0f} MiB, answered in {seconds:.2f} s"
    )
    assert r.status_code == 422, r.text
    assert grown < GiB
    assert api.store.state() == before
    assert api.store.count("MATCH (n) RETURN count(n) AS n") == nodes
    error: dict[str, Any] = r.json()["error"]
    return error


def test_a_zip_bomb_is_refused_before_reading(api: Api, tmp_path: Path) -> None:
    data = bomb_zip(tmp_path / "bomb.zip").read_bytes()  # 4.3 MB expanding to 3.2 GB
    error = _import(api, "bomb.zip", data, "zip bomb 4.3 MB -> 3.2 GB")
    assert error == {
        "code": "invalid_bundle",
        "message": "bomb.zip: 1 problem; nothing was written",
        "problems": [
            {
                "file": "bomb.zip",
                "row": None,
                "column": None,
                "value": "companies.csv",
                "message": "entry companies.csv expands to 3,202,428,261 bytes; an entry may "
                "expand to at most 536,870,912 (TIERSCOPE_MAX_FILE_BYTES); nothing was read",
            }
        ],
        "unlisted": 0,
    }


def test_too_many_entries_are_refused_early(api: Api, tmp_path: Path) -> None:
    data = many_entries_zip(tmp_path / "many.zip", 30_000).read_bytes()
    error = _import(api, "many.zip", data, "30,000 entries")
    assert [p["message"] for p in error["problems"]] == [
        "holds 30,000 entries; a .zip bundle may hold at most 1,000 (TIERSCOPE_MAX_ENTRIES); "
        "nothing was read"
    ]
    assert error["problems"][0]["file"] == "many.zip"


def test_entries_that_climb_out_are_refused(api: Api) -> None:
    data = _zip({"../../x.csv": b"id\n", "/etc/companies.csv": b"id\n"})
    error = _import(api, "climb.zip", data, "entries that climb out")
    assert [(p["file"], p["message"]) for p in error["problems"]] == [
        (
            "climb.zip",
            "entry '../../x.csv' climbs out of the archive (.. or an absolute path); refused, "
            "nothing was read",
        ),
        (
            "climb.zip",
            "entry '/etc/companies.csv' climbs out of the archive (.. or an absolute path); "
            "refused, nothing was read",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            HEAD + "F,Evil\x00Name,focal,DE\n",
            {
                "file": "companies.csv",
                "row": 2,
                "column": "name",
                "value": "Evil\\x00Name",
                "message": "holds the control character U+0000 in 'Evil\\x00Name'; only tab, "
                "line feed and carriage return are allowed",
            },
        ),
        (
            HEAD + "F," + "N" * 1_000_000 + ",focal,DE\n",
            {
                "file": "companies.csv",
                "row": 2,
                "column": "name",
                "value": None,
                "message": "the cell holds more than 65,536 bytes; a cell may hold at most "
                "65,536 (TIERSCOPE_MAX_CELL_BYTES)",
            },
        ),
    ],
    ids=["NUL in a name", "1 MB name"],
)
def test_bad_cells_are_refused_with_file_row_and_column(
    api: Api, text: str, problem: dict[str, Any]
) -> None:
    error = _import(api, "cells.zip", _zip({"companies.csv": text.encode()}), "bad cell")
    assert error["problems"] == [problem]


def test_at_most_fifty_problems_are_listed(api: Api) -> None:
    rows = "".join(f"C{i},Name {i},wizard,DE\n" for i in range(120))
    data = _zip({"companies.csv": (HEAD + "F,Focal,focal,DE\n" + rows).encode()})
    error = _import(api, "bad.zip", data, "120 problems")
    assert error["message"] == (
        "bad.zip: 120 problems; nothing was written; the first 50 are listed, and 70 more"
    )
    assert len(error["problems"]) == 50
    assert [p["row"] for p in error["problems"]] == list(range(3, 53))
    assert error["unlisted"] == 70
