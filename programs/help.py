"""`/cx help` and the answer to any command Fivefold does not know."""

from __future__ import annotations

from bot.context import Context
from bot.i18n import Translator
from bot.interactions import Command, Kind, Reply
from bot.messages import Block, Header, Message, Text, compose
from bot.router import Router


def help_message(t: Translator, unknown: str | None = None) -> Message:
    """What Fivefold can do here; names the unknown command when there was one."""
    lines = [
        t._("`/kudos @name [@name …] message #value` — thank someone in public"),
        t._("`/cx stats` — your kudos given and received, and what is left today"),
        t._("`/cx leaderboard` — this month's most recognised people"),
        t._("`/cx ambassador` — sign up as a CX ambassador"),
        t._("`/cx story` — share a customer story"),
        t._("`/cx help` — this list"),
    ]
    blocks: list[Block] = [Header(text=t._("What Fivefold can do"))]
    if unknown:
        blocks.append(Text(spans=compose(t._("I don't know the command “{command}”."), command=unknown)))
    blocks.append(Text(spans=compose("\n".join(lines))))
    return Message(fallback=t._("What Fivefold can do"), blocks=list(blocks))


async def help_command(ctx: Context, command: Command) -> Reply:
    """`/cx`, `/cx help`, and any unknown command."""
    unknown = command.name if command.name not in ("", "help") else None
    return Reply(ephemeral=help_message(ctx.t, unknown[:40] if unknown else None))


async def coming_soon(ctx: Context, _command: Command) -> Reply:
    """Entry points whose programme is not built yet."""
    text = ctx.t._("This part of Fivefold is coming soon. Try `/cx help` for what works today.")
    return Reply(ephemeral=Message(fallback=text, blocks=[Text(spans=compose(text))]))


def register(router: Router) -> None:
    """Register help (and the fallback for unknown commands)."""
    router.on(Kind.COMMAND, "help")(help_command)
    router.on(Kind.COMMAND, "ambassador")(coming_soon)
    router.on(Kind.COMMAND, "story")(coming_soon)
    router.fallback(Kind.COMMAND)(help_command)
