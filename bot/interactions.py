"""Neutral interactions: what a member did, as programs see it, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.messages import Form, Message


class Kind(StrEnum):
    """The interaction families the router dispatches on."""

    COMMAND = "command"
    ACTION = "action"
    SUBMISSION = "submission"
    REACTION = "reaction"
    EVENT = "event"


@dataclass(frozen=True)
class Actor:
    """Who acted, and where: the platform's ids, translated by the adapter."""

    platform: str
    tenant_external_id: str
    member_external_id: str
    tenant_name: str = ""
    locale: str | None = None


@dataclass(frozen=True)
class Interaction:
    """Base of every interaction.

    `dedupe_key` is the platform's id for this delivery (event id, trigger id,
    activity id); the engine stores it in the same transaction as the change, so a
    retry of the same delivery changes nothing.
    """

    actor: Actor
    dedupe_key: str | None

    @property
    def kind(self) -> Kind:
        """The family the router dispatches on."""
        raise NotImplementedError

    @property
    def route(self) -> str:
        """The name within the family (command word, action id, form id, …)."""
        raise NotImplementedError

    @property
    def mentioned(self) -> tuple[str, ...]:
        """External ids of members this interaction names (looked up before dispatch)."""
        return ()


@dataclass(frozen=True)
class Command(Interaction):
    """A text command: `/kudos …` in Slack, `kudos …` to the bot in Teams.

    `text` is what followed the command word with mentions removed; `mentions`
    are the external ids of the members it named, in order.
    """

    name: str = ""
    text: str = ""
    mentions: tuple[str, ...] = ()
    channel_id: str | None = None

    @property
    def kind(self) -> Kind:
        return Kind.COMMAND

    @property
    def route(self) -> str:
        return self.name

    @property
    def mentioned(self) -> tuple[str, ...]:
        return self.mentions


@dataclass(frozen=True)
class Action(Interaction):
    """A button press or a shortcut."""

    action_id: str = ""
    value: str = ""
    channel_id: str | None = None
    message_author_id: str | None = None
    message_text: str | None = None

    @property
    def kind(self) -> Kind:
        return Kind.ACTION

    @property
    def route(self) -> str:
        return self.action_id

    @property
    def mentioned(self) -> tuple[str, ...]:
        return (self.message_author_id,) if self.message_author_id else ()


@dataclass(frozen=True)
class Submission(Interaction):
    """A submitted form; `values` maps input ids to text or a list of chosen values."""

    form_id: str = ""
    values: dict[str, str | list[str]] = field(default_factory=dict)
    state: str = ""

    @property
    def kind(self) -> Kind:
        return Kind.SUBMISSION

    @property
    def route(self) -> str:
        return self.form_id

    @property
    def mentioned(self) -> tuple[str, ...]:
        found: list[str] = []
        for key, value in self.values.items():
            if key.endswith("members") and isinstance(value, list):
                found.extend(value)
        return tuple(found)


@dataclass(frozen=True)
class Reaction(Interaction):
    """An emoji reaction added to (or removed from) a message."""

    emoji: str = ""
    added: bool = True
    item_author_id: str = ""
    channel_id: str = ""
    message_ref: str = ""

    @property
    def kind(self) -> Kind:
        return Kind.REACTION

    @property
    def route(self) -> str:
        return "reaction"

    @property
    def mentioned(self) -> tuple[str, ...]:
        return (self.item_author_id,) if self.item_author_id else ()


@dataclass(frozen=True)
class Event(Interaction):
    """Something that happened to a member: `member_joined`, `home_opened`, …"""

    name: str = ""

    @property
    def kind(self) -> Kind:
        return Kind.EVENT

    @property
    def route(self) -> str:
        return self.name


@dataclass
class Reply:
    """What the platform should show the actor right away (inside the request).

    Everything else a program says goes through the outbox.
    """

    ephemeral: Message | None = None
    form: Form | None = None
    home: Message | None = None
    form_errors: dict[str, str] = field(default_factory=dict)
    duplicate: bool = False
    refused: bool = False
    failed: bool = False  # nothing could be committed (e.g. the database is down): the platform should retry
