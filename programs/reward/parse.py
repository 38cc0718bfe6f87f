"""Reading a kudos command: the message and its `#value` tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

VALUE_TAG = re.compile(r"(?<![\w&])#([A-Za-z0-9][\w-]{0,39})")


@dataclass(frozen=True)
class KudosText:
    """A kudos message split into its words and the values it names."""

    message: str
    values: tuple[str, ...]


def parse_kudos_text(text: str) -> KudosText:
    """Split `text` (mentions already removed) into the message and `#value` tags.

    Tags are lower-cased and de-duplicated in order; the message keeps everything else.
    """
    values = tuple(dict.fromkeys(tag.lower() for tag in VALUE_TAG.findall(text)))
    message = VALUE_TAG.sub("", text)
    message = re.sub(r"[ \t]+", " ", message).strip(" \t\n-–—:,")
    return KudosText(message=message, values=values)
