"""HTTP clients for tests, each closed when its test ends.

A test or helper that does not use `with httpx.Client(...)` takes its client from
`http_client(...)`: the autouse fixture `close_http_clients` (tests/conftest.py) closes
every one of them at the end of the test, so no pooled socket is left for the garbage
collector to find (the suite turns `ResourceWarning` into an error).
"""

from __future__ import annotations

import threading
from typing import Any

import httpx

_open: list[httpx.Client] = []
_lock = threading.Lock()


def http_client(**options: Any) -> httpx.Client:
    """An `httpx.Client(**options)` that is closed when the current test ends."""
    client = httpx.Client(**options)
    with _lock:
        _open.append(client)
    return client


def close_all() -> int:
    """Close every client handed out so far; returns how many were open."""
    with _lock:
        clients = list(_open)
        _open.clear()
    for client in clients:
        client.close()
    return len(clients)
