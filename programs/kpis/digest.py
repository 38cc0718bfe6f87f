"""The weekly KPI digest to the leadership channel, and the owners' request for a comment the day before."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, translator
from bot.messages import Actions, Block, Button, ContextLine, Header, Message, Span, Strong, Text, compose, plain_text
from bot.models import Lane, TargetKind, Tenant, utcnow
from bot.outbox import Outgoing
from bot.tenant_settings import tenant_settings
from programs.channels.service import programme_settings
from programs.digests.window import Window
from programs.kpis.service import Standing, standings
from programs.kpis.status import Status, trend_of

COMMENT_ACTION, COMMENT_FORM = "kpi.comment", "kpi.comment_form"
ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: ""}


def _number(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:g}{unit}"


def _status_label(t: Translator, status: Status) -> str:
    return {Status.MET: t._("met"), Status.CLOSE: t._("close"), Status.MISSED: t._("missed"),
            Status.NO_DATA: t._("no data")}[status]


def _line(t: Translator, row: Standing) -> list[Block]:
    kpi = row.kpi
    spans: list[Span] = compose(
        t._("{name}: {value} against a target of {target} — {status} {trend}"), name=Strong(text=kpi.name),
        value=_number(row.latest, kpi.unit),
        target=_number(kpi.target, kpi.unit), status=_status_label(t, row.status),
        trend=ARROWS[trend_of(row.latest, row.previous)])
    blocks: list[Block] = [Text(spans=spans)]
    if row.comment:
        blocks.append(ContextLine(spans=compose(t._("Owner's comment: {comment}"), comment=row.comment)))
    elif row.status is Status.MISSED:
        blocks.append(ContextLine(spans=compose(t._("Missed, and no comment was given."))))
    return blocks


def kpi_card(t: Translator, rows: list[Standing]) -> Message:
    """Each KPI against its target with its trend and comment; thanks when every one is met."""
    title = t._("KPI digest")
    blocks: list[Block] = [Header(text=title)]
    for row in rows:
        blocks += _line(t, row)
    if all(row.status is Status.MET for row in rows):
        blocks.append(Text(spans=compose(t._("Every KPI met its target this week. Thank you, teams!"))))
    return Message(fallback=title, blocks=blocks)


async def kpi_digest(session: AsyncSession, tenant: Tenant, _window: Window, key: str) -> list[Outgoing]:
    """The digest for the leadership channel (none without a channel or KPIs)."""
    assert tenant.id is not None
    channel = (await programme_settings(session, tenant.id)).leadership_channel
    threshold = (await tenant_settings(session, tenant.id)).anonymity_threshold
    rows = await standings(session, tenant.id, utcnow(), threshold=threshold)
    if not channel or not rows:
        return []
    t = translator(tenant.default_locale)
    return [Outgoing(tenant_id=tenant.id, dedupe_key=f"{key}:leadership", target_kind=TargetKind.CHANNEL,
                     target_id=channel, locale=t.locale, message=kpi_card(t, rows), lane=Lane.BROADCAST)]


def ask_message(t: Translator, row: Standing) -> Message:
    """The owner's DM: the KPI missed its target; one line for tomorrow's digest, please."""
    spans = compose(t._("{kpi} is at {value} against a target of {target}. If the numbers are bad, explain why: "
                        "add a one-line comment for tomorrow's KPI digest."), kpi=row.kpi.name,
                    value=_number(row.latest, row.kpi.unit), target=_number(row.kpi.target, row.kpi.unit))
    return Message(fallback=plain_text(spans), blocks=[
        Text(spans=spans),
        Actions(buttons=[Button(action_id=COMMENT_ACTION, label=t._("Add a comment"), value=str(row.kpi.id),
                                style="primary")]),
    ])


async def ask_owners(session: AsyncSession, tenant: Tenant, _window: Window, key: str) -> list[Outgoing]:
    """A DM to the owner of each KPI that misses its target."""
    assert tenant.id is not None
    outgoing = []
    threshold = (await tenant_settings(session, tenant.id)).anonymity_threshold
    for row in await standings(session, tenant.id, utcnow(), threshold=threshold):
        if row.status is Status.MISSED and row.owner is not None:
            locale = row.owner.locale or tenant.default_locale
            outgoing.append(Outgoing(
                tenant_id=tenant.id, dedupe_key=f"{key}:{row.kpi.id}", target_kind=TargetKind.MEMBER,
                target_id=row.owner.external_id, member_id=row.owner.id, locale=locale,
                message=ask_message(translator(locale), row)))
    return outgoing
