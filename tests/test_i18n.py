"""The Polish and Ukrainian catalogs cover every string in the source and keep its shape.

The source is re-extracted on every run (the same keywords as `bin/extract-messages`), so
a new English string without translations fails here, naming the string.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALE_DIR, Translator, translator

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("bot", "programs", "adapters")
# Keep in step with the `-k` flags in bin/extract-messages.
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
# Keep in step with bot/locales/babel.cfg: Python sources and the console's Jinja2 templates.
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"),
              ("**/console_templates/**.html", "jinja2")]
TRANSLATED = ("pl", "uk")
PLURAL_FORMS = {
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 "
        "&& (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}
FIX = "run bin/extract-messages and translate them in bot/locales/{locale}/LC_MESSAGES/fivefold.po"


@cache
def source_messages() -> dict[str | tuple[str, ...], str]:
    """Every msgid marked in the source (a tuple for plurals), with its first `file:line`."""
    found: dict[str | tuple[str, ...], str] = {}
    for directory in SOURCE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / directory, method_map=METHOD_MAP, keywords=KEYWORDS
        ):
            # Calls like `gettext(message)` inside bot/i18n.py pass no literal.
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            found.setdefault(message, f"{directory}/{filename}:{lineno}")
    return found


@cache
def catalog(locale: str) -> Catalog:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    assert path.exists(), f"{path} is missing; run bin/extract-messages"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def forms(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return [text or "" for text in strings]


def ids(message: Message) -> list[str]:
    return [str(text) for text in message.id] if message.pluralizable else [str(message.id)]


def translated(locale: str) -> list[Message]:
    return [m for m in catalog(locale) if m.id]


def placeholders(text: str) -> set[str]:
    """`{name}`-style fields as written (with any conversion and format spec)."""
    fields = set()
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:  # a stray `{` or `}` breaks str.format at runtime
        return {f"<unformattable: {error}>"}
    for _literal, name, spec, conversion in parsed:
        if name is not None:
            suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            fields.add("{" + name + suffix + "}")
    return fields


def test_the_source_has_strings_to_translate() -> None:
    messages = source_messages()
    assert len(messages) > 20
    assert ("{n} kudos left to give today", "{n} kudos left to give today") in messages
    # An N_() constant, translated later by the engine:
    assert "Kudos are for others — you can't give kudos to yourself." in messages


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_source_string_is_translated(locale: str) -> None:
    cat = catalog(locale)
    problems = []
    for msgid, where in source_messages().items():
        entry = cat.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if entry is None:
            problems.append(f"{where}: {msgid!r} is not in the catalog")
        elif entry.fuzzy:
            problems.append(f"{where}: {msgid!r} is fuzzy")
        elif isinstance(msgid, tuple) and not entry.pluralizable:
            problems.append(f"{where}: {msgid!r} is plural in the source but not in the catalog")
        elif isinstance(msgid, tuple) and len(forms(entry)) != cat.num_plurals:
            problems.append(f"{where}: {msgid!r} needs {cat.num_plurals} plural forms")
        elif not all(text.strip() for text in forms(entry)):
            problems.append(f"{where}: {msgid!r} has no {locale} translation")
    assert not problems, (
        f"{len(problems)} string(s) not translated into {locale}; {FIX.format(locale=locale)}:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_header(locale: str) -> None:
    cat = catalog(locale)
    assert cat.locale_identifier == locale
    assert cat.plural_forms == PLURAL_FORMS[locale]
    assert cat.num_plurals == 3
    assert not cat.fuzzy
    assert not [m.id for m in translated(locale) if m.fuzzy]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_placeholders(locale: str) -> None:
    problems = []
    for message in translated(locale):
        expected = set().union(*(placeholders(text) for text in ids(message)))
        for text in forms(message):
            if text and placeholders(text) != expected:
                problems.append(f"{message.id!r}: {sorted(expected)} but {text!r}")
    assert not problems, "\n".join(problems)


# The command typed, e.g. `/cx stats`; in `/kudos @name thanks …` only `/kudos` (the example
# words after it may be localised).
COMMAND = re.compile(r"/[a-z]+(?: [a-z]+\b(?! *[@#\[]))?")


def _markup(text: str) -> tuple[int, int, list[str]]:
    """Bold markers, code spans and the slash commands inside them."""
    code = re.findall(r"`([^`]*)`", text)
    commands = [m.group(0) for span in code if (m := COMMAND.match(span))]
    return text.count("*"), len(code), commands


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_markup_and_commands(locale: str) -> None:
    problems = []
    for message in translated(locale):
        expected = _markup(ids(message)[0])
        for text in forms(message):
            if text and _markup(text) != expected:
                problems.append(f"{message.id!r}: {expected} but {_markup(text)} in {text!r}")
    assert not problems, "\n".join(problems)


KUDOS_LEFT = ("{n} kudos left to give today", "{n} kudos left to give today")


def _form(t: Translator, n: int) -> str:
    """The plural form chosen for `n`, with the number itself masked."""
    return t.ngettext(*KUDOS_LEFT, n).replace(str(n), "#")


def test_polish_plural_forms() -> None:
    t = Translator("pl")
    one, few, many = _form(t, 1), _form(t, 2), _form(t, 5)
    assert len({one, few, many}) == 3
    assert "22" in t.ngettext(*KUDOS_LEFT, 22)  # `{n}` is substituted
    assert {_form(t, n) for n in (2, 3, 4, 22, 23, 104)} == {few}
    assert {_form(t, n) for n in (0, 5, 11, 12, 14, 21, 25, 112)} == {many}
    assert "kudos" in one.lower()


def test_ukrainian_plural_forms() -> None:
    t = Translator("uk")
    one, few, many = _form(t, 1), _form(t, 2), _form(t, 5)
    assert len({one, few, many}) == 3
    assert {_form(t, n) for n in (1, 21, 31, 101)} == {one}
    assert {_form(t, n) for n in (2, 3, 4, 22, 24)} == {few}
    assert {_form(t, n) for n in (0, 5, 11, 12, 14, 25, 111)} == {many}


def test_english_is_the_source_text() -> None:
    t = Translator("en")
    assert t.ngettext(*KUDOS_LEFT, 1) == "1 kudos left to give today"
    assert (
        t._("{name} is a bot; kudos are for people.", name="Ro")
        == "Ro is a bot; kudos are for people."
    )


@pytest.mark.parametrize(
    ("platform_locale", "expected"),
    [
        ("pl", "pl"),
        ("pl-PL", "pl"),
        ("pl_PL", "pl"),
        ("uk", "uk"),
        ("uk_UA", "uk"),
        ("uk-UA", "uk"),
        ("en-US", "en"),
        ("de-DE", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_platform_locales_map_to_catalogs(platform_locale: str | None, expected: str) -> None:
    assert translator(platform_locale).locale == expected


def test_regional_locales_use_the_catalog() -> None:
    assert translator("pl-PL")._("Give kudos") == catalog("pl")["Give kudos"].string
    assert translator("uk_UA")._("Give kudos") == catalog("uk")["Give kudos"].string
    assert translator("pl-PL")._("Give kudos") != "Give kudos"
    assert translator("uk_UA")._("Give kudos") != "Give kudos"
    assert (
        translator("uk_UA")._("{name} is a bot; kudos are for people.", name="Ro").startswith("Ro ")
    )


@pytest.mark.parametrize("locale", ["de-DE", "fr", "xx", None])
def test_unknown_locales_fall_back_to_english(locale: str | None) -> None:
    t = translator(locale)
    assert t._("Give kudos") == "Give kudos"
    assert t._("{giver} gave you kudos:", giver="Ana") == "Ana gave you kudos:"
    assert t.ngettext(*KUDOS_LEFT, 3) == "3 kudos left to give today"
