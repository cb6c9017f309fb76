"""Reminders the scheduler sends to staff: the day's tasks at the time each person chose,
and clients whose open request has gone quiet.

Each reminder is a StaffReminder row written before the message goes out, so a job that
runs again (or on another process after a leader change) sends nothing twice, and the
reports can count "reminders sent about unfulfilled requests" per manager in SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from core.i18n import N_
from core.models import Client, Employee, StaffReminder, StaffReminderKind, Task
from core.ports import Notifier
from core.services.staff_alerts import alert_staff, request_staff
from core.services.workday import day_bounds, stale_requests

log = logging.getLogger(__name__)

TASKS_MESSAGE = N_(
    "Your day: tasks due today: {due}. Overdue: {overdue}. "
    "Open Today in the staff menu to see them."
)
STALE_MESSAGE = N_(
    "No one has been in touch with {client} for {days} days about request #{request} "
    "({route}). Time for a call?"
)


def _reminder_passed(employee: Employee, local_now: dt.datetime) -> bool:
    try:
        at = dt.time.fromisoformat(employee.reminder_time)
    except ValueError:
        at = dt.time(9, 0)
    return local_now.time() >= at


async def remind_due_tasks(notifier: Notifier, now: dt.datetime, zone: ZoneInfo) -> int:
    """Once a day, at or after each person's reminder time, tell them what is due."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    start, end = day_bounds(now, zone)
    reminded = StaffReminder.filter(kind=StaffReminderKind.TASKS_DUE, day=today).values(
        "employee_id"
    )
    busy = Task.filter(done_at=None, due_at__lt=end).values("employee_id")
    people = await Employee.filter(is_active=True, id__in=Subquery(busy)).exclude(
        id__in=Subquery(reminded)
    )
    sent = 0
    for person in people:
        if not _reminder_passed(person, local_now):
            continue
        open_tasks = Task.filter(employee_id=person.id, done_at=None)
        due = await open_tasks.filter(due_at__gte=start, due_at__lt=end).count()
        overdue = await open_tasks.filter(due_at__lt=start).count()
        try:
            await StaffReminder.create(
                employee=person, kind=StaffReminderKind.TASKS_DUE, day=today, sent_at=now
            )
        except IntegrityError:
            continue  # another run claimed today's reminder for this person first
        if await alert_staff(notifier, [person], TASKS_MESSAGE, due=due, overdue=overdue):
            sent += 1
    return sent


async def remind_stale_requests(notifier: Notifier, now: dt.datetime, days: int) -> int:
    """Tell whoever answers for a quiet open request, once per quiet spell."""
    since = now - dt.timedelta(days=days)
    # A reminder sent in this quiet spell (after the last contact) is not repeated.
    recent = StaffReminder.filter(kind=StaffReminderKind.STALE_REQUEST, sent_at__gte=since).values(
        "request_id"
    )
    stale = await (
        stale_requests(now, days)
        .exclude(id__in=Subquery(recent))
        .select_related("client")
        .order_by("created_at", "id")
    )
    sent = 0
    for request in stale:
        staff = await request_staff(request)
        if not staff:
            continue
        for person in staff:
            await StaffReminder.create(
                employee=person, kind=StaffReminderKind.STALE_REQUEST, request=request, sent_at=now
            )
        client: Client = request.client  # type: ignore[attr-defined]
        route = f"{request.origin_text} → {request.destination_text}"
        if await alert_staff(
            notifier,
            staff,
            STALE_MESSAGE,
            client=client.name,
            days=days,
            request=request.id,
            route=route,
        ):
            sent += 1
    return sent
