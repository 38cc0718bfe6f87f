"""The weekly "what our customers said" card for each team's channel."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.i18n import Translator, translator
from bot.messages import Block, ContextLine, Header, Message, Plain, Span, Text, compose
from bot.models import Lane, TargetKind, Tenant
from bot.outbox import Outgoing
from programs.channels.service import programme_settings
from programs.digests.window import Window
from programs.voice.mask import mask_contacts
from programs.voice.models import Feedback
from programs.voice.nps import Score, nps_of

VERBATIMS = 2  # of each: the most recent promoters and detractors with a comment


async def _answers(session: AsyncSession, tenant_id: int, team: str, window: Window) -> Sequence[Feedback]:
    query = select(Feedback).where(
        Feedback.tenant_id == tenant_id, Feedback.team == team,
        col(Feedback.received_on) >= window.first, col(Feedback.received_on) <= window.last,
    ).order_by(col(Feedback.received_on).desc(), col(Feedback.id).desc())
    return (await session.execute(query)).scalars().all()


def _trend(t: Translator, now: Score, before: Score) -> list[Span]:
    if before.nps is None or now.nps is None:
        return compose(t._("No answers the week before to compare with."))
    delta = round(now.nps - before.nps, 1)
    if delta == 0:
        return compose(t._("The same as the week before ({before})."), before=f"{before.nps:.1f}")
    template = t._("Up {points} points on the week before ({before}).") if delta > 0 else \
        t._("Down {points} points on the week before ({before}).")
    return compose(template, points=f"{abs(delta):.1f}", before=f"{before.nps:.1f}")


def _verbatim(t: Translator, answer: Feedback) -> list[Span]:
    comment = mask_contacts(answer.comment or "", email=t._("[e-mail hidden]"), phone=t._("[phone hidden]"))
    where = f", {answer.touchpoint}" if answer.touchpoint else ""
    return [Plain(text=f"“{comment}” — {answer.score}/10{where}\n")]


def customers_card(t: Translator, team: str, answers: Sequence[Feedback], before: Score) -> Message:
    """The card: the team's customer NPS this week, its trend, and a few masked verbatims."""
    score = nps_of(a.score for a in answers)
    title = t._("What our customers said — {team}").format(team=team)
    answered = t.ngettext("{n} answer", "{n} answers", score.responses)
    blocks: list[Block] = [
        Header(text=title),
        Text(spans=compose(t._("Customer NPS this week: {nps} ({answers})."), nps=f"{score.nps:.1f}",
                           answers=answered)),
        ContextLine(spans=_trend(t, score, before)),
    ]
    commented = [a for a in answers if a.comment]
    for label, group in ((t._("Promoters"), [a for a in commented if a.score >= 9]),
                         (t._("Detractors"), [a for a in commented if a.score <= 6])):
        if group:
            spans: list[Span] = [Plain(text=f"{label}\n")]
            for answer in group[:VERBATIMS]:
                spans += _verbatim(t, answer)
            blocks.append(Text(spans=spans))
    return Message(fallback=title, blocks=blocks)


async def customers_digest(session: AsyncSession, tenant: Tenant, window: Window, key: str) -> list[Outgoing]:
    """One card per team with a channel and answers this week."""
    assert tenant.id is not None
    t = translator(tenant.default_locale)
    outgoing = []
    channels = sorted((await programme_settings(session, tenant.id)).team_channels.items())
    for position, (team, channel) in enumerate(channels):
        answers = await _answers(session, tenant.id, team, window)
        if not answers:
            continue
        before = nps_of(a.score for a in await _answers(session, tenant.id, team, window.before()))
        outgoing.append(Outgoing(
            tenant_id=tenant.id, dedupe_key=f"{key}:team:{position}", target_kind=TargetKind.CHANNEL, target_id=channel,
            locale=t.locale, message=customers_card(t, team, answers, before), lane=Lane.BROADCAST,
        ))
    return outgoing
