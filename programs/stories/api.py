"""`/api/v1/stories`: the review queue and published stories; approve, ask for changes, decline."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, Principal, ReaderKey, SessionDep
from bot.api.errors import ResourceId, conflict, not_found
from bot.models import Member, Tenant, utcnow
from programs.stories.flows import author_of, review
from programs.stories.models import Story
from programs.stories.service import MAX_NOTE, MAX_PART, MAX_TITLE, Verdict, stories

router = APIRouter(prefix="/api/v1/stories", tags=["stories"])
StatusFilter = Literal["pending", "changes_requested", "approved", "declined", "all"]


class StoryOut(BaseModel):
    """One story and its review."""

    id: int
    author: str
    author_name: str
    title: str
    situation: str
    action: str
    outcome: str
    value: str
    customer: str | None
    customer_consent: bool
    status: str
    note: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class ApproveIn(BaseModel):
    """An approval, optionally with edits of the text and a note to the author."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE)
    situation: str | None = Field(default=None, min_length=1, max_length=MAX_PART)
    action: str | None = Field(default=None, min_length=1, max_length=MAX_PART)
    outcome: str | None = Field(default=None, min_length=1, max_length=MAX_PART)
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE)


class ReasonIn(BaseModel):
    """Why changes are asked for, or why the story is declined (told to the author)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_NOTE)


def _out(story: Story, author: Member) -> StoryOut:
    assert story.id is not None
    return StoryOut(
        id=story.id, author=author.external_id, author_name=author.name, title=story.title,
        situation=story.situation, action=story.action, outcome=story.outcome, value=story.value,
        customer=story.customer, customer_consent=story.customer_consent, status=story.status, note=story.note,
        created_at=story.created_at, decided_at=story.decided_at,
    )


@router.get("")
async def list_stories(
    session: SessionDep, key: ReaderKey, status: Annotated[StatusFilter, Query()] = "all",
) -> list[StoryOut]:
    """Stories, newest first; `?status=pending` is the review queue."""
    rows = await stories(session, key.tenant_id, None if status == "all" else status)
    return [_out(story, author) for story, author in rows]


async def _decide(session: AsyncSession, key: Principal, story_id: int, verdict: Verdict,
                  note: str | None, edits: dict[str, str] | None = None) -> StoryOut:
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    story, changed = await review(session, tenant, story_id, verdict, by=None, now=utcnow(), note=note, edits=edits)
    if story is None:
        raise not_found("story")
    if not changed:
        raise conflict(f"this story is {story.status}, not pending")
    return _out(story, await author_of(session, story))


@router.post("/{story_id}/approve")
async def approve(story_id: ResourceId, session: SessionDep, key: AdminKey, data: ApproveIn | None = None) -> StoryOut:
    """Approve a pending story (with any edits) and publish it to the stories channels."""
    data = data or ApproveIn()
    edits = data.model_dump(exclude_none=True, exclude={"note"})
    return await _decide(session, key, story_id, Verdict.APPROVE, data.note, edits or None)


@router.post("/{story_id}/request-changes")
async def request_changes(story_id: ResourceId, data: ReasonIn, session: SessionDep, key: AdminKey) -> StoryOut:
    """Send a pending story back to its author with what to change."""
    return await _decide(session, key, story_id, Verdict.CHANGES, data.reason)


@router.post("/{story_id}/decline")
async def decline(story_id: ResourceId, data: ReasonIn, session: SessionDep, key: AdminKey) -> StoryOut:
    """Decline a pending story; the author is told why."""
    return await _decide(session, key, story_id, Verdict.DECLINE, data.reason)
