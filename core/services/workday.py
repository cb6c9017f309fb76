"""A manager's day: what is due, what is late, who is waiting and whom to call back.

"Call back" means a client whose open request has had no contact from anyone at the company
for `stale_days`: the same rule the scheduler's reminder uses (core/services/staff_reminders).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from core.models import Client, Interaction, QuoteRequest, RequestState, Task
from core.services.access import Actor, Permission
from core.services.quote_requests import waiting_requests
from core.services.tasks import open_tasks

OPEN_REQUEST = (RequestState.NEW, RequestState.QUOTED)
SHOWN = 8


def day_bounds(now: dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The company-zone day around `now`, as UTC instants."""
    local = now.astimezone(zone).date()
    start = dt.datetime.combine(local, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(local + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return start, end


def stale_requests(now: dt.datetime, days: int) -> QuerySet[QuoteRequest]:
    """Open requests at least `days` old whose client no one at the company has contacted
    in the last `days` (a logged call, a relay reply, a quote sent by a person)."""
    since = now - dt.timedelta(days=days)
    touched = Interaction.filter(created_at__gte=since, employee_id__not_isnull=True).values(
        "client_id"
    )
    return QuoteRequest.filter(state__in=OPEN_REQUEST, created_at__lt=since).exclude(
        client_id__in=Subquery(touched)
    )


def answers_for(employee_id: int) -> Q:
    """Requests a person answers for: taken by them, theirs, or their client's."""
    mine = Client.filter(manager_id=employee_id).values("id")
    return (
        Q(taken_by_id=employee_id)
        | Q(taken_by_id=None, manager_id=employee_id)
        | Q(taken_by_id=None, manager_id=None, client_id__in=Subquery(mine))
    )


@dataclass(frozen=True, slots=True)
class Today:
    due_today: list[Task]
    overdue: list[Task]
    waiting: list[QuoteRequest]
    waiting_count: int
    call_back: list[QuoteRequest]


async def today(actor: Actor, now: dt.datetime, zone: ZoneInfo, stale_days: int) -> Today:
    start, end = day_bounds(now, zone)
    mine = open_tasks(actor).prefetch_related("client")
    due_today = await mine.filter(due_at__gte=start, due_at__lt=end)
    overdue = await mine.filter(due_at__lt=start)
    waiting: list[QuoteRequest] = []
    waiting_count = 0
    call_back: list[QuoteRequest] = []
    if actor.can(Permission.MAKE_QUOTES) and actor.employee_id is not None:
        queue = waiting_requests(actor)
        waiting_count = await queue.count()
        waiting = list(await queue.select_related("client").limit(SHOWN))
        call_back = list(
            await stale_requests(now, stale_days)
            .filter(answers_for(actor.employee_id))
            .select_related("client")
            .order_by("created_at", "id")
            .limit(SHOWN)
        )
    return Today(list(due_today), list(overdue), waiting, waiting_count, call_back)


DEFAULT_DAY_END = dt.time(18, 0)


def due_on(day: dt.date, zone: ZoneInfo, work_ends: str | None) -> dt.datetime:
    """A task due "on a day" is due by the end of that working day, company time, in UTC."""
    ends = dt.time.fromisoformat(work_ends) if work_ends else DEFAULT_DAY_END
    return dt.datetime.combine(day, ends, zone).astimezone(dt.UTC)
