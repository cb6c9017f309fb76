"""Steps shared by several handlers: where a person goes next in the onboarding."""

from __future__ import annotations

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.keyboards.client import consent_keyboard, language_keyboard, main_menu, phone_keyboard
from bot.keyboards.staff import staff_menu
from bot.replies import say
from bot.states import Onboarding
from core.i18n import _, current_locale
from core.services.access import Actor
from core.services.consent import consent_text

Event = Message | CallbackQuery


async def ask_language(bot: Bot, event: Event, state: FSMContext) -> None:
    await state.set_state(Onboarding.language)
    await say(
        bot,
        event,
        _("Welcome to Ona! Please choose your language."),
        reply_markup=language_keyboard(),
    )


async def ask_phone(bot: Bot, event: Event, state: FSMContext) -> None:
    await state.set_state(Onboarding.phone)
    await say(
        bot,
        event,
        _(
            "Please share your phone number with the button below, or type it "
            "with the country code, e.g. +234 803 123 4567."
        ),
        reply_markup=phone_keyboard(),
    )


async def ask_consent(bot: Bot, event: Event, state: FSMContext) -> None:
    await state.set_state(Onboarding.consent)
    await say(bot, event, consent_text(current_locale()), reply_markup=consent_keyboard())


async def show_main_menu(bot: Bot, event: Event, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    await say(bot, event, _("What would you like to do?"), reply_markup=main_menu())


async def show_staff_menu(bot: Bot, event: Event, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    await say(
        bot,
        event,
        _("Staff menu. Hello, {name}!", name=actor.name),
        reply_markup=staff_menu(actor),
    )


async def thank_for_phone(bot: Bot, event: Event, created: bool) -> None:
    text = (
        _("Thank you! You are now registered with us.")
        if created
        else _("Thank you! We found your account.")
    )
    await say(bot, event, text, reply_markup=ReplyKeyboardRemove())
