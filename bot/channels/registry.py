"""Which Bot speaks for which channel, and which channel a Bot belongs to."""

from __future__ import annotations

from aiogram import Bot

from core.models import Channel

# aiogram derives Bot.id from the token's digits: Viber and web chat get their own numbers,
# so FSM keys (which include the bot id) never mix a Telegram chat with another channel's.
VIBER_BOT_TOKEN = "1000000001:ona-viber-channel"  # noqa: S105 (an id, not a secret)
WEBCHAT_BOT_TOKEN = "1000000002:ona-webchat-channel"  # noqa: S105


class ChannelRegistry:
    def __init__(self) -> None:
        self._bots: dict[Channel, Bot] = {}
        self._channels: dict[int, Channel] = {}

    def add(self, channel: Channel, bot: Bot) -> None:
        self._bots[channel] = bot
        self._channels[bot.id] = channel

    def bot(self, channel: Channel) -> Bot | None:
        return self._bots.get(channel)

    def channel_of(self, bot: Bot) -> Channel:
        return self._channels[bot.id]

    def items(self) -> list[tuple[Channel, Bot]]:
        return list(self._bots.items())

    async def close(self) -> None:
        for bot in self._bots.values():
            await bot.session.close()
