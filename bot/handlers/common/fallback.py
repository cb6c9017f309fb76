"""Last router: whatever nobody else understood gets a polite answer, never silence."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.handlers.common.flow import ask_consent
from bot.keyboards.client import main_menu
from bot.keyboards.staff import staff_menu
from bot.replies import say
from bot.states import Onboarding
from core.i18n import _
from core.models import ChannelIdentity
from core.services.access import Actor, ActorKind
from core.services.interactions import Subject, log_interaction

router = Router(name=__name__)


@router.message(Onboarding.consent)
async def on_unexpected_during_consent(message: Message, bot: Bot, state: FSMContext) -> None:
    await say(bot, message, _("Please answer with one of the buttons."))
    await ask_consent(bot, message, state)


@router.message()
async def on_anything_else(
    message: Message, bot: Bot, actor: Actor, identity: ChannelIdentity | None = None
) -> None:
    if actor.kind is ActorKind.CLIENT and identity is not None and message.text:
        # Whatever a client writes is part of their dossier, even when no flow understood
        # it: a manager reads it there, and a mailing's "replied" count sees it.
        await log_interaction(identity, Subject.CLIENT_WROTE, message.text)
    if actor.is_staff:
        text = _("Sorry, I did not understand that.")
        await say(bot, message, text, reply_markup=staff_menu(actor))
    elif actor.kind is ActorKind.CLIENT:
        await say(
            bot,
            message,
            _("Sorry, I did not understand that. Please use the menu."),
            reply_markup=main_menu(),
        )
    else:
        await say(bot, message, _("Send /start to begin."))


@router.callback_query()
async def on_unknown_button(callback: CallbackQuery) -> None:
    await callback.answer(_("This button is no longer available."), show_alert=True)
