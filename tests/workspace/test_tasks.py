"""Plans and tasks: set by management, done by the manager, marked for quality, counted."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import AuditLog, Client, Employee, Role, Task
from core.services import tasks
from core.services.tasks import DoneInput, PlanInput, RatingInput, TaskInput

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


async def test_plan_done_late_and_marked(staff):
    head = await staff(Role.HEAD_OF_SALES, "Bisi Head")
    tunde = await staff(Role.MANAGER, "Tunde")
    plan = await tasks.create_plan(
        head,
        PlanInput(
            title="December calls",
            employee_id=tunde.employee_id,
            starts_on=NOW.date(),
            ends_on=NOW.date() + dt.timedelta(days=30),
        ),
    )
    call = await tasks.create_task(
        head,
        TaskInput(
            title="Call Ada", due_at=NOW + HOUR, employee_id=tunde.employee_id, plan_id=plan.id
        ),
        NOW,
    )
    offer = await tasks.create_task(
        head,
        TaskInput(
            title="Offer to Musa",
            kind="offer",
            due_at=NOW + 3 * HOUR,
            employee_id=tunde.employee_id,
            plan_id=plan.id,
        ),
        NOW,
    )
    with pytest.raises(InvalidInput) as past:
        await tasks.create_task(
            head,
            TaskInput(title="Yesterday", due_at=NOW - HOUR, employee_id=tunde.employee_id),
            NOW,
        )
    assert past.value.field == "due_at"

    done = await tasks.complete_task(
        tunde, call.id, DoneInput(result="Will order Monday"), NOW + 2 * HOUR
    )
    assert done.late is True
    with pytest.raises(InvalidInput):
        await tasks.complete_task(tunde, call.id, DoneInput(), NOW + 2 * HOUR)
    # A manager cannot mark quality, not even of their own work; the head can.
    with pytest.raises(PermissionDenied):
        await tasks.rate_task(tunde, call.id, RatingInput(quality=5), NOW)
    with pytest.raises(InvalidInput):
        await tasks.rate_task(head, offer.id, RatingInput(quality=4), NOW)
    rated = await tasks.rate_task(head, call.id, RatingInput(quality=4, comment="Good"), NOW)
    assert (rated.quality, rated.quality_comment) == (4, "Good")

    figures = await tasks.plan_vs_done(head, NOW - 24 * HOUR, NOW + 24 * HOUR, NOW + 4 * HOUR)
    by_name = {f.name: f for f in figures}
    assert (by_name["Tunde"].planned, by_name["Tunde"].done, by_name["Tunde"].late) == (2, 1, 1)
    assert by_name["Tunde"].overdue == 1 and by_name["Tunde"].quality == 4.0
    actions = (
        await AuditLog.filter(object_type="task").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["task.created", "task.created", "task.done", "task.rated"]


async def test_a_manager_sees_and_does_only_their_own_tasks(staff):
    head = await staff(Role.HEAD_OF_SALES)
    tunde = await staff(Role.MANAGER, "Tunde")
    kemi = await staff(Role.MANAGER, "Kemi")
    task = await tasks.create_task(
        head, TaskInput(title="Call Ada", due_at=NOW + HOUR, employee_id=tunde.employee_id), NOW
    )
    assert await tasks.visible_tasks(kemi).count() == 0
    with pytest.raises(NotFound):
        await tasks.get_task(kemi, task.id)
    with pytest.raises(NotFound):
        await tasks.complete_task(kemi, task.id, DoneInput(), NOW)
    # A manager cannot hand work to a colleague, only to themselves.
    with pytest.raises(PermissionDenied):
        await tasks.create_task(
            tunde, TaskInput(title="x", due_at=NOW + HOUR, employee_id=kemi.employee_id), NOW
        )
    mine = await tasks.create_task(tunde, TaskInput(title="Call back", due_at=NOW + HOUR), NOW)
    assert mine.employee_id == tunde.employee_id


async def test_a_head_plans_only_for_their_team(staff):
    north = await staff(Role.HEAD_OF_SALES, "North head")
    south = await staff(Role.HEAD_OF_SALES, "South head")
    tunde = await staff(Role.MANAGER, "Tunde")
    await Employee.filter(id=tunde.employee_id).update(head_id=north.employee_id)
    with pytest.raises(InvalidInput):
        await tasks.create_task(
            south, TaskInput(title="x", due_at=NOW + HOUR, employee_id=tunde.employee_id), NOW
        )
    await tasks.create_task(
        north, TaskInput(title="x", due_at=NOW + HOUR, employee_id=tunde.employee_id), NOW
    )
    assert [p.name for p in await tasks.assignable_people(south)] == ["South head"]
    assert await tasks.visible_tasks(south).count() == 0
    assert await Task.all().count() == 1


async def test_a_task_cannot_show_a_manager_a_colleagues_client(staff):
    head = await staff(Role.HEAD_OF_SALES)
    tunde = await staff(Role.MANAGER, "Tunde")
    kemi = await staff(Role.MANAGER, "Kemi")
    kemis = await Client.create(name="Kemi's client", manager_id=kemi.employee_id)
    with pytest.raises(InvalidInput) as refused:
        await tasks.create_task(
            head,
            TaskInput(
                title="Call", due_at=NOW + HOUR, employee_id=tunde.employee_id, client_id=kemis.id
            ),
            NOW,
        )
    assert refused.value.field == "client_id"
    await tasks.create_task(
        head,
        TaskInput(
            title="Call", due_at=NOW + HOUR, employee_id=kemi.employee_id, client_id=kemis.id
        ),
        NOW,
    )
