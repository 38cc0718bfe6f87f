"""The stories review queue in the console: approve, ask for changes or decline, through the stories flows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import ReviewerChange, ReviewerViewer, SignedIn
from bot.console.users import member_of, record
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import utcnow
from programs.stories.flows import review
from programs.stories.models import Story, StoryStatus
from programs.stories.service import MAX_NOTE, PARTS, Verdict, parse_edits, stories

REVIEWERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.REVIEWER})
ACTION_OF = {Verdict.APPROVE: "story.approved", Verdict.CHANGES: "story.changes_requested",
             Verdict.DECLINE: "story.declined"}
LABELS = {StoryStatus.PENDING: N_("pending"), StoryStatus.CHANGES_REQUESTED: N_("changes requested"),
          StoryStatus.APPROVED: N_("approved"), StoryStatus.DECLINED: N_("declined")}
router = APIRouter()


async def _queue(request: Request, viewer: SignedIn, session: SessionDep, status_code: int = 200,
                 problem: str | None = None) -> HTMLResponse:
    assert viewer.tenant.id is not None
    pending = await stories(session, viewer.tenant.id, StoryStatus.PENDING.value)
    decided = [row for row in await stories(session, viewer.tenant.id, None) if row[0].status != StoryStatus.PENDING]
    return page(request, viewer, "stories.html", status_code, pending=pending, decided=decided[:50], problem=problem,
                labels=LABELS)


@router.get("")
async def queue(request: Request, viewer: ReviewerViewer, session: SessionDep) -> HTMLResponse:
    """Pending stories, oldest decisions last, each with its review form."""
    return await _queue(request, viewer, session)


async def _edits(request: Request, verdict: Verdict) -> dict[str, str] | None:
    """The reviewer's edited text when an approval carries it (the form's title and parts), else None."""
    form = await request.form()
    if verdict is not Verdict.APPROVE or "title" not in form:
        return None
    return parse_edits({key: str(form.get(key) or "") for key in ("title", *PARTS)})


@router.post("/{story_id}/{verdict}")
async def decide(story_id: ResourceId, verdict: Verdict, request: Request, viewer: ReviewerChange,
                 session: SessionDep, note: Annotated[str, Form(max_length=MAX_NOTE)] = "") -> Response:
    """Record the verdict once (an approval may carry edits); the author is told, an approved story published."""
    if "\x00" in note:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the note may not contain NUL characters")
    try:
        edits = await _edits(request, verdict)
        reviewer = await member_of(session, viewer.user)
        before = await session.get(Story, story_id)
        original = {key: getattr(before, key) for key in edits} if before and edits else {}
        story, changed = await review(session, viewer.tenant, story_id, verdict, by=reviewer, now=utcnow(),
                                      note=note.strip() or None, edits=edits)
    except UserFacingError as error:
        problem = viewer.t._(error.message).format(**error.params)
        return await _queue(request, viewer, session, status.HTTP_422_UNPROCESSABLE_CONTENT, problem)
    if story is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such story")
    if not changed:
        raise HTTPException(status.HTTP_409_CONFLICT, f"this story is {story.status}, not pending")
    edited = sorted(key for key, text in original.items() if text != (edits or {}).get(key))
    await record(session, viewer.user, ACTION_OF[verdict], story.title, story_id=story_id, note=story.note,
                 **({"edited": edited} if edited else {}))
    await session.commit()
    return RedirectResponse("/admin/stories", status.HTTP_303_SEE_OTHER)


def register(registry: ConsoleRegistry) -> None:
    """Add the stories review queue."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/stories", N_("Stories"), router, REVIEWERS, order=40))
