"""What a pipe or a file gets from the CLI (issue 22, item 3): one block per row, long
text whole on its own line, no colour; a terminal keeps the tables.

Each command runs as a real ``tierscope`` subprocess against the test Neo4j: its stdout
is a pipe, or, for the terminal cases, a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests_support import TINY

from tierscope.graph.current import results
from tierscope.graph.store import Store
from tierscope.loaders.bundle import load_bundle

#: variables that would make rich treat a pipe as a terminal or set its width
_TERMINAL_HINTS = ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "TERM")


def _env(env: dict[str, str], **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in env.items() if k not in _TERMINAL_HINTS}
    return {**clean, **extra}


def piped(*args: str, env: dict[str, str]) -> str:
    """``tierscope ARGS | cat``: stdout as the pipe gets it (exit 0 checked)."""
    done = subprocess.run(
        [sys.executable, "-m", "tierscope", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def on_terminal(*args: str, env: dict[str, str], tmp_path: Path) -> str:
    """``tierscope ARGS`` with stdout on a pseudo-terminal: what the user's screen gets."""
    master, slave = pty.openpty()
    with (tmp_path / "stderr.txt").open("w+") as stderr:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tierscope", *args],
                stdin=subprocess.DEVNULL,
                stdout=slave,
                stderr=stderr,
                env=env,
            )
        finally:
            os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        if proc.wait(timeout=600) != 0:
            stderr.seek(0)
            pytest.fail(f"tierscope {' '.join(args)} failed:\n{stderr.read()}")
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def without_styles(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def colour_codes(text: str) -> list[str]:
    """The SGR sequences in ``text`` that set a foreground or background colour."""
    colours = re.compile(r"^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$")
    return [
        seq
        for seq in re.findall(r"\x1b\[([0-9;]*)m", text)
        if any(colours.match(p) for p in seq.split(";"))
    ]


@pytest.fixture
def tiny_loaded(tiny: Path, store: Store, test_env: dict[str, str]) -> dict[str, str]:
    load_bundle(tiny, store)
    results(store)  # analysed and stored, as `tierscope load` leaves it
    return _env(test_env)


def test_piped_register_is_one_block_per_finding(tiny_loaded: dict[str, str]) -> None:
    snapshot = json.loads(piped("analyze", "--json", env=tiny_loaded))["snapshot"]
    out = piped("analyze", "--top", "3", env=tiny_loaded)
    assert out == (
        "Risk register — 17 findings, 1 of 1 products can be stopped by one failure "
        f"(snapshot {snapshot})\n"
        "\n"
        "1. critical · single point of failure · L (company) · at stake 25,000\n"
        "   LogiCo 🚚 (L), a logistics provider, alone stops P: we depend on it critically "
        "for logistics. It takes 30 days to recover (assumed).\n"
        "   stops: P\n"
        "\n"
        "2. critical · single point of failure · T (company) · at stake 25,000\n"
        "   Kaito Chemicals (T), a tier-2 supplier, alone stops P: both our suppliers of B, "
        "S1 and S2, buy X only from it. It takes 30 days to recover (assumed).\n"
        "   stops: P\n"
        "\n"
        "3. critical · country outage · DE (country) · at stake 25,000\n"
        "   An outage in DE alone stops P.\n"
        "   stops: P\n"
        "\n"
        "… 14 more: --top N, --json or --csv DIR for all.\n"
    )


def test_piped_register_aligns_two_digit_ranks_and_leaves_out_what_is_unknown(
    tiny_loaded: dict[str, str],
) -> None:
    lines = piped("analyze", "--top", "17", env=tiny_loaded).splitlines()
    assert lines[2:5] == [
        " 1. critical · single point of failure · L (company) · at stake 25,000",
        "    LogiCo 🚚 (L), a logistics provider, alone stops P: we depend on it critically "
        "for logistics. It takes 30 days to recover (assumed).",
        "    stops: P",
    ]
    assert lines[-5:] == [  # no revenue at stake, no products: neither is mentioned
        "16. medium · segment mismatch · L (company)",
        "    L has no segment, but the graph says bottleneck: it alone stops P; no annual "
        "spend: profit impact taken as low.",
        "",
        "17. low · kpi below target · S1 (company)",
        "    S1's on_time_delivery is 0.93 in 2026-Q1, short of the target 0.95.",
    ]


def test_piped_scenario_gives_each_stopped_product_its_reasons_on_lines(
    tiny_loaded: dict[str, str],
) -> None:
    assert piped("scenario", "--fail", "T", "--days", "30", env=tiny_loaded) == (
        "Scenario: T fails for 30 days — 1 company and 0 sites down; 1 product stops; "
        "revenue lost 25,000.\n"
        "\n"
        "P · stops after 5 days · stopped 25 days · revenue lost 25,000\n"
        "   F cannot get B: S1 cannot make it; S2 cannot make it.\n"
        "   S1 cannot get X: T is down.\n"
        "   S2 cannot get X: T is down.\n"
    )
    assert piped("scenario", "--fail", "T", "--days", "3", env=tiny_loaded).splitlines()[2] == (
        "P · stops after 5 days · stopped 0 days (inventory covers it) · revenue lost 0"
    )
    assert piped("scenario", "--fail", "S1", "--days", "30", env=tiny_loaded) == (
        "Scenario: S1 fails for 30 days — 1 company and 1 site down; 0 products stop; "
        "revenue lost 0.\n"
    )


def test_piped_summary_is_one_line_per_figure(tiny: Path, tiny_loaded: dict[str, str]) -> None:
    loaded_at = json.loads(piped("summary", "--json", env=tiny_loaded))["loaded_at"]
    snapshot = json.loads(piped("analyze", "--json", env=tiny_loaded))["snapshot"]
    assert piped("summary", env=tiny_loaded) == (
        f"Focal AG (F) — snapshot {snapshot}\n"
        "Companies                         6\n"
        "  by tier                         focal: 1, tier 1: 2, tier 2: 1, not upstream: 2\n"
        "  by kind                         focal: 1, service_provider: 1, supplier: 4\n"
        "Countries (companies and sites)   6\n"
        "Products                          1: P\n"
        "Revenue per day (products)        1,000\n"
        "Items                             4\n"
        "Supply relationships              4\n"
        "Bill-of-materials lines           3\n"
        "Sites                             1\n"
        "Dependencies (critical)           1 (1)\n"
        "People / sponsorships / contacts  2 / 1 / 1\n"
        "KPI rows                          1\n"
        f"Loaded from                       {tiny}\n"
        f"Loaded at                         {loaded_at}\n"
    )


def test_demo_piped_keeps_each_sentence_whole_on_one_line(
    store: Store, test_env: dict[str, str]
) -> None:
    env = _env(test_env)
    shown = piped("demo", env=env).splitlines()  # loads the demo: summary, then register
    data = json.loads(piped("analyze", "--json", env=env))
    # short before the register: the ecosystem in one line (tierscope summary has it all)
    assert shown[:3] == [
        "Norvik Industrial Electronics GmbH (NORVIK): 115 companies in 28 countries (tier 1: 31, "
        "tier 2: 50, tier 3: 17, tier 4: 1), 8 products, 232 supply relationships; "
        "`tierscope summary` describes it in full.",
        "",
        f"Risk register — {len(data['register'])} findings, 8 of 8 products can be stopped by "
        f"one failure (snapshot {data['snapshot']})",
    ]
    heads = [i for i, line in enumerate(shown) if re.match(r" ?\d+\. ", line)]
    assert [shown[i + 1].strip() for i in heads] == [f["sentence"] for f in data["register"][:15]]

    out = piped("analyze", "--top", "3", env=env)
    lines = [line.strip() for line in out.splitlines()]
    top = data["register"][0]
    assert len(top["sentence"]) > 80  # longer than the width a pipe is given
    assert lines[2:4] == [
        f"1. critical · single point of failure · {top['subject_id']} (company) · "
        f"at stake {top['revenue_at_stake']:,.0f}",
        top["sentence"],
    ]
    for f in data["register"][:3]:
        assert f["sentence"] in lines
    assert "\x1b" not in out and "┃" not in out and "│" not in out

    scenario = json.loads(piped("scenario", "--country", "TW", "--json", env=env))
    out = piped("scenario", "--country", "TW", env=env)
    lines = [line.strip() for line in out.splitlines()]
    assert scenario["stopped_products"]
    for p in scenario["stopped_products"]:
        assert all(why in lines for why in p["evidence"][:3])
    assert "\x1b" not in out


def test_a_terminal_keeps_the_table_in_colour_and_no_color_drops_the_colour(
    bundle_with: Callable[..., Path], store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    # emoji codes and markup in a name are text, on a terminal as in a pipe
    companies = TINY["companies"].replace("LogiCo 🚚", "LogiCo :truck: [b]x[/b]")
    load_bundle(bundle_with(companies=companies), store)
    env = _env(test_env, COLUMNS="200", TERM="xterm-256color")
    screen = on_terminal("analyze", "--top", "3", env=env, tmp_path=tmp_path)
    assert "\x1b[1;31mcritical\x1b[0m" in screen  # bold red
    text = without_styles(screen)
    assert "┃ # ┃ severity ┃ kind" in text
    assert "│ 1 │ critical │ single point of failure │ L " in text
    assert "LogiCo :truck: [b]x[/b] (L), a logistics provider" in text
    assert "… 14 more: --top N, --json or --csv DIR for all." in text

    plain = on_terminal("analyze", "--top", "3", env={**env, "NO_COLOR": "1"}, tmp_path=tmp_path)
    assert "│ 1 │ critical │ single point of failure │ L " in without_styles(plain)
    assert colour_codes(plain) == []

    piped_out = piped("analyze", "--top", "3", env=_env(test_env))
    assert "   LogiCo :truck: [b]x[/b] (L), a logistics provider, alone stops P" in piped_out


def test_force_color_asks_for_the_terminal_table_in_a_pipe(
    tiny_loaded: dict[str, str],
) -> None:
    out = piped("analyze", "--top", "1", env={**tiny_loaded, "FORCE_COLOR": "1"})
    assert "┃ # ┃ severity ┃ kind" in without_styles(out) and "\x1b[1;31mcritical" in out


def test_json_and_csv_are_the_same_in_a_pipe_and_on_a_terminal(
    tiny_loaded: dict[str, str], tmp_path: Path
) -> None:
    on_pipe = piped("analyze", "--json", env=tiny_loaded)
    on_screen = on_terminal(
        "analyze", "--json", env={**tiny_loaded, "TERM": "xterm-256color"}, tmp_path=tmp_path
    )
    screen_data, pipe_data = json.loads(on_screen), json.loads(on_pipe)
    screen_data.pop("timings_seconds"), pipe_data.pop("timings_seconds")  # how long it took
    assert screen_data == pipe_data
    piped("analyze", "--csv", str(tmp_path / "a"), env=tiny_loaded)
    on_terminal("analyze", "--csv", str(tmp_path / "b"), env=tiny_loaded, tmp_path=tmp_path)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names and names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def closed_pipe(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``tierscope ARGS | head -0``: the reader has gone before anything is written."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tierscope", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8")
    return proc.wait(timeout=600), stderr


def test_a_reader_that_goes_away_ends_the_command_quietly(tiny_loaded: dict[str, str]) -> None:
    assert closed_pipe("analyze", "--help") == (1, "")
    assert closed_pipe("analyze", "--top", "3", env=tiny_loaded) == (1, "")
    assert closed_pipe("analyze", "--json", env=tiny_loaded) == (1, "")
