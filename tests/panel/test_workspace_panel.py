"""Plans and tasks in the panel, as management and managers use them, and who sees what."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.models import (
    AuditLog,
    Channel,
    ChannelIdentity,
    Client,
    Employee,
    Interaction,
    InteractionKind,
    Plan,
    RelaySession,
    Role,
    Task,
)
from core.services.company import current_company, zone_of

HOUR = dt.timedelta(hours=1)


async def company_zone() -> ZoneInfo:
    return zone_of(await current_company())


def local_input(moment: dt.datetime, zone: ZoneInfo) -> str:
    """What a person types in the due field: the company's wall-clock time."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


async def in_team(manager: Employee, head: Employee) -> None:
    await Employee.filter(id=manager.id).update(head_id=head.id)


async def test_plan_then_task_then_done_then_quality_mark(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES, "Bisi Head")
    tunde = await panel_for(Role.MANAGER, "Tunde Bello")
    zone = await company_zone()
    today = dt.datetime.now(zone).date()

    page = await head.submit(
        "/admin/plans/new",
        {
            "title": "December calls",
            "employee_id": str(tunde.employee.id),
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        },
        csrf_from="/admin/plans/new",
    )
    assert page.status == 200
    assert page.text("plan-title") == "December calls"
    assert "The plan is saved. Add its tasks below." in page.body_text
    plan = await Plan.get(title="December calls")
    assert plan.employee_id == tunde.employee.id

    due = (dt.datetime.now(dt.UTC) + 26 * HOUR).replace(second=0, microsecond=0)
    page = await head.submit(
        f"/admin/plans/{plan.id}/tasks",
        {
            "title": "Call Ada about the renewal",
            "kind": "call",
            "due_at": local_input(due, zone),
            "employee_id": str(tunde.employee.id),
        },
    )
    assert "The task is set." in page.body_text
    assert [row[0] for row in page.rows("plan-tasks")] == ["Call Ada about the renewal"]
    assert page.rows("plan-tasks")[0][1:3] == ["Call", "Tunde Bello"]
    assert page.rows("plan-tasks")[0][4] == "Open"
    task = await Task.get(title="Call Ada about the renewal")
    assert task.due_at == due  # typed in the company's zone, stored in UTC

    # The manager sees it in their list and marks it done with a result.
    listing = await tunde.open("/admin/tasks")
    assert [row[0] for row in listing.rows("tasks-list")] == ["Call Ada about the renewal"]
    page = await tunde.open(f"/admin/tasks/{task.id}")
    assert 'id="task-rating"' not in page.html
    page = await tunde.submit(f"/admin/tasks/{task.id}/done", {"result": "Renews in January"})
    assert "The task is marked done." in page.body_text
    assert page.text("task-state") == "Done"
    assert page.text("task-result") == "Renews in January"

    # The head marks its quality; the manager sees the mark.
    page = await head.open(f"/admin/tasks/{task.id}")
    assert 'id="task-done"' not in page.html
    page = await head.submit(
        f"/admin/tasks/{task.id}/rating", {"quality": "4", "comment": "Good, ask earlier"}
    )
    assert "The quality mark is saved." in page.body_text
    page = await tunde.open(f"/admin/tasks/{task.id}")
    assert page.text("task-quality") == "4 / 5 · Good, ask earlier (Bisi Head)"
    actions = await AuditLog.filter(object_type__in=["plan", "task"]).order_by("id")
    assert [a.action for a in actions] == [
        "plan.created",
        "task.created",
        "task.done",
        "task.rated",
    ]


async def test_a_due_time_in_the_past_is_refused_and_nothing_is_saved(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    manager = await panel_for(Role.MANAGER, "Tunde Bello")
    zone = await company_zone()
    plan = await Plan.create(
        title="Week",
        employee=manager.employee,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 7),
    )
    await head.open(f"/admin/plans/{plan.id}")
    page = await head.submit(
        f"/admin/plans/{plan.id}/tasks",
        {
            "title": "Call yesterday",
            "kind": "call",
            "due_at": local_input(dt.datetime.now(dt.UTC) - 2 * HOUR, zone),
            "employee_id": str(manager.employee.id),
        },
    )
    assert page.status == 422
    assert page.field_error("due_at").endswith("This time has already passed. Choose a later one.")
    assert 'value="Call yesterday"' in page.html  # what was typed stays
    page = await head.submit(
        f"/admin/plans/{plan.id}/tasks",
        {"title": "Call", "kind": "call", "due_at": "tomorrow", "employee_id": ""},
    )
    assert page.field_error("due_at").endswith("Enter a date and time like 2026-12-31 09:00.")
    assert await Task.all().count() == 0


async def test_plan_vs_done_counts_per_person_for_the_period(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES, "Bisi Head")
    other_head = await panel_for(Role.HEAD_OF_SALES, "Other Head")
    tunde = await make_manager("Tunde Bello", head.employee)
    await make_manager("Musa Far", other_head.employee)
    now = dt.datetime.now(dt.UTC)
    zone = await company_zone()
    today = now.astimezone(zone).date()

    def task(title: str, due: dt.datetime, **done) -> Task:
        return Task.create(employee=tunde, title=title, due_at=due, **done)

    await task("On time", now - 3 * HOUR, done_at=now - 4 * HOUR, quality=5)
    await task("Late", now - 3 * HOUR, done_at=now - HOUR, late=True, quality=3)
    await task("Overdue", now - 2 * HOUR)
    await task("Later", now + HOUR)
    await task("Last month", now - dt.timedelta(days=40))

    period = {
        "period": "custom",
        "from": (today - dt.timedelta(days=1)).isoformat(),
        "to": (today + dt.timedelta(days=1)).isoformat(),
    }
    page = await head.open("/admin/plans/report", params=period)
    rows = {row[0]: row[1:] for row in page.rows("plan-figures")}
    assert rows == {
        "Bisi Head": ["0", "0", "0", "0", "—"],
        "Tunde Bello": ["4", "2", "1", "1", "4.0"],
    }
    assert page.text("period-shown") == f"{period['from']} – {period['to']}"
    month = await head.open("/admin/plans/report?period=month")
    first = today.replace(day=1).isoformat()
    assert month.text("period-shown").startswith(first)
    # A manager may not open the comparison at all.
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open("/admin/plans/report")).status == 403


async def make_manager(name: str, head: Employee | None = None) -> Employee:
    return await Employee.create(name=name, role=Role.MANAGER, head=head)


async def test_tasks_list_filters_by_person_state_and_due_period(panel_for):
    director = await panel_for(Role.DIRECTOR)
    ada = await make_manager("Ada Obi")
    ben = await make_manager("Ben Eze")
    now = dt.datetime.now(dt.UTC)
    zone = await company_zone()
    await Task.create(employee=ada, title="Ada overdue", due_at=now - HOUR)
    await Task.create(employee=ada, title="Ada next week", due_at=now + dt.timedelta(days=8))
    await Task.create(employee=ben, title="Ben done", due_at=now - HOUR, done_at=now - 2 * HOUR)

    def titles(page) -> list[str]:
        return [row[0] for row in page.rows("tasks-list")]

    assert titles(await director.open(f"/admin/tasks?person={ada.id}")) == [
        "Ada overdue",
        "Ada next week",
    ]
    assert titles(await director.open("/admin/tasks?state=overdue")) == ["Ada overdue"]
    assert titles(await director.open("/admin/tasks?state=done")) == ["Ben done"]
    soon = (now + dt.timedelta(days=8)).astimezone(zone).date().isoformat()
    page = await director.open(f"/admin/tasks?due_from={soon}&due_to={soon}")
    assert titles(page) == ["Ada next week"]


async def _someones_work(owner: Employee) -> dict[str, str]:
    """A plan, a task, a client and a private note of `owner`: the URLs a colleague tries."""
    plan = await Plan.create(
        title="Secret plan",
        employee=owner,
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    task = await Task.create(
        plan=plan, employee=owner, title="Secret task", due_at=dt.datetime.now(dt.UTC) + HOUR
    )
    client = await Client.create(name="Kept Client", phone="+2348030000001", manager=owner)
    await Interaction.create(
        client=client,
        employee=owner,
        kind=InteractionKind.CALL,
        subject="contact.other",
        summary="Private thoughts",
        is_private=True,
    )
    return {
        "task": f"/admin/tasks/{task.id}",
        "plan": f"/admin/plans/{plan.id}",
        "activity": f"/admin/staff/{owner.id}/activity",
        "client": f"/admin/clients/{client.id}",
    }


async def test_privacy_matrix_in_the_panel(panel_for):
    head_a = await panel_for(Role.HEAD_OF_SALES, "Head A")
    head_b = await panel_for(Role.HEAD_OF_SALES, "Head B")
    colleague = await panel_for(Role.MANAGER, "Colleague A2")
    director = await panel_for(Role.DIRECTOR)
    owner = await make_manager("Owner A1", head_a.employee)
    await in_team(colleague.employee, head_a.employee)
    urls = await _someones_work(owner)

    for outsider in (colleague, head_b):
        for name, url in urls.items():
            page = await outsider.open(url)
            assert page.status == 404, (outsider.employee.name, name)
            assert "Secret" not in page.body_text and "Kept Client" not in page.body_text
        listing = await outsider.open("/admin/tasks")
        assert listing.rows("tasks-list") == [["No tasks found."]]
        assert "Secret plan" not in (await outsider.open("/admin/plans")).body_text

    for insider in (head_a, director):
        for name, url in urls.items():
            page = await insider.open(url)
            assert page.status == 200, (insider.employee.name, name)
        page = await insider.open(urls["client"])
        assert "Private Private thoughts" in page.body_text
        activity = await insider.open(urls["activity"])
        assert activity.rows("activity-contacts")[0][1:] == [
            "Kept Client",
            "Call",
            "Other",
            "Private Private thoughts",
        ]

    # One's own activity log is open to anyone; a colleague's quality-mark form is not.
    assert (await colleague.open(f"/admin/staff/{colleague.employee.id}/activity")).status == 200
    task_id = urls["task"].rsplit("/", 1)[1]
    await colleague.open("/admin/tasks")
    page = await colleague.submit(f"/admin/tasks/{task_id}/rating", {"quality": "5"})
    assert page.status == 403
    page = await colleague.submit(
        f"/admin/tasks/{task_id}/done", {"result": "x"}, csrf_from="/admin/tasks"
    )
    assert page.status == 404
    assert (await Task.get(id=int(task_id))).done_at is None


async def test_the_activity_log_shows_what_the_person_did(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    tunde = await panel_for(Role.MANAGER, "Tunde Bello")
    task = await Task.create(
        employee=tunde.employee, title="Call Ada", due_at=dt.datetime.now(dt.UTC) + HOUR
    )
    await tunde.open(f"/admin/tasks/{task.id}")
    await tunde.submit(f"/admin/tasks/{task.id}/done", {"result": "Done"})
    page = await head.open(f"/admin/staff/{tunde.employee.id}/activity")
    assert page.text("activity-title") == "Activity: Tunde Bello"
    entries = page.rows("activity-audit")
    assert [row[1:3] for row in entries if row[2].startswith("task")] == [
        ["Task done", f"task {task.id}"]
    ]


async def test_the_dossier_timeline_pages_with_older_entries(panel_for):
    director = await panel_for(Role.DIRECTOR)
    manager = await make_manager("Tunde Bello")
    client = await Client.create(name="Busy Client", phone="+2348030000002")
    for number in range(60):
        await Interaction.create(
            client=client,
            employee=manager,
            kind=InteractionKind.CALL,
            subject="contact.other",
            summary=f"Call {number}",
            is_private=number == 5,
        )
    page = await director.open(f"/admin/clients/{client.id}")
    rows = page.rows("interactions")
    assert len(rows) == 50
    assert rows[0][3] == "Call 59" and rows[-1][3] == "Call 10"
    assert 'id="older-entries"' in page.html
    older_link = page.html.split('id="older-entries" href="')[1].split('"')[0]
    older = await director.open(older_link.replace("&amp;", "&"))
    rows = older.rows("interactions")
    assert [r[3] for r in rows][:2] == ["Call 9", "Call 8"]
    assert len(rows) == 10
    assert "Private Call 5" in [r[3] for r in rows]
    assert 'id="older-entries"' not in older.html
    assert 'id="newest-entries"' in older.html


async def test_dashboard_tiles_of_the_workspace(panel_for):
    manager = await panel_for(Role.MANAGER, "Tunde Bello")
    now = dt.datetime.now(dt.UTC)
    await Task.create(employee=manager.employee, title="Late call", due_at=now - HOUR)
    await Task.create(employee=await make_manager("Other"), title="Theirs", due_at=now - HOUR)
    client = await Client.create(name="Waiting Client", phone="+2348030000003")
    for n, owner in enumerate((manager.employee, None)):
        # One open chat per client chat: two chats need two identities.
        identity = await ChannelIdentity.create(
            channel=Channel.TELEGRAM, external_id=f"42{n}", client=client
        )
        await RelaySession.create(
            client=client,
            identity=identity,
            channel=Channel.TELEGRAM,
            manager=owner,
            state="active",
            waiting_since=now - HOUR,
        )
    page = await manager.open("/admin/dashboard")
    assert page.text("tile-tasks.overdue") == "Overdue tasks 1"
    assert page.text("tile-relay.waiting") == "Live chats waiting for a reply 1"
    assert 'href="/admin/tasks?state=overdue"' in page.html
    head = await panel_for(Role.HEAD_OF_SALES)
    page = await head.open("/admin/dashboard")
    assert page.text("tile-tasks.overdue") == "Overdue tasks 2"
    assert page.text("tile-relay.waiting") == "Live chats waiting for a reply 2"
