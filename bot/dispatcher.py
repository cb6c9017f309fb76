"""The conversation engine: one Dispatcher, one set of routers, every channel."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisEventIsolation, RedisStorage
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendMessage,
    SetWebhook,
)
from aiogram.methods.base import Response
from redis.asyncio import Redis

from bot.channels.registry import ChannelRegistry
from bot.handlers import setup_routers
from bot.middlewares.identity import IdentityMiddleware
from core.config import Settings
from core.i18n import I18n
from core.ports import Clock
from core.services.media import MediaStore, store_from

# aiogram parses every API answer as Response[T]. pydantic keeps such generic classes only in
# a weak cache, so without a strong reference they are rebuilt (about 10 ms each) every few
# calls under load. Holding the ones our conversations use keeps them built once.
_PINNED_RESPONSES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendMessage,
        EditMessageText,
        AnswerCallbackQuery,
        GetMe,
        GetUpdates,
        SetWebhook,
        DeleteWebhook,
    )
)


def build_storage(redis: Redis | None) -> tuple[BaseStorage, BaseEventIsolation]:
    """FSM state in memory for one process; in Redis, keyed by bot id, for many."""
    if redis is None:
        return MemoryStorage(), SimpleEventIsolation()
    key_builder = DefaultKeyBuilder(prefix="ona:fsm", with_bot_id=True)
    return (
        RedisStorage(redis, key_builder=key_builder),
        RedisEventIsolation(redis, key_builder=key_builder),
    )


def build_dispatcher(
    settings: Settings,
    i18n: I18n,
    registry: ChannelRegistry,
    clock: Clock,
    redis: Redis | None,
    media: MediaStore | None = None,
) -> Dispatcher:
    storage, isolation = build_storage(redis)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        i18n=i18n,
        registry=registry,
        clock=clock,
        media=media or store_from(settings),
    )
    dispatcher.update.outer_middleware(
        IdentityMiddleware(registry, i18n, settings.default_language)
    )
    dispatcher.include_router(setup_routers())
    return dispatcher
