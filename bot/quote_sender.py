"""core.ports.QuoteSender for the messengers: a quote with its buttons, in the client's language.

The bot's own answer to a request and a quote sent later (a reminder, or a manager's quote
from the panel) read the same, because both go through quote_message.
"""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot.channels.registry import ChannelRegistry
from bot.keyboards.quotes import quote_keyboard
from core.i18n import I18n, gettext
from core.models import Channel, ChannelIdentity, Quote
from core.services.company import current_company, zone_of
from core.services.quote_text import quote_text

log = logging.getLogger(__name__)


async def quote_message(quote: Quote) -> tuple[str, InlineKeyboardMarkup]:
    """The quote's text and buttons in the active locale."""
    zone = zone_of(await current_company())
    text = quote_text(quote.id, quote.options, quote.currency, quote.valid_until, zone)
    return text, quote_keyboard(quote.id, len(quote.options))


class BotQuoteSender:
    def __init__(self, registry: ChannelRegistry, i18n: I18n) -> None:
        self.registry = registry
        self.i18n = i18n

    async def send_quote(self, identity_id: int, quote_id: int, intro: str | None = None) -> bool:
        identity = await ChannelIdentity.get_or_none(id=identity_id)
        quote = await Quote.get_or_none(id=quote_id)
        if identity is None or quote is None or identity.chat_id is None:
            return False
        bot = self.registry.bot(Channel(identity.channel))
        if bot is None:
            return False
        language = identity.language or self.i18n.default_locale
        with self.i18n.use_locale(language):
            text, markup = await quote_message(quote)
            if intro:
                text = f"{gettext(intro)}\n\n{text}"
        try:
            await bot.send_message(chat_id=identity.chat_id, text=text, reply_markup=markup)
        except TelegramAPIError:
            log.warning("Could not send quote %s to chat %s", quote_id, identity.chat_id)
            return False
        return True
