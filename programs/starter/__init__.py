"""The starter programme: ready Inform, Inspire and Instruct content a new tenant enables in one command."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """`fivefold starter enable`: the ready-made programme."""
    from programs.starter import cli

    installation.add_commands("starter", cli.starter_cli)
