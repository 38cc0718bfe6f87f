"""What the author and the reviewer are told once a story is reviewed."""

from __future__ import annotations

from bot.i18n import Translator
from bot.messages import CommandRef, Message, Plain, Span, Text, compose, plain_text
from bot.models import Member
from programs.reward.cards import mention
from programs.stories.models import Story, StoryStatus


def _note(spans: list[Span]) -> Message:
    return Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])


def for_author(t: Translator, story: Story) -> Message:
    """The author's DM: approved (with the reviewer's note, if any), changes asked, or declined, with why."""
    note, title = story.note or "", story.title
    if story.status == StoryStatus.APPROVED:
        template = t._("Your story “{title}” was approved and published. Reviewer's note: {note}") if note else \
            t._("Your story “{title}” was approved and published. Thank you!")
        return _note(compose(template, title=title, note=note))
    if story.status == StoryStatus.CHANGES_REQUESTED:
        return _note(compose(t._("Your story “{title}” needs changes: {note} Share it again with {command}."),
                             title=title, note=note, command=CommandRef(name="story")))
    return _note(compose(t._("Your story “{title}” was declined: {note}"), title=title, note=note))


def for_reviewer(t: Translator, story: Story, author: Member, by: Member | None, changed: bool) -> Message:
    """What a reviewer sees after deciding, or when someone else decided first."""
    who: Span = mention(by) if by else Plain(text=t._("the admin API"))
    status = StoryStatus(story.status)
    if changed:
        templates = {
            StoryStatus.APPROVED: t._("Approved: “{title}” is published and {author} has been told."),
            StoryStatus.CHANGES_REQUESTED: t._("Changes requested: {author} has been told why."),
            StoryStatus.DECLINED: t._("Declined: {author} has been told why."),
        }
    else:
        templates = {
            StoryStatus.APPROVED: t._("“{title}” was already approved by {by}."),
            StoryStatus.CHANGES_REQUESTED: t._("Changes to “{title}” were already requested by {by}."),
            StoryStatus.DECLINED: t._("“{title}” was already declined by {by}."),
        }
    template = templates.get(status, t._("“{title}” is waiting for review."))
    return _note(compose(template, title=story.title, author=mention(author), by=who))
