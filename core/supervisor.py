"""The one owner of detached work: every background task is tracked, logged and drained."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Supervisor:
    """Implements core.ports.TaskSupervisor; main.py owns the instance and drains it on stop.

    Work items (an update being handled) are waited for on shutdown; services that run for
    the life of the process (polling, scheduler leadership) are `long_running` and are
    cancelled instead.
    """

    def __init__(self) -> None:
        self._work: set[asyncio.Task[Any]] = set()
        self._services: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str, long_running: bool = False
    ) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        if long_running:
            self._services.add(task)
            task.add_done_callback(self._service_finished)
        else:
            self._work.add(task)
            self._idle.clear()
            task.add_done_callback(self._work_finished)

    def _work_finished(self, task: asyncio.Task[Any]) -> None:
        self._work.discard(task)
        if not self._work:
            self._idle.set()
        self._report(task)

    def _service_finished(self, task: asyncio.Task[Any]) -> None:
        self._services.discard(task)
        self._report(task)

    @staticmethod
    def _report(task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        if (exc := task.exception()) is not None:
            log.error("Task %s failed", task.get_name(), exc_info=exc)

    @property
    def pending(self) -> int:
        return len(self._work)

    async def wait_idle(self) -> None:
        """Wait until no work item is running (tests and benchmarks await this, not a sleep)."""
        while self._work:
            await self._idle.wait()

    async def drain(self, grace: float = 10.0) -> None:
        """Let work finish within `grace` seconds, then cancel it and every service."""
        if self._work:
            _done, pending = await asyncio.wait(set(self._work), timeout=grace)
            for task in pending:
                task.cancel()
        leftover = set(self._work) | set(self._services)
        for task in self._services:
            task.cancel()
        if leftover:
            await asyncio.gather(*leftover, return_exceptions=True)
