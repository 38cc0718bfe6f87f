"""The engine: turns a verified, neutral interaction into one transaction and a reply."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import structlog
from sqlalchemy import bindparam
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from bot.context import Context
from bot.db import Database, dialect_of, upsert_insert
from bot.errors import UserFacingError
from bot.i18n import N_, translator
from bot.interactions import Interaction, Reply
from bot.members import MemberDirectory, load_world
from bot.messages import Message, Span, Text, compose, plain_text
from bot.metrics import INTERACTION_SECONDS, INTERACTIONS
from bot.models import ProcessedEvent, utcnow
from bot.platform import PlatformPort
from bot.router import Handler, Router
from bot.settings import Settings

log = structlog.get_logger(__name__)

APOLOGY = N_("Sorry, something went wrong on our side. Nothing was changed; please try again.")
UNAVAILABLE = N_("Fivefold can't reach its database right now. Nothing was changed; please try again in a minute.")


def notice(text: str) -> Message:
    """A one-paragraph message with trusted (already translated) text."""
    return Message(fallback=text, blocks=[Text(spans=compose(text))])


@functools.cache
def _claim_statement(dialect: str) -> Executable:
    table = ProcessedEvent.__table__  # type: ignore[attr-defined]
    return (  # type: ignore[no-any-return]
        upsert_insert(dialect)(table)
        .values(key=bindparam("key"), tenant_id=bindparam("tenant_id"), created_at=bindparam("created_at"))
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )


async def claim_event(session: AsyncSession, key: str, tenant_id: int | None) -> bool:
    """Insert the platform event's key; False when it was handled before."""
    # RETURNING, not rowcount: psycopg's async cursor reports rowcount -1 here
    result = await session.execute(
        _claim_statement(dialect_of(session)),
        {"key": key[:200], "tenant_id": tenant_id, "created_at": utcnow()},
    )
    return result.first() is not None


class Engine:
    """Routes interactions to programs, one transaction each, and says what to reply."""

    def __init__(self, db: Database, settings: Settings, router: Router) -> None:
        self.db = db
        self.settings = settings
        self.router = router
        self.directory = MemberDirectory(db, settings)
        self.on_commit: list[Callable[[], None]] = []

    async def dispatch(self, interaction: Interaction, port: PlatformPort | None) -> Reply:
        """Handle `interaction` and return the immediate reply for the actor.

        The program's changes, the event's dedupe key and any outbox rows commit
        together; a refused request (UserFacingError) rolls everything back.
        """
        started = time.perf_counter()
        platform, kind = interaction.actor.platform, interaction.kind.value
        t = translator(interaction.actor.locale or self.settings.default_locale)
        try:
            reply = await self._dispatch(interaction, port)
            outcome = "duplicate" if reply.duplicate else ("refused" if reply.refused else "ok")
        except OperationalError:
            log.exception("dispatch.database_unavailable", route=interaction.route)
            reply, outcome = Reply(ephemeral=notice(t._(UNAVAILABLE)), failed=True), "error"
        except Exception:
            log.exception("dispatch.failed", route=interaction.route)
            reply, outcome = Reply(ephemeral=notice(t._(APOLOGY)), failed=True), "error"
        INTERACTIONS.labels(platform, kind, outcome).inc()
        INTERACTION_SECONDS.labels(platform, kind).observe(time.perf_counter() - started)
        return reply

    async def _dispatch(self, interaction: Interaction, port: PlatformPort | None) -> Reply:
        handler = self.router.lookup(interaction)
        reply = await self._in_transaction(interaction, handler, port)
        if reply is None:  # first contact: create the tenant and look the members up, then run
            actor = interaction.actor
            tenant = await self.directory.ensure_tenant(actor)
            hints = {actor.member_external_id: actor.locale} if actor.locale else {}
            await self.directory.ensure_members(
                tenant, (actor.member_external_id, *interaction.mentioned), port, locale_hint=hints
            )
            reply = await self._in_transaction(interaction, handler, None)
            assert reply is not None
        if not reply.duplicate and not reply.refused:
            for callback in self.on_commit:
                callback()
        return reply

    async def _in_transaction(
        self, interaction: Interaction, handler: Handler | None, port: PlatformPort | None
    ) -> Reply | None:
        """Run the handler in one transaction; None when the members must be looked up first.

        With `port` None nothing is looked up (the caller already did).
        """
        actor = interaction.actor
        ids = (actor.member_external_id, *interaction.mentioned)
        locale = actor.locale or self.settings.default_locale
        try:
            async with self.db.transaction() as session:
                world = await load_world(session, actor, ids, lock_actor=True)
                if world is None or (port is not None and self.directory.needs_lookup(world, ids, actor.locale)):
                    return None
                tenant, members = world
                if handler is None:
                    return Reply()
                if interaction.dedupe_key and not await claim_event(
                    session, f"{actor.platform}:{interaction.dedupe_key}", tenant.id
                ):
                    return Reply(duplicate=True)
                member = members[actor.member_external_id]
                locale = member.locale or actor.locale or tenant.default_locale
                context = Context(
                    session=session, tenant=tenant, member=member, settings=self.settings,
                    t=translator(locale), now=utcnow(), members=members,
                )
                return await handler(context, interaction)
        except UserFacingError as refusal:
            spans = refusal_spans(refusal, locale)
            errors = {refusal.field: plain_text(spans)} if refusal.field else {}
            message = Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])
            return Reply(ephemeral=message, form_errors=errors, refused=True)


def refusal_spans(refusal: UserFacingError, locale: str) -> list[Span]:
    """The refusal's message translated into `locale`, its parameters filled in as spans."""
    return compose(translator(locale)._(refusal.message), **refusal.params)
