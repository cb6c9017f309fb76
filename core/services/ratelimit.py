"""Fixed-window rate limits: N hits per window per bucket, in Redis when there is one.

With Redis every web process shares the count, so a key gets its limit across the whole
deployment; without it (the single-process SQLite mode) the count lives in memory. The window
starts with a bucket's first hit, so no clock has to agree with another.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

# INCR and set the expiry of a new window atomically; return the count and the ms left.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float  # seconds until the window ends

    @property
    def reset_seconds(self) -> int:
        """Whole seconds, rounded up: a client that waits this long is let in."""
        return max(1, math.ceil(self.reset_after))


class RateLimiter(Protocol):
    async def hit(self, bucket: str, limit: int, window: float = 60.0) -> RateDecision:
        """Count one hit on `bucket`; allowed while the window holds at most `limit` hits."""
        ...


def _decide(count: int, limit: int, reset_after: float) -> RateDecision:
    return RateDecision(count <= limit, limit, max(0, limit - count), reset_after)


class MemoryRateLimiter:
    """One process's counts. Expired windows are dropped when the table grows."""

    def __init__(self, clock=time.monotonic, max_buckets: int = 10_000) -> None:
        self._clock = clock
        self._max_buckets = max_buckets
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, bucket: str, limit: int, window: float = 60.0) -> RateDecision:
        now = self._clock()
        ends, count = self._windows.get(bucket, (0.0, 0))
        if ends <= now:
            if len(self._windows) >= self._max_buckets:
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            ends, count = now + window, 0
        count += 1
        self._windows[bucket] = (ends, count)
        return _decide(count, limit, ends - now)


class RedisRateLimiter:
    """Counts shared by every process through Redis (one round trip per hit)."""

    def __init__(self, redis: Redis, namespace: str = "ona:ratelimit:") -> None:
        self._namespace = namespace
        self._script = redis.register_script(_HIT)

    async def hit(self, bucket: str, limit: int, window: float = 60.0) -> RateDecision:
        count, ttl_ms = await self._script(
            keys=[self._namespace + bucket], args=[max(1, int(window * 1000))]
        )
        return _decide(int(count), limit, int(ttl_ms) / 1000)


def build_rate_limiter(redis: Redis | None) -> RateLimiter:
    return RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter()
