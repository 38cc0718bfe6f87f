"""Members as the connector knows them: mentions resolved, and who the bot can write to.

Teams names people in mentions by their Teams user id (`29:…`) and a display
name; the connector's member look-up adds the AAD object id, e-mail, UPN and
tenant. Everything it says is stored, so names show everywhere and a 1:1 chat can
be created (`POST /v3/conversations`) with anyone the app is installed for. A member
it is not installed for answers 403/404; their DMs wait until the
`installationUpdate` arrives and are then queued again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import structlog
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from msrest.exceptions import HttpOperationError
from sqlalchemy import select, update
from sqlmodel import col

from adapters.teams import inbound
from adapters.teams.activity import as_dict, as_str
from adapters.teams.port import TeamsPort, Unreachable, classify
from adapters.teams.references import account_from_member
from adapters.teams.store import TeamsStore, WriteMemo
from bot.db import Database
from bot.interactions import Command, Interaction
from bot.models import Delivery, DeliveryStatus, TargetKind, Tenant, utcnow

log = structlog.get_logger(__name__)
REQUEUE_WITHIN = dt.timedelta(days=30)


@dataclasses.dataclass(frozen=True)
class Resolved:
    """An interaction with its mentions as AAD object ids, and the names Teams could not find."""

    interaction: Interaction
    unresolved: tuple[str, ...] = ()


def mention_names(activity: dict[str, Any]) -> dict[str, str]:
    """Teams user id → the name its mention entity shows."""
    names: dict[str, str] = {}
    for entity in activity.get("entities") or []:
        mentioned = as_dict(as_dict(entity).get("mentioned"))
        if as_dict(entity).get("type") == "mention" and as_str(mentioned.get("id")):
            names[as_str(mentioned["id"])] = as_str(mentioned.get("name"))
    return names


class MemberReach:
    """Resolves mentions through the connector and tells who cannot get a DM yet."""

    def __init__(self, store: TeamsStore, port: TeamsPort, db: Database) -> None:
        self.store, self.port, self.db = store, port, db
        self.reachable = WriteMemo()  # members with a 1:1 chat: no query on each mention


    async def lookup(self, turn_context: TurnContext, tenant: str, user_id: str) -> str | None:
        """The AAD object id of a Teams user id: stored, else asked of the connector (and stored)."""
        aad = await self.store.aad_id_of(tenant, user_id)
        if aad is not None:
            return aad
        try:
            member = await TeamsInfo.get_member(turn_context, user_id)
        except Exception:  # 404 (not in this team), connector down: the mention stays unknown
            log.info("teams.mention_unresolved", user_id=user_id, exc_info=True)
            return None
        account = account_from_member(member.serialize())
        if account is None:
            return None
        service_url = as_str(turn_context.activity.service_url)
        await self.store.save_accounts(tenant, [account], service_url)
        return account.aad_object_id

    async def resolve(
        self, interaction: Interaction, raw: dict[str, Any], turn_context: TurnContext
    ) -> Resolved:
        """Mentions named by Teams user id become AAD object ids; unknown ones are reported."""
        if not isinstance(interaction, Command):
            return Resolved(interaction)
        tenant, names = interaction.actor.tenant_external_id, mention_names(raw)
        resolved: list[str] = []
        unresolved: list[str] = []
        for mention in interaction.mentions:
            if not mention.startswith(inbound.TEAMS_USER_PREFIX):
                resolved.append(mention)
                continue
            aad = await self.lookup(turn_context, tenant, mention)
            if aad:
                resolved.append(aad)
            else:
                unresolved.append(names.get(mention) or mention)
        return Resolved(dataclasses.replace(interaction, mentions=tuple(resolved)), tuple(unresolved))

    async def not_installed(self, tenant: str, aad_object_ids: list[str]) -> list[str]:
        """Names of the members the app is not installed for (a 1:1 chat cannot be created)."""
        names: list[str] = []
        for aad in aad_object_ids:
            if self.reachable.unchanged((tenant, aad), True):
                continue
            try:
                await self.port.open_personal(tenant, aad)  # the stored chat, else a new one
                self.reachable.wrote((tenant, aad), True)
            except Unreachable:
                names.append(await self._name(tenant, aad))
            except HttpOperationError as error:
                if classify(error).reason == "unreachable":  # Teams' 403/404: not installed for them
                    names.append(await self._name(tenant, aad))
            except Exception:  # the worker retries the DM; this is only a courtesy check
                log.info("teams.reach_check_failed", member=aad, exc_info=True)
        return names

    async def _name(self, tenant: str, aad_object_id: str) -> str:
        account = await self.store.account(tenant, aad_object_id)
        return account.name if account and account.name else aad_object_id

    async def installed(self, tenant: str, aad_object_id: str) -> int:
        """Queue again the DMs that waited for this member's install; returns how many."""
        self.reachable.wrote((tenant, aad_object_id), True)
        now = utcnow()
        async with self.db.transaction() as session:
            tenant_ids = select(col(Tenant.id)).where(
                col(Tenant.platform) == "teams", col(Tenant.external_id) == tenant
            )
            result = await session.execute(
                update(Delivery)
                .where(
                    col(Delivery.tenant_id).in_(tenant_ids.scalar_subquery()),
                    col(Delivery.target_kind) == TargetKind.MEMBER.value,
                    col(Delivery.target_id) == aad_object_id,
                    col(Delivery.status) == DeliveryStatus.FAILED.value,
                    col(Delivery.error) == "unreachable",
                    col(Delivery.created_at) > now - REQUEUE_WITHIN,
                )
                .values(status=DeliveryStatus.PENDING.value, due_at=now, error=None, attempts=0)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)
