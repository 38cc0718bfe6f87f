"""The `fivefold` command line (Typer): the engine's commands, and those programs and adapters install.

The engine's modules register their commands on import. The composition root
(`app.py`) calls `build_cli` with what the programs and adapters installed; the
`fivefold` script runs `app.main`.
"""

from __future__ import annotations

from bot.cli import admin, apikeys, members, server  # noqa: F401 - they register commands
from bot.cli.base import Composition, cli, manifest_cli, use_composition
from bot.installation import Installation

__all__ = ["build_cli", "cli"]

_GROUPS = {"manifest": manifest_cli}


def build_cli(root: Composition, installation: Installation) -> None:
    """Add the installed command groups to `cli` and hand it the composition root (once per process)."""
    use_composition(root, installation.roles)
    known = {info.name for info in cli.registered_groups}
    for name, commands in installation.commands:
        if name not in known:
            cli.add_typer(commands, name=name)
    for group, name, command in installation.subcommands:
        target = _GROUPS[group]
        if all(info.name != name for info in target.registered_commands):
            target.command(name)(command)
