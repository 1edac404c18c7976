"""``tierscope serve`` as a user runs it: keys or loopback only."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
from apitools import free_port


def test_without_keys_it_binds_to_loopback_only_and_says_so(test_env: dict[str, str]) -> None:
    port = free_port()
    env = dict(test_env, TIERSCOPE_API_KEYS="")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tierscope", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/v1/ping", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.3)
        assert r.json() == {"ok": True}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "binds to 127.0.0.1 only, not 0.0.0.0" in err


def test_a_malformed_key_list_is_refused_with_the_entry_named(test_env: dict[str, str]) -> None:
    env = dict(test_env, TIERSCOPE_API_KEYS="0123456789abcdef0123:read,short:admin")
    r = subprocess.run(
        [sys.executable, "-m", "tierscope", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    assert "TIERSCOPE_API_KEYS entry 2: the key is 5 characters; use at least 16" in r.stderr
    assert "Traceback" not in r.stderr
