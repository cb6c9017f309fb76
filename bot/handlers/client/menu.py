"""The client's main menu. Items whose capability is not built yet say so politely."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.filters.audience import IsClient
from bot.handlers.common.flow import show_main_menu
from bot.keyboards.callbacks import MenuCb, MenuItem
from bot.keyboards.client import main_menu
from bot.replies import say
from core.i18n import _
from core.models import ChannelIdentity
from core.services import onboarding
from core.services.access import Actor

router = Router(name=__name__)
router.callback_query.filter(IsClient())


@router.callback_query(MenuCb.filter(F.item == MenuItem.HOME))
async def on_home(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await show_main_menu(bot, callback, state, actor)


@router.callback_query(MenuCb.filter())
async def on_menu_item(
    callback: CallbackQuery, callback_data: MenuCb, bot: Bot, identity: ChannelIdentity
) -> None:
    await onboarding.note_menu(identity, callback_data.item.value)
    await say(
        bot,
        callback,
        _("This is coming soon. Thank you for your patience!"),
        reply_markup=main_menu(),
    )
