"""`fivefold manifest slack|teams`: app manifests for a public URL."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.base import composition, console, manifest_cli


@manifest_cli.command("slack")
def manifest_slack(
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold, e.g. https://fivefold.example.com")],
    oauth: Annotated[bool, typer.Option(help="Include the OAuth redirect URL (multi-workspace).")] = False,
) -> None:
    """Print the Slack app manifest (JSON) for `url`."""
    if not url.startswith(("https://", "http://")):
        console.print("[red]--url must start with https://[/red]")
        raise typer.Exit(2)
    manifest: dict[str, Any] = composition().slack_manifest(url, oauth)
    sys.stdout.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


@manifest_cli.command("teams")
def manifest_teams(
    app_id: Annotated[str, typer.Option(help="The bot's Microsoft App ID (a GUID).")],
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold.")],
    out: Annotated[Path, typer.Option(help="Where to write the package.")] = Path("fivefold-teams.zip"),
) -> None:
    """Write the Teams app package (manifest.json and icons, zipped) for `url`."""
    try:
        package: bytes = composition().teams_package(app_id, url)
    except ValueError as exc:
        console.print(f"[red]Cannot build the package:[/red] {exc}")
        raise typer.Exit(2) from exc
    out.write_bytes(package)
    console.print(f"wrote {out} — upload it in Teams: Apps → Manage your apps → Upload an app")

