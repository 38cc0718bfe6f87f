"""The Teams app package: `manifest.json`, its Polish and Ukrainian strings, two icons, in a zip.

The bot's command titles stay the words the bot understands (`kudos`, `stats`, …);
their descriptions, the app's descriptions and the "Give kudos" message action are
translated through the gettext catalogs into `pl.json` and `uk.json`.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any
from urllib.parse import urlparse

from adapters.teams.icons import color_icon, outline_icon
from adapters.teams.invokes import GIVE_KUDOS
from bot.i18n import N_, translator

SCHEMAS = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/"
SCHEMA = SCHEMAS + "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = SCHEMAS + "MicrosoftTeams.Localization.schema.json"
LANGUAGES = ("pl", "uk")
COMMANDS = [
    ("kudos", N_("Thank someone: kudos @name message #value")),
    ("stats", N_("Your kudos given and received")),
    ("leaderboard", N_("This month's most recognised people")),
    ("ambassador", N_("Sign up as a CX ambassador")),
    ("story", N_("Share a customer story")),
    ("help", N_("What Fivefold can do")),
]
SHORT_DESCRIPTION = N_("Kudos, pulse surveys and CX programmes in Teams.")
FULL_DESCRIPTION = N_(
    "Fivefold runs an employee-experience programme where people work: peer kudos, "
    "pulse surveys, CX training, ambassadors and customer stories."
)
FULL_NAME = N_("{name} — employee experience")
ACTION_TITLE = N_("Give kudos")
ACTION_DESCRIPTION = N_("Thank the author of this message")


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
        "name": {"short": name, "full": FULL_NAME.format(name=name)},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "localizationInfo": {
            "defaultLanguageTag": "en",
            "additionalLanguages": [
                {"languageTag": language, "file": f"{language}.json"} for language in LANGUAGES
            ],
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
                        "title": ACTION_TITLE,
                        "description": ACTION_DESCRIPTION,
                        "context": ["message"],
                        "fetchTask": True,
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [parsed.hostname],
    }


def teams_localization(language: str, *, name: str = "Fivefold") -> dict[str, Any]:
    """The manifest's strings in `language` (a Teams localization file)."""
    t = translator(language)
    strings: dict[str, Any] = {
        "$schema": LOCALIZATION_SCHEMA,
        "name.short": name,
        "name.full": t._(FULL_NAME, name=name),
        "description.short": t._(SHORT_DESCRIPTION),
        "description.full": t._(FULL_DESCRIPTION),
        "composeExtensions[0].commands[0].title": t._(ACTION_TITLE),
        "composeExtensions[0].commands[0].description": t._(ACTION_DESCRIPTION),
    }
    for index, (_title, description) in enumerate(COMMANDS):
        strings[f"bots[0].commandLists[0].commands[{index}].description"] = t._(description)
    return strings


def teams_package(app_id: str, url: str) -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "manifest.json", json.dumps(teams_manifest(app_id, url), indent=2, ensure_ascii=False)
        )
        for language in LANGUAGES:
            package.writestr(
                f"{language}.json",
                json.dumps(teams_localization(language), indent=2, ensure_ascii=False),
            )
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return buffer.getvalue()
