"""core.services.relay.RelayMessenger for the messengers: each side of a live chat is reached
with the Bot of their own channel, in their own language, with the relay's buttons."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot.channels.registry import ChannelRegistry
from bot.keyboards.client import main_menu
from bot.keyboards.relay import chat_keyboard, client_chat_keyboard, take_keyboard
from core.i18n import I18n, gettext
from core.models import Channel
from core.services.relay import ClientButtons, StaffButtons

log = logging.getLogger(__name__)


class BotRelayMessenger:
    def __init__(self, registry: ChannelRegistry, i18n: I18n) -> None:
        self.registry = registry
        self.i18n = i18n

    async def to_staff(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        relay_id: int,
        buttons: StaffButtons,
        **params: Any,
    ) -> bool:
        with self.i18n.use_locale(language):
            text = gettext(message, **params)
            markup: InlineKeyboardMarkup | None = None
            if buttons is StaffButtons.TAKE:
                markup = take_keyboard(relay_id)
            elif buttons is StaffButtons.CHAT:
                markup = chat_keyboard(relay_id)
        return await self._send(channel, chat_id, text, markup)

    async def to_client(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        relay_id: int,
        buttons: ClientButtons,
        *,
        verbatim: bool = False,
        **params: Any,
    ) -> bool:
        with self.i18n.use_locale(language):
            # A manager's own words go as they are; only the buttons speak the client's language.
            text = message if verbatim else gettext(message, **params)
            markup: InlineKeyboardMarkup | None = None
            if buttons is ClientButtons.END:
                markup = client_chat_keyboard(relay_id)
            elif buttons is ClientButtons.MENU:
                markup = main_menu()
        return await self._send(channel, chat_id, text, markup)

    async def _send(
        self, channel: Channel, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        bot = self.registry.bot(channel)
        if bot is None:
            return False
        try:
            await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
        except TelegramAPIError:
            log.warning("Live chat: could not reach chat %s on %s", chat_id, channel)
            return False
        return True
