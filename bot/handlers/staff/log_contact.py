"""Log a contact in three taps and one line: client → kind → subject → result and next step.

The subjects are the company's list (core/services/contact_subjects.py). The line may be a
voice note, kept as the entry's attachment. After logging, one tap sets a follow-up task
(the due-date question of core's tasks) or makes the note private.

The entry goes through the same service as the API (scope, audit, webhook event), so a call
logged from the phone is in the dossier, the audit trail and the integrations at once.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.filters.audience import IsStaff
from bot.handlers.staff.clients import NOT_YOURS, say_found
from bot.handlers.staff.tasks import ask_due
from bot.keyboards.callbacks import AssignCb, AssignStep, LogCb, LogStep, StaffCb, StaffItem
from bot.keyboards.staff import staff_menu
from bot.replies import say
from bot.states import StaffLog
from core.errors import NotFound
from core.i18n import _
from core.models import Client, ContactSubject, InteractionKind
from core.services.access import Actor, Permission
from core.services.clients import (
    InteractionInput,
    log_client_interaction,
    recent_clients,
    visible_clients,
)
from core.services.contact_subjects import label_of, loggable_subjects, stored_subject
from core.services.contacts import MAX_ID
from core.services.interactions import KIND_LABELS, subject_label

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

# What a person logs by hand: every kind but the system's own entries.
KINDS = {
    kind: KIND_LABELS[kind.value]
    for kind in (
        InteractionKind.CALL,
        InteractionKind.MEETING,
        InteractionKind.MESSAGE,
        InteractionKind.EMAIL,
    )
}


def _step_keyboard(step: LogStep, choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value, label in choices:
        builder.button(text=label[:60], callback_data=LogCb(step=step, value=value))
    builder.adjust(2 if step is not LogStep.CLIENT else 1)
    return builder.as_markup()


@router.callback_query(StaffCb.filter(F.item == StaffItem.LOG))
async def on_log(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    if not actor.can(Permission.LOG_INTERACTIONS):
        text = _("Logging contacts is not part of your role.")
        await say(bot, callback, text, reply_markup=staff_menu())
        return
    await state.clear()
    await state.set_state(StaffLog.client)
    recent = await recent_clients(actor)
    await say(
        bot,
        callback,
        _("Who was it with? Type a name, company or phone, or pick a recent client."),
        reply_markup=_client_keyboard(recent),
    )


@router.message(StaffLog.client, F.text)
async def on_client_search(message: Message, bot: Bot, actor: Actor) -> None:
    await say_found(bot, message, actor, _client_keyboard)


def _client_keyboard(clients: list[Client]) -> InlineKeyboardMarkup:
    return _step_keyboard(LogStep.CLIENT, [(str(c.id), c.name) for c in clients])


@router.callback_query(LogCb.filter(F.step == LogStep.CLIENT))
async def on_client_picked(
    callback: CallbackQuery, callback_data: LogCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    client_id = int(callback_data.value) if callback_data.value.isdigit() else 0
    client = None
    if 0 < client_id <= MAX_ID:
        client = await visible_clients(actor).filter(id=client_id).first()
    if client is None:
        await say(bot, callback, _(NOT_YOURS), reply_markup=staff_menu())
        return
    await state.set_state(None)
    await state.update_data(log_client=client.id)
    kinds = [(kind.value, _(label)) for kind, label in KINDS.items()]
    await say(
        bot,
        callback,
        _("{client}: how was the contact?", client=client.name),
        reply_markup=_step_keyboard(LogStep.KIND, kinds),
    )


@router.callback_query(LogCb.filter(F.step == LogStep.KIND))
async def on_kind(
    callback: CallbackQuery, callback_data: LogCb, bot: Bot, state: FSMContext
) -> None:
    picked = (await state.get_data()).get("log_client")
    if callback_data.value not in {k.value for k in KINDS} or not picked:
        await callback.answer()
        return
    await state.update_data(log_kind=callback_data.value)
    subjects = [(str(row.id), label_of(row)) for row in await loggable_subjects()]
    await say(
        bot,
        callback,
        _("What was it about?"),
        reply_markup=_step_keyboard(LogStep.SUBJECT, subjects),
    )


@router.callback_query(LogCb.filter(F.step == LogStep.SUBJECT))
async def on_subject(
    callback: CallbackQuery, callback_data: LogCb, bot: Bot, state: FSMContext
) -> None:
    data = await state.get_data()
    row_id = int(callback_data.value) if callback_data.value.isdigit() else 0
    row = await ContactSubject.get_or_none(id=row_id, is_active=True) if row_id <= MAX_ID else None
    if row is None or not data.get("log_kind"):
        await callback.answer()
        return
    await state.update_data(log_subject=stored_subject(row), log_private=False)
    await state.set_state(StaffLog.result)
    await say(
        bot,
        callback,
        _("The result and the next step, in one line (or send a voice note):"),
        reply_markup=_private_keyboard(),
    )


def _private_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Keep it private"), callback_data=AssignCb(step=AssignStep.PRIVATE))
    return builder.as_markup()


@router.callback_query(StaffLog.result, AssignCb.filter(F.step == AssignStep.PRIVATE))
async def on_private(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    """Chosen before the note is written, so it is never seen, or sent on, as public."""
    await state.update_data(log_private=True)
    await say(
        bot,
        callback,
        _(
            "This note will be private: only you, your head of sales and management will see "
            "it. The result and the next step, in one line (or send a voice note):"
        ),
    )


@router.message(StaffLog.result, F.text | F.voice)
async def on_result(message: Message, bot: Bot, state: FSMContext, actor: Actor) -> None:
    data = await state.get_data()
    attachment = None
    summary = (message.text or "").strip()
    if message.voice is not None:
        attachment = ("voice", message.voice.file_id[:300])
        summary = (message.caption or "").strip() or _("Voice note")
    try:
        entry = await log_client_interaction(
            actor,
            int(data["log_client"]),
            InteractionInput(
                kind=data["log_kind"],
                subject=data["log_subject"],
                summary=summary[:2000],
                private=bool(data.get("log_private")),
            ),
            attachment=attachment,
        )
    except (NotFound, KeyError):
        await state.clear()
        await say(bot, message, _(NOT_YOURS), reply_markup=staff_menu())
        return
    await state.clear()
    await state.update_data(
        client=entry.client_id,  # type: ignore[attr-defined]
        title=_("Follow up: {subject}", subject=subject_label(entry.subject))[:200],
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Set a follow-up task"),
        callback_data=AssignCb(step=AssignStep.FOLLOW_UP),
    )
    builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))
    builder.adjust(1)
    await say(
        bot,
        message,
        _("Logged. It is in the client's dossier."),
        reply_markup=builder.as_markup(),
    )


@router.callback_query(AssignCb.filter(F.step == AssignStep.FOLLOW_UP))
async def on_follow_up(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    if not (await state.get_data()).get("title"):
        await say(bot, callback, _("Sorry, this cannot be set."), reply_markup=staff_menu())
        return
    await ask_due(bot, callback, state)
