"""`fivefold manifest teams`: the Teams app package for a public URL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapters.teams.manifest import teams_package
from bot.cli.base import console


def manifest_teams(
    app_id: Annotated[str, typer.Option(help="The bot's Microsoft App ID (a GUID).")],
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold.")],
    out: Annotated[Path, typer.Option(help="Where to write the package.")] = Path("fivefold-teams.zip"),
) -> None:
    """Write the Teams app package (manifest.json and icons, zipped) for `url`."""
    try:
        package = teams_package(app_id, url)
    except ValueError as exc:
        console.print(f"[red]Cannot build the package:[/red] {exc}")
        raise typer.Exit(2) from exc
    out.write_bytes(package)
    console.print(f"wrote {out} — upload it in Teams: Apps → Manage your apps → Upload an app")
