"""What the inbound benchmark's processes share: the users and the requests (Slack, Teams)."""

from __future__ import annotations

import json
from typing import TypeVar

from tests.slack_requests import signed_headers, slash_body

TEXT = "<@{receiver}> great work #customer-first"


def user_ids(count: int) -> list[str]:
    """`count` Slack user ids (upper-case alphanumerics, like Slack's)."""
    return [f"U0BENCH{index:05d}" for index in range(count)]


T = TypeVar("T")


def pair(users: list[T], index: int) -> tuple[T, T]:
    """Giver and receiver of the `index`-th request: every user gives, never to themselves."""
    count = len(users)
    offset = 1 + (index // count) % (count - 1)
    return users[index % count], users[(index + offset) % count]


def kudos_request(
    users: list[str], index: int, *, secret: str, trigger_prefix: str
) -> tuple[bytes, dict[str, str]]:
    """The signed `/kudos` slash command number `index` (its own trigger_id)."""
    giver, receiver = pair(users, index)
    body = slash_body(
        "/kudos",
        TEXT.format(receiver=receiver),
        user=giver,
        trigger_id=f"{trigger_prefix}.{index}.bench",
    )
    return body.encode(), signed_headers(body, secret=secret)


# --- Microsoft Teams ---------------------------------------------------------------

TEAMS_TEXT = "kudos <at>{name}</at> great work #customer-first"
TEAMS_TENANT = "72f988bf-0000-4000-8000-0000000be4c4"
TEAMS_TOKEN_ENV = "BENCH_TEAMS_TOKEN"


def teams_people(count: int) -> list[dict[str, str]]:
    """`count` Teams users: Teams user id, display name and Azure AD object id."""
    return [
        {
            "id": f"29:1bench{index:05d}",
            "name": f"Bench {index:05d}",
            "aadObjectId": f"00000000-0000-4000-8be4-{index:012d}",
        }
        for index in range(count)
    ]


def teams_activity(
    people: list[dict[str, str]], index: int, *, service_url: str, bot_id: str, id_prefix: str
) -> bytes:
    """Activity number `index`: a personal-chat `kudos <at>Receiver</at> …` with its mention
    entity (AAD object id included, as Teams sends it), shaped like tests/teams/activities."""
    giver, receiver = pair(people, index)
    activity = {
        "type": "message",
        "id": f"{id_prefix}{index:07d}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": giver,
        "recipient": {"id": bot_id, "name": "Fivefold"},
        "conversation": {
            "id": f"a:1personal-{giver['id'][3:]}",
            "conversationType": "personal",
            "tenantId": TEAMS_TENANT,
        },
        "channelData": {"tenant": {"id": TEAMS_TENANT}},
        "locale": "en-US",
        "timestamp": "2026-11-23T09:00:00.000Z",
        "text": TEAMS_TEXT.format(name=receiver["name"]),
        "textFormat": "plain",
        "entities": [
            {"type": "clientInfo", "locale": "en-US", "timezone": "Europe/Warsaw"},
            {"type": "mention", "text": f"<at>{receiver['name']}</at>", "mentioned": receiver},
        ],
    }
    return json.dumps(activity).encode()
