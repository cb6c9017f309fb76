"""Each key gets a fixed number of requests per minute; over it, 429 with Retry-After."""

from __future__ import annotations

import pytest

from core.models import Role
from core.services.ratelimit import MemoryRateLimiter, RedisRateLimiter


async def test_a_key_over_its_limit_waits(api, api_as, rate_limit):
    rate_limit(3)

    answers = [await api.get("/clients") for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 200]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a.headers["RateLimit-Limit"] == "3" for a in answers)
    assert all(1 <= int(a.headers["RateLimit-Reset"]) <= 60 for a in answers)

    refused = await api.get("/clients")
    assert refused.status == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.body["type"].endswith("#problem-rate-limited")
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.body["detail"] == f"Too many requests. Try again in {wait} seconds."
    assert refused.headers["RateLimit-Remaining"] == "0"
    # Writes are refused too, and nothing is written.
    assert (await api.post("/clients", json={"name": "Ada"})).status == 429

    other = await api_as(Role.ADMIN)
    assert (await other.get("/clients")).status == 200
    # The document and the docs page are not counted.
    assert (await api.get("/openapi.json")).status == 200


async def test_memory_limiter_opens_a_new_window():
    now = [100.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0], max_buckets=2)

    assert (await limiter.hit("a", 2, 60)).allowed
    second = await limiter.hit("a", 2, 60)
    assert (second.allowed, second.remaining) == (True, 0)
    third = await limiter.hit("a", 2, 60)
    assert (third.allowed, third.reset_seconds) == (False, 60)
    now[0] += 30
    assert (await limiter.hit("a", 2, 60)).reset_seconds == 30
    now[0] += 31
    fresh = await limiter.hit("a", 2, 60)
    assert (fresh.allowed, fresh.remaining) == (True, 1)
    # Old windows are dropped when the table is full.
    await limiter.hit("b", 2, 60)
    now[0] += 61
    await limiter.hit("c", 2, 60)
    assert set(limiter._windows) == {"c"}


async def test_redis_limiter_shares_one_count(runtime):
    if runtime.redis is None:
        pytest.skip("needs REDIS_URL")
    one, two = RedisRateLimiter(runtime.redis), RedisRateLimiter(runtime.redis)

    assert (await one.hit("shared", 2, 60)).remaining == 1
    assert (await two.hit("shared", 2, 60)).remaining == 0
    refused = await one.hit("shared", 2, 60)
    assert not refused.allowed
    assert 59 <= refused.reset_after <= 60
    assert await runtime.redis.pttl("ona:ratelimit:shared") > 0
    short = await one.hit("short", 1, 0.05)
    assert short.allowed
