"""The Teams app package: `manifest.json` and two icons in a zip, for a public URL."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any
from urllib.parse import urlparse

from adapters.teams.icons import color_icon, outline_icon
from adapters.teams.invokes import GIVE_KUDOS

SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json"
COMMANDS = [
    ("kudos", "Thank someone: kudos @name message #value"),
    ("stats", "Your kudos given and received"),
    ("leaderboard", "This month's most recognised people"),
    ("ambassador", "Sign up as a CX ambassador"),
    ("story", "Share a customer story"),
    ("help", "What Fivefold can do"),
]


def teams_manifest(
    app_id: str, url: str, *, name: str = "Fivefold", version: str = "1.0.0"
) -> dict[str, Any]:
    """The manifest for bot `app_id` (a GUID) served at `url`.

    Raises:
        ValueError: when the app id is not a GUID or the URL is not https.
    """
    uuid.UUID(app_id)
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ValueError("the public URL must be https://…")
    base = url.rstrip("/")
    scopes = ["personal", "team", "groupChat"]
    return {
        "$schema": SCHEMA,
        "manifestVersion": "1.16",
        "version": version,
        "id": app_id,
        "developer": {
            "name": name,
            "websiteUrl": base,
            "privacyUrl": f"{base}/privacy",
            "termsOfUseUrl": f"{base}/terms",
        },
        "name": {"short": name, "full": f"{name} — employee experience"},
        "description": {
            "short": "Kudos, pulse surveys and CX programmes in Teams.",
            "full": "Fivefold runs an employee-experience programme where people work: peer kudos, "
            "pulse surveys, CX training, ambassadors and customer stories.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1D3B53",
        "bots": [
            {
                "botId": app_id,
                "scopes": scopes,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": scopes,
                        "commands": [
                            {"title": title, "description": description}
                            for title, description in COMMANDS
                        ],
                    }
                ],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [
                    {
                        "id": GIVE_KUDOS,
                        "type": "action",
                        "title": "Give kudos",
                        "description": "Thank the author of this message",
                        "context": ["message"],
                        "fetchTask": True,
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [parsed.hostname],
    }


def teams_package(app_id: str, url: str) -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "manifest.json", json.dumps(teams_manifest(app_id, url), indent=2, ensure_ascii=False)
        )
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return buffer.getvalue()
