"""Giving kudos: the rules (allowance, no self-kudos, values) and the rows it writes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, delete, func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.members import find_member
from bot.messages import CommandRef
from bot.models import Member, TargetKind
from bot.outbox import Outgoing, enqueue_all
from programs.reward import cards
from programs.reward.models import Kudos, KudosTag
from programs.reward.values import ValueTag, tenant_values

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class KudosRequest:
    """What a member asked to give, before the rules are checked."""

    receiver_ids: Sequence[str]
    message: str
    values: Sequence[str]
    channel_id: str | None
    source: str
    source_ref: str | None = None


@dataclass(frozen=True)
class Gift:
    """Kudos given in one act: the receivers, values and the allowance left after it."""

    key: str
    receivers: list[Member]
    values: list[str]
    allowance_left: int


def local_day(ctx: Context) -> dt.date:
    """Today in the giver's own time zone (the allowance's day)."""
    return ctx.now.astimezone(ctx.member_zone()).date()


KUDOS = Kudos.__table__  # type: ignore[attr-defined]
KUDOS_TAG = KudosTag.__table__  # type: ignore[attr-defined]
# Built once: the hot path only binds parameters (SQLAlchemy then reuses the compiled form).
GIVEN_ON_DAY = select(func.count()).select_from(KUDOS).where(
    KUDOS.c.giver_id == bindparam("giver"), KUDOS.c.given_on == bindparam("day")
)
INSERT_KUDOS = insert(KUDOS)
# a value's tag on every row of one gift: one statement whatever the number of receivers
TAG_GIFT = insert(KUDOS_TAG).from_select(
    ["kudos_id", "value_id"],
    select(KUDOS.c.id, bindparam("value", type_=Integer)).where(KUDOS.c.gift_key == bindparam("gift")),
)


async def given_today(session: AsyncSession, member: Member, day: dt.date) -> int:
    """How many kudos `member` gave on their local `day`."""
    result = await session.execute(GIVEN_ON_DAY, {"giver": member.id, "day": day})
    return int(result.scalar_one())


async def resolve_receivers(ctx: Context, external_ids: Sequence[str]) -> list[Member]:
    """The receivers as members, refusing self, bots and deactivated accounts."""
    if not external_ids:
        example = CommandRef(name="kudos", args=ctx.t._("@name thanks for …"))
        raise UserFacingError(N_("Who is it for? Mention at least one person, like {command}."), command=example)
    receivers = []
    for external_id in dict.fromkeys(external_ids):
        member = ctx.members.get(external_id)
        if member is None or member.id == ctx.member.id:
            if member is not None:
                raise UserFacingError(N_("Kudos are for others — you can't give kudos to yourself."))
            raise UserFacingError(N_("I couldn't find one of the people you mentioned."))
        if member.is_bot:
            raise UserFacingError(N_("{name} is a bot; kudos are for people."), name=member.name)
        if member.is_deleted:
            raise UserFacingError(N_("{name} is no longer active here."), name=member.name)
        receivers.append(member)
    return receivers


async def resolve_values(ctx: Context, slugs: Sequence[str]) -> list[ValueTag]:
    """The tagged values, refusing unknown ones with the list of valid tags."""
    assert ctx.tenant.id is not None
    known = {value.slug: value for value in await tenant_values(ctx.session, ctx.tenant.id)}
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise UserFacingError(
            N_("#{unknown} is not one of our values. Use one of: {valid}."),
            unknown=unknown[0],
            valid=", ".join(f"#{slug}" for slug in known),
        )
    return [known[slug] for slug in slugs]


def check_message(message: str) -> str:
    """The message, refusing empty or oversize text."""
    message = message.strip()
    if not message:
        raise UserFacingError(N_("Add a few words about what they did — kudos need a message."), field="message")
    if len(message) > MAX_MESSAGE:
        raise UserFacingError(
            N_("That message is {length} characters long; please keep kudos under {limit}."),
            field="message", length=len(message), limit=MAX_MESSAGE,
        )
    return message


async def give_kudos(ctx: Context, request: KudosRequest) -> Gift:
    """Record kudos from the actor and queue the public card and the receivers' DMs.

    Raises:
        UserFacingError: when any rule refuses; nothing is then written.
    """
    message = check_message(request.message)
    receivers = await resolve_receivers(ctx, request.receiver_ids)
    values = await resolve_values(ctx, request.values)
    # the engine locked the giver's row (PostgreSQL) / SQLite runs one transaction at a time
    day = local_day(ctx)
    left = ctx.limits.kudos_daily_allowance - await given_today(ctx.session, ctx.member, day)
    if len(receivers) > left:
        raise UserFacingError(
            N_(
                "You have {left} kudos left today and tried to give {wanted}. "
                "Your allowance resets at midnight your time."
            ),
            left=max(left, 0), wanted=len(receivers),
        )
    gift = Gift(uuid.uuid4().hex, receivers, [v.slug for v in values], left - len(receivers))
    await _store(ctx, gift, request, message, values, day)
    await _announce(ctx, gift, message, request.channel_id)
    return gift


async def _store(
    ctx: Context, gift: Gift, request: KudosRequest, message: str,
    values: list[ValueTag], day: dt.date,
) -> None:
    assert ctx.tenant.id is not None and ctx.member.id is not None
    rows = [
        {
            "tenant_id": ctx.tenant.id, "gift_key": gift.key, "giver_id": ctx.member.id,
            "receiver_id": receiver.id, "message": message, "channel_id": request.channel_id,
            "source": request.source, "source_ref": request.source_ref, "given_on": day,
            "created_at": ctx.now,
        }
        for receiver in gift.receivers
    ]
    # one INSERT for all receivers, then one per gift for the tags: no ids travel back
    await ctx.session.execute(INSERT_KUDOS, rows[0] if len(rows) == 1 else rows)
    tags = [{"gift": gift.key, "value": value.id} for value in values]
    if tags:
        await ctx.session.execute(TAG_GIFT, tags[0] if len(tags) == 1 else tags)


async def _announce(ctx: Context, gift: Gift, message: str, channel_id: str | None) -> None:
    assert ctx.tenant.id is not None
    outgoing = []
    if channel_id:
        outgoing.append(Outgoing(
            tenant_id=ctx.tenant.id, dedupe_key=f"kudos:{gift.key}:card",
            target_kind=TargetKind.CHANNEL, target_id=channel_id, locale=ctx.t.locale,
            message=cards.public_card(ctx.t, ctx.member, gift.receivers, message, gift.values),
        ))
    for receiver in gift.receivers:
        locale = receiver.locale or ctx.tenant.default_locale
        outgoing.append(Outgoing(
            tenant_id=ctx.tenant.id, dedupe_key=f"kudos:{gift.key}:dm:{receiver.id}",
            target_kind=TargetKind.MEMBER, target_id=receiver.external_id, member_id=receiver.id,
            locale=locale, message=cards.receiver_dm(locale, ctx.member, message, gift.values, channel_id),
        ))
    await enqueue_all(ctx.session, outgoing)


async def already_given(ctx: Context, receiver: Member, source_ref: str) -> bool:
    """True when the actor already gave `receiver` kudos for `source_ref` (one message: once)."""
    found = await ctx.session.execute(
        select(Kudos.id).where(
            Kudos.giver_id == ctx.member.id, Kudos.receiver_id == receiver.id, Kudos.source_ref == source_ref,
        ).limit(1)
    )
    return found.first() is not None


async def take_back(ctx: Context, *, receiver_external_id: str, source_ref: str) -> int:
    """Withdraw today's reaction kudos for one message; returns how many rows went."""
    assert ctx.tenant.id is not None
    receiver = await find_member(ctx.session, tenant_id=ctx.tenant.id, external_id=receiver_external_id)
    if receiver is None:
        return 0
    ids = (await ctx.session.execute(
        select(Kudos.id).where(
            Kudos.giver_id == ctx.member.id, Kudos.receiver_id == receiver.id,
            Kudos.source_ref == source_ref, Kudos.given_on == local_day(ctx),
        )
    )).scalars().all()
    if ids:
        await ctx.session.execute(delete(KudosTag).where(KudosTag.kudos_id.in_(ids)))  # type: ignore[attr-defined]
        await ctx.session.execute(delete(Kudos).where(Kudos.id.in_(ids)))  # type: ignore[union-attr]
    return len(ids)

