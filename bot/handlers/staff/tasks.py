"""Today, My plan and tasks in the staff bot.

Today gathers what a manager has to do now: tasks due today and overdue, requests waiting
for a person, and clients whose open request has gone quiet. My plan lists the open tasks;
a tap opens one, Done asks for the result. Management also sets tasks for their team here.
All of it goes through core/services/tasks.py and workday.py, so the scope is the panel's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ValidationError

from bot.filters.audience import IsStaff
from bot.handlers.staff.clients import say_found
from bot.keyboards.callbacks import (
    AssignCb,
    AssignStep,
    DeskAction,
    DeskCb,
    DueChoice,
    StaffCb,
    StaffItem,
    TaskAction,
    TaskCb,
)
from bot.keyboards.staff import staff_menu
from bot.replies import say
from bot.states import StaffTasks
from core.config import Settings
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import _, format_datetime, gettext
from core.models import Client, Employee, Task
from core.ports import Clock
from core.services import tasks as task_service
from core.services.access import Actor, Permission
from core.services.cargo_input import parse_day
from core.services.company import current_company, zone_of
from core.services.contacts import MAX_ID
from core.services.staff import set_my_workday
from core.services.tasks import DoneInput, RatingInput, TaskInput
from core.services.workday import day_bounds, due_on, today

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

SHOWN = 10
LINE_CHARS = 160
TITLE_MAX = 200


def task_line(task: Task, zone: ZoneInfo) -> str:
    kind = gettext(task_service.KIND_LABELS[task.kind])
    parts = [format_datetime(task.due_at, zone), kind, task.title]
    client = task.client  # type: ignore[attr-defined]
    if client is not None:
        parts.append(client.name)
    return " · ".join(parts)


def _capped(lines: list[str]) -> list[str]:
    """A section of Today short enough for one chat message; the rest is in My plan."""
    shown = [line[:LINE_CHARS] for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append(_("…and {n} more in My plan.", n=len(lines) - SHOWN))
    return shown


def _tasks_keyboard(items: list[Task], zone: ZoneInfo) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for task in items:
        builder.button(
            text=task_line(task, zone)[:60],
            callback_data=TaskCb(action=TaskAction.SHOW, task=task.id),
        )
    return builder


def _menu_button(builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup:
    builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))
    builder.adjust(1)
    return builder.as_markup()


async def _zone() -> tuple[ZoneInfo, str | None]:
    company = await current_company()
    return zone_of(company), company.work_ends


@router.callback_query(StaffCb.filter(F.item == StaffItem.TODAY))
async def on_today(
    callback: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.clear()
    if not actor.can(Permission.WORK_TASKS):
        await say(bot, callback, _("Tasks are not part of your role."), reply_markup=staff_menu())
        return
    zone, _ends = await _zone()
    day = await today(actor, clock.now(), zone, settings.stale_request_days)
    lines = [_("Today")]
    lines += ["", _("Due today: {n}", n=len(day.due_today))]
    lines += _capped([task_line(t, zone) for t in day.due_today])
    lines += ["", _("Overdue: {n}", n=len(day.overdue))]
    lines += _capped([task_line(t, zone) for t in day.overdue])
    if actor.can(Permission.MAKE_QUOTES):
        lines += ["", _("Requests waiting for a manager: {n}", n=day.waiting_count)]
        lines += [
            f"#{r.id} {r.client.name}: {r.origin_text} → {r.destination_text}"  # type: ignore[attr-defined]
            for r in day.waiting
        ]
        lines += ["", _("Clients to call back: {n}", n=len(day.call_back))]
        lines += [
            f"{r.client.name} · #{r.id} {r.origin_text} → {r.destination_text}"  # type: ignore[attr-defined]
            for r in day.call_back
        ]
    builder = _tasks_keyboard((day.overdue + day.due_today)[:SHOWN], zone)
    for request in day.waiting[:3]:
        label = f"#{request.id} {request.client.name}"  # type: ignore[attr-defined]
        builder.button(
            text=label[:60], callback_data=DeskCb(action=DeskAction.OPEN, request=request.id)
        )
    await say(bot, callback, "\n".join(lines), reply_markup=_menu_button(builder))


@router.callback_query(StaffCb.filter(F.item == StaffItem.PLAN))
async def on_plan(
    callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    if not actor.can(Permission.WORK_TASKS):
        await say(bot, callback, _("Tasks are not part of your role."), reply_markup=staff_menu())
        return
    zone, _ends = await _zone()
    items = await task_service.open_tasks(actor).prefetch_related("client").limit(SHOWN + 1)
    lines = [_("My plan: open tasks")]
    lines += [task_line(t, zone) for t in items[:SHOWN]] or [_("No open tasks.")]
    if len(items) > SHOWN:
        lines.append(_("More in the web panel."))
    builder = _tasks_keyboard(list(items[:SHOWN]), zone)
    me = await Employee.get(id=actor.employee_id)
    lines += [
        "",
        _("Daily reminder at {time}.", time=me.reminder_time),
        _("Live chats: you are on duty.") if me.on_duty else _("Live chats: you are off duty."),
    ]
    builder.button(
        text=_("Change reminder time"), callback_data=AssignCb(step=AssignStep.REMIND_AT)
    )
    builder.button(
        text=_("Go off duty") if me.on_duty else _("Go on duty"),
        callback_data=AssignCb(step=AssignStep.DUTY, value="0" if me.on_duty else "1"),
    )
    if actor.can(Permission.MANAGE_PLANS):
        builder.button(
            text=_("Set a task for my team"), callback_data=AssignCb(step=AssignStep.START)
        )
        builder.button(
            text=_("Team: plan against done this week"),
            callback_data=AssignCb(step=AssignStep.FIGURES),
        )
        builder.button(
            text=_("Mark the quality of done tasks"),
            callback_data=AssignCb(step=AssignStep.TO_RATE),
        )
    await say(bot, callback, "\n".join(lines), reply_markup=_menu_button(builder))


@router.callback_query(TaskCb.filter(F.action == TaskAction.SHOW))
async def on_task(callback: CallbackQuery, callback_data: TaskCb, bot: Bot, actor: Actor) -> None:
    try:
        if not 0 < callback_data.task <= MAX_ID:
            raise NotFound()
        task = await task_service.get_task(actor, callback_data.task)
    except (NotFound, PermissionDenied):
        await say(
            bot, callback, _("Sorry, this task is not among yours."), reply_markup=staff_menu()
        )
        return
    zone, _ends = await _zone()
    lines = [task_line(task, zone)]
    plan = task.plan  # type: ignore[attr-defined]
    if plan is not None:
        lines.append(_("Plan: {title}", title=plan.title))
    builder = InlineKeyboardBuilder()
    if task.done_at is not None:
        lines.append(
            _(
                "Done {when}: {result}",
                when=format_datetime(task.done_at, zone),
                result=task.result or "—",
            )
        )
        if task.quality is not None:
            lines.append(
                _(
                    "Quality: {mark} of 5. {comment}",
                    mark=task.quality,
                    comment=task.quality_comment,
                )
            )
        elif actor.can(Permission.MANAGE_PLANS) and task.employee_id != actor.employee_id:  # type: ignore[attr-defined]
            lines.append(_("Mark the quality of this work, 1 to 5:"))
            for mark in range(1, 6):
                builder.button(
                    text=str(mark),
                    callback_data=TaskCb(action=TaskAction.RATE, task=task.id, mark=mark),
                )
            builder.adjust(5)
    elif task.employee_id == actor.employee_id:  # type: ignore[attr-defined]
        builder.button(text=_("Done"), callback_data=TaskCb(action=TaskAction.DONE, task=task.id))
    await say(bot, callback, "\n".join(lines), reply_markup=_menu_button(builder))


@router.callback_query(TaskCb.filter(F.action == TaskAction.RATE))
async def on_rate(
    callback: CallbackQuery, callback_data: TaskCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    if (
        not actor.can(Permission.MANAGE_PLANS)
        or not 1 <= callback_data.mark <= 5
        or not 0 < callback_data.task <= MAX_ID
    ):
        await callback.answer()
        return
    await state.set_state(StaffTasks.comment)
    await state.update_data(task=callback_data.task, mark=callback_data.mark)
    await say(bot, callback, _("A comment with the mark? One line, or a dash:"))


@router.message(StaffTasks.comment, F.text)
async def on_comment(
    message: Message, bot: Bot, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    comment = message.text.strip()
    await state.clear()
    try:
        task = await task_service.rate_task(
            actor,
            int(data.get("task", 0)),
            RatingInput(
                quality=int(data.get("mark", 0)), comment="" if comment == "-" else comment[:2000]
            ),
            clock.now(),
        )
    except (NotFound, PermissionDenied, ValidationError):
        await say(
            bot, message, _("Sorry, this task is not among yours."), reply_markup=staff_menu()
        )
        return
    except InvalidInput as error:
        await say(bot, message, _(error.msgid, **error.params), reply_markup=staff_menu())
        return
    await say(bot, message, _("Marked {mark} of 5.", mark=task.quality), reply_markup=staff_menu())


@router.callback_query(AssignCb.filter(F.step == AssignStep.TO_RATE))
async def on_to_rate(callback: CallbackQuery, bot: Bot, actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_PLANS):
        await callback.answer()
        return
    zone, _ends = await _zone()
    done = await (
        task_service.visible_tasks(actor)
        .filter(done_at__not_isnull=True, quality=None)
        .exclude(employee_id=actor.employee_id or 0)
        .prefetch_related("client", "employee")
        .order_by("-done_at", "-id")
        .limit(SHOWN)
    )
    lines = [_("Done by your team, waiting for a quality mark:")]
    lines += [f"{t.employee.name}: {task_line(t, zone)}" for t in done] or [_("Nothing to mark.")]  # type: ignore[attr-defined]
    await say(
        bot,
        callback,
        "\n".join(lines),
        reply_markup=_menu_button(_tasks_keyboard(list(done), zone)),
    )


@router.callback_query(TaskCb.filter(F.action == TaskAction.DONE))
async def on_done(
    callback: CallbackQuery, callback_data: TaskCb, bot: Bot, state: FSMContext
) -> None:
    if not 0 < callback_data.task <= MAX_ID:
        await callback.answer()
        return
    await state.set_state(StaffTasks.result)
    await state.update_data(task=callback_data.task)
    await say(bot, callback, _("What came of it? One line (or a dash if nothing to add):"))


@router.message(StaffTasks.result, F.text)
async def on_result(
    message: Message, bot: Bot, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    task_id = int((await state.get_data()).get("task", 0))
    result = message.text.strip()
    try:
        task = await task_service.complete_task(
            actor, task_id, DoneInput(result="" if result == "-" else result[:2000]), clock.now()
        )
    except (NotFound, PermissionDenied):
        await state.clear()
        await say(
            bot, message, _("Sorry, this task is not among yours."), reply_markup=staff_menu()
        )
        return
    except InvalidInput as error:
        await state.clear()
        await say(bot, message, _(error.msgid, **error.params), reply_markup=staff_menu())
        return
    await state.clear()
    text = _("Done, later than it was due.") if task.late else _("Done. Well done!")
    await say(bot, message, text, reply_markup=staff_menu())


REMINDER_CHOICES = ("07:30", "08:00", "09:00", "10:00")


@router.callback_query(AssignCb.filter(F.step == AssignStep.REMIND_AT))
async def on_remind_at(
    callback: CallbackQuery, callback_data: AssignCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    if callback_data.value:
        value = callback_data.value
        await _save_reminder_time(bot, callback, state, actor, f"{value[:2]}:{value[2:]}")
        return
    builder = InlineKeyboardBuilder()
    for choice in REMINDER_CHOICES:
        # ":" separates callback fields, so the button carries 0730 for 07:30.
        packed = choice.replace(":", "")
        builder.button(
            text=choice, callback_data=AssignCb(step=AssignStep.REMIND_AT, value=packed)
        )
    builder.adjust(4)
    await state.set_state(StaffTasks.remind_at)
    await say(
        bot,
        callback,
        _("When should the daily reminder come? Pick or type a time like 08:30:"),
        reply_markup=builder.as_markup(),
    )


@router.message(StaffTasks.remind_at, F.text)
async def on_remind_typed(message: Message, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await _save_reminder_time(bot, message, state, actor, message.text)


async def _save_reminder_time(
    bot: Bot, event: Message | CallbackQuery, state: FSMContext, actor: Actor, value: str
) -> None:
    try:
        me = await set_my_workday(actor, reminder_time=value[:10])
    except InvalidInput as error:
        await say(bot, event, _(error.msgid, **error.params))
        return
    except PermissionDenied:
        await callback_refused(bot, event)
        return
    await state.clear()
    await say(
        bot,
        event,
        _("Done. The daily reminder comes at {time}.", time=me.reminder_time),
        reply_markup=staff_menu(),
    )


async def callback_refused(bot: Bot, event: Message | CallbackQuery) -> None:
    await say(bot, event, _("Sorry, this cannot be set."), reply_markup=staff_menu())


@router.callback_query(AssignCb.filter(F.step == AssignStep.DUTY))
async def on_duty(
    callback: CallbackQuery, callback_data: AssignCb, bot: Bot, actor: Actor
) -> None:
    try:
        me = await set_my_workday(actor, on_duty=callback_data.value == "1")
    except PermissionDenied:
        await callback_refused(bot, callback)
        return
    text = (
        _("You are on duty: live chats with your clients come to you.")
        if me.on_duty
        else _("You are off duty: live chats with your clients go to the sales queue.")
    )
    await say(bot, callback, text, reply_markup=staff_menu())


# -- Setting a task: management for a team member, or anyone a follow-up for themselves ----


def due_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice, label in (
        (DueChoice.TOMORROW, _("Tomorrow")),
        (DueChoice.IN_3_DAYS, _("In 3 days")),
        (DueChoice.NEXT_WEEK, _("In a week")),
    ):
        builder.button(text=label, callback_data=AssignCb(step=AssignStep.DUE, value=choice))
    builder.adjust(3)
    return builder.as_markup()


async def ask_due(bot: Bot, event: Message | CallbackQuery, state: FSMContext) -> None:
    await state.set_state(StaffTasks.due)
    await say(bot, event, _("When is it due? Pick or type a date:"), reply_markup=due_keyboard())


@router.callback_query(AssignCb.filter(F.step == AssignStep.START))
async def on_assign(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_PLANS):
        await say(
            bot, callback, _("Setting tasks is not part of your role."), reply_markup=staff_menu()
        )
        return
    people = await task_service.assignable_people(actor)
    builder = InlineKeyboardBuilder()
    for person in people:
        builder.button(
            text=person.name[:60],
            callback_data=AssignCb(step=AssignStep.PERSON, value=str(person.id)),
        )
    builder.adjust(1)
    await state.clear()
    await say(bot, callback, _("Who will do it?"), reply_markup=builder.as_markup())


@router.callback_query(AssignCb.filter(F.step == AssignStep.PERSON))
async def on_person(
    callback: CallbackQuery, callback_data: AssignCb, bot: Bot, state: FSMContext
) -> None:
    if not callback_data.value.isdigit():
        await callback.answer()
        return
    await state.update_data(assignee=int(callback_data.value), client=None)
    builder = InlineKeyboardBuilder()
    for kind, label in task_service.KIND_LABELS.items():
        builder.button(text=_(label), callback_data=AssignCb(step=AssignStep.KIND, value=kind))
    builder.adjust(2)
    await say(bot, callback, _("What kind of task?"), reply_markup=builder.as_markup())


@router.callback_query(AssignCb.filter(F.step == AssignStep.KIND))
async def on_kind(
    callback: CallbackQuery, callback_data: AssignCb, bot: Bot, state: FSMContext
) -> None:
    if callback_data.value not in task_service.KIND_LABELS:
        await callback.answer()
        return
    await state.set_state(StaffTasks.client)
    await state.update_data(kind=callback_data.value)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("No client"), callback_data=AssignCb(step=AssignStep.CLIENT, value="0"))
    await say(
        bot,
        callback,
        _("About which client? Type a name, company or phone, or press No client:"),
        reply_markup=builder.as_markup(),
    )


def _client_choices(clients: list[Client]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for client in clients:
        builder.button(
            text=client.name[:60],
            callback_data=AssignCb(step=AssignStep.CLIENT, value=str(client.id)),
        )
    builder.button(text=_("No client"), callback_data=AssignCb(step=AssignStep.CLIENT, value="0"))
    builder.adjust(1)
    return builder.as_markup()


@router.message(StaffTasks.client, F.text)
async def on_client_typed(message: Message, bot: Bot, actor: Actor) -> None:
    await say_found(bot, message, actor, _client_choices)


@router.callback_query(StaffTasks.client, AssignCb.filter(F.step == AssignStep.CLIENT))
async def on_client_picked(
    callback: CallbackQuery, callback_data: AssignCb, bot: Bot, state: FSMContext
) -> None:
    value = callback_data.value
    client_id = int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None
    # Whether the client may be the doer's is checked when the task is set (tasks service).
    await state.update_data(client=client_id)
    await state.set_state(StaffTasks.title)
    await say(
        bot, callback, _("What is the task? One line, e.g. Call Ada about the December load:")
    )


@router.message(StaffTasks.title, F.text)
async def on_title(message: Message, bot: Bot, state: FSMContext) -> None:
    title = message.text.strip()
    if not title:
        await say(bot, message, _("Please type what is to be done."))
        return
    await state.update_data(title=title[:TITLE_MAX])
    await ask_due(bot, message, state)


@router.callback_query(StaffTasks.due, AssignCb.filter(F.step == AssignStep.DUE))
async def on_due_button(
    callback: CallbackQuery,
    callback_data: AssignCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    clock: Clock,
) -> None:
    if callback_data.value not in {c.value for c in DueChoice}:
        await callback.answer()
        return
    zone, _ends = await _zone()
    day = clock.now().astimezone(zone).date() + dt.timedelta(days=int(callback_data.value))
    await _set_task(bot, callback, state, actor, clock, day)


@router.message(StaffTasks.due, F.text)
async def on_due_typed(
    message: Message, bot: Bot, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    try:
        day = parse_day(message.text)
    except InvalidInput as error:
        await say(bot, message, _(error.msgid, **error.params), reply_markup=due_keyboard())
        return
    await _set_task(bot, message, state, actor, clock, day)


async def _set_task(
    bot: Bot,
    event: Message | CallbackQuery,
    state: FSMContext,
    actor: Actor,
    clock: Clock,
    day: dt.date,
) -> None:
    data = await state.get_data()
    zone, ends = await _zone()
    try:
        task = await task_service.create_task(
            actor,
            TaskInput(
                title=data.get("title", ""),
                kind=data.get("kind", "call"),
                due_at=due_on(day, zone, ends),
                employee_id=data.get("assignee") or actor.employee_id,
                client_id=data.get("client"),
            ),
            clock.now(),
        )
    except InvalidInput as error:
        if error.field == "due_at":
            # A day already over: the same question again, nothing stored.
            await say(bot, event, _(error.msgid, **error.params), reply_markup=due_keyboard())
            return
        await state.clear()
        await say(bot, event, _(error.msgid, **error.params), reply_markup=staff_menu())
        return
    except (NotFound, PermissionDenied, KeyError, ValueError):
        await state.clear()
        await say(bot, event, _("Sorry, this cannot be set."), reply_markup=staff_menu())
        return
    await state.clear()
    await say(
        bot,
        event,
        _("Task set, due {when}.", when=format_datetime(task.due_at, zone)),
        reply_markup=staff_menu(),
    )


@router.callback_query(AssignCb.filter(F.step == AssignStep.FIGURES))
async def on_figures(callback: CallbackQuery, bot: Bot, actor: Actor, clock: Clock) -> None:
    if not actor.can(Permission.MANAGE_PLANS):
        await callback.answer()
        return
    zone, _ends = await _zone()
    now = clock.now()
    # The week in the company's calendar: Monday's and next Monday's local midnights, which
    # are not always 7 × 24 hours apart (a clock change).
    today_local = now.astimezone(zone).date()
    monday = today_local - dt.timedelta(days=today_local.weekday())
    week_start = day_bounds(dt.datetime.combine(monday, dt.time(12), zone), zone)[0]
    week_end = day_bounds(
        dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(12), zone), zone
    )[0]
    figures = await task_service.plan_vs_done(actor, week_start, week_end, now)
    lines = [_("This week: planned / done / late / overdue · quality")]
    for f in figures:
        quality = f"{f.quality:.1f}" if f.quality is not None else "—"
        lines.append(f"{f.name}: {f.planned} / {f.done} / {f.late} / {f.overdue} · {quality}")
    await say(bot, callback, "\n".join(lines), reply_markup=staff_menu())
