"""Plans and tasks over the API: the same rules as the panel and the bot."""

from __future__ import annotations

import datetime as dt

from core.models import Employee, Plan, Role, Task
from core.services import tasks
from core.services.tasks import DoneInput
from tests.api.conftest import staff_actor

HOUR = dt.timedelta(hours=1)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def test_plan_task_done_in_the_bot_and_quality_mark(api_as):
    director = await api_as(Role.DIRECTOR)
    tunde = await Employee.create(name="Tunde Bello", role=Role.MANAGER)
    plan = await director.post(
        "/plans",
        {
            "title": "December calls",
            "employee_id": tunde.id,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
    )
    assert plan.status == 201, plan.body
    assert (plan.body["title"], plan.body["tasks"], plan.body["tasks_done"]) == (
        "December calls",
        0,
        0,
    )

    due = (dt.datetime.now(dt.UTC) + 2 * HOUR).replace(microsecond=0)
    past = await director.post(
        "/tasks",
        {
            "title": "Call Ada",
            "due_at": iso(dt.datetime.now(dt.UTC) - HOUR),
            "employee_id": tunde.id,
        },
    )
    assert past.status == 422
    assert past.field_errors == {"due_at": "This time has already passed. Choose a later one."}
    created = await director.post(
        "/tasks",
        {
            "title": "Call Ada",
            "kind": "call",
            "due_at": due.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat(),
            "employee_id": tunde.id,
            "plan_id": plan.body["id"],
        },
    )
    assert created.status == 201, created.body
    task_id = created.body["id"]
    assert dt.datetime.fromisoformat(created.body["due_at"]) == due
    assert await Task.all().count() == 1

    # A key belongs to no one: it cannot mark a task done.
    refused = await director.post(f"/tasks/{task_id}/done", {"result": "Called"})
    assert refused.status == 403
    assert "an API key is no one" in refused.body["detail"]
    not_yet = await director.post(f"/tasks/{task_id}/rating", {"quality": 4})
    assert not_yet.status == 422
    assert not_yet.field_errors == {"quality": "Only a done task can be marked."}

    await tasks.complete_task(
        staff_actor(tunde), task_id, DoneInput(result="Orders Monday"), dt.datetime.now(dt.UTC)
    )
    rated = await director.post(f"/tasks/{task_id}/rating", {"quality": 4, "comment": "Good"})
    assert rated.status == 200
    assert (rated.body["quality"], rated.body["result"], rated.body["late"]) == (
        4,
        "Orders Monday",
        False,
    )
    shown = await director.get(f"/plans/{plan.body['id']}")
    assert (shown.body["tasks"], shown.body["tasks_done"]) == (1, 1)
    done = await director.get("/tasks", params={"state": "done", "employee_id": tunde.id})
    assert [t["id"] for t in done.body["items"]] == [task_id]
    assert (await director.get("/tasks", params={"state": "open"})).body["items"] == []


async def test_privacy_through_the_api(api_as):
    owner = await Employee.create(name="Owner", role=Role.MANAGER)
    plan = await Plan.create(
        title="Secret", employee=owner, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 2)
    )
    task = await Task.create(
        plan=plan, employee=owner, title="Secret task", due_at=dt.datetime.now(dt.UTC) + HOUR
    )
    # Manager and head of sales keys belong to no employee, so no one's work is theirs.
    for role in (Role.MANAGER, Role.HEAD_OF_SALES):
        client = await api_as(role)
        assert (await client.get(f"/tasks/{task.id}")).status == 404, role
        assert (await client.get(f"/plans/{plan.id}")).status == 404, role
        assert (await client.get("/tasks")).body["items"] == [], role
        assert (await client.get("/plans")).body["items"] == [], role
        assert (await client.post(f"/tasks/{task.id}/done", {})).status in (403, 404), role
    manager = await api_as(Role.MANAGER)
    assert (await manager.post(f"/tasks/{task.id}/rating", {"quality": 5})).status == 403
    assert (
        await manager.post(
            "/plans",
            {
                "title": "Mine",
                "employee_id": owner.id,
                "starts_on": "2026-01-01",
                "ends_on": "2026-01-02",
            },
        )
    ).status == 403
    marketer = await api_as(Role.MARKETER)
    assert (await marketer.get("/tasks")).status == 403
    director = await api_as(Role.DIRECTOR)
    assert (await director.get(f"/tasks/{task.id}")).body["title"] == "Secret task"
    assert (await director.get(f"/plans/{plan.id}")).body["title"] == "Secret"


async def test_bad_input_is_explained(api):
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    reply = await api.post(
        "/plans",
        {
            "title": "x",
            "employee_id": tunde.id,
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
        },
    )
    assert reply.field_errors == {"ends_on": "The plan must end on or after its first day."}
    reply = await api.post(
        "/tasks", {"title": "Call", "due_at": "9999-12-31T23:59:59-05:00", "employee_id": tunde.id}
    )
    assert reply.status == 422
    reply = await api.post("/tasks", {"title": "Call", "due_at": iso(dt.datetime.now(dt.UTC))})
    assert reply.status == 422
    reply = await api.get("/tasks", params={"state": "someday"})
    assert reply.status == 400
