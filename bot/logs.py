"""Structured logging (structlog), as console lines or JSON."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

CONNECTION_ERRORS = (OperationalError, InterfaceError)


class DropQueryStrings(logging.Filter):
    """Cut the query string off uvicorn's access-log lines.

    Query strings carry secrets (`/slack/oauth_redirect?code=…&state=…`) that must not
    sit in log files; the path is enough to follow traffic.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument (uvicorn's access format is client, method, path, …)."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def _exception(exc_info: Any) -> BaseException | None:
    if exc_info is True:
        return sys.exc_info()[1]
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        return exc_info[1]  # type: ignore[no-any-return]
    return None


def hide_database_details(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Log a database error's traceback without its message.

    A driver's message carries the statement's parameters and PostgreSQL's `DETAIL: Failing
    row contains (…)`: what people wrote, which has no place in logs. The frames, the error's
    type and its SQLSTATE are kept. Connection errors keep their message (it says why the
    database is unreachable, and holds no row).
    """
    error = _exception(event.get("exc_info"))
    if not isinstance(error, DBAPIError) or isinstance(error, CONNECTION_ERRORS):
        return event
    del event["exc_info"]
    original = error.orig
    code = getattr(getattr(original, "diag", None), "sqlstate", None) or getattr(original, "sqlite_errorname", "")
    frames = "".join(traceback.format_tb(error.__traceback__))
    event["exception"] = (
        f"Traceback (most recent call last):\n{frames}{type(error).__module__}.{type(error).__name__}: "
        f"{type(original).__name__} {code} (statement, parameters and row details hidden)"
    )
    return event


def configure_logging(fmt: str = "console", level: int = logging.INFO) -> None:
    """Route structlog and the standard library through one renderer."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        hide_database_details,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, DropQueryStrings) for existing in access.filters):
        access.addFilter(DropQueryStrings())
