"""``tierscope serve`` as a user runs it: keys, or a loopback address only."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from apitools import free_port


def refusal(host: str) -> str:
    return (
        "Error: No API keys are configured (TIERSCOPE_API_KEYS), so the API serves only on a "
        f"loopback address (127.0.0.1, ::1, localhost), not {host}: set TIERSCOPE_API_KEYS or "
        "drop --host"
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org"])
def test_without_keys_a_non_loopback_address_is_refused_in_one_line(
    host: str, test_env: dict[str, str]
) -> None:
    port = free_port()
    env = dict(test_env, TIERSCOPE_API_KEYS="")
    r = subprocess.run(
        [sys.executable, "-m", "tierscope", "serve", "--host", host, "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1
    assert r.stderr.splitlines() == [refusal(host)]
    assert r.stdout == ""
    with pytest.raises(httpx.TransportError):  # nothing was started on any address
        httpx.get(f"http://127.0.0.1:{port}/v1/ping", timeout=2)


def test_without_keys_it_serves_on_loopback_and_says_so(test_env: dict[str, str]) -> None:
    port = free_port()
    env = dict(test_env, TIERSCOPE_API_KEYS="")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tierscope", "serve", "--host", "127.0.0.1", "--port", str(port)],
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
    assert "the API is open to this machine only (127.0.0.1)" in err


def test_with_keys_a_non_loopback_address_is_served(test_env: dict[str, str]) -> None:
    port = free_port()
    env = dict(test_env, TIERSCOPE_API_KEYS="0123456789abcdef0123:read")
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
        assert httpx.get(f"http://127.0.0.1:{port}/v1/risks", timeout=30).status_code == 401
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


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
