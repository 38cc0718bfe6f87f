"""`fivefold surveys list|send-now|results`: surveys from the console, with the API's suppression."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import (
    MAX_ID,
    TenantOption,
    _fail,
    _tenant,
    console,
    in_transaction,
    settings,
)
from bot.db import Database
from bot.outbox import status_counts
from programs.engage import console as engage

surveys_cli = typer.Typer(help="Pulse surveys, eNPS and the CX audit (Engage).", no_args_is_help=True)
SurveyId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The survey's id.")]


def _run(work: Any) -> Any:
    try:
        return asyncio.run(work(engage))
    except engage.NotFound as exc:
        raise _fail([str(exc)]) from exc


@surveys_cli.command("list")
def surveys_list(tenant: TenantOption = None) -> None:
    """List a tenant's surveys with their latest round's participation."""

    async def pick(session: AsyncSession) -> int:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return owner.id

    tenant_id = in_transaction(pick)
    rows = _run(lambda engage: engage.list_surveys(settings(), tenant_id))
    if not rows:
        console.print("no surveys yet: create one with POST /api/v1/surveys")
        return
    table = Table("id", "name", "template", "anonymous", "latest round", "answered", "closes")
    for row in rows:
        latest = row["latest"] or {}
        answered = f"{latest['responded']} / {latest['invited']}" if latest else "—"
        closes = "closed" if latest.get("closed_at") else str(latest.get("closes_at", "—"))[:16]
        table.add_row(str(row["id"]), escape(row["name"]), row["template"] or "own questions",
                      "yes" if row["anonymous"] else "no", str(latest.get("id", "—")), answered, closes)
    Console().print(table)


@surveys_cli.command("send-now")
def surveys_send_now(
    survey_id: SurveyId,
    watch: Annotated[bool, typer.Option(help="Show a progress bar while the invitations go out.")] = True,
    timeout: Annotated[float, typer.Option(help="Stop watching after this many seconds.")] = 600.0,
) -> None:
    """Open a round now and show its invitations going out; prints the round id."""
    round_id, invited = _run(lambda engage: engage.send_survey_now(settings(), survey_id))
    if watch and invited:
        asyncio.run(_watch(round_id, invited, timeout))
    typer.echo(round_id)


async def _watch(round_id: int, invited: int, seconds: float) -> None:
    db = Database(settings().database_url)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(f"round {round_id} invitations", total=invited)
            try:
                async with asyncio.timeout(seconds):
                    while await _sent(db, round_id) < invited:
                        bar.update(task, completed=await _sent(db, round_id))
                        await asyncio.sleep(1.0)
            except TimeoutError:
                console.print(f"still sending after {seconds:g} s; the workers carry on")
            bar.update(task, completed=await _sent(db, round_id))
    finally:
        await db.close()


async def _sent(db: Database, round_id: int) -> int:
    """Invitations of the round that are no longer waiting (sent, failed or skipped)."""
    async with db.transaction() as session:
        counts = await status_counts(session, dedupe_prefix=f"survey:{round_id}:invite:")
    return sum(n for status, n in counts.items() if status not in ("pending", "in_flight"))


def _cell(cell: dict[str, Any]) -> tuple[str, str, str]:
    if cell.get("suppressed"):
        return "—", "—", f"suppressed: {cell['reason']}"
    if "comments" in cell:
        return str(len(cell["comments"])), "—", f"{len(cell['comments'])} comments"
    score = (cell.get("enps") or {}).get("score") if cell.get("enps") else cell.get("score")
    label = f"eNPS {score}" if cell.get("enps") else (f"score {score}" if score is not None else "")
    return str(cell.get("answers", "")), str(cell.get("mean", "—")), label


@surveys_cli.command("results")
def surveys_results(
    survey_id: SurveyId,
    round_id: Annotated[int | None, typer.Option("--round", min=1, max=MAX_ID, help="Another round.")] = None,
    by: Annotated[str | None, typer.Option(help="Break down by department, location or country.")] = None,
) -> None:
    """A round's results as a table, suppressed exactly as the API suppresses them."""
    attributes = [part.strip() for part in by.split(",")] if by else []
    if not set(attributes) <= {"department", "location", "country"} or len(attributes) > 2:
        raise _fail(["--by takes one or two of: department, location, country"])
    found = _run(lambda engage: engage.results(settings(), survey_id, round_id, attributes))
    participation = found["participation"] if found["participation"] is not None else "—"
    console.print(f"{escape(found['survey'])} · round {found['round_id']} · "
                  f"{found['responded']} of {found['invited']} answered ({participation} %)")
    table = Table("question", "answers", "mean", "score")
    for cell in found["questions"]:
        table.add_row(escape(cell["text"]), *_cell(cell))
    Console().print(table)
    if "breakdown" in found:
        groups = Table(*found["breakdown"]["by"], "respondents", "result")
        for group in found["breakdown"]["groups"]:
            values = [escape(str(v)) for v in group["group"].values()]
            if group.get("suppressed"):
                groups.add_row(*values, "—", f"suppressed: {group['reason']}")
            else:
                first = _cell(group["questions"][0]) if group["questions"] else ("", "", "")
                groups.add_row(*values, str(group["respondents"]), f"{first[2]} (mean {first[1]})")
        Console().print(groups)
