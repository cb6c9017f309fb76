"""Turns the sender of every update into an Actor, and scopes the reply language to theirs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.channels.registry import ChannelRegistry
from core.i18n import I18n
from core.models import Channel
from core.services.identities import actor_for, identity_by_chat, telegram_identity


class IdentityMiddleware(BaseMiddleware):
    """Outer middleware on updates: adds `identity`, `actor` and `channel` to handler data.

    Telegram accounts are created here on first contact; Viber and web-chat accounts were
    created by their adapters (which needed the chat id before building the update).
    """

    def __init__(self, registry: ChannelRegistry, i18n: I18n, default_language: str) -> None:
        self.registry = registry
        self.i18n = i18n
        self.default_language = default_language

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return None
        channel = self.registry.channel_of(data["bot"])
        if channel is Channel.TELEGRAM:
            identity = await telegram_identity(user.id, user.full_name)
        else:
            identity = await identity_by_chat(channel, user.id)
            if identity is None:
                return None
        actor = actor_for(identity, self.default_language)
        data.update(identity=identity, actor=actor, channel=channel)
        with self.i18n.use_locale(actor.language):
            return await handler(event, data)
