"""A receiver that stands in for an integrator's server, a clock tests move, and a sender.

The runtime's own sender is paused while a test drives its own `WebhookSender` on the
frozen clock, so each round (`deliver_due`) is the test's to run and nothing is sent behind
its back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from core.models import Employee, Role, WebhookEndpoint
from core.services.access import Actor, ActorKind
from core.services.webhooks import WebhookSender, invalidate_endpoint_cache
from tests.fakes.recorder import WAIT, start_server


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def event(self) -> str:
        return self.headers["Ona-Event"]


class Receiver:
    """Records every request; answers 200 unless told to fail the next few."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._changed = asyncio.Condition()
        self._answers: list[tuple[int, str]] = []
        self.release = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    def fail_next(self, times: int, status: int = 500, body: str = "receiver is down") -> None:
        self._answers.extend([(status, body)] * times)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_post("/redirect", self._redirect)
        app.router.add_post("/slow", self._slow)
        self._runner, base = await start_server(app)
        self.base = base
        self.url = f"{base}/hooks/main"

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _record(self, request: web.Request) -> None:
        body = await request.read()
        async with self._changed:
            self.requests.append(Received(request.path, dict(request.headers), body))
            self._changed.notify_all()

    async def _hook(self, request: web.Request) -> web.Response:
        await self._record(request)
        status, text = self._answers.pop(0) if self._answers else (200, "thanks")
        return web.Response(status=status, text=text)

    async def _redirect(self, request: web.Request) -> web.Response:
        await self._record(request)
        raise web.HTTPTemporaryRedirect(location=self.url)

    async def _slow(self, request: web.Request) -> web.Response:
        await self._record(request)
        await self.release.wait()
        return web.Response(text="too late")

    async def wait_for(
        self, predicate: Callable[[list[Received]], Any], timeout: float = WAIT
    ) -> Any:
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (value := predicate(self.requests)):
                    await self._changed.wait()
                return value


def _documented_verifier() -> Callable[[str, Any, bytes], bool]:
    """The receiver code docs/webhooks.md gives integrators, run as written."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    [source] = [block for block in blocks if "def is_from_ona" in block]
    namespace: dict[str, Any] = {}
    exec(compile(source, "docs/webhooks.md", "exec"), namespace)  # noqa: S102
    return namespace["is_from_ona"]


verify = _documented_verifier()


class FrozenClock:
    """Time stands still until the test moves it."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, delta: dt.timedelta) -> None:
        self.moment += delta


@pytest.fixture(autouse=True)
def fresh_endpoint_cache() -> Any:
    """Tables are emptied between tests behind the services' back: forget what was cached."""
    invalidate_endpoint_cache()
    yield
    invalidate_endpoint_cache()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def admin(runtime) -> Actor:
    employee = await Employee.create(name="Adaeze Admin", role=Role.ADMIN)
    return Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=employee.id,
        role=Role.ADMIN,
        name=employee.name,
    )


@pytest.fixture
async def manager(runtime) -> Actor:
    employee = await Employee.create(name="Musa Manager", role=Role.MANAGER)
    return Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=employee.id,
        role=Role.MANAGER,
        name=employee.name,
    )


@pytest.fixture
def clock() -> FrozenClock:
    # A minute ahead of the wall clock, so what was just queued (stamped with real time) is due.
    return FrozenClock(dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1))


async def _forget_endpoints() -> None:
    """Before the runtime's sender resumes: what this test queued is not the next test's."""
    await WebhookEndpoint.all().delete()
    invalidate_endpoint_cache()


@pytest.fixture
async def paused_runtime_sender(runtime) -> AsyncIterator[None]:
    assert runtime.webhooks is not None
    await runtime.webhooks.stop()
    yield
    await _forget_endpoints()
    runtime.webhooks.start()


@pytest.fixture
async def sender(runtime, clock, paused_runtime_sender) -> AsyncIterator[WebhookSender]:
    worker = WebhookSender(runtime.supervisor, clock, timeout=2.0)
    yield worker
    await worker.stop()


@pytest.fixture
async def live_sender(runtime) -> AsyncIterator[WebhookSender]:
    """The runtime's own sender, polling only once an hour: deliveries arrive by being woken."""
    worker = runtime.webhooks
    assert worker is not None
    await worker.stop()
    usual = worker.poll_interval
    worker.poll_interval = 3600
    worker.start()
    yield worker
    await worker.stop()
    await _forget_endpoints()
    worker.poll_interval = usual
    worker.start()
