"""The delivery worker as a child process of `fivefold serve` (PostgreSQL, `FIVEFOLD_ROLE=all`).

In one process the worker and the HTTP front share one event loop: while a broadcast
drains, every request waits behind the worker's callbacks. On PostgreSQL, which lets
several processes share the outbox, `serve` therefore answers requests itself and runs
`fivefold worker` beside it at a lower CPU priority (niceness 10), so requests come
first when the machine is busy. The child is restarted if it dies, stopped with the
server, and killed by the kernel if the server is killed (Linux). Workers in other
processes wake on PostgreSQL notifications (`bot.wakeup`), so a kudos DM does not wait
for a poll. SQLite runs one process: there the worker stays in the server's process.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Mapping, Sequence

import structlog

log = structlog.get_logger(__name__)

NICENESS = 10  # added to the child's niceness: the scheduler favours the server's requests
STOP_GRACE = 10.0  # seconds the child may take to finish its posts after SIGTERM
LONGEST_PAUSE = 30.0  # seconds between restarts at most
PR_SET_PDEATHSIG = 1


def worker_command() -> list[str]:
    """`fivefold worker` with this interpreter (the `app` module is the `fivefold` script's entry point)."""
    return [sys.executable, "-c", "import app; app.main()", "worker"]


def _as_child() -> None:  # pragma: no cover - runs in the forked child before exec
    os.nice(NICENESS)
    with contextlib.suppress(OSError, AttributeError):  # Linux only: die with the server
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class WorkerProcess:
    """Runs, watches and stops one child worker process."""

    def __init__(self, environment: Mapping[str, str], command: Sequence[str] | None = None) -> None:
        self.environment = {**environment, "FIVEFOLD_ROLE": "worker"}
        self.command = list(command or worker_command())
        self.process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self._stopping = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the child and keep it running until `stop`."""
        await self._spawn()
        self._watch = asyncio.ensure_future(self._keep_running())

    async def _spawn(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command, env=self.environment, stdin=asyncio.subprocess.DEVNULL, preexec_fn=_as_child,
        )
        log.info("worker_process.started", pid=self.process.pid, niceness=NICENESS)

    async def _keep_running(self) -> None:
        pause = 1.0
        while not self._stopping.is_set():
            assert self.process is not None
            code = await self.process.wait()
            if self._stopping.is_set():
                return
            log.error("worker_process.exited", code=code, restart_in=pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=pause)
            if self._stopping.is_set():
                return
            pause = min(LONGEST_PAUSE, pause * 2)
            self.restarts += 1
            await self._spawn()

    async def stop(self) -> None:
        """Ask the child to finish (SIGTERM), kill it after `STOP_GRACE` seconds, and wait for it."""
        self._stopping.set()
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=STOP_GRACE)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        log.info("worker_process.stopped")
