"""One running Ona for the whole session, against real databases and local platform servers.

DATABASE_URL / REDIS_URL select PostgreSQL and Redis (CI sets them); without them the suite
runs on a fresh SQLite file with in-memory state. Every test starts from empty tables,
empty FSM state and empty fake-server logs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from tortoise import Tortoise, connections

from core.config import load_settings
from core.db import migrate, tortoise_config
from core.models import Role
from core.services.company import forget_company
from core.services.network_snapshot import forget_network
from main import Runtime
from tests.conversation import (
    TELEGRAM_SECRET,
    ChatClient,
    TelegramChat,
    ViberChat,
    WebChatClient,
)
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI
from tests.fakes.viber_api import AUTH_TOKEN, FakeViberAPI
from tests.panel.panel_client import Panel, make_employee

TABLES = (
    "report_digest",
    "marketing_cost",
    "mail_outbox",
    "mail_campaign",
    "mail_template_text",
    "mail_template",
    "mail_segment",
    "shipment_notice",
    "shipment_document",
    "shipment_event",
    "shipment_leg",
    "shipment",
    "staff_reminder",
    "task",
    "plan",
    "canned_reply",
    "contact_subject",
    "quote_reminder",
    "sales_order",
    "quote",
    "quote_request",
    "tariff",
    "price_list",
    "lane",
    "zone_location",
    "zone",
    "location",
    "webhook_attempt",
    "webhook_delivery",
    "webhook_endpoint",
    "api_key",
    "login_attempt",
    "panel_session",
    "consent_state",
    "client_tag",
    "tag",
    "marketing_source",
    "company",
    "consent",
    "interaction",
    "relay_session",
    "staff_invite",
    "audit_log",
    "channel_identity",
    "contact_person",
    "client",
    "carrier",
    "employee",
)


def database_url(tmp_dir: str) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite://{tmp_dir}/test.sqlite3"


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


def is_postgres() -> bool:
    return database_url("").startswith("postgres")


async def _reset_schema(url: str) -> None:
    if not url.startswith("postgres"):
        return
    await Tortoise.init(config=tortoise_config(url))
    await connections.get("default").execute_script(
        "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
    )
    await Tortoise.close_connections()


@pytest.fixture(scope="session")
async def fake_telegram() -> AsyncIterator[FakeTelegramAPI]:
    fake = FakeTelegramAPI()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(scope="session")
async def fake_viber() -> AsyncIterator[FakeViberAPI]:
    fake = FakeViberAPI()
    await fake.start()
    yield fake
    await fake.stop()


def test_settings(tmp_dir: str, telegram_url: str, viber_url: str, **overrides):
    values = {
        "database_url": database_url(tmp_dir),
        "redis_url": redis_url() or "",
        "host": "127.0.0.1",
        "port": 0,
        "public_url": "http://ona.test",
        "secret_key": secrets.token_urlsafe(40),
        "default_language": "en",
        "telegram_bot_token": TOKEN,
        "telegram_api_url": telegram_url,
        "telegram_mode": "webhook",
        "telegram_webhook_secret": TELEGRAM_SECRET,
        "viber_auth_token": AUTH_TOKEN,
        "viber_api_url": viber_url,
        "viber_bot_name": "OnaTest",
        # Photos the tests upload stay in the test's own directory, not in the checkout.
        "media_dir": f"{tmp_dir}/media",
        # The tests drive the mailing worker themselves (runtime.mailer), one round at a time.
        "mailing_worker": False,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="session")
async def runtime(tmp_path_factory, fake_telegram, fake_viber) -> AsyncIterator[Runtime]:
    tmp_dir = str(tmp_path_factory.mktemp("db"))
    settings = test_settings(tmp_dir, fake_telegram.url, fake_viber.url)
    await _reset_schema(settings.database_url)
    await migrate(settings.database_url)
    ona = Runtime(settings)
    await ona.start()
    # What Ona told the platforms at start-up, before the first test empties the logs.
    ona.startup_calls = {  # type: ignore[attr-defined]
        "telegram": await fake_telegram.wait_for(
            lambda calls: [c for c in calls if c.method == "setWebhook"]
        ),
        "viber": await fake_viber.wait_for(
            lambda calls: [c for c in calls if c.method == "set_webhook"]
        ),
    }
    yield ona
    await ona.stop()


async def _truncate() -> None:
    connection = connections.get("default")
    if is_postgres():
        await connection.execute_script(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE;")
    else:
        for table in TABLES:
            await connection.execute_query(f"DELETE FROM {table}")  # noqa: S608


@pytest.fixture(autouse=True)
async def clean_state(request) -> AsyncIterator[None]:
    if "runtime" not in request.fixturenames:
        yield
        return
    ona: Runtime = request.getfixturevalue("runtime")
    await ona.supervisor.wait_idle()
    await _truncate()
    for fake in (request.getfixturevalue("fake_telegram"), request.getfixturevalue("fake_viber")):
        fake.reset()
    if ona.redis is not None:
        keys = [key async for key in ona.redis.scan_iter("ona:*")]
        keys = [k for k in keys if not k.startswith(b"ona:scheduler")]
        if keys:
            await ona.redis.delete(*keys)
    else:
        ona.dedupe._seen.clear()  # type: ignore[attr-defined]
        ona.dispatcher.storage.storage.clear()  # type: ignore[attr-defined]
    ona.webchat_hub._backlog.clear()  # type: ignore[union-attr]
    forget_company()
    forget_network()  # the tables were emptied behind the snapshot's back
    yield
    await ona.supervisor.wait_idle()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def chat_factory(
    runtime, http, fake_telegram, fake_viber
) -> AsyncIterator[Callable[..., ChatClient]]:
    clients: list[WebChatClient] = []

    def make(channel: str) -> ChatClient:
        if channel == "telegram":
            return TelegramChat(runtime.base_url, http, fake_telegram)
        if channel == "viber":
            return ViberChat(runtime.base_url, http, fake_viber)
        client = WebChatClient(runtime.base_url, http)
        clients.append(client)
        return client

    yield make
    for client in clients:
        if client.socket is not None:
            await client.close()


@pytest.fixture(params=["telegram", "viber", "webchat"])
async def chat(request, chat_factory) -> ChatClient:
    client = chat_factory(request.param)
    if isinstance(client, WebChatClient):
        await client.connect()
    return client


@pytest.fixture
async def panel_for(runtime) -> AsyncIterator[Callable[[Role], Awaitable[Panel]]]:
    """A signed-in panel user of the given role (a new employee each call)."""
    opened: list[Panel] = []

    async def open_as(role: Role, name: str | None = None) -> Panel:
        employee = await make_employee(
            name or f"{role.value.title()} User{len(opened)}", role, f"{role.value}{len(opened)}"
        )
        panel = Panel(runtime.base_url)
        opened.append(panel)
        await panel.sign_in(employee.login)
        panel.employee = employee  # type: ignore[attr-defined]
        return panel

    yield open_as
    for panel in opened:
        await panel.close()
