"""`/cx help` and the answer to any command Fivefold does not know."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from bot.context import Context
from bot.i18n import N_, Translator
from bot.interactions import Command, Kind, Reply
from bot.messages import Block, CommandRef, Header, Message, Plain, Span, Text, compose, plain_text
from bot.router import Router

if TYPE_CHECKING:
    from bot.installation import HelpEntry, Installation


def help_message(t: Translator, entries: Sequence[HelpEntry], unknown: str | None = None) -> Message:
    """What Fivefold can do here (the installed programs' `entries`); names the unknown command when there was one."""
    spans: list[Span] = []
    for entry in entries:
        args = t._(entry.args) if entry.args else ""
        spans += [CommandRef(name=entry.command, args=args), Plain(text=f" — {t._(entry.what)}\n")]
    blocks: list[Block] = [Header(text=t._("What Fivefold can do"))]
    if unknown:
        blocks.append(Text(spans=compose(t._("I don't know the command “{command}”."), command=unknown)))
    blocks.append(Text(spans=spans))
    return Message(fallback=t._("What Fivefold can do"), blocks=blocks)


def help_command(entries: Sequence[HelpEntry]) -> Callable[[Context, Command], Awaitable[Reply]]:
    """The handler of `/cx`, `/cx help`, and any unknown command, listing `entries`."""

    async def answer(ctx: Context, command: Command) -> Reply:
        unknown = command.name if command.name not in ("", "help") else None
        return Reply(ephemeral=help_message(ctx.t, entries, unknown[:40] if unknown else None))

    return answer


async def coming_soon(ctx: Context, _command: Command) -> Reply:
    """Entry points whose programme is not built yet."""
    spans = compose(ctx.t._("This part of Fivefold is coming soon. Try {command} for what works today."),
                    command=CommandRef(name="help"))
    return Reply(ephemeral=Message(fallback=plain_text(spans), blocks=[Text(spans=spans)]))


def register(router: Router, entries: Sequence[HelpEntry]) -> None:
    """Register help (and the fallback for unknown commands)."""
    handler = help_command(entries)
    router.on(Kind.COMMAND, "help")(handler)
    router.fallback(Kind.COMMAND)(handler)


def install(installation: Installation) -> None:
    """Help, and the answer to unknown commands (installed last: it lists the lines the others added)."""
    from bot.installation import HelpEntry

    installation.add_help(HelpEntry(100, "help", N_("this list")))
    register(installation.router, installation.help)
