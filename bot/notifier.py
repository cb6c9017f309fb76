"""core.ports.Notifier and RequestOffer for the messengers: the right Bot, in the recipient's
language; an offer carries Take and Pass buttons."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramAPIError

from bot.channels.registry import ChannelRegistry
from bot.keyboards.staff import queue_keyboard
from core.i18n import I18n, gettext
from core.models import Channel

log = logging.getLogger(__name__)


class BotNotifier:
    def __init__(self, registry: ChannelRegistry, i18n: I18n) -> None:
        self.registry = registry
        self.i18n = i18n

    async def notify(
        self, channel: Channel, chat_id: int, language: str, message: str, **params: Any
    ) -> bool:
        return await self._send(channel, chat_id, language, message, None, params)

    async def offer(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        request_id: int,
        **params: Any,
    ) -> bool:
        return await self._send(channel, chat_id, language, message, request_id, params)

    async def _send(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        request_id: int | None,
        params: dict[str, Any],
    ) -> bool:
        bot = self.registry.bot(channel)
        if bot is None:
            return False
        with self.i18n.use_locale(language):
            # gettext renders a callable parameter (a price, a route) in this locale too.
            text = gettext(message, **params)
            markup = queue_keyboard(request_id) if request_id is not None else None
        try:
            await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
        except TelegramAPIError:
            log.warning("Could not notify chat %s on %s", chat_id, channel, exc_info=True)
            return False
        return True
