"""The scheduler: APScheduler jobs, fired by exactly one process among all workers.

With Redis, workers compete for a lock with an expiry; the holder renews it, and when it dies
the lock expires and another worker takes over. Without Redis there is one process and it
leads. Job stores are never shared: each worker registers the same jobs, only the leader's
scheduler runs.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from redis.asyncio import Redis

from core.ports import TaskSupervisor

log = logging.getLogger(__name__)

LOCK_KEY = "ona:scheduler:leader"

# Extend the lock only if we still hold it (compare-and-expire, atomically).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class LeaderLock:
    def __init__(self, redis: Redis | None, ttl: float = 15.0, key: str = LOCK_KEY) -> None:
        self.redis = redis
        self.ttl_ms = int(ttl * 1000)
        self.key = key
        self.owner = secrets.token_hex(8)

    async def try_acquire(self) -> bool:
        """Take the lock if it is free, or keep it if it is ours."""
        if self.redis is None:
            return True
        if await self.redis.set(self.key, self.owner, nx=True, px=self.ttl_ms):
            return True
        return bool(await self.redis.eval(_RENEW, 1, self.key, self.owner, self.ttl_ms))

    async def release(self) -> None:
        if self.redis is not None:
            await self.redis.eval(_RELEASE, 1, self.key, self.owner)


class Scheduler:
    def __init__(
        self,
        supervisor: TaskSupervisor,
        lock: LeaderLock,
        timezone: Any,
        check_every: float | None = None,
    ) -> None:
        self.supervisor = supervisor
        self.lock = lock
        self.check_every = check_every or lock.ttl_ms / 3000
        self.aps = AsyncIOScheduler(timezone=timezone)
        self.is_leader = False
        self.leadership_changed = asyncio.Event()
        self._stopping = asyncio.Event()

    def add_job(
        self, job_id: str, func: Callable[[], Awaitable[Any]], trigger: BaseTrigger
    ) -> None:
        """Jobs are thin, idempotent entry points into core.services, registered by id."""
        self.aps.add_job(
            func,
            trigger=trigger,
            id=job_id,
            name=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )

    def start(self) -> None:
        self.aps.start(paused=True)
        self.supervisor.spawn(self._lead(), name="scheduler-leadership", long_running=True)

    async def _lead(self) -> None:
        while not self._stopping.is_set():
            try:
                leader = await self.lock.try_acquire()
            except Exception:
                log.warning("Scheduler lock unavailable; standing by", exc_info=True)
                leader = False
            if leader != self.is_leader:
                self.is_leader = leader
                if leader:
                    self.aps.resume()
                    log.info("This process now fires scheduled jobs")
                else:
                    self.aps.pause()
                    log.info("Another process fires scheduled jobs")
                self.leadership_changed.set()
                self.leadership_changed = asyncio.Event()
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self.check_every)
            except TimeoutError:
                continue

    async def stop(self, release: bool = True) -> None:
        """Stop firing; `release=False` leaves the lock to expire, as a crash would."""
        self._stopping.set()
        if self.aps.running:
            self.aps.shutdown(wait=False)
        if release and self.is_leader:
            await self.lock.release()
        self.is_leader = False
