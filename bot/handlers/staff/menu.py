"""The staff menu. The router-level guard keeps every client out of every handler here."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.filters.audience import IsStaff
from bot.handlers.common.flow import show_staff_menu
from bot.keyboards.callbacks import StaffCb
from bot.keyboards.staff import staff_menu
from bot.replies import say
from core.i18n import _
from core.services.access import Actor

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

STAFF_COMMANDS = ("staff", "today", "clients", "plan", "requests")


@router.message(Command(*STAFF_COMMANDS))
async def on_staff_command(message: Message, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await show_staff_menu(bot, message, state, actor)


@router.callback_query(StaffCb.filter())
async def on_staff_item(callback: CallbackQuery, bot: Bot) -> None:
    await say(
        bot,
        callback,
        _("This part of the staff workspace is coming soon."),
        reply_markup=staff_menu(),
    )
