"""Translations: gettext catalogs (English, Polish, Ukrainian) read with Babel.

The `.po` files are the source of truth and are compiled in memory on first use,
so a checkout can never run with stale `.mo` files.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "pl", "uk")
DOMAIN = "fivefold"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def normalize_locale(value: str | None) -> str | None:
    """Map a platform locale (`en-US`, `pl_PL`, `uk-UA`) to one we ship, or None."""
    if not value:
        return None
    language = value.replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else None


@cache
def _catalog(locale: str) -> NullTranslations:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class Translator:
    """Translates into one locale. Babel extracts calls to `_` and `ngettext`."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self._translations = _catalog(self.locale)

    def _(self, message: str, **params: Any) -> str:
        """Translate `message` and substitute `params` with `str.format`."""
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        """Translate with the locale's plural rules; `{n}` is always available."""
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **params)


def translator(locale: str | None) -> Translator:
    """The translator for `locale` (English when unknown)."""
    return Translator(normalize_locale(locale) or "en")
