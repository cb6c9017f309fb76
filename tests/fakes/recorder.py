"""Shared by the fake platform servers: a call log that tests can await, never sleep on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

WAIT = 10.0


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = asyncio.Condition()
        self._failures: dict[str, list[Failure]] = {}

    def reset(self) -> None:
        self.calls.clear()
        self._failures.clear()

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        self._failures.setdefault(method, []).extend([failure] * times)

    def take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        return queue.pop(0) if queue else None

    async def record(self, method: str, params: dict[str, Any]) -> None:
        async with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = WAIT) -> Any:
        """Wait until predicate(calls) is truthy and return its value."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (value := predicate(self.calls)):
                    await self._changed.wait()
                return value


async def start_server(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"
