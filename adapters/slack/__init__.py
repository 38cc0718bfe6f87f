"""The Slack adapter (slack-bolt / slack-sdk): `install` registers its whole seam."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.db import Database
    from bot.engine import Engine
    from bot.installation import Connection, Installation


def install(installation: Installation) -> None:
    """Slack's tables, `fivefold manifest slack`, and (with settings) its port, routes and console manifest."""
    from adapters.slack.cli import manifest_slack
    from adapters.slack.manifest import slack_manifest
    from adapters.slack.oauth import slack_tables
    from adapters.slack.settings import SlackSettings
    from bot.console.registry import Download
    from bot.installation import Connection, PlatformSeam

    installation.add_tables(slack_tables)
    installation.add_subcommand("manifest", "slack", manifest_slack)
    if installation.settings is None:
        return
    settings = installation.settings
    slack = SlackSettings.of(settings)

    def connect(engine: Engine, db: Database) -> Connection:
        from adapters.slack.app import SlackAdapter
        from adapters.slack.http import slack_router

        adapter = SlackAdapter(settings, slack, engine, db)
        secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""
        return Connection(adapter.port, slack_router(adapter, secret))

    manifest = Download("fivefold-slack-manifest.json", "application/json", lambda url: json.dumps(
        slack_manifest(url, oauth=slack.client_id is not None), indent=2, ensure_ascii=False).encode())
    installation.add_platform(PlatformSeam("slack", slack.enabled, connect, manifest, own_tenant=bool(slack.bot_token)))
