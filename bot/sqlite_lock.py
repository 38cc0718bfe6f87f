"""One process per SQLite file: an OS lock next to the database file."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from bot.db import sync_url
from bot.errors import DatabaseInUseError


def lock_sqlite_file(url: str) -> IO[str] | None:
    """Hold an exclusive OS lock on `<database file>.lock` for as long as the process runs.

    SQLite is one process's database: a second `serve` or `worker` on the same file would
    claim the same deliveries (and post them twice). Returns the open lock file (keep it),
    or None for PostgreSQL and in-memory databases.

    Raises:
        DatabaseInUseError: another process holds the lock.
    """
    parsed = make_url(sync_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    lock_path = Path(parsed.database).resolve().with_name(Path(parsed.database).name + ".lock")
    handle = lock_path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DatabaseInUseError(
            f"another Fivefold process is already using {parsed.database} (lock file {lock_path}); "
            "SQLite runs as one process: stop the other one, or use PostgreSQL for several"
        ) from None
    return handle
