"""SQLite is one process's database: a second `serve` or `worker` on the same file refuses to start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests import databases

FIVEFOLD = str(Path(sys.executable).with_name("fivefold"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "MICROSOFT_"))}
    env.update({"DATABASE_URL": url, "FIVEFOLD_ENV": "test", "COLUMNS": "300"})
    return env


def wait_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the first server did not start"
        try:
            if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the first server never answered")


def test_second_process_on_one_sqlite_file_refuses_to_start(sqlite_template, tmp_path):
    url = databases.sqlite_copy(sqlite_template, tmp_path)
    env = environment(url)
    port = free_port()
    first = subprocess.Popen([FIVEFOLD, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", first)
        for command in (["serve", "--port", str(free_port())], ["worker"]):
            second = subprocess.run([FIVEFOLD, *command], env=env, cwd=tmp_path, capture_output=True, timeout=60)
            assert second.returncode == 1, command
            said = " ".join(second.stderr.decode().split())
            assert "Not starting: another Fivefold process is already using" in said, said
            assert "SQLite runs as one process" in said
        assert first.poll() is None  # the first one serves on, undisturbed
    finally:
        first.terminate()
        first.wait(timeout=30)

    with subprocess.Popen([FIVEFOLD, "worker"], env=env, cwd=tmp_path, stderr=subprocess.PIPE) as worker:
        try:
            time.sleep(2)
            running = worker.poll() is None
            said = "" if running else (worker.stderr.read() if worker.stderr else b"").decode(errors="replace")
            assert running, f"with the first process gone, the file is free again; the worker said: {said}"
        finally:
            worker.terminate()
            worker.wait(timeout=30)  # leaving `with` closes its stderr pipe
