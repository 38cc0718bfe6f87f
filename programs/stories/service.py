"""Story rules: a complete form, consent when a customer is named, a decision made once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import Member, Tenant
from programs.channels.transition import transition
from programs.reward.values import tenant_values
from programs.stories.models import Story, StoryStatus

MAX_TITLE, MAX_PART, MAX_CUSTOMER, MAX_NOTE = 150, 1500, 150, 500
CONSENT = "yes"
PARTS = ("situation", "action", "outcome")


class Verdict(StrEnum):
    """What a reviewer decided."""

    APPROVE = "approve"
    CHANGES = "changes"
    DECLINE = "decline"


STATUS_OF = {Verdict.APPROVE: StoryStatus.APPROVED, Verdict.CHANGES: StoryStatus.CHANGES_REQUESTED,
             Verdict.DECLINE: StoryStatus.DECLINED}


@dataclass(frozen=True)
class Draft:
    """A checked story form."""

    title: str
    situation: str
    action: str
    outcome: str
    value: str
    customer: str | None
    customer_consent: bool


def text_of(values: Mapping[str, str | list[str]], key: str) -> str:
    """One form value as stripped text (a list is joined)."""
    value = values.get(key, "")
    return (value if isinstance(value, str) else " ".join(value)).strip()


def _required(values: Mapping[str, str | list[str]], key: str, limit: int) -> str:
    text = text_of(values, key)
    if not text or len(text) > limit or "\x00" in text:
        raise UserFacingError(N_("This field is required; keep it under {limit} characters."), field=key, limit=limit)
    return text


def parse_edits(values: Mapping[str, str | list[str]]) -> dict[str, str]:
    """A reviewer's edits of the story's text (title, situation, what was done, outcome)."""
    return {"title": _required(values, "title", MAX_TITLE),
            **{part: _required(values, part, MAX_PART) for part in PARTS}}


async def parse_draft(session: AsyncSession, tenant_id: int, values: Mapping[str, str | list[str]]) -> Draft:
    """The form's values as a draft, refusing the first bad field."""
    title = _required(values, "title", MAX_TITLE)
    situation, action, outcome = (_required(values, part, MAX_PART) for part in PARTS)
    known = [v.slug for v in await tenant_values(session, tenant_id)]
    value = text_of(values, "value")
    if value not in known:
        raise UserFacingError(N_("Choose the value the story shows: {valid}."), field="value",
                              valid=", ".join(f"#{slug}" for slug in known))
    customer = text_of(values, "customer")[:MAX_CUSTOMER] or None
    consent_value = values.get("consent", [])
    consent = CONSENT in (consent_value if isinstance(consent_value, list) else [consent_value])
    if customer and not consent:
        raise UserFacingError(N_("The story names a customer: confirm they agreed to be named, "
                                 "or leave the customer out."), field="consent")
    return Draft(title, situation, action, outcome, value, customer, consent)


async def submit_story(session: AsyncSession, author: Member, draft: Draft) -> Story:
    """Store a story for review."""
    assert author.id is not None
    story = Story(tenant_id=author.tenant_id, author_id=author.id, **asdict(draft))
    session.add(story)
    await session.flush()
    return story


async def decide_story(
    session: AsyncSession, tenant: Tenant, story_id: int, verdict: Verdict, *, by: Member | None,
    now: dt.datetime, note: str | None = None, edits: dict[str, str] | None = None,
) -> tuple[Story | None, bool]:
    """Record a pending story's review once (an approval may carry the reviewer's edits)."""
    assert tenant.id is not None
    if verdict is not Verdict.APPROVE and not note:
        raise UserFacingError(N_("Tell the author why, in a sentence or two."), field="note")
    values = {"status": STATUS_OF[verdict].value, "reviewer_id": by.id if by else None, "decided_at": now,
              "note": note[:MAX_NOTE] if note else None}
    if edits is not None and verdict is Verdict.APPROVE:
        values.update(edits)
    return await transition(session, Story, story_id, tenant_id=tenant.id, expected=StoryStatus.PENDING.value,
                            values=values)


async def stories(session: AsyncSession, tenant_id: int, status: str | None) -> Sequence[tuple[Story, Member]]:
    """The tenant's stories with their authors (optionally of one status), newest first."""
    query = select(Story, Member).join(Member, col(Member.id) == Story.author_id).where(Story.tenant_id == tenant_id)
    if status:
        query = query.where(Story.status == status)
    return [(s, m) for s, m in (await session.execute(query.order_by(col(Story.id).desc())))]
