"""`fivefold campaigns list|send-now` and `deliveries watch`: campaigns from the command line."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.models import Broadcast, Occurrence
from bot.broadcasts.service import broadcasts_of, progress, send_now
from bot.cli.base import (
    MAX_ID,
    CommandError,
    TenantOption,
    _fail,
    _tenant,
    console,
    in_transaction,
    roles,
    settings,
)
from bot.db import Database
from bot.models import Tenant

campaigns_cli = typer.Typer(help="Campaigns (Inform, Inspire, Instruct).", no_args_is_help=True)
deliveries_cli = typer.Typer(help="Delivery progress of campaign occurrences.", no_args_is_help=True)


@campaigns_cli.command("list")
def campaigns_list(tenant: TenantOption = None) -> None:
    """List a tenant's campaigns, newest first."""

    async def work(session: AsyncSession) -> list[Broadcast]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return list(await broadcasts_of(session, owner.id))

    campaigns = in_transaction(work)
    if not campaigns:
        console.print("no campaigns yet: create one with POST /api/v1/campaigns")
        return
    table = Table("id", "name", "lever", "audience", "schedule", "active")
    for campaign in campaigns:
        schedule = campaign.schedule
        when = schedule.get("at") or schedule.get("cron")
        table.add_row(str(campaign.id), escape(campaign.name), campaign.label, str(campaign.audience.get("kind")),
                      escape(f"{schedule.get('kind')} {when} ({schedule.get('timezone')})"),
                      "yes" if campaign.active else "no")
    Console().print(table)


@campaigns_cli.command("send-now")
def campaigns_send_now(
    campaign_id: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The campaign's id.")],
) -> None:
    """Send a campaign now (one extra occurrence); prints the occurrence id to watch."""

    async def work(session: AsyncSession) -> int | None:
        campaign = await session.get(Broadcast, campaign_id)
        if campaign is None:
            raise CommandError(f"there is no campaign {campaign_id}")
        if not campaign.active:
            raise CommandError(f"campaign {campaign_id} is stopped")
        tenant = await session.get(Tenant, campaign.tenant_id)
        assert tenant is not None
        return (await send_now(session, campaign, tenant, roles=roles())).id

    typer.echo(in_transaction(work))


@deliveries_cli.command("watch")
def deliveries_watch(
    occurrence: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The occurrence (from `campaigns send-now`).")],
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 3600.0,
    interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 1.0,
) -> None:
    """Show a live progress bar of an occurrence's deliveries until none is pending."""
    url = settings().database_url

    async def watch() -> dict[str, Any]:
        db = Database(url)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
        try:
            with Progress(*columns, console=console) as bar:
                task = bar.add_task(f"occurrence {occurrence}", total=None, detail="")
                deadline = asyncio.get_running_loop().time() + timeout
                while True:
                    async with db.transaction() as session:
                        if await session.get(Occurrence, occurrence) is None:
                            raise CommandError(f"there is no occurrence {occurrence}")
                        counts = await progress(session, occurrence)
                    bar.update(task, total=counts["total"], completed=counts["total"] - counts["pending"],
                               detail="{sent} sent, {failed} failed, {skipped} skipped".format(**counts))
                    if not counts["pending"] or asyncio.get_running_loop().time() >= deadline:
                        return counts
                    await asyncio.sleep(interval)
        finally:
            await db.close()

    try:
        counts = asyncio.run(watch())
    except CommandError as exc:
        raise _fail(exc.problems) from exc
    typer.echo("occurrence {id}: {sent} sent, {failed} failed, {skipped} skipped, {pending} pending of {total}"
               .format(id=occurrence, **counts))
    for reason, count in sorted(counts["failures"].items()):
        typer.echo(f"  failed ({reason}): {count}")
    if counts["pending"]:
        raise _fail([f"timed out after {timeout:g} s with {counts['pending']} deliveries pending"])
