"""The staff menu. The router-level guard keeps every client out of every handler here."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.filters.audience import IsStaff
from bot.handlers.common.flow import show_staff_menu
from bot.keyboards.callbacks import StaffCb, StaffItem
from core.services.access import Actor

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

STAFF_COMMANDS = ("staff", "today", "clients", "plan", "requests")


@router.message(Command(*STAFF_COMMANDS))
async def on_staff_command(message: Message, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await show_staff_menu(bot, message, state, actor)


@router.callback_query(StaffCb.filter(F.item == StaffItem.HOME))
async def on_home(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await show_staff_menu(bot, callback, state, actor)
