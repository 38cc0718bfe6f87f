"""How a Slack listener's reply leaves, besides the ack: in the request only where Slack expects it, else the outbox.

An interaction's `Reply` takes one of three ways, and only these:

1. **The ack** (the HTTP answer): a slash command's ephemeral answer, a view submission's
   field errors or its notice modal.
2. **Inside the request, by the Web API**, only what Slack expects there (SPEC §3, the
   in-request exceptions): an *ephemeral* message to the actor (`chat.postEphemeral`: a
   refusal, an error, a receipt only they see, which cannot wait in a queue), a modal opened
   with the request's `trigger_id` within its 3 seconds (`views.open`), and the App Home tab
   the member is opening (`views.publish`, a view, not a message).
3. **The outbox**, for every message that stays in a conversation: the answer to a command
   written in the bot's DM, a reply that has no channel to be ephemeral in (a global shortcut,
   a button in the App Home). `to_outbox` adds it as an *interactive* delivery, keyed by the
   interaction's dedupe key, and wakes the worker, which sends it as it sends everything else
   (pacing, Retry-After, reconciliation).
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.exc import SQLAlchemyError

from bot.engine import Engine
from bot.interactions import Interaction
from bot.members import load_world
from bot.messages import Message
from bot.models import Lane, TargetKind
from bot.outbox import enqueue

DM_CHANNEL_PREFIX = "D"
log = structlog.get_logger(__name__)


async def to_outbox(engine: Engine, interaction: Interaction, message: Message, target: str) -> bool:
    """Queue `message` for the actor as an interactive delivery; False when it could not be.

    Not queued: the actor is unknown, or the database is not answering (then the
    interaction's own work was not committed either, and the reply was an apology).

    Args:
        engine: the engine whose database and worker wake-up are used.
        interaction: what the actor did (its dedupe key makes a redelivery add nothing).
        message: the reply to post.
        target: a DM channel id (`D…`), or the actor's user id (which reaches the app DM).
    """
    actor = interaction.actor
    key = f"{actor.platform}:reply:{interaction.dedupe_key or uuid.uuid4().hex}"[:200]
    kind = TargetKind.CHANNEL if target.startswith(DM_CHANNEL_PREFIX) else TargetKind.MEMBER
    try:
        async with engine.db.transaction() as session:
            world = await load_world(session, actor, (actor.member_external_id,))
            if world is None:
                return False
            tenant, members = world
            member = members.get(actor.member_external_id)
            assert tenant.id is not None
            locale = (member.locale if member else None) or actor.locale or tenant.default_locale
            await enqueue(
                session, tenant_id=tenant.id, dedupe_key=key, target_kind=kind, target_id=target,
                message=message, locale=locale, member_id=member.id if member else None, lane=Lane.INTERACTIVE,
            )
    except SQLAlchemyError:
        log.warning("slack.reply_not_queued", route=interaction.route, exc_info=True)
        return False
    for wake in engine.on_commit:
        wake()
    return True
