"""A campaign by SMS through a local HTTP gateway: the phone in E.164 and the text rendered
for the client; a gateway error (5xx) is tried again later, a refusal (4xx) is final."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from core.models import Channel, MailChannel, OutboxMessage, OutboxState
from core.services.mailing_senders import SmsChannelSender
from core.services.mailing_worker import RETRY_BACKOFF
from core.services.sms_channel import HttpSmsProvider, SmsConfig
from tests.channels.test_sms_channel import Gateway
from tests.fakes.recorder import start_server
from tests.mailings.helpers import Clock, campaign_for, client_on, marketer, worker_for


@pytest.fixture
async def sms() -> AsyncIterator[tuple[Gateway, SmsChannelSender]]:
    gateway = Gateway()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", gateway.handle)
    runner, gateway.url = await start_server(app)
    provider = HttpSmsProvider(
        SmsConfig(
            url_template=f"{gateway.url}/v1/sms",
            body_fields={"to": "{to}", "text": "{text}"},
            body_format="json",
            token="gw-token",
        )
    )
    try:
        yield gateway, SmsChannelSender(provider)
    finally:
        await provider.close()
        await runner.cleanup()


async def _campaign(runtime, channel: SmsChannelSender, clock: Clock):
    author = await marketer()
    ada, _ = await client_on("Ada", Channel.SMS)
    campaign = await campaign_for(
        author,
        [MailChannel.SMS],
        body="{client_name}, Kano rates -10% this week.",
        now=clock.now(),
    )
    worker = worker_for(runtime, clock, senders={MailChannel.SMS: channel})
    return ada, campaign, worker


async def test_the_gateway_gets_the_e164_phone_and_the_rendered_text(runtime, sms):
    gateway, channel = sms
    ada, campaign, worker = await _campaign(runtime, channel, Clock())
    await worker.drain()

    [seen] = gateway.seen
    assert seen.json == {"to": ada.phone, "text": "Ada, Kano rates -10% this week."}
    assert ada.phone.startswith("+234") and ada.phone[1:].isdigit()
    assert seen.headers["Authorization"] == "Bearer gw-token"
    row = await OutboxMessage.get(campaign_id=campaign.id)
    assert (row.state, row.provider_id, row.address) == (OutboxState.SENT, "msg-1", ada.phone)


async def test_a_gateway_error_is_tried_again_later(runtime, sms):
    gateway, channel = sms
    clock = Clock()
    _ada, campaign, worker = await _campaign(runtime, channel, clock)
    gateway.answers.append(web.json_response({"error": "busy"}, status=500))

    assert await worker.run_once() == 1
    row = await OutboxMessage.get(campaign_id=campaign.id)
    assert row.state is OutboxState.QUEUED and row.reason.startswith("HTTP 500")
    assert row.due_at == clock.now() + RETRY_BACKOFF and row.attempts == 1

    assert await worker.run_once() == 0  # not due yet
    assert len(gateway.seen) == 1
    clock.move(minutes=5)
    assert await worker.run_once() == 1
    await row.refresh_from_db()
    assert (row.state, row.reason, row.attempts) == (OutboxState.SENT, "", 2)
    assert len(gateway.seen) == 2 and gateway.seen[1].json == gateway.seen[0].json


async def test_a_refusal_is_final(runtime, sms):
    gateway, channel = sms
    clock = Clock()
    _ada, campaign, worker = await _campaign(runtime, channel, clock)
    gateway.answers.append(web.json_response({"error": "number barred"}, status=400))

    await worker.drain()
    clock.move(hours=1)
    await worker.drain()
    row = await OutboxMessage.get(campaign_id=campaign.id)
    assert row.state is OutboxState.FAILED
    assert row.reason.startswith("HTTP 400") and "number barred" in row.reason
    assert len(gateway.seen) == 1
    await campaign.refresh_from_db()
    assert campaign.state == "done"
