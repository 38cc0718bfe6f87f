"""The summary DM a survey's owner gets when a round closes (the same suppressed results)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.i18n import translator
from bot.messages import Block, Header, Message, Plain, Text
from bot.models import Lane, Member, TargetKind, Tenant
from bot.outbox import enqueue
from programs.engage.models import Survey, SurveyRound
from programs.engage.results import survey_results


def summary_lines(t_locale: str, results: dict[str, object]) -> list[str]:
    """One line per question: its score, mean or why it is hidden."""
    t = translator(t_locale)
    lines = []
    for cell in results["questions"]:  # type: ignore[attr-defined]
        if cell.get("suppressed"):
            value = t._("hidden ({reason})", reason=cell["reason"])
        elif "comments" in cell:
            value = t.ngettext("{n} comment", "{n} comments", len(cell["comments"]))
        elif cell.get("enps"):
            value = t._("eNPS {score}", score=cell["enps"]["score"])
        else:
            value = t._("mean {mean}", mean=cell.get("mean"))
        lines.append(f"• {cell['text']}: {value}")
    return lines


async def send_summary(session: AsyncSession, round_: SurveyRound, *, threshold: int) -> bool:
    """Queue the owner's summary of a closed round; False when the survey has no owner to tell."""
    survey = await session.get(Survey, round_.survey_id)
    tenant = await session.get(Tenant, round_.tenant_id)
    if survey is None or tenant is None or not survey.owner or round_.id is None or tenant.id is None:
        return False
    owner = (await session.execute(select(Member).where(
        Member.tenant_id == tenant.id, Member.external_id == survey.owner))).scalars().first()
    locale = (owner.locale if owner else None) or tenant.default_locale
    t = translator(locale)
    results = await survey_results(session, survey, round_, by=(), threshold=threshold, t=t)
    head = t._("{name} has closed: {responded} of {invited} answered.", name=survey.name,
               responded=results["responded"], invited=results["invited"])
    blocks: list[Block] = [Header(text=survey.name[:150]), Text(spans=[Plain(text=head)]),
                           Text(spans=[Plain(text="\n".join(summary_lines(locale, results)))])]
    return await enqueue(session, tenant_id=tenant.id, dedupe_key=f"survey:{round_.id}:summary",
                         target_kind=TargetKind.MEMBER, target_id=survey.owner, member_id=owner.id if owner else None,
                         locale=locale, message=Message(fallback=head, blocks=blocks), lane=Lane.BROADCAST)
