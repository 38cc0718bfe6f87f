"""Tenants and members: created on first contact, refreshed from the platform."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from sqlalchemy import ARRAY, String, any_, bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from bot.db import Database, dialect_of
from bot.i18n import normalize_locale
from bot.interactions import Actor
from bot.models import Member, Tenant, utcnow
from bot.platform import MemberProfile, PlatformPort
from bot.settings import Settings


async def find_tenant(session: AsyncSession, *, platform: str, external_id: str) -> Tenant | None:
    """The tenant for a platform's workspace/tenant id, if known."""
    result = await session.execute(
        select(Tenant).where(Tenant.platform == platform, Tenant.external_id == external_id)
    )
    return result.scalar_one_or_none()


async def find_member(session: AsyncSession, *, tenant_id: int, external_id: str) -> Member | None:
    """A member of `tenant_id` by platform id, if known."""
    result = await session.execute(
        select(Member).where(Member.tenant_id == tenant_id, Member.external_id == external_id)
    )
    return result.scalar_one_or_none()


def apply_profile(member: Member, profile: MemberProfile, now: dt.datetime) -> None:
    """Copy what the platform says about a member onto our row."""
    member.display_name = profile.display_name[:200]
    member.real_name = profile.real_name[:200]
    member.email = profile.email
    member.timezone = profile.timezone
    member.locale = normalize_locale(profile.locale) or member.locale
    member.is_bot = profile.is_bot
    member.is_deleted = profile.is_deleted
    member.is_admin = profile.is_admin
    member.profile_synced_at = now


async def load_world(
    session: AsyncSession, actor: Actor, external_ids: Iterable[str], *, lock_actor: bool = False
) -> tuple[Tenant, dict[str, Member]] | None:
    """The actor's tenant and the named members in one query (None when nobody is known).

    On PostgreSQL `lock_actor` first locks the actor's row, and only the actor's, for the
    transaction: one member's concurrent requests run one after the other (e.g. the daily
    kudos allowance), while requests that merely name the same member (kudos to a popular
    colleague) do not wait for each other. The lock is FOR NO KEY UPDATE, which rows that
    refer to the member (a kudos to them, checked by its foreign key) do not wait for.
    """
    dialect = dialect_of(session)
    where = {"platform": actor.platform, "tenant": actor.tenant_external_id}
    if lock_actor and dialect == "postgresql":
        await session.execute(_ACTOR_LOCK, {**where, "actor": actor.member_external_id})
    parameters = {**where, "ids": list(dict.fromkeys(external_ids))}
    rows = (await session.execute(_world_query(dialect), parameters)).all()
    if not rows:  # unknown tenant or actor: the caller takes the first-contact path
        return None
    return rows[0][1], {member.external_id: member for member, _tenant in rows}


_OF_TENANT = col(Tenant.id) == col(Member.tenant_id)
_THE_TENANT = (Tenant.platform == bindparam("platform"), Tenant.external_id == bindparam("tenant"))
_ACTOR_LOCK = (
    select(Member.id)
    .join(Tenant, _OF_TENANT)
    .where(*_THE_TENANT, Member.external_id == bindparam("actor"))
    .with_for_update(of=Member, key_share=True)  # FOR NO KEY UPDATE: kudos naming them still insert
)


@functools.cache
def _world_query(dialect: str) -> Select[Member, Tenant]:
    if dialect == "postgresql":  # one array parameter: the same SQL text (and plan) for any count
        named = col(Member.external_id) == any_(bindparam("ids", type_=ARRAY(String)))
    else:
        named = col(Member.external_id).in_(bindparam("ids", expanding=True))
    return (
        select(Member, Tenant)
        .join(Tenant, _OF_TENANT)
        .where(*_THE_TENANT, named)
        .order_by(col(Member.id))
    )


class MemberDirectory:
    """Makes sure the tenant and the members an interaction names exist before dispatch.

    It runs in its own short transactions, so platform look-ups never hold the
    interaction's transaction open.
    """

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def needs_lookup(
        self, world: tuple[Tenant, dict[str, Member]], external_ids: Iterable[str], locale: str | None
    ) -> bool:
        """True when a named member is unknown, never looked up, stale, or changed locale."""
        _tenant, members = world
        stale_before = utcnow() - dt.timedelta(hours=self.settings.member_sync_hours)
        for external_id in external_ids:
            member = members.get(external_id)
            if member is None or member.profile_synced_at is None or member.profile_synced_at < stale_before:
                return True
        actor = next(iter(external_ids), None)
        hint = normalize_locale(locale)
        return bool(hint and actor in members and members[actor].locale != hint)

    async def ensure_tenant(self, actor: Actor) -> Tenant:
        """The actor's tenant, created with the default locale and zone when new."""
        async with self.db.transaction() as session:
            tenant = await find_tenant(
                session, platform=actor.platform, external_id=actor.tenant_external_id
            )
            if tenant is not None:
                if actor.tenant_name and tenant.name != actor.tenant_name:
                    tenant.name = actor.tenant_name[:200]
                return tenant
        try:
            async with self.db.transaction() as session:
                tenant = Tenant(
                    platform=actor.platform,
                    external_id=actor.tenant_external_id,
                    name=actor.tenant_name[:200],
                    default_locale=self.settings.default_locale,
                    default_timezone=self.settings.default_timezone,
                )
                session.add(tenant)
            return tenant
        except IntegrityError:  # created concurrently by another request
            async with self.db.transaction() as session:
                found = await find_tenant(
                    session, platform=actor.platform, external_id=actor.tenant_external_id
                )
                assert found is not None
                return found

    async def ensure_members(
        self,
        tenant: Tenant,
        external_ids: Iterable[str],
        port: PlatformPort | None,
        *,
        locale_hint: dict[str, str] | None = None,
    ) -> None:
        """Create unknown members and refresh stale ones from the platform."""
        now = utcnow()
        stale_before = now - dt.timedelta(hours=self.settings.member_sync_hours)
        assert tenant.id is not None
        wanted = list(dict.fromkeys(external_ids))
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(Member).where(Member.tenant_id == tenant.id, col(Member.external_id).in_(wanted))
            )
            known = {member.external_id: member for member in rows.scalars()}
        for external_id in wanted:
            member = known.get(external_id)
            synced = member.profile_synced_at if member else None
            profile = None
            if port is not None and (synced is None or synced < stale_before):
                profile = await port.fetch_profile(tenant, external_id)
            hint = (locale_hint or {}).get(external_id)
            hint_changes = bool(hint) and member is not None and member.locale != normalize_locale(hint)
            if member is None or profile is not None or hint_changes:
                await self.upsert(tenant, external_id, profile, locale=hint)

    async def upsert(
        self,
        tenant: Tenant,
        external_id: str,
        profile: MemberProfile | None,
        *,
        locale: str | None = None,
    ) -> None:
        """Insert or update one member from a profile (and a platform locale hint)."""
        assert tenant.id is not None
        for _attempt in range(2):
            try:
                async with self.db.transaction() as session:
                    member = await find_member(session, tenant_id=tenant.id, external_id=external_id)
                    if member is None:
                        member = Member(tenant_id=tenant.id, external_id=external_id)
                        session.add(member)
                    if profile is not None:
                        apply_profile(member, profile, utcnow())
                    if normalize_locale(locale):
                        member.locale = normalize_locale(locale)
                return
            except IntegrityError:
                continue

    async def sync(self, tenant: Tenant, port: PlatformPort) -> int:
        """Refresh every member of `tenant` from the platform; returns how many were seen."""
        seen = 0
        async for profile in port.list_profiles(tenant):
            await self.upsert(tenant, profile.external_id, profile)
            seen += 1
        return seen
