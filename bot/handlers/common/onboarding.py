"""Onboarding: language → phone → consent → main menu."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.handlers.common.flow import (
    ask_consent,
    ask_phone,
    show_main_menu,
    thank_for_phone,
)
from bot.keyboards.callbacks import ConsentCb, LanguageCb
from bot.keyboards.client import settings_keyboard
from bot.replies import evidence_of, say
from bot.states import Onboarding
from core.config import Settings
from core.i18n import _, current_i18n
from core.models import Channel, ChannelIdentity
from core.services import onboarding
from core.services.access import Actor
from core.services.consent import current_consent, record_consent, service_consent

router = Router(name=__name__)


@router.callback_query(LanguageCb.filter())
async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageCb,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    actor: Actor,
) -> None:
    language = await onboarding.choose_language(identity.id, callback_data.code)
    with current_i18n().use_locale(language):
        if identity.client_id is None and not actor.is_staff:
            await ask_phone(bot, callback, state)
            return
        await say(bot, callback, _("Language changed to English."))
        if actor.is_staff:
            await state.clear()
            return
        granted = await current_consent(identity.client_id, identity.channel)
        service = await service_consent(identity.client_id, Channel(identity.channel))
        await say(
            bot, callback, _("Settings"), reply_markup=settings_keyboard(bool(granted), service)
        )


@router.message(Onboarding.phone, F.contact)
async def on_contact_shared(
    message: Message, bot: Bot, state: FSMContext, identity: ChannelIdentity, settings: Settings
) -> None:
    contact = message.contact
    if contact.user_id is not None and contact.user_id != message.from_user.id:
        await say(bot, message, _("Please share your own phone number, not someone else's."))
        return
    # Only a card carrying the sender's own account id is the messenger vouching for it.
    own = contact.user_id == message.from_user.id
    _client, created = await onboarding.register_phone(
        identity.id, contact.phone_number, settings.phone_region, verified=own
    )
    await thank_for_phone(bot, message, created)
    await ask_consent(bot, message, state)


@router.message(Onboarding.phone, F.text)
async def on_phone_typed(
    message: Message, bot: Bot, state: FSMContext, identity: ChannelIdentity, settings: Settings
) -> None:
    _client, created = await onboarding.register_phone(
        identity.id, message.text, settings.phone_region, verified=False
    )
    await thank_for_phone(bot, message, created)
    await ask_consent(bot, message, state)


@router.message(Onboarding.phone)
async def on_phone_other(message: Message, bot: Bot) -> None:
    await say(
        bot,
        message,
        _("Please share your phone number with the button below, or type it."),
    )


@router.callback_query(ConsentCb.filter())
async def on_consent_answered(
    callback: CallbackQuery,
    callback_data: ConsentCb,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    actor: Actor,
    channel: Channel,
) -> None:
    if identity.client_id is None:
        await callback.answer(_("Please send /start first."), show_alert=True)
        return
    await record_consent(identity.id, callback_data.granted, evidence_of(channel, callback))
    if callback_data.granted:
        text = _("Thank you! We will keep you posted here.")
    else:
        text = _("Understood. We will not send you messages here unless you ask us to.")
    await say(bot, callback, text)
    await show_main_menu(bot, callback, state, actor)
