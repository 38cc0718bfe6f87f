"""The `fivefold` command line (Typer). Each module registers its commands on import."""

from __future__ import annotations

from bot.cli import admin, campaigns, manifests, members, programme, server, surveys  # noqa: F401 - they register commands
from bot.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the `fivefold` script."""
    cli()

