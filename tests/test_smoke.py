"""Start-up and the outward-facing basics of a running Ona."""

from __future__ import annotations

import asyncio

from aiogram import Bot

from bot.channels.registry import VIBER_BOT_TOKEN
from bot.channels.viber.session import ViberSession
from core.models import Channel, ChannelIdentity
from tests.conversation import TELEGRAM_SECRET
from tests.fakes.recorder import Failure
from tests.fakes.viber_api import AUTH_TOKEN


async def test_health_reports_everything(runtime, http):
    async with http.get(f"{runtime.base_url}/healthz") as response:
        body = await response.json()
    assert response.status == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if runtime.settings.redis_url else "off")
    assert body["scheduler"] in {"leader", "standby"}
    assert body["channels"] == {"telegram": "webhook", "viber": "on", "webchat": "on"}


async def test_webhooks_are_registered_at_start(runtime):
    (telegram,) = runtime.startup_calls["telegram"]
    assert telegram.params["url"] == "http://ona.test/webhook/telegram"
    assert telegram.params["secret_token"] == TELEGRAM_SECRET
    (viber,) = runtime.startup_calls["viber"]
    assert viber.params["url"] == "http://ona.test/webhook/viber"
    assert "conversation_started" in viber.params["event_types"]


async def test_chat_page_speaks_the_browser_language(runtime, http):
    headers = {"Accept-Language": "ru-RU,ru;q=0.9"}
    async with http.get(f"{runtime.base_url}/chat", headers=headers) as response:
        page = await response.text()
    assert '<html lang="ru">' in page
    assert "Напишите сообщение" in page or "сообщение" in page


async def test_notifier_speaks_the_recipient_language(runtime, fake_telegram):
    sent = await runtime.notifier.notify(
        Channel.TELEGRAM, 4242, "ru", "Welcome back, {name}!", name="Ada"
    )
    assert sent
    call = await fake_telegram.wait_for(
        lambda calls: next((c for c in calls if c.method == "sendMessage"), None)
    )
    assert call.params["text"] == runtime.i18n.gettext("Welcome back, {name}!", "ru").format(
        name="Ada"
    )
    assert call.params["text"] != "Welcome back, Ada!"


async def test_viber_send_survives_a_timeout(runtime, fake_viber):
    """A Viber API that does not answer in time is retried within bounds; the message arrives."""
    identity = await ChannelIdentity.create(channel=Channel.VIBER, external_id="slow-user")
    identity.chat_id = identity.id
    await identity.save()
    session = ViberSession(fake_viber.url, AUTH_TOKEN, "OnaTest", timeout=0.3)
    bot = Bot(VIBER_BOT_TOKEN, session=session)
    fake_viber.fail_next("send_message", Failure(200, {"status": 0}, delay=1.0))
    try:
        await asyncio.wait_for(bot.send_message(identity.chat_id, "Hello"), timeout=10)
    finally:
        await session.close()
    sends = [c for c in fake_viber.calls if c.method == "send_message"]
    assert len(sends) == 2
    assert all(c.params["receiver"] == "slow-user" for c in sends)
