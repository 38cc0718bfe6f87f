"""KPI owners in chat: the "Add a comment" button and its form."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Action, Kind, Reply, Submission
from bot.messages import Form, Message, Text, TextInput, compose, plain_text
from bot.router import Router
from programs.kpis.digest import COMMENT_ACTION, COMMENT_FORM
from programs.kpis.models import Kpi
from programs.kpis.service import MAX_COMMENT, add_comment


async def _owned(ctx: Context, reference: str) -> Kpi:
    kpi = await ctx.session.get(Kpi, int(reference)) if reference.isdigit() and int(reference) < 2**31 else None
    if kpi is None or kpi.tenant_id != ctx.tenant.id or kpi.owner_id != ctx.member.id:
        raise UserFacingError(N_("Only the KPI's owner can comment on it."))
    return kpi


async def open_comment(ctx: Context, action: Action) -> Reply:
    """The owner's button: a one-line comment form."""
    kpi = await _owned(ctx, action.value)
    return Reply(form=Form(form_id=COMMENT_FORM, title=ctx.t._("Comment on a KPI"), submit_label=ctx.t._("Send"),
                           intro=compose(ctx.t._("Why is {kpi} where it is?"), kpi=kpi.name), state=action.value,
                           inputs=[TextInput(input_id="comment", label=ctx.t._("One line for the digest"),
                                             max_length=MAX_COMMENT)]))


async def submit_comment(ctx: Context, submission: Submission) -> Reply:
    """Store the owner's comment for the next digest."""
    kpi = await _owned(ctx, submission.state)
    comment = submission.values.get("comment", "")
    text = (comment if isinstance(comment, str) else " ".join(comment)).strip()
    if not text:
        raise UserFacingError(N_("Write one line about it."), field="comment")
    await add_comment(ctx.session, kpi, text)
    spans = compose(ctx.t._("Thank you — your comment will be in the KPI digest."))
    return Reply(ephemeral=Message(fallback=plain_text(spans), blocks=[Text(spans=spans)]))


def register(router: Router) -> None:
    """Register the KPI comment handlers."""
    router.on(Kind.ACTION, COMMENT_ACTION)(open_comment)
    router.on(Kind.SUBMISSION, COMMENT_FORM)(submit_comment)
