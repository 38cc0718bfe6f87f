"""The error hierarchy: one root, and a user-facing branch whose text is safe to show."""

from __future__ import annotations

from typing import Any


class FivefoldError(Exception):
    """Root of every error Fivefold raises on purpose."""


class ConfigurationError(FivefoldError):
    """The settings are unsafe or inconsistent; the process must not start."""


class DatabaseBehindError(FivefoldError):
    """The database schema is older than the code; `fivefold migrate` fixes it."""


class DatabaseInUseError(FivefoldError):
    """Another Fivefold process already serves this SQLite file (it is one process's database)."""


class UserFacingError(FivefoldError):
    """An error whose (translatable) message is shown to the member who caused it.

    Args:
        message: a gettext msgid; it is translated into the member's locale when shown.
        field: the form input the message is about, when it came from a form.
        **params: values substituted into the translated message with ``str.format``.
    """

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params
