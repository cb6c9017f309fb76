"""Exactly one worker fires scheduled jobs; when it dies, another takes over."""

from __future__ import annotations

import os
import secrets

import pytest
from redis.asyncio import Redis

from core.scheduling import LeaderLock, Scheduler
from core.supervisor import Supervisor

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="leadership across processes needs REDIS_URL"
)


async def until_leader(scheduler: Scheduler, leader: bool) -> None:
    while scheduler.is_leader is not leader:
        await scheduler.leadership_changed.wait()


async def test_one_leader_and_takeover_after_a_crash():
    redis = Redis.from_url(os.environ["REDIS_URL"])
    key = f"ona:test:leader:{secrets.token_hex(4)}"
    supervisor = Supervisor()
    first = Scheduler(supervisor, LeaderLock(redis, ttl=1.0, key=key), timezone="UTC")
    second = Scheduler(supervisor, LeaderLock(redis, ttl=1.0, key=key), timezone="UTC")
    try:
        first.start()
        await until_leader(first, True)
        second.start()
        # The second worker checks the lock several times and never leads while the first lives.
        for _ in range(3):
            assert not await second.lock.try_acquire()
        assert first.is_leader and not second.is_leader

        await first.stop(release=False)  # a crash: the lock is left to expire
        await until_leader(second, True)
        assert await redis.get(key) == second.lock.owner.encode()
    finally:
        await second.stop()
        await first.stop()
        await supervisor.drain(grace=1)
        await redis.delete(key)
        await redis.aclose()
