"""Reading the managers' workspace for the panel, the API and the dashboard.

Small additions next to core/services/tasks.py: narrowing a task list by its state and due
period, a person's activity (their audit entries and logged contacts) for those who may see
it, the live chats waiting for an answer in the actor's scope, and the built-in contact
subjects as rows a company can switch off. Scoping always starts from the tasks service and
core/services/teams.py, so a list can only narrow what the actor may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.errors import NotFound
from core.i18n import N_
from core.models import AuditLog, ContactSubject, Employee, Interaction, RelaySession, Task
from core.models.workspace import RelayState
from core.services.access import Actor, Permission
from core.services.clients import visible_interactions
from core.services.interactions import LOGGABLE_SUBJECTS
from core.services.teams import may_see_work_of, sees_everyone, team_ids, work_scope


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    LATE = "late"
    OVERDUE = "overdue"


TASK_STATE_LABELS: dict[str, str] = {
    TaskState.OPEN.value: N_("Open"),
    TaskState.DONE.value: N_("Done"),
    TaskState.LATE.value: N_("Done late"),
    TaskState.OVERDUE.value: N_("Overdue"),
}


def narrow_tasks(
    query: QuerySet[Task],
    now: dt.datetime,
    *,
    state: TaskState | None = None,
    employee_id: int | None = None,
    plan_id: int | None = None,
    due_from: dt.datetime | None = None,
    due_before: dt.datetime | None = None,
) -> QuerySet[Task]:
    """`query` (already scoped by the tasks service) narrowed by what a list filters on."""
    if state is TaskState.OPEN:
        query = query.filter(done_at=None)
    elif state is TaskState.DONE:
        query = query.filter(done_at__not_isnull=True)
    elif state is TaskState.LATE:
        query = query.filter(done_at__not_isnull=True, late=True)
    elif state is TaskState.OVERDUE:
        query = query.filter(done_at=None, due_at__lt=now)
    if employee_id is not None:
        query = query.filter(employee_id=employee_id)
    if plan_id is not None:
        query = query.filter(plan_id=plan_id)
    if due_from is not None:
        query = query.filter(due_at__gte=due_from)
    if due_before is not None:
        query = query.filter(due_at__lt=due_before)
    return query


def task_state(task: Task, now: dt.datetime) -> TaskState:
    if task.done_at is not None:
        return TaskState.LATE if task.late else TaskState.DONE
    return TaskState.OVERDUE if task.due_at < now else TaskState.OPEN


@dataclass(frozen=True, slots=True)
class Activity:
    person: Employee
    audit: list[AuditLog]
    contacts: list[Interaction]


async def person_activity(actor: Actor, employee_id: int, limit: int = 100) -> Activity:
    """What a person did: their audit entries and the contacts they logged.

    Open to the person themselves, and to those who see team activity when the person is
    in their team. Anyone else gets NotFound, the same answer as for no such person, so a
    colleague's page does not even confirm who exists.
    """
    own = actor.employee_id is not None and actor.employee_id == employee_id
    if not own and not (
        actor.can(Permission.VIEW_TEAM_ACTIVITY) and await may_see_work_of(actor, employee_id)
    ):
        raise NotFound()
    person = await Employee.get_or_none(id=employee_id)
    if person is None:
        raise NotFound()
    audit = await AuditLog.filter(employee_id=employee_id).order_by("-id").limit(limit)
    contacts: list[Interaction] = []
    if actor.can(Permission.VIEW_CLIENTS):  # dossier entries, as the actor may read them
        contacts = (
            await visible_interactions(actor)
            .filter(employee_id=employee_id)
            .order_by("-id")
            .limit(limit)
            .prefetch_related("client")
        )
    return Activity(person, audit, contacts)


WAITING_STATES = (RelayState.WAITING, RelayState.ACTIVE)


def waiting_relays(actor: Actor) -> QuerySet[RelaySession]:
    """Live chats where the client's last message has no answer yet, in the actor's scope.

    A manager sees their own chats, a head of sales their team's and the unassigned queue,
    director and admin all of them.
    """
    query = RelaySession.filter(state__in=WAITING_STATES, waiting_since__not_isnull=True)
    if sees_everyone(actor):
        return query
    if actor.can(Permission.VIEW_TEAM_ACTIVITY) and actor.employee_id is not None:
        return query.filter(Q(manager_id__in=team_ids(actor)) | Q(manager_id=None))
    return query.filter(work_scope(actor, "manager_id"))


async def ensure_builtin_subjects() -> None:
    """A row for each built-in contact subject, so the company can order or switch it off.

    Idempotent: missing rows are added, existing ones (maybe switched off) are left alone.
    """
    have = set(
        await ContactSubject.filter(code__in=LOGGABLE_SUBJECTS).values_list("code", flat=True)
    )
    for position, code in enumerate(LOGGABLE_SUBJECTS):
        if code not in have:
            await ContactSubject.get_or_create(code=code, defaults={"position": position * 10})
