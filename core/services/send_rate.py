"""How fast messages may leave: one limiter per platform token, shared by every worker.

The mailings engine (issue 7) asks `wait_time(token, chat)` before each send and tells the
limiter how the platform answered:

- a token has an overall rate (Telegram about 30 messages/s per bot) and each chat its own
  minimum spacing (Telegram 1 message/s per chat);
- a 429 with `retry_after` stops every send on that token until it passes, and halves the
  token's rate; each accepted send adds a little back (additive increase, multiplicative
  decrease), never above the configured rate.

Both limits use GCRA (the "theoretical arrival time" form of a token bucket): one number per
key, so the Redis version is a single atomic script call and several worker processes share
one budget; without Redis the same arithmetic runs in the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class Limits:
    rate: float  # messages per second for the whole token
    per_chat_interval: float = 0.0  # seconds between two messages to one chat
    burst: int = 1  # messages the token may send at once after a quiet spell
    min_rate: float = 1.0
    increase: float = 0.5  # messages/s added back per accepted send, up to `rate`


class SendRate(Protocol):
    async def wait_time(self, token: str, chat: str | None = None) -> float:
        """0 when a message may go now (and it is counted), else seconds to wait first."""

    async def throttled(self, token: str, retry_after: float) -> None: ...

    async def accepted(self, token: str) -> None: ...

    async def current_rate(self, token: str) -> float: ...


def _gcra(tat: float, now: float, interval: float, tolerance: float) -> tuple[float, float]:
    """(wait, new tat): wait 0 means allowed now and `new tat` is to be stored."""
    tat = max(tat, now)
    if tat - now > tolerance:
        return tat - now - tolerance, tat
    return 0.0, tat + interval


@dataclass
class LocalSendRate:
    """The limiter for one process (SQLite installs, tests). `clock` is monotonic seconds."""

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    _tat: dict[str, float] = field(default_factory=dict)
    _chat_tat: dict[tuple[str, str], float] = field(default_factory=dict)
    _blocked: dict[str, float] = field(default_factory=dict)
    _rate: dict[str, float] = field(default_factory=dict)

    async def current_rate(self, token: str) -> float:
        return self._rate.get(token, self.limits.rate)

    async def wait_time(self, token: str, chat: str | None = None) -> float:
        now = self.clock()
        blocked = self._blocked.get(token, 0.0)
        if blocked > now:
            return blocked - now
        interval = 1.0 / await self.current_rate(token)
        tolerance = interval * (self.limits.burst - 1)
        wait, tat = _gcra(self._tat.get(token, 0.0), now, interval, tolerance)
        if wait:
            return wait
        if chat is not None and self.limits.per_chat_interval:
            key = (token, chat)
            chat_wait, chat_tat = _gcra(
                self._chat_tat.get(key, 0.0), now, self.limits.per_chat_interval, 0.0
            )
            if chat_wait:
                return chat_wait
            self._chat_tat[key] = chat_tat
        self._tat[token] = tat
        return 0.0

    async def throttled(self, token: str, retry_after: float) -> None:
        now = self.clock()
        self._blocked[token] = max(self._blocked.get(token, 0.0), now + retry_after)
        rate = await self.current_rate(token)
        self._rate[token] = max(self.limits.min_rate, rate / 2)

    async def accepted(self, token: str) -> None:
        rate = await self.current_rate(token)
        if rate < self.limits.rate:
            self._rate[token] = min(self.limits.rate, rate + self.limits.increase)


# KEYS: token tat, chat tat (or ""), blocked-until, rate. ARGV: now, default rate, burst,
# per-chat interval, has chat (0/1). Returns the wait in microseconds as a string.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local blocked = tonumber(redis.call('GET', KEYS[3]) or '0')
if blocked > now then return tostring(blocked - now) end
local rate = tonumber(redis.call('GET', KEYS[4]) or ARGV[2])
local interval = 1000000 / rate
local tolerance = interval * (tonumber(ARGV[3]) - 1)
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now > tolerance then return tostring(tat - now - tolerance) end
local chat_interval = tonumber(ARGV[4])
if ARGV[5] == '1' and chat_interval > 0 then
  local chat_tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
  if chat_tat > now then return tostring(chat_tat - now) end
  local keep = math.ceil(chat_interval / 1000) + 1000
  redis.call('SET', KEYS[2], chat_tat + chat_interval, 'PX', keep)
end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
return '0'
"""


class RedisSendRate:
    """The same limiter with its state in Redis, so every worker process shares one budget.

    Times are the Redis server's clock (TIME), so workers on several hosts agree.
    """

    def __init__(self, redis: Redis, limits: Limits, prefix: str = "ona:rate") -> None:
        self.redis = redis
        self.limits = limits
        self.prefix = prefix
        self._acquire = redis.register_script(_ACQUIRE)

    def _keys(self, token: str, chat: str | None) -> list[str]:
        base = f"{self.prefix}:{token}"
        return [f"{base}:tat", f"{base}:chat:{chat or ''}", f"{base}:blocked", f"{base}:rate"]

    async def _now_us(self) -> int:
        seconds, micros = await self.redis.time()
        return int(seconds) * 1_000_000 + int(micros)

    async def current_rate(self, token: str) -> float:
        stored = await self.redis.get(self._keys(token, None)[3])
        return float(stored) if stored is not None else self.limits.rate

    async def wait_time(self, token: str, chat: str | None = None) -> float:
        waited = await self._acquire(
            keys=self._keys(token, chat),
            args=[
                await self._now_us(),
                self.limits.rate,
                self.limits.burst,
                int(self.limits.per_chat_interval * 1_000_000),
                1 if chat is not None else 0,
            ],
        )
        return float(waited) / 1_000_000

    async def throttled(self, token: str, retry_after: float) -> None:
        keys = self._keys(token, None)
        until = await self._now_us() + int(retry_after * 1_000_000)
        current = await self.redis.get(keys[2])
        if current is None or int(float(current)) < until:
            await self.redis.set(keys[2], until, px=int(retry_after * 1000) + 1000)
        rate = await self.current_rate(token)
        await self.redis.set(keys[3], max(self.limits.min_rate, rate / 2))

    async def accepted(self, token: str) -> None:
        # At the ceiling (nearly always) only the read: no write a message.
        rate = await self.current_rate(token)
        if rate < self.limits.rate:
            await self.redis.set(
                self._keys(token, None)[3], min(self.limits.rate, rate + self.limits.increase)
            )


# Platform limits as documented: Telegram about 30 messages/s per bot and 1/s per chat;
# Viber 500 calls per 10 s per bot.
TELEGRAM = Limits(rate=30.0, per_chat_interval=1.0, burst=1)
VIBER = Limits(rate=50.0, per_chat_interval=0.0, burst=1)
