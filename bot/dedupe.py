"""Platforms redeliver: the same update id seen again within a day is processed once."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis

TTL_SECONDS = 24 * 3600


class Deduplicator(Protocol):
    async def first_time(self, key: str) -> bool: ...


class MemoryDeduplicator:
    """One process: a bounded, time-limited set of recently seen keys."""

    def __init__(self, capacity: int = 100_000, ttl: float = TTL_SECONDS) -> None:
        self.capacity = capacity
        self.ttl = ttl
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, key: str) -> bool:
        now = time.monotonic()
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl and len(self._seen) < self.capacity:
                break
            del self._seen[oldest_key]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


class RedisDeduplicator:
    """Many web processes behind a load balancer: SET NX with expiry decides who handles it."""

    def __init__(self, redis: Redis, ttl: int = TTL_SECONDS) -> None:
        self.redis = redis
        self.ttl = ttl

    async def first_time(self, key: str) -> bool:
        return bool(await self.redis.set(f"ona:seen:{key}", 1, nx=True, ex=self.ttl))
