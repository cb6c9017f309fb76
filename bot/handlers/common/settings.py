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
from core.models import Channel, ChannelIdentity, ConsentPurpose
from core.services.consent import (
    current_consent,
    marketing_consent,
    record_consent,
    service_consent,
    withdraw_everything,
)

router = Router(name=__name__)
router.callback_query.filter(IsClient())


async def _show_settings(bot: Bot, callback: CallbackQuery, identity: ChannelIdentity) -> None:
    granted = bool(await current_consent(identity.client_id, identity.channel))
    service = await service_consent(identity.client_id, Channel(identity.channel))
    offers = await marketing_consent(identity.client_id, Channel(identity.channel))
    if granted and not offers:
        status = _(
            "Messages on this channel: updates about your orders and deliveries, no offers."
        )
    elif granted:
        status = _("Messages on this channel: allowed.")
    elif service:
        status = _("Messages on this channel: only updates about your orders and deliveries.")
    else:
        status = _("Messages on this channel: not allowed.")
    await say(bot, callback, status, reply_markup=settings_keyboard(granted, service, offers))


@router.callback_query(
    SettingsCb.filter(F.action.in_({SettingsAction.SERVICE_ON, SettingsAction.SERVICE_OFF}))
)
async def on_service_updates(
    callback: CallbackQuery,
    callback_data: SettingsCb,
    bot: Bot,
    identity: ChannelIdentity,
    channel: Channel,
) -> None:
    """Service updates alone: a separate purpose from offers, recorded with its own text."""
    await record_consent(
        identity.id,
        callback_data.action is SettingsAction.SERVICE_ON,
        evidence_of(channel, callback),
        purpose=ConsentPurpose.SERVICE,
    )
    await _show_settings(bot, callback, identity)


@router.callback_query(
    SettingsCb.filter(F.action.in_({SettingsAction.OFFERS_ON, SettingsAction.OFFERS_OFF}))
)
async def on_offers(
    callback: CallbackQuery,
    callback_data: SettingsCb,
    bot: Bot,
    identity: ChannelIdentity,
    channel: Channel,
) -> None:
    """Offers and news (mailings) on their own; order and delivery updates are untouched."""
    await record_consent(
        identity.id,
        callback_data.action is SettingsAction.OFFERS_ON,
        evidence_of(channel, callback),
        purpose=ConsentPurpose.MARKETING,
    )
    await _show_settings(bot, callback, identity)


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
    await withdraw_everything(identity.id, evidence_of(channel, callback))
    await _show_settings(bot, callback, identity)
