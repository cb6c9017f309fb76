"""Plans and tasks in the panel: management sets them, managers mark them done, management
marks their quality and compares plan against done.

Every page reads and writes through core.services.tasks with the signed-in Actor, so a
manager sees only their own plans and tasks, a head of sales their team's, and director and
admin everyone's; an id out of scope is a 404, the same as an id that does not exist. Due
times are typed and shown in the company's time zone and stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, ValidationError
from tortoise.expressions import Q
from tortoise.functions import Count

from admin_web.api.validation import field_errors
from admin_web.auth import ACTOR
from admin_web.keys import CLOCK
from admin_web.params import as_id, path_id
from admin_web.routing import get, post
from core.errors import InvalidInput, NotFound
from core.i18n import N_, _
from core.models import Plan, Task, TaskKind
from core.services.access import Actor, Permission
from core.services.clients import visible_clients
from core.services.company import current_company, zone_of
from core.services.tasks import (
    KIND_LABELS,
    DoneInput,
    PlanInput,
    RatingInput,
    TaskInput,
    assignable_people,
    complete_task,
    create_plan,
    create_task,
    get_plan,
    get_task,
    plan_vs_done,
    rate_task,
    visible_plans,
    visible_tasks,
)
from core.services.workspace_queries import (
    TASK_STATE_LABELS,
    TaskState,
    narrow_tasks,
    task_state,
)

PAGE_SIZE = 50
CLIENT_CHOICES = 500
DONE_MESSAGES = {
    "plan": N_("The plan is saved. Add its tasks below."),
    "task": N_("The task is set."),
    "done": N_("The task is marked done."),
    "rated": N_("The quality mark is saved."),
}
PERIODS = {
    "week": N_("This week"),
    "month": N_("This month"),
    "custom": N_("From–to"),
}


def _now(request: web.Request) -> dt.datetime:
    clock = request.config_dict.get(CLOCK)
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


async def _zone() -> ZoneInfo:
    return zone_of(await current_company())


def _day(raw: object) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, zone).astimezone(dt.UTC)


def local_moment(raw: object, zone: ZoneInfo) -> dt.datetime:
    """A date and time typed in the company's zone (as a datetime-local input sends it), in
    UTC; InvalidInput when it is not one."""
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("due_at", N_("This field is required."))
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
        raise InvalidInput("due_at", N_("Enter a date and time like 2026-12-31 09:00."))
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


def _local_input(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """The service's input model, or InvalidInput for its first wrong field."""
    try:
        return model(**data)
    except ValidationError as exc:
        where, message = (field_errors(exc) or [("title", _("Check this value."))])[0]
        raise InvalidInput(where.split(".")[0], message) from None


def _message(exc: InvalidInput) -> str:
    return _(exc.msgid, **exc.params)


async def _people(actor: Actor) -> list[tuple[int, str]]:
    """Whom the actor may give work to (and whose plans and tasks a list can filter on)."""
    return [(p.id, p.name) for p in await assignable_people(actor)]


async def _clients(actor: Actor) -> list[tuple[int, str]]:
    rows = (
        await visible_clients(actor)
        .order_by("name")
        .limit(CLIENT_CHOICES)
        .values_list("id", "name")
    )
    return [(i, n) for i, n in rows]


def _kinds() -> list[tuple[str, str]]:
    return [(kind.value, _(KIND_LABELS[kind.value])) for kind in TaskKind]


# ---- plans -----------------------------------------------------------------------------


async def plans_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    person = as_id(request.query.get("person"))
    query = visible_plans(actor)
    if person is not None:
        query = query.filter(employee_id=person)
    page = max(1, min(as_id(request.query.get("page")) or 1, 100_000))
    total = await query.count()
    plans = (
        await query.annotate(
            n_tasks=Count("tasks"),
            n_done=Count("tasks", _filter=Q(tasks__done_at__not_isnull=True)),
        )
        .order_by("-starts_on", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .prefetch_related("employee", "client")
    )
    context = {
        "plans": plans,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "people": await _people(actor),
        "person": person,
        "can_plan": actor.can(Permission.MANAGE_PLANS),
        "query_without_page": urlencode({"person": person} if person else {}),
    }
    return aiohttp_jinja2.render_template("plans_list.html", request, context)


async def _plan_form(
    request: web.Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    context = {
        "values": values,
        "errors": errors,
        "people": await _people(actor),
        "clients": await _clients(actor),
    }
    return aiohttp_jinja2.render_template("plan_form.html", request, context, status=status)


async def plan_new(request: web.Request) -> web.StreamResponse:
    today = dt.datetime.now(await _zone()).date()
    person = request.query.get("person", "")
    values = {
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=6)).isoformat(),
        "employee_id": person,
    }
    return await _plan_form(request, values, {})


async def plan_create(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    values = {k: str(form.get(k, "")).strip() for k in PLAN_FIELDS}
    try:
        data = _validated(
            PlanInput,
            {
                "title": values["title"],
                "employee_id": _id_or_raise(values["employee_id"], "employee_id"),
                "client_id": as_id(values["client_id"]),
                "starts_on": _day_or_raise(values["starts_on"], "starts_on"),
                "ends_on": _day_or_raise(values["ends_on"], "ends_on"),
            },
        )
        plan = await create_plan(actor, data)
    except InvalidInput as exc:
        return await _plan_form(request, values, {exc.field: _message(exc)}, status=422)
    raise web.HTTPFound(f"/admin/plans/{plan.id}?done=plan")


PLAN_FIELDS = ("title", "employee_id", "client_id", "starts_on", "ends_on")
TASK_FIELDS = ("title", "kind", "due_at", "employee_id", "client_id")


def _id_or_raise(raw: str, field: str) -> int:
    found = as_id(raw)
    if found is None:
        raise InvalidInput(field, N_("Pick from the list."))
    return found


def _day_or_raise(raw: str, field: str) -> dt.date:
    found = _day(raw)
    if found is None:
        raise InvalidInput(field, N_("Enter a date like 2026-12-31."))
    return found


async def _plan_page(
    request: web.Request,
    plan: Plan,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = await _zone()
    now = _now(request)
    tasks = (
        await visible_tasks(actor)
        .filter(plan_id=plan.id)
        .order_by("due_at", "id")
        .prefetch_related("employee", "client")
    )
    can_plan = actor.can(Permission.MANAGE_PLANS)
    context = {
        "plan": plan,
        "tasks": [(t, task_state(t, now)) for t in tasks],
        "state_labels": TASK_STATE_LABELS,
        "kind_labels": KIND_LABELS,
        "can_plan": can_plan,
        "kinds": _kinds(),
        "people": await _people(actor) if can_plan else [],
        "clients": await _clients(actor) if can_plan else [],
        "values": values
        or {
            "employee_id": str(plan.employee_id),  # type: ignore[attr-defined]
            "client_id": str(plan.client_id or ""),  # type: ignore[attr-defined]
            "kind": TaskKind.CALL.value,
            "due_at": "",
        },
        "errors": errors or {},
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "zone": zone,
    }
    return aiohttp_jinja2.render_template("plan.html", request, context, status=status)


async def plan_page(request: web.Request) -> web.StreamResponse:
    plan = await get_plan(request[ACTOR], path_id(request))
    return await _plan_page(request, plan)


async def _task_from_form(
    actor: Actor, form: Any, zone: ZoneInfo, now: dt.datetime, plan_id: int | None
) -> Task:
    data = _validated(
        TaskInput,
        {
            "title": str(form.get("title", "")),
            "kind": str(form.get("kind", "") or TaskKind.CALL.value),
            "due_at": local_moment(form.get("due_at"), zone),
            "employee_id": as_id(form.get("employee_id")),
            "client_id": as_id(form.get("client_id")),
            "plan_id": plan_id,
        },
    )
    return await create_task(actor, data, now)


async def plan_add_task(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    plan = await get_plan(actor, path_id(request))
    form = await request.post()
    try:
        await _task_from_form(actor, form, await _zone(), _now(request), plan.id)
    except InvalidInput as exc:
        values = {k: str(form.get(k, "")) for k in TASK_FIELDS}
        return await _plan_page(request, plan, values, {exc.field: _message(exc)}, 422)
    raise web.HTTPFound(f"/admin/plans/{plan.id}?done=task")


# ---- tasks -----------------------------------------------------------------------------


async def tasks_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = await _zone()
    now = _now(request)
    params = request.query
    try:
        state: TaskState | None = TaskState(params.get("state", ""))
    except ValueError:
        state = None
    person = as_id(params.get("person"))
    due_from, due_to = _day(params.get("due_from")), _day(params.get("due_to"))
    query = narrow_tasks(
        visible_tasks(actor),
        now,
        state=state,
        employee_id=person,
        due_from=_day_start(due_from, zone) if due_from else None,
        due_before=_day_start(due_to + dt.timedelta(days=1), zone) if due_to else None,
    )
    page = max(1, min(as_id(params.get("page")) or 1, 100_000))
    total = await query.count()
    tasks = (
        await query.order_by("due_at", "id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .prefetch_related("employee", "client", "plan")
    )
    chosen = {
        "person": person,
        "state": state.value if state else "",
        "due_from": due_from.isoformat() if due_from else "",
        "due_to": due_to.isoformat() if due_to else "",
    }
    context = {
        "tasks": [(t, task_state(t, now)) for t in tasks],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "people": await _people(actor),
        "chosen": chosen,
        "state_labels": TASK_STATE_LABELS,
        "kind_labels": KIND_LABELS,
        "query_without_page": urlencode({k: v for k, v in chosen.items() if v}),
    }
    return aiohttp_jinja2.render_template("tasks_list.html", request, context)


async def _task_new_form(
    request: web.Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    context = {
        "values": values,
        "errors": errors,
        "kinds": _kinds(),
        "people": await _people(actor),
        "clients": await _clients(actor),
    }
    return aiohttp_jinja2.render_template("task_new.html", request, context, status=status)


async def task_new(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    values = {"employee_id": str(actor.employee_id or ""), "kind": TaskKind.CALL.value}
    return await _task_new_form(request, values, {})


async def task_create(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    try:
        task = await _task_from_form(actor, form, await _zone(), _now(request), None)
    except InvalidInput as exc:
        values = {k: str(form.get(k, "")) for k in TASK_FIELDS}
        return await _task_new_form(request, values, {exc.field: _message(exc)}, 422)
    raise web.HTTPFound(f"/admin/tasks/{task.id}?done=task")


async def _task_page(
    request: web.Request, task: Task, errors: dict[str, str] | None = None, status: int = 200
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    now = _now(request)
    own = task.employee_id == actor.employee_id  # type: ignore[attr-defined]
    context = {
        "task": task,
        "state": task_state(task, now),
        "state_labels": TASK_STATE_LABELS,
        "kind_labels": KIND_LABELS,
        "may_complete": own and task.done_at is None,
        "may_rate": actor.can(Permission.MANAGE_PLANS) and not own and task.done_at is not None,
        "errors": errors or {},
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
    }
    return aiohttp_jinja2.render_template("task.html", request, context, status=status)


async def task_page(request: web.Request) -> web.StreamResponse:
    task = await get_task(request[ACTOR], path_id(request))
    return await _task_page(request, task)


async def task_done(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    task = await get_task(actor, path_id(request))
    form = await request.post()
    try:
        data = _validated(DoneInput, {"result": str(form.get("result", "")).strip()})
        await complete_task(actor, task.id, data, _now(request))
    except InvalidInput as exc:
        return await _task_page(request, task, {exc.field: _message(exc)}, 422)
    except NotFound:  # someone else's task: seen by a head, done only by its assignee
        raise web.HTTPForbidden() from None
    raise web.HTTPFound(f"/admin/tasks/{task.id}?done=done")


async def task_rate(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    task = await get_task(actor, path_id(request))
    form = await request.post()
    try:
        quality = as_id(form.get("quality"))
        if quality is None or quality > 5:
            raise InvalidInput("quality", N_("Choose a mark from 1 to 5."))
        data = _validated(
            RatingInput, {"quality": quality, "comment": str(form.get("comment", "")).strip()}
        )
        await rate_task(actor, task.id, data, _now(request))
    except InvalidInput as exc:
        return await _task_page(request, task, {exc.field: _message(exc)}, 422)
    except NotFound:  # one's own task: marked by someone above
        raise web.HTTPForbidden() from None
    raise web.HTTPFound(f"/admin/tasks/{task.id}?done=rated")


# ---- plan against done -----------------------------------------------------------------


def period_bounds(
    period: str, today: dt.date, since: dt.date | None, until: dt.date | None
) -> tuple[str, dt.date, dt.date]:
    """The chosen period as (name, first day, last day), company-zone days."""
    if period == "custom" and since and until and since <= until:
        return period, since, until
    if period == "month":
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return period, first, following - dt.timedelta(days=1)
    monday = today - dt.timedelta(days=today.weekday())
    return "week", monday, monday + dt.timedelta(days=6)


async def report_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = await _zone()
    now = _now(request)
    params = request.query
    period, first, last = period_bounds(
        params.get("period", "week"),
        now.astimezone(zone).date(),
        _day(params.get("from")),
        _day(params.get("to")),
    )
    figures = await plan_vs_done(
        actor, _day_start(first, zone), _day_start(last + dt.timedelta(days=1), zone), now
    )
    context = {
        "figures": figures,
        "period": period,
        "periods": PERIODS,
        "first": first,
        "last": last,
        "custom_error": params.get("period") == "custom"
        and (first, last)
        != (
            _day(params.get("from")),
            _day(params.get("to")),
        ),
        "can_see_activity": actor.can(Permission.VIEW_TEAM_ACTIVITY),
    }
    return aiohttp_jinja2.render_template("plan_report.html", request, context)


ROUTES = [
    get("/plans", plans_page, "plans", Permission.WORK_TASKS),
    get("/plans/report", report_page, "plans.report", Permission.MANAGE_PLANS),
    get("/plans/new", plan_new, "plans.new", Permission.MANAGE_PLANS),
    post("/plans/new", plan_create, "plans.create", Permission.MANAGE_PLANS),
    get(r"/plans/{item_id:\d+}", plan_page, "plans.view", Permission.WORK_TASKS),
    post(r"/plans/{item_id:\d+}/tasks", plan_add_task, "plans.add_task", Permission.MANAGE_PLANS),
    get("/tasks", tasks_page, "tasks", Permission.WORK_TASKS),
    get("/tasks/new", task_new, "tasks.new", Permission.WORK_TASKS),
    post("/tasks/new", task_create, "tasks.create", Permission.WORK_TASKS),
    get(r"/tasks/{item_id:\d+}", task_page, "tasks.view", Permission.WORK_TASKS),
    post(r"/tasks/{item_id:\d+}/done", task_done, "tasks.done", Permission.WORK_TASKS),
    post(r"/tasks/{item_id:\d+}/rating", task_rate, "tasks.rate", Permission.MANAGE_PLANS),
]
