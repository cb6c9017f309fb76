"""The scheduler's reminders to staff, run with a controlled clock: the day's tasks at the
time each person chose, and clients whose open request has gone quiet. Each goes once."""

from __future__ import annotations

import datetime as dt

from core.models import Client, Employee, Interaction, StaffReminder, Task
from core.services.jobs import stale_requests_job, task_reminders_job
from tests.contract.test_quote import _network
from tests.e2e.test_staff import FrozenClock
from tests.quotes.test_request_queue import _staff, _waiting_request

# 08:30 in Lagos (UTC+1) on a Monday.
MORNING = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


async def test_the_days_tasks_are_reminded_at_the_chosen_time_once(chat_factory, runtime):
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    await Employee.filter(id=manager.id).update(reminder_time="08:45")
    await Task.create(employee=manager, title="Call Ada", due_at=MORNING + 5 * 60 * MINUTE)
    await Task.create(employee=manager, title="Send offer", due_at=MORNING - DAY)
    await Task.create(
        employee=manager, title="Next week", due_at=MORNING + 7 * DAY
    )  # not today: not counted

    assert await task_reminders_job(FrozenClock(MORNING), runtime.notifier) == 0
    assert not await StaffReminder.exists()

    at_time = FrozenClock(MORNING + 15 * MINUTE)  # 08:45 in Lagos
    assert await task_reminders_job(at_time, runtime.notifier) == 1
    await tunde.expect(
        "Your day: tasks due today: 1. Overdue: 1. Open Today in the staff menu to see them."
    )
    assert await task_reminders_job(FrozenClock(MORNING + 60 * MINUTE), runtime.notifier) == 0
    # The next day it comes again.
    assert (
        await task_reminders_job(FrozenClock(MORNING + DAY + 15 * MINUTE), runtime.notifier) == 1
    )


async def test_a_quiet_request_is_reminded_to_its_manager_until_someone_calls(
    chat_factory, runtime
):
    await _network()
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    request = await _waiting_request(chat_factory, "+234 803 555 0001")
    await Client.filter(id=request.client_id).update(manager=manager)
    now = request.created_at

    assert await stale_requests_job(FrozenClock(now + 2 * DAY), runtime.notifier, 3) == 0
    assert await stale_requests_job(FrozenClock(now + 3 * DAY + MINUTE), runtime.notifier, 3) == 1
    told = await tunde.expect("No one has been in touch with Ada for 3 days")
    assert f"request #{request.id} (Qwzxv Farm → Kano)" in told.text
    assert await stale_requests_job(FrozenClock(now + 4 * DAY), runtime.notifier, 3) == 0
    reminder = await StaffReminder.get()
    assert (reminder.employee_id, reminder.request_id, reminder.kind.value) == (
        manager.id,
        request.id,
        "stale_request",
    )

    # The manager calls on day 6: quiet no longer, until three more days pass.
    call = await Interaction.create(
        client_id=request.client_id, employee=manager, kind="call", subject="contact.other"
    )
    await Interaction.filter(id=call.id).update(created_at=now + 6 * DAY)
    assert await stale_requests_job(FrozenClock(now + 7 * DAY), runtime.notifier, 3) == 0
    assert await stale_requests_job(FrozenClock(now + 9 * DAY + MINUTE), runtime.notifier, 3) == 1
    await tunde.expect("No one has been in touch with Ada for 3 days")
