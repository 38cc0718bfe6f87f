"""The ambassador programme's outbox rows (all interactive: a person is waiting for each)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from bot.messages import Message
from bot.models import Member, TargetKind, Tenant
from bot.outbox import Outgoing, enqueue_all
from programs.ambassadors import cards
from programs.ambassadors.models import Ambassador, Status
from programs.channels.review import review_recipients


def _dm(tenant: Tenant, member: Member, key: str, message_for: Message) -> Outgoing:
    assert tenant.id is not None
    return Outgoing(tenant_id=tenant.id, dedupe_key=key, target_kind=TargetKind.MEMBER,
                    target_id=member.external_id, member_id=member.id,
                    locale=member.locale or tenant.default_locale, message=message_for)


async def ask_for_review(session: AsyncSession, tenant: Tenant, applicant: Member, application: Ambassador) -> int:
    """Send the application to the review channel, the reviewers or the admins; returns how many."""
    assert tenant.id is not None
    outgoing = [
        Outgoing(tenant_id=tenant.id, dedupe_key=f"ambassador:{application.id}:review:{to.target_id}",
                 target_kind=to.kind, target_id=to.target_id, member_id=to.member_id, locale=to.locale,
                 message=cards.review_request(translator(to.locale), applicant, application))
        for to in await review_recipients(session, tenant)
    ]
    await enqueue_all(session, outgoing)
    return len(outgoing)


async def tell_outcome(session: AsyncSession, tenant: Tenant, applicant: Member, application: Ambassador) -> None:
    """Tell the applicant the decision (an approval is the welcome message)."""
    t = translator(applicant.locale or tenant.default_locale)
    approved = application.status == Status.APPROVED
    message = cards.outcome_for_applicant(t, approved, application.note)
    await enqueue_all(session, [_dm(tenant, applicant, f"ambassador:{application.id}:outcome", message)])


async def tell_role_ended(session: AsyncSession, tenant: Tenant, member: Member, application: Ambassador) -> None:
    """Thank the member whose role ended (stepped down or removed)."""
    t = translator(member.locale or tenant.default_locale)
    message = cards.role_ended(t, application.status == Status.STEPPED_DOWN)
    await enqueue_all(session, [_dm(tenant, member, f"ambassador:{application.id}:ended", message)])
