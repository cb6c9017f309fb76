"""The send-rate limiter the mailings engine asks before each message: the token's rate, the
per-chat spacing, a 429 stopping the whole token, and the rate halving then creeping back.

The in-process limiter runs on a controlled clock; the Redis one against the real server
(when REDIS_URL is set), with two limiters standing for two worker processes."""

from __future__ import annotations

import os

import pytest
from redis.asyncio import Redis

from core.services.send_rate import Limits, LocalSendRate, RedisSendRate

LIMITS = Limits(rate=10.0, per_chat_interval=1.0, burst=1, min_rate=1.0, increase=1.0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _sent_in_one_second(limiter, clock: Clock, chats: int = 1000) -> int:
    """Send as fast as allowed for one simulated second, to many chats."""
    sent, start, n = 0, clock.now, 0
    while clock.now < start + 1.0:
        wait = await limiter.wait_time("bot", f"chat{n}")
        if wait:
            clock.now += wait
            continue
        sent += 1
        n += 1
    return sent


async def test_the_token_rate_holds_across_chats():
    clock = Clock()
    limiter = LocalSendRate(LIMITS, clock)
    assert await _sent_in_one_second(limiter, clock) == 10


async def test_one_chat_gets_at_most_one_message_a_second():
    clock = Clock()
    limiter = LocalSendRate(LIMITS, clock)
    assert await limiter.wait_time("bot", "ada") == 0
    clock.now += 0.2
    assert await limiter.wait_time("bot", "ada") == pytest.approx(0.8)
    assert await limiter.wait_time("bot", "bola") == 0  # another chat goes meanwhile
    clock.now += 0.8
    assert await limiter.wait_time("bot", "ada") == 0


async def test_a_429_stops_the_token_then_the_rate_creeps_back():
    clock = Clock()
    limiter = LocalSendRate(LIMITS, clock)
    await limiter.throttled("bot", retry_after=3)
    assert await limiter.wait_time("bot", "ada") == pytest.approx(3)
    assert await limiter.wait_time("other-bot", "ada") == 0  # another token is not stopped
    assert await limiter.current_rate("bot") == 5
    await limiter.throttled("bot", retry_after=1)
    await limiter.throttled("bot", retry_after=1)
    await limiter.throttled("bot", retry_after=1)
    assert await limiter.current_rate("bot") == 1  # never below the floor
    for _ in range(20):
        await limiter.accepted("bot")
    assert await limiter.current_rate("bot") == 10  # never above the platform's rate


@pytest.fixture
async def redis():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the shared limiter runs in the PostgreSQL + Redis pass")
    client = Redis.from_url(url)
    keys = [key async for key in client.scan_iter("ona:test-rate:*")]
    if keys:
        await client.delete(*keys)
    yield client
    keys = [key async for key in client.scan_iter("ona:test-rate:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_two_workers_share_one_budget_through_redis(redis):
    limits = Limits(rate=5.0, per_chat_interval=1.0, burst=1)
    first = RedisSendRate(redis, limits, prefix="ona:test-rate")
    second = RedisSendRate(redis, limits, prefix="ona:test-rate")
    assert await first.wait_time("bot", "ada") == 0
    # The second worker sees the first one's send: the token's next slot is 0.2 s away.
    assert 0 < await second.wait_time("bot", "bola") <= 0.2
    await first.throttled("bot", retry_after=0.0)  # halves the rate, blocks nothing
    assert await second.current_rate("bot") == 2.5
    await second.throttled("bot", retry_after=30)
    assert 29 < await first.wait_time("bot", "chloe") <= 30
