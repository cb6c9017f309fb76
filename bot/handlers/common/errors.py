"""The one error router: domain errors become their translated message; the rest is logged.

Error events run outside the identity middleware's locale scope (aiogram's error middleware
sits outside ours), so each answer here re-enters the actor's language itself.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.keyboards.client import phone_keyboard
from core.errors import InvalidInput, OnaError
from core.i18n import N_, _, current_i18n
from core.services.access import Actor

log = logging.getLogger(__name__)
router = Router(name=__name__)

UNEXPECTED = N_("Sorry, something went wrong on our side. Please try again.")


async def _reply(event: ErrorEvent, bot: Bot, actor: Actor | None, msgid: str, **params) -> None:
    update = event.update
    with current_i18n().use_locale(actor.language if actor else None):
        text = _(msgid, **params)
        markup = None
        error = event.exception
        if isinstance(error, InvalidInput) and error.field == "phone":
            markup = phone_keyboard()
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await bot.send_message(chat_id=update.message.chat.id, text=text, reply_markup=markup)


@router.error(ExceptionTypeFilter(OnaError))
async def on_domain_error(event: ErrorEvent, bot: Bot, actor: Actor | None = None) -> None:
    error: OnaError = event.exception  # type: ignore[assignment]
    await _reply(event, bot, actor, error.msgid, **error.params)


@router.error()
async def on_unexpected_error(event: ErrorEvent, bot: Bot, actor: Actor | None = None) -> None:
    log.error("Unhandled error in update %s", event.update.update_id, exc_info=event.exception)
    try:
        await _reply(event, bot, actor, UNEXPECTED)
    except Exception:
        log.warning("Could not tell the user about the error", exc_info=True)
