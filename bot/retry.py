"""Bounded retries for every channel's outbound calls: 429 waits, 5xx and timeouts back off."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    """Retry a call up to `attempts` times; never waits longer than `max_wait` in all.

    Conversations survive a flaky platform: the handler sees an error only after the last try.
    """

    def __init__(self, attempts: int = 3, base_delay: float = 0.25, max_wait: float = 30.0):
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                reason = "rate limited"
                if attempt == self.attempts or waited + delay > self.max_wait:
                    raise
            except (TelegramServerError, TelegramNetworkError):
                delay = self.base_delay * 2 ** (attempt - 1)
                reason = "server error or timeout"
                if attempt == self.attempts or waited + delay > self.max_wait:
                    raise
            log.warning(
                "%s failed (%s); retry %d in %.2fs", type(method).__name__, reason, attempt, delay
            )
            waited += delay
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")
