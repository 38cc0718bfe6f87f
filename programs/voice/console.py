"""The Voice lever on the console's overview: customer NPS per week, all teams together."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import ConsoleRole
from bot.console.registry import Chart, ConsoleRegistry, Value
from bot.i18n import Translator
from bot.models import utcnow
from programs.voice.nps import Score
from programs.voice.service import Period, period_start, team_scores

WEEKS = 8
READERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})


async def customer_nps_per_week(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """Customer NPS and the number of answers in each of the last eight weeks (Monday first)."""
    today = utcnow().date()
    first = period_start(today, Period.WEEK) - dt.timedelta(weeks=WEEKS - 1)
    weeks = {first + dt.timedelta(weeks=n): [0, 0, 0, 0] for n in range(WEEKS)}
    for team in await team_scores(session, tenant_id, Period.WEEK, first, today):
        counts = weeks[team.period]
        for index, count in enumerate((team.responses, team.promoters, team.passives, team.detractors)):
            counts[index] += count
    rows: list[tuple[str, list[Value]]] = [(week.isoformat(), [Score(*counts).nps]) for week, counts in weeks.items()]
    answered = [str(counts[0]) for counts in weeks.values()]
    if not any(counts[0] for counts in weeks.values()):
        rows = []
    return Chart(title=t._("Customer NPS per week"), series=[t._("customer NPS")], rows=rows, stacked=False,
                 note=t._("answers"), notes=answered)  # a count beside the score, not a bar on its scale

def register(registry: ConsoleRegistry) -> None:
    """Add the customer NPS chart to the overview (for admins and analysts, like the KPIs)."""
    registry.add_chart(customer_nps_per_week, READERS)
