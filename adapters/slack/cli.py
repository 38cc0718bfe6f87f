"""`fivefold manifest slack`: the Slack app manifest for a public URL."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from adapters.slack.manifest import slack_manifest
from bot.cli.base import console


def manifest_slack(
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold, e.g. https://fivefold.example.com")],
    oauth: Annotated[bool, typer.Option(help="Include the OAuth redirect URL (multi-workspace).")] = False,
) -> None:
    """Print the Slack app manifest (JSON) for `url`."""
    if not url.startswith(("https://", "http://")):
        console.print("[red]--url must start with https://[/red]")
        raise typer.Exit(2)
    manifest = slack_manifest(url, oauth=oauth)
    sys.stdout.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
