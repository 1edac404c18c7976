"""``tierscope explore`` as a user runs it: the server of ``serve`` with the explorer at
``/``, the browser opened at it (``$BROWSER``, as Python's webbrowser reads it), or only
the address printed with ``--no-browser``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from apitools import free_port

from tierscope.graph.store import Store
from tierscope.loaders.bundle import demo_bundle_path, load_bundle


def _explore(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tierscope", "explore", "--port", str(port), *args],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def _home(proc: subprocess.Popen[str], url: str) -> httpx.Response:
    deadline = time.monotonic() + 120
    while True:
        try:
            r = httpx.get(url + "/", timeout=60)
            if r.status_code == 200:
                return r
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the explorer did not answer in 120 s"
        time.sleep(0.3)


def test_it_serves_the_explorer_and_opens_the_browser_at_it(
    store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    load_bundle(demo_bundle_path(), store)
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = dict(test_env, TIERSCOPE_API_KEYS="", BROWSER=f"{browser} %s")
    proc, url = _explore(env)
    try:
        r = _home(proc, url)
        assert "Partner risk explorer" in r.text
        assert httpx.get(url + "/v1/ping", timeout=10).json() == {"ok": True}
        deadline = time.monotonic() + 30
        while not opened.exists():
            assert time.monotonic() < deadline, "no browser was opened"
            time.sleep(0.2)
        assert opened.read_text(encoding="utf-8").split() == [url + "/"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"the explorer on {url}/" in err


def test_with_no_browser_it_only_says_where(
    store: Store, test_env: dict[str, str], tmp_path: Path
) -> None:
    load_bundle(demo_bundle_path(), store)
    opened = tmp_path / "opened.txt"
    env = dict(test_env, TIERSCOPE_API_KEYS="", BROWSER=f"touch {opened} %s")
    proc, url = _explore(env, "--no-browser")
    try:
        assert "Partner risk explorer" in _home(proc, url).text
        time.sleep(1.0)  # a browser would have been opened by now
        assert not opened.exists()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"the explorer on {url}/" in err
