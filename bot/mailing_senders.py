"""Mailing messages over Telegram and Viber, through the same aiogram Bots as the chats.

Each message carries its template's link buttons and a "Stop these messages" button, in
the recipient's language. The platform's answer becomes a Delivery the worker records:
a 429 is "throttled" (not sent), a blocked bot or unknown chat is permanent, a network or
server error may be retried.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.callbacks import StopOffersCb
from core.i18n import N_, I18n, gettext
from core.models import MailChannel
from core.services.mailing_worker import Delivery, Outgoing

STOP_BUTTON = N_("Stop these messages")


class MessengerSender:
    """One Bot (one Telegram token or one Viber account): one rate budget."""

    def __init__(self, bot: Bot, channel: MailChannel, i18n: I18n) -> None:
        self.bot = bot
        self.channel = channel
        self.i18n = i18n
        self.rate_key = f"{channel.value}:{bot.id if channel is MailChannel.TELEGRAM else 'pa'}"
        self.per_chat = channel is MailChannel.TELEGRAM

    def _markup(self, outgoing: Outgoing) -> InlineKeyboardMarkup:
        rows = [
            [InlineKeyboardButton(text=button.label, url=button.url)]
            for button in outgoing.message.buttons
        ]
        with self.i18n.use_locale(outgoing.message.language):
            stop = gettext(STOP_BUTTON)
        rows.append(
            [
                InlineKeyboardButton(
                    text=stop, callback_data=StopOffersCb(campaign=outgoing.campaign_id).pack()
                )
            ]
        )
        return InlineKeyboardMarkup(inline_keyboard=rows)

    async def send(self, outgoing: Outgoing) -> Delivery:
        method = SendMessage(
            chat_id=int(outgoing.address),
            text=outgoing.message.body,
            reply_markup=self._markup(outgoing),
            parse_mode=None,
            allow_paid_broadcast=True if outgoing.paid_broadcast else None,
        )
        try:
            # Straight to the session, past the bots' retry middleware: a 429 must reach the
            # worker's shared limiter, and an automatic resend after a timeout could deliver
            # the same offer twice. The worker decides about retries.
            sent = await self.bot.session.make_request(self.bot, method)
        except TelegramRetryAfter as exc:
            return Delivery(False, reason="429", retry_after=float(exc.retry_after))
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            return Delivery(False, reason=exc.message[:300])
        except (TelegramNetworkError, TelegramServerError) as exc:
            return Delivery(False, reason=str(exc)[:300], retryable=True)
        except TelegramAPIError as exc:
            return Delivery(False, reason=str(exc)[:300], retryable=True)
        return Delivery(True, provider_id=str(sent.message_id))
