"""Plans and tasks over the API: /tasks and /plans.

The same scope as the panel and the bot (core.services.tasks): a key acts with its role but
belongs to no employee, so a manager's key sees no one's tasks, a head of sales' key no team,
and director and admin keys everything. Marking a task done is the assignee's own act: a key
is refused, clearly, rather than answering as if the task did not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_web.api.problems import ApiProblem
from admin_web.api.registry import Call, Operation, page_model
from core.errors import NotFound
from core.i18n import N_
from core.models import Plan, Task, TaskKind
from core.services import tasks
from core.services.access import Permission
from core.services.contacts import RowId, line, text
from core.services.pagination import PageQuery, paginate
from core.services.workspace_queries import TaskState, narrow_tasks

TAG = "Plans and tasks"


class TaskOut(BaseModel):
    """A task: due and done times in UTC; `late` is fixed when it is done."""

    id: int
    plan_id: int | None
    employee_id: int
    client_id: int | None
    kind: TaskKind
    title: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    result: str
    late: bool
    quality: int | None = Field(description="1 to 5, set by management on a done task.")
    quality_comment: str
    created_by_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, task: Task) -> TaskOut:
        return cls(**tasks.task_data(task))


class PlanOut(BaseModel):
    """A plan for one person over a period, with how many of its tasks are done."""

    id: int
    title: str
    employee_id: int
    client_id: int | None
    starts_on: dt.date
    ends_on: dt.date
    created_by_id: int | None
    created_at: dt.datetime
    tasks: int
    tasks_done: int


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # a zone offset past the calendar's first or last day
        raise ValueError("out of range") from None


TaskPage = page_model(TaskOut, "TaskPage")
PlanPage = page_model(PlanOut, "PlanPage")


UtcMoment = Annotated[dt.datetime, AfterValidator(_utc)]


class TaskQuery(PageQuery):
    employee_id: RowId | None = None
    plan_id: RowId | None = None
    state: TaskState | None = Field(
        None,
        description=(
            "`open` not done, `done` done, `late` done after its due time, `overdue` not done "
            "and past its due time."
        ),
    )
    due_after: UtcMoment | None = Field(None, description="Due at or after this time.")
    due_before: UtcMoment | None = Field(None, description="Due before this time.")


class PlanQuery(PageQuery):
    employee_id: RowId | None = None


class TaskCreate(BaseModel):
    """A task to set. Without `employee_id` it is the caller's own, which a key does not have."""

    model_config = ConfigDict(extra="forbid")

    title: line(200, 1)  # type: ignore[valid-type]
    kind: TaskKind = TaskKind.CALL
    due_at: UtcMoment = Field(
        description="When it is due, in UTC unless the time has a zone; not in the past."
    )
    employee_id: RowId | None = None
    client_id: RowId | None = None
    plan_id: RowId | None = None


class DoneBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: text(2000) = ""  # type: ignore[valid-type]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def list_tasks(call: Call) -> BaseModel:
    q: TaskQuery = call.query
    query = narrow_tasks(
        tasks.visible_tasks(call.actor),
        _now(),
        state=q.state,
        employee_id=q.employee_id,
        plan_id=q.plan_id,
        due_from=q.due_after,
        due_before=q.due_before,
    )
    page = await paginate(query, q.limit, q.cursor)
    return TaskPage(items=[TaskOut.of(t) for t in page.items], next_cursor=page.next_cursor)


async def get_task(call: Call) -> BaseModel:
    return TaskOut.of(await tasks.get_task(call.actor, call.ids["task_id"]))


async def create_task(call: Call) -> BaseModel:
    data = tasks.TaskInput(**call.body.model_dump())
    return TaskOut.of(await tasks.create_task(call.actor, data, _now()))


async def complete_task(call: Call) -> BaseModel:
    task = await tasks.get_task(call.actor, call.ids["task_id"])
    if call.actor.employee_id is None or task.employee_id != call.actor.employee_id:  # type: ignore[attr-defined]
        raise ApiProblem(
            "forbidden",
            N_("Only the person the task is given to marks it done; an API key is no one."),
        )
    done = await tasks.complete_task(
        call.actor, task.id, tasks.DoneInput(result=call.body.result), _now()
    )
    return TaskOut.of(done)


async def rate_task(call: Call) -> BaseModel:
    rated = await tasks.rate_task(call.actor, call.ids["task_id"], call.body, _now())
    return TaskOut.of(rated)


async def _plans_out(rows: list[Plan]) -> list[PlanOut]:
    ids = [p.id for p in rows]
    counted: dict[int, list[int]] = {i: [0, 0] for i in ids}
    for plan_id, done_at in await Task.filter(plan_id__in=ids).values_list("plan_id", "done_at"):
        counted[plan_id][0] += 1
        counted[plan_id][1] += done_at is not None
    return [
        PlanOut(**tasks.plan_data(p), tasks=counted[p.id][0], tasks_done=counted[p.id][1])
        for p in rows
    ]


async def list_plans(call: Call) -> BaseModel:
    query = tasks.visible_plans(call.actor)
    if call.query.employee_id is not None:
        query = query.filter(employee_id=call.query.employee_id)
    page = await paginate(query, call.query.limit, call.query.cursor)
    return PlanPage(items=await _plans_out(page.items), next_cursor=page.next_cursor)


async def get_plan(call: Call) -> BaseModel:
    plan = await tasks.visible_plans(call.actor).filter(id=call.ids["plan_id"]).first()
    if plan is None:
        raise NotFound()
    return (await _plans_out([plan]))[0]


async def create_plan(call: Call) -> BaseModel:
    plan = await tasks.create_plan(call.actor, call.body)
    return (await _plans_out([plan]))[0]


OPERATIONS = [
    Operation(
        "GET",
        "/tasks",
        list_tasks,
        Permission.WORK_TASKS,
        "List tasks",
        TAG,
        TaskPage,
        query=TaskQuery,
        description="Newest first. A key sees what its role sees of everyone's: director and "
        "admin keys all tasks, other keys none (they belong to no one).",
    ),
    Operation(
        "POST",
        "/tasks",
        create_task,
        Permission.MANAGE_PLANS,
        "Set a task",
        TAG,
        TaskOut,
        body=TaskCreate,
        status=201,
        description="A due time already past is refused (422). Emits `task.created`.",
    ),
    Operation(
        "GET",
        "/tasks/{task_id}",
        get_task,
        Permission.WORK_TASKS,
        "Get a task",
        TAG,
        TaskOut,
    ),
    Operation(
        "POST",
        "/tasks/{task_id}/done",
        complete_task,
        Permission.WORK_TASKS,
        "Mark a task done",
        TAG,
        TaskOut,
        body=DoneBody,
        description="Only the assignee marks their task done, in the bot or the panel: an "
        "API key belongs to no employee and is refused (403). Emits `task.done`.",
    ),
    Operation(
        "POST",
        "/tasks/{task_id}/rating",
        rate_task,
        Permission.MANAGE_PLANS,
        "Mark the quality of a done task",
        TAG,
        TaskOut,
        body=tasks.RatingInput,
        description="1 to 5 with a comment; a task not done yet is refused (422). "
        "Emits `task.rated`.",
    ),
    Operation(
        "GET",
        "/plans",
        list_plans,
        Permission.WORK_TASKS,
        "List plans",
        TAG,
        PlanPage,
        query=PlanQuery,
    ),
    Operation(
        "POST",
        "/plans",
        create_plan,
        Permission.MANAGE_PLANS,
        "Make a plan for a person",
        TAG,
        PlanOut,
        body=tasks.PlanInput,
        status=201,
        description="Its tasks are set with `POST /tasks` and its `plan_id`. "
        "Emits `plan.created`.",
    ),
    Operation(
        "GET",
        "/plans/{plan_id}",
        get_plan,
        Permission.WORK_TASKS,
        "Get a plan",
        TAG,
        PlanOut,
    ),
]
