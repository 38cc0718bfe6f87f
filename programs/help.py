"""`/cx help` and the answer to any command Fivefold does not know."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import Context
from bot.i18n import Translator
from bot.interactions import Command, Kind, Reply
from bot.messages import Block, CommandRef, Header, Message, Plain, Span, Text, compose, plain_text
from bot.router import Router

if TYPE_CHECKING:
    from bot.installation import Installation


def help_message(t: Translator, unknown: str | None = None) -> Message:
    """What Fivefold can do here; names the unknown command when there was one."""
    lines = [
        (CommandRef(name="kudos", args=t._("@name [@name …] message #value")), t._("thank someone in public")),
        (CommandRef(name="stats"), t._("your kudos given and received, what is left today, and open surveys")),
        (CommandRef(name="survey"), t._("answer the latest survey waiting for you")),
        (CommandRef(name="leaderboard"), t._("this month's most recognised people")),
        (CommandRef(name="ambassador"), t._("sign up as a CX ambassador")),
        (CommandRef(name="ambassadors"), t._("the CX ambassadors, by area")),
        (CommandRef(name="story"), t._("share a customer story")),
        (CommandRef(name="nominate"), t._("nominate a colleague for an award")),
        (CommandRef(name="vote"), t._("vote in the awards")),
        (CommandRef(name="help"), t._("this list")),
    ]
    spans: list[Span] = []
    for command, what in lines:
        spans += [command, Plain(text=f" — {what}\n")]
    blocks: list[Block] = [Header(text=t._("What Fivefold can do"))]
    if unknown:
        blocks.append(Text(spans=compose(t._("I don't know the command “{command}”."), command=unknown)))
    blocks.append(Text(spans=spans))
    return Message(fallback=t._("What Fivefold can do"), blocks=blocks)


async def help_command(ctx: Context, command: Command) -> Reply:
    """`/cx`, `/cx help`, and any unknown command."""
    unknown = command.name if command.name not in ("", "help") else None
    return Reply(ephemeral=help_message(ctx.t, unknown[:40] if unknown else None))


async def coming_soon(ctx: Context, _command: Command) -> Reply:
    """Entry points whose programme is not built yet."""
    spans = compose(ctx.t._("This part of Fivefold is coming soon. Try {command} for what works today."),
                    command=CommandRef(name="help"))
    return Reply(ephemeral=Message(fallback=plain_text(spans), blocks=[Text(spans=spans)]))


def register(router: Router) -> None:
    """Register help (and the fallback for unknown commands)."""
    router.on(Kind.COMMAND, "help")(help_command)
    router.fallback(Kind.COMMAND)(help_command)


def install(installation: Installation) -> None:
    """Help, and the answer to unknown commands (installed last: it lists what the others added)."""
    register(installation.router)
