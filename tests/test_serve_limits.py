"""`fivefold serve` as a process: slow clients are cut off, and query strings stay out of the logs."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import databases
from tests.test_sqlite_one_process import FIVEFOLD, environment, free_port, wait_healthy


@pytest.fixture
def serving(sqlite_template, tmp_path) -> Iterator[tuple[int, Path]]:
    env = environment(databases.sqlite_copy(sqlite_template, tmp_path))
    env["FIVEFOLD_HEADER_TIMEOUT_SECONDS"] = "1"
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([FIVEFOLD, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                                   stdout=sink, stderr=sink)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process)
            yield port, log
        finally:
            process.terminate()
            process.wait(timeout=30)


def closed_within(conn: socket.socket, seconds: float) -> bool:
    conn.settimeout(seconds)
    try:
        return conn.recv(100) == b""
    except TimeoutError:
        return False


def test_a_client_too_slow_with_its_headers_is_cut_off(serving):
    port, _ = serving
    with socket.create_connection(("127.0.0.1", port)) as idle, \
            socket.create_connection(("127.0.0.1", port)) as slow:
        slow.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # ... and the rest never comes
        started = time.monotonic()
        assert closed_within(slow, 5) and closed_within(idle, 5)
        assert time.monotonic() - started < 4
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:  # a kept-alive client is fine
        assert client.get("/healthz").status_code == 200
        time.sleep(1.5)
        assert client.get("/healthz").status_code == 200


def test_the_access_log_drops_query_strings(serving):
    port, log = serving
    assert httpx.get(f"http://127.0.0.1:{port}/healthz?code=secret-code-123&state=s").status_code == 200
    deadline = time.monotonic() + 5
    while "GET /healthz" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    assert "GET /healthz HTTP/1.1" in text
    assert "secret-code-123" not in text
