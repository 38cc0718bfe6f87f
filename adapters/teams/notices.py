"""What the Teams adapter itself tells a member (translated; names are user text)."""

from __future__ import annotations

from bot.i18n import N_, translator
from bot.messages import Message, Text, compose, plain_text

UNRESOLVED = N_(
    "I couldn't find {names} in Teams, so nothing was sent. "
    "Tag them again by picking their name from the list that appears when you type @."
)
NOT_INSTALLED = N_(
    "{name} hasn't installed Fivefold yet, so they can't get a message from it. "
    "They will see it as soon as they install the app."
)
NOT_SUPPORTED = N_("Fivefold can't do that yet.")


def _message(locale: str | None, template: str, **names: str) -> Message:
    spans = compose(translator(locale)._(template), **names)
    return Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])


def unresolved(locale: str | None, names: tuple[str, ...]) -> Message:
    """The mentioned people Teams could not tell us about."""
    return _message(locale, UNRESOLVED, names=", ".join(f"@{name}" for name in names))


def not_installed(locale: str | None, name: str) -> Message:
    """A member the bot cannot write to until they install the app."""
    return _message(locale, NOT_INSTALLED, name=name)


def not_supported(locale: str | None) -> str:
    """The text of a clean "not supported" answer to an invoke Fivefold does not handle."""
    return translator(locale)._(NOT_SUPPORTED)
