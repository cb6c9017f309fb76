"""Settings: the client changes language and gives or withdraws consent at any time."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.filters.audience import IsClient
from bot.handlers.common.flow import ask_consent
from bot.keyboards.callbacks import MenuCb, MenuItem, SettingsAction, SettingsCb
from bot.keyboards.client import language_keyboard, settings_keyboard
from bot.replies import evidence_of, say
from core.i18n import _
from core.models import Channel, ChannelIdentity
from core.services.consent import current_consent, record_consent

router = Router(name=__name__)
router.callback_query.filter(IsClient())


async def _show_settings(bot: Bot, callback: CallbackQuery, identity: ChannelIdentity) -> None:
    granted = await current_consent(identity.client_id, identity.channel)
    status = (
        _("Messages on this channel: allowed.")
        if granted
        else _("Messages on this channel: not allowed.")
    )
    await say(bot, callback, status, reply_markup=settings_keyboard(bool(granted)))


@router.callback_query(MenuCb.filter(F.item == MenuItem.SETTINGS))
async def on_settings(callback: CallbackQuery, bot: Bot, identity: ChannelIdentity) -> None:
    await _show_settings(bot, callback, identity)


@router.callback_query(SettingsCb.filter(F.action == SettingsAction.LANGUAGE))
async def on_change_language(callback: CallbackQuery, bot: Bot) -> None:
    await say(bot, callback, _("Choose your language."), reply_markup=language_keyboard())


@router.callback_query(SettingsCb.filter(F.action == SettingsAction.CONSENT_ON))
async def on_allow_messages(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await ask_consent(bot, callback, state)


@router.callback_query(SettingsCb.filter(F.action == SettingsAction.CONSENT_OFF))
async def on_stop_messages(
    callback: CallbackQuery, bot: Bot, identity: ChannelIdentity, channel: Channel
) -> None:
    await record_consent(identity.id, False, evidence_of(channel, callback))
    await _show_settings(bot, callback, identity)
