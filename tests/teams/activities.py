"""Bot Framework activities shaped like the ones Microsoft Teams sends, and a poster."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

from tests.http_clients import http_client
from tests.teams.fake_botframework import APP_ID

TENANT = "72f988bf-0000-4000-8000-00000000a11c"
BOT = {"id": f"28:{APP_ID}", "name": "Fivefold"}
CHANNEL = "19:general0001@thread.tacv2"
PEOPLE = {
    "alice": {"id": "29:1alice", "name": "Alice", "aadObjectId": "aad-alice-0000-0001"},
    "bob": {"id": "29:1bob", "name": "Bob", "aadObjectId": "aad-bob-0000-0002"},
    "carol": {"id": "29:1carol", "name": "Carol", "aadObjectId": "aad-carol-0000-0003"},
    "oksana": {
        "id": "29:1oksana",
        "name": "Oksana Shevchenko",
        "aadObjectId": "00000000-0000-0000-0000-00000000000b",
    },
}


def connector_member(person: dict[str, Any]) -> dict[str, Any]:
    """What `GET /v3/conversations/{id}/members/{memberId}` answers for a person in Teams."""
    given, _, surname = person["name"].partition(" ")
    login = given.lower()
    return {
        "id": person["id"],
        "name": person["name"],
        "aadObjectId": person["aadObjectId"],
        "givenName": given,
        "surname": surname or None,
        "email": f"{login}@contoso.example",
        "userPrincipalName": f"{login}@contoso.example",
        "tenantId": TENANT,
        "userRole": "user",
    }
_ids = itertools.count(1)


def mention(person: dict[str, Any], *, with_aad: bool = True) -> dict[str, Any]:
    """A mention entity for a person (or the bot)."""
    mentioned = (
        dict(person) if with_aad else {k: v for k, v in person.items() if k != "aadObjectId"}
    )
    return {"type": "mention", "text": f"<at>{person['name']}</at>", "mentioned": mentioned}


def activity(
    kind: str,
    service_url: str,
    *,
    sender: str = "alice",
    channel: bool = False,
    activity_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An activity from `sender` in a 1:1 chat (default) or in the General channel."""
    person = PEOPLE[sender]
    conversation: dict[str, Any] = (
        {
            "id": f"{CHANNEL};messageid=17000000000{next(_ids)}",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        }
        if channel
        else {"id": f"a:1personal-{sender}", "conversationType": "personal", "tenantId": TENANT}
    )
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if channel:
        channel_data |= {"team": {"id": CHANNEL, "name": "Support"}, "channel": {"id": CHANNEL}}
    body = {
        "type": kind,
        "id": activity_id or f"1700000000{next(_ids):04d}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": person,
        "recipient": BOT,
        "conversation": conversation,
        "channelData": channel_data,
        "locale": "en-US",
        "timestamp": "2026-11-23T09:00:00.000Z",
        "entities": [{"type": "clientInfo", "locale": "en-US", "timezone": "Europe/Warsaw"}],
    }
    body.update(extra)
    return body


def message(
    text: str,
    service_url: str,
    *,
    mentions: tuple[str, ...] = (),
    channel: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """A text message; `{name}` placeholders become `<at>` mentions; in channels the bot is @-ed."""
    entities = [mention(PEOPLE[name]) for name in mentions]
    rendered = text.format(**{name: f"<at>{PEOPLE[name]['name']}</at>" for name in PEOPLE})
    if channel:
        rendered = f"<at>Fivefold</at> {rendered}"
        entities.append(mention(BOT))
    body = activity(
        "message", service_url, channel=channel, text=rendered, textFormat="plain", **kwargs
    )
    body["entities"] += entities
    return body


class TeamsSender:
    """Posts activities to a running Fivefold's /api/messages."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url + "/api/messages"
        self.client = http_client(timeout=30)

    def close(self) -> None:
        """Close the HTTP client (its pooled connections)."""
        self.client.close()

    def __enter__(self) -> TeamsSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def post(self, body: dict[str, Any], token: str | None) -> httpx.Response:
        """POST an activity with `Authorization: Bearer token` (none when `token` is None)."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.post(self.url, content=json.dumps(body).encode(), headers=headers)
