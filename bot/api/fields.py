"""String types every admin-API input model uses: bounded, and refusing NUL characters (422).

PostgreSQL cannot store a NUL in text, and SQLite would keep it silently: either way it is
never what an administrator meant, so it is refused where the request is validated.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def refuse_nul(value: str) -> str:
    """The value, or a validation error when it contains a NUL character."""
    if "\x00" in value:
        raise ValueError("may not contain NUL characters")
    return value


NoNul = Annotated[str, AfterValidator(refuse_nul)]
"""A string without NUL characters; give its length bounds with `Field(...)`."""
PlatformId = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(refuse_nul)]
"""A member's or channel's id on its platform (the database keeps 64 characters)."""
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(refuse_nul)]
"""A short name: a department, a location, a country."""
