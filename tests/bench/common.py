"""What the inbound benchmark's processes share: the workspace's users and the requests."""

from __future__ import annotations

from tests.slack_requests import signed_headers, slash_body

TEXT = "<@{receiver}> great work #customer-first"


def user_ids(count: int) -> list[str]:
    """`count` Slack user ids (upper-case alphanumerics, like Slack's)."""
    return [f"U0BENCH{index:05d}" for index in range(count)]


def pair(users: list[str], index: int) -> tuple[str, str]:
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
