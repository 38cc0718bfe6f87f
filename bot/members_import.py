"""`fivefold members import FILE.csv`: member attributes from HR's spreadsheet.

Parsing is pure and reports every bad row with its line number; applying
upserts by platform id or email inside the caller's transaction and raises on
any problem, so a file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.errors import FivefoldError
from bot.models import Member

ID_COLUMNS = ("platform_id", "email")
ATTRIBUTES = ("department", "location", "country", "start_date", "display_name")
LIMITS = {"platform_id": 64, "email": 320, "department": 200, "location": 200, "display_name": 200}
NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}  # Unicode CLDR pseudo-territories
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MembersImportError(FivefoldError):
    """The file cannot be imported; `problems` are one line each, naming the file's line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportRow:
    """One row of the file. An empty cell (or a missing column) leaves that attribute unchanged."""

    line: int
    platform_id: str | None = None
    email: str | None = None
    values: dict[str, str | dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    unchanged: int


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from Babel's CLDR data)."""
    from babel import Locale

    codes = {str(code) for code in Locale("en").territories}
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES)


def parse_members_csv(text: str) -> list[ImportRow]:
    """The rows of a members CSV (header in line 1).

    Raises:
        MembersImportError: listing every bad row as `line N: …`.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    unknown = sorted(set(header) - {*ID_COLUMNS, *ATTRIBUTES})
    if unknown or not set(ID_COLUMNS) & set(header):
        wanted = ", ".join((*ID_COLUMNS, *ATTRIBUTES))
        raise MembersImportError([f"line 1: the header needs platform_id or email, and only these columns: {wanted}"
                                  + (f" (unknown: {', '.join(unknown)})" if unknown else "")])
    reader.fieldnames = header
    rows: list[ImportRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        row, errors = _parse_row(line, raw)
        for key in (f"platform id {row.platform_id}" if row.platform_id else None,
                    f"email {row.email}" if row.email else None):
            if key and key in seen:
                errors.append(f"{key} is also in line {seen[key]}")
            elif key:
                seen[key] = line
        problems += [f"line {line}: {error}" for error in errors]
        rows.append(row)
    if problems:
        raise MembersImportError(problems)
    return rows


def _parse_row(line: int, raw: dict[str | None, str | list[str] | None]) -> tuple[ImportRow, list[str]]:
    if None in raw:
        return ImportRow(line), ["more cells than columns"]
    cells = {str(name): (value or "").strip() for name, value in raw.items() if isinstance(value, str | None)}
    errors = [f"{name} is longer than {limit} characters"
              for name, limit in LIMITS.items() if len(cells.get(name, "")) > limit]
    errors += [f"{name} contains a NUL character" for name, value in cells.items() if "\x00" in value]
    platform_id, email = cells.get("platform_id") or None, (cells.get("email") or "").lower() or None
    if not platform_id and not email:
        errors.append("platform_id or email is required")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        errors.append(f"email {email!r} is not an email address")
    values: dict[str, str | dt.date] = {
        name: cells[name] for name in ("department", "location", "display_name") if cells.get(name)
    }
    if country := cells.get("country", "").upper():
        if country in iso_countries():
            values["country"] = country
        else:
            errors.append(f"country {cells['country']!r} is not an ISO 3166 two-letter code")
    if start := cells.get("start_date"):
        try:
            if not DATE.fullmatch(start):
                raise ValueError(start)
            values["start_date"] = dt.date.fromisoformat(start)
        except ValueError:
            errors.append(f"start_date {start!r} is not a date (YYYY-MM-DD)")
    return ImportRow(line, platform_id, email, values), errors


async def apply_import(session: AsyncSession, tenant_id: int, rows: Sequence[ImportRow]) -> ImportSummary:
    """Upsert `rows` into the tenant's members, inside the caller's transaction.

    A row matches a member by platform id, else by email; a row with only an
    email must match. Nothing is flushed unless every row applies.

    Raises:
        MembersImportError: listing every row that cannot be applied; the caller rolls back.
    """
    members = (await session.execute(select(Member).where(Member.tenant_id == tenant_id))).scalars().all()
    by_id = {member.external_id: member for member in members}
    by_email: dict[str, list[Member]] = {}
    for member in members:
        if member.email:
            by_email.setdefault(member.email.lower(), []).append(member)
    problems: list[str] = []
    changes: list[tuple[Member, ImportRow]] = []
    for row in rows:
        found, problem = _match(row, by_id, by_email)
        if problem:
            problems.append(f"line {row.line}: {problem}")
        else:
            changes.append((found or _new_member(tenant_id, row), row))
    if problems:
        raise MembersImportError(problems)
    created = updated = unchanged = 0
    for member, row in changes:
        is_new, changed = member.id is None, _apply(member, row)
        created, updated, unchanged = created + is_new, updated + (changed and not is_new), unchanged + (not changed)
        session.add(member)
    await session.flush()
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)


def _match(row: ImportRow, by_id: dict[str, Member], by_email: dict[str, list[Member]]) -> tuple[Member | None, str]:
    if row.platform_id and row.platform_id in by_id:
        return by_id[row.platform_id], ""
    matches = by_email.get(row.email or "", [])
    if len(matches) > 1:
        return None, f"email {row.email} belongs to {len(matches)} members; give platform_id"
    if matches and row.platform_id and matches[0].external_id != row.platform_id:
        return None, f"email {row.email} belongs to member {matches[0].external_id}, not {row.platform_id}"
    if matches:
        return matches[0], ""
    if not row.platform_id:
        return None, f"no member has the email {row.email}; add their platform_id"
    return None, ""


def _new_member(tenant_id: int, row: ImportRow) -> Member:
    assert row.platform_id is not None
    return Member(tenant_id=tenant_id, external_id=row.platform_id, email=row.email)


def _apply(member: Member, row: ImportRow) -> bool:
    changed = member.id is None
    wanted = {**row.values, **({"email": row.email} if row.email and not member.email else {})}
    for name, value in wanted.items():
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed = True
    return changed
