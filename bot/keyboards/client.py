"""Keyboards a client sees. Labels are translated here, in the reader's locale."""

from functools import cache

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import (
    ConsentCb,
    LanguageCb,
    MenuCb,
    MenuItem,
    SettingsAction,
    SettingsCb,
)
from core.i18n import LANGUAGE_NAMES, _, current_locale

# Keyboards are built once per language and reused: building one packs every callback
# through pydantic, which costs more than the rest of a typical handler.


@cache
def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(code=code))
    builder.adjust(1)
    return builder.as_markup()


def phone_keyboard() -> ReplyKeyboardMarkup:
    return _phone_keyboard(current_locale())


@cache
def _phone_keyboard(locale: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def consent_keyboard() -> InlineKeyboardMarkup:
    return _consent_keyboard(current_locale())


@cache
def _consent_keyboard(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, I agree"), callback_data=ConsentCb(granted=True))
    builder.button(text=_("No, thanks"), callback_data=ConsentCb(granted=False))
    builder.adjust(2)
    return builder.as_markup()


def main_menu() -> InlineKeyboardMarkup:
    return _main_menu(current_locale())


@cache
def _main_menu(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    labels = (
        (MenuItem.QUOTE, _("Request a quote")),
        (MenuItem.TRACK, _("Track a delivery")),
        (MenuItem.ORDERS, _("My orders")),
        (MenuItem.MANAGER, _("Talk to a manager")),
        (MenuItem.SETTINGS, _("Settings")),
    )
    for item, label in labels:
        builder.button(text=label, callback_data=MenuCb(item=item))
    builder.adjust(1)
    return builder.as_markup()


def settings_keyboard(
    consent_granted: bool, service_on: bool = False, offers_on: bool = True
) -> InlineKeyboardMarkup:
    return _settings_keyboard(current_locale(), consent_granted, service_on, offers_on)


@cache
def _settings_keyboard(
    locale: str, consent_granted: bool, service_on: bool, offers_on: bool
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Language"), callback_data=SettingsCb(action=SettingsAction.LANGUAGE))
    if consent_granted:
        toggle = _("Stop messages on this channel")
        action = SettingsAction.CONSENT_OFF
    else:
        toggle = _("Allow messages on this channel")
        action = SettingsAction.CONSENT_ON
    builder.button(text=toggle, callback_data=SettingsCb(action=action))
    if consent_granted:
        # Offers (mailings) apart: "Stop these messages" under a mailing turns only them off.
        if offers_on:
            offers, offers_action = _("Stop offers, keep updates"), SettingsAction.OFFERS_OFF
        else:
            offers, offers_action = _("Allow offers again"), SettingsAction.OFFERS_ON
        builder.button(text=offers, callback_data=SettingsCb(action=offers_action))
    if not consent_granted:
        # No offers, but the client may still want to hear where their cargo is.
        if service_on:
            service = _("Stop order and delivery updates")
            service_action = SettingsAction.SERVICE_OFF
        else:
            service = _("Only order and delivery updates")
            service_action = SettingsAction.SERVICE_ON
        builder.button(text=service, callback_data=SettingsCb(action=service_action))
    builder.button(text=_("Back to menu"), callback_data=MenuCb(item=MenuItem.HOME))
    builder.adjust(1)
    return builder.as_markup()
