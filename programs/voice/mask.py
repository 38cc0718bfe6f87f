"""Contact details never reach a channel: e-mail addresses and phone numbers are masked."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# a run of digits with the usual separators, at least seven digits in all
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")


def mask_contacts(text: str, *, email: str, phone: str) -> str:
    """`text` with e-mail addresses replaced by `email` and phone numbers by `phone`."""
    masked = EMAIL.sub(email, text)
    return PHONE.sub(lambda m: phone if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), masked)
