"""Plans and tasks: management sets them, managers do them, management marks the quality.

The bot, the panel and the API call these functions with an Actor; who may see or change
which task is decided here once (core/services/teams.py), never in a handler or a view.
Each use case is one transaction with its audit entry and webhook event. Times arrive and
are stored in UTC; "late" is fixed when the task is done, so reports count it in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Avg, Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import N_
from core.models import Employee, Plan, Role, Task, TaskKind
from core.services import audit
from core.services.access import Actor, ActorKind, Permission, require
from core.services.clients import UtcDatetime, visible_clients
from core.services.contacts import RowId, line, text
from core.services.teams import may_see_work_of, work_scope
from core.services.webhooks import PLAN_CREATED, TASK_CREATED, TASK_DONE, TASK_RATED, emit

KIND_LABELS: dict[str, str] = {
    TaskKind.CALL.value: N_("Call"),
    TaskKind.MEETING.value: N_("Meet"),
    TaskKind.OFFER.value: N_("Send an offer"),
    TaskKind.PAYMENT.value: N_("Collect payment"),
    TaskKind.OTHER.value: N_("Other"),
}

# Who may be given work: the people whose day the bot plans.
ASSIGNABLE_ROLES = (Role.MANAGER, Role.HEAD_OF_SALES)


class TaskInput(BaseModel):
    """One task. `employee_id` empty means the person setting it does it."""

    model_config = ConfigDict(extra="forbid")

    title: line(200, 1)  # type: ignore[valid-type]
    kind: TaskKind = TaskKind.CALL
    due_at: UtcDatetime = Field(description="When it is due, in UTC unless the time has a zone.")
    employee_id: RowId | None = None
    client_id: RowId | None = None
    plan_id: RowId | None = None


class PlanInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: line(200, 1)  # type: ignore[valid-type]
    employee_id: RowId
    client_id: RowId | None = None
    starts_on: dt.date
    ends_on: dt.date


class DoneInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: text(2000) = ""  # type: ignore[valid-type]


class RatingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quality: int = Field(ge=1, le=5)
    comment: text(2000) = ""  # type: ignore[valid-type]


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    """A manager's own tasks, a head's team's, everyone's for director and admin."""
    if not (actor.can(Permission.WORK_TASKS) or actor.can(Permission.MANAGE_PLANS)):
        raise PermissionDenied()
    return Task.filter(work_scope(actor))


def visible_plans(actor: Actor) -> QuerySet[Plan]:
    if not (actor.can(Permission.WORK_TASKS) or actor.can(Permission.MANAGE_PLANS)):
        raise PermissionDenied()
    return Plan.filter(work_scope(actor))


async def assignable_people(actor: Actor) -> list[Employee]:
    """Whom `actor` may give work to: their team (a head), everyone (management), or self."""
    people = Employee.filter(is_active=True, role__in=ASSIGNABLE_ROLES).filter(
        work_scope(actor, "id")
    )
    return list(await people.order_by("name", "id"))


async def _check_assignee(actor: Actor, employee_id: int, conn: BaseDBAsyncClient) -> None:
    if employee_id == actor.employee_id:
        return
    require(actor, Permission.MANAGE_PLANS)
    person = await Employee.filter(id=employee_id, is_active=True).using_db(conn).first()
    if person is None or not await may_see_work_of(actor, employee_id):
        raise InvalidInput("employee_id", N_("Choose someone from your team."))


async def _check_client(
    actor: Actor, client_id: int | None, employee_id: int, conn: BaseDBAsyncClient
) -> None:
    """The client must be one both the setter and the doer may see: a task must not show a
    manager a colleague's client."""
    if client_id is None:
        return
    doer = await Employee.get(id=employee_id).using_db(conn)
    as_doer = Actor(
        kind=ActorKind.STAFF, language=doer.language, employee_id=doer.id, role=doer.role
    )
    for person in (actor, as_doer):
        if not await visible_clients(person).filter(id=client_id).using_db(conn).exists():
            raise InvalidInput("client_id", N_("There is no such client among yours."))


def task_data(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "plan_id": task.plan_id,  # type: ignore[attr-defined]
        "employee_id": task.employee_id,  # type: ignore[attr-defined]
        "client_id": task.client_id,  # type: ignore[attr-defined]
        "kind": task.kind,
        "title": task.title,
        "due_at": task.due_at,
        "done_at": task.done_at,
        "result": task.result,
        "late": task.late,
        "quality": task.quality,
        "quality_comment": task.quality_comment,
        "created_by_id": task.created_by_id,  # type: ignore[attr-defined]
        "created_at": task.created_at,
    }


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "employee_id": plan.employee_id,  # type: ignore[attr-defined]
        "client_id": plan.client_id,  # type: ignore[attr-defined]
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "created_by_id": plan.created_by_id,  # type: ignore[attr-defined]
        "created_at": plan.created_at,
    }


async def create_task(
    actor: Actor,
    data: TaskInput,
    now: dt.datetime,
    *,
    connection: BaseDBAsyncClient | None = None,
) -> Task:
    """Set a task; a due time already past is refused, so the person is asked again."""
    require(actor, Permission.WORK_TASKS)
    if data.due_at < now:
        raise InvalidInput("due_at", N_("This time has already passed. Choose a later one."))
    if connection is None:
        async with in_transaction() as conn:
            return await create_task(actor, data, now, connection=conn)
    conn = connection
    employee_id = data.employee_id or actor.employee_id
    if employee_id is None:
        raise InvalidInput("employee_id", N_("Choose who does it."))
    await _check_assignee(actor, employee_id, conn)
    await _check_client(actor, data.client_id, employee_id, conn)
    if data.plan_id is not None:
        plan = await visible_plans(actor).filter(id=data.plan_id).using_db(conn).first()
        if plan is None:
            raise InvalidInput("plan_id", N_("There is no such plan."))
        require(actor, Permission.MANAGE_PLANS)
    task = await Task.create(
        plan_id=data.plan_id,
        employee_id=employee_id,
        client_id=data.client_id,
        kind=data.kind,
        title=data.title,
        due_at=data.due_at,
        created_by_id=actor.employee_id,
        using_db=conn,
    )
    await audit.record(
        actor, "task.created", "task", task.id, data.model_dump(mode="json"), connection=conn
    )
    await emit(TASK_CREATED, task_data(task), connection=conn)
    return task


async def create_plan(actor: Actor, data: PlanInput) -> Plan:
    require(actor, Permission.MANAGE_PLANS)
    if data.ends_on < data.starts_on:
        raise InvalidInput("ends_on", N_("The plan must end on or after its first day."))
    async with in_transaction() as conn:
        await _check_assignee(actor, data.employee_id, conn)
        await _check_client(actor, data.client_id, data.employee_id, conn)
        plan = await Plan.create(
            **data.model_dump(), created_by_id=actor.employee_id, using_db=conn
        )
        await audit.record(
            actor, "plan.created", "plan", plan.id, data.model_dump(mode="json"), connection=conn
        )
        await emit(PLAN_CREATED, plan_data(plan), connection=conn)
    return plan


async def _own_open_task(actor: Actor, task_id: int, conn: BaseDBAsyncClient) -> Task:
    task = (
        await Task.filter(id=task_id, employee_id=actor.employee_id or 0)
        .select_for_update()
        .using_db(conn)
        .first()
    )
    if task is None:
        raise NotFound()
    if task.done_at is not None:
        raise InvalidInput("task", N_("This task is already done."))
    return task


async def complete_task(actor: Actor, task_id: int, data: DoneInput, now: dt.datetime) -> Task:
    """The assignee marks their task done with a result; lateness is fixed now."""
    require(actor, Permission.WORK_TASKS)
    async with in_transaction() as conn:
        task = await _own_open_task(actor, task_id, conn)
        task.done_at = now
        task.result = data.result
        task.late = now > task.due_at
        await task.save(update_fields=["done_at", "result", "late"], using_db=conn)
        await audit.record(
            actor,
            "task.done",
            "task",
            task.id,
            {"result": data.result, "late": task.late},
            connection=conn,
        )
        await emit(TASK_DONE, task_data(task), connection=conn)
    return task


async def rate_task(actor: Actor, task_id: int, data: RatingInput, now: dt.datetime) -> Task:
    """Management marks the quality of a done task in their scope (not their own)."""
    require(actor, Permission.MANAGE_PLANS)
    async with in_transaction() as conn:
        task = (
            await visible_tasks(actor)
            .filter(id=task_id)
            .exclude(employee_id=actor.employee_id or 0)
            .select_for_update()
            .using_db(conn)
            .first()
        )
        if task is None:
            raise NotFound()
        if task.done_at is None:
            raise InvalidInput("quality", N_("Only a done task can be marked."))
        before = {"quality": task.quality, "comment": task.quality_comment}
        task.quality = data.quality
        task.quality_comment = data.comment
        task.rated_by_id = actor.employee_id
        task.rated_at = now
        await task.save(
            update_fields=["quality", "quality_comment", "rated_by_id", "rated_at"], using_db=conn
        )
        await audit.record(
            actor,
            "task.rated",
            "task",
            task.id,
            audit.changes(before, {"quality": data.quality, "comment": data.comment}),
            connection=conn,
        )
        await emit(TASK_RATED, task_data(task), connection=conn)
    return task


async def get_task(actor: Actor, task_id: int) -> Task:
    task = (
        await visible_tasks(actor)
        .filter(id=task_id)
        .prefetch_related("employee", "client", "plan", "rated_by")
        .first()
    )
    if task is None:
        raise NotFound()
    return task


async def get_plan(actor: Actor, plan_id: int) -> Plan:
    plan = await visible_plans(actor).filter(id=plan_id).prefetch_related("employee", "client")
    if not plan:
        raise NotFound()
    return plan[0]


def open_tasks(actor: Actor) -> QuerySet[Task]:
    """The actor's own tasks not yet done, soonest first."""
    return Task.filter(employee_id=actor.employee_id or 0, done_at=None).order_by("due_at", "id")


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """Plan against done for one person over a period: what management compares."""

    employee_id: int
    name: str
    planned: int
    done: int
    late: int
    overdue: int
    quality: float | None


async def plan_vs_done(
    actor: Actor, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[PlanFigures]:
    """Tasks due in [start, end) per person in the actor's scope, counted in SQL."""
    people = await Employee.filter(
        work_scope(actor, "id"), role__in=ASSIGNABLE_ROLES, is_active=True
    ).order_by("name", "id")
    rows = (
        await Task.filter(work_scope(actor), due_at__gte=start, due_at__lt=end)
        .annotate(
            n_planned=Count("id"),
            n_done=Count("id", _filter=Q(done_at__not_isnull=True)),
            n_late=Count("id", _filter=Q(late=True)),
            n_overdue=Count("id", _filter=Q(done_at=None, due_at__lt=now)),
            avg_quality=Avg("quality"),
        )
        .group_by("employee_id")
        .values("employee_id", "n_planned", "n_done", "n_late", "n_overdue", "avg_quality")
    )
    counted = {r["employee_id"]: r for r in rows}
    figures = []
    for person in people:
        r = counted.get(person.id, {})
        quality = r.get("avg_quality")
        figures.append(
            PlanFigures(
                person.id,
                person.name,
                r.get("n_planned", 0),
                r.get("n_done", 0),
                r.get("n_late", 0),
                r.get("n_overdue", 0),
                round(float(quality), 2) if quality is not None else None,
            )
        )
    return figures
