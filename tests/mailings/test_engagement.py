"""What a campaign's progress tells the marketer after sending: clicks on the tracked link,
Viber's "delivered" callbacks, clients who wrote back; and the author hears in the bot
when the campaign starts and when it is finished."""

from __future__ import annotations

import json
import time

from core.models import Channel, ChannelIdentity, MailChannel, OutboxMessage, OutboxState
from core.ports import SystemClock
from core.services.campaigns import progress
from tests.conversation import viber_sign
from tests.mailings.helpers import (
    campaign_for,
    client_in,
    client_on,
    marketer,
    messages_to,
    outbox,
    worker_for,
)

LINK = "https://ona.example/kano-rates?utm_source=ona"


async def test_the_tracked_link_redirects_and_counts_one_click_per_recipient(
    runtime, fake_telegram, http
):
    author = await marketer()
    ada, chat = await client_on("Ada")
    campaign = await campaign_for(
        author, [MailChannel.TELEGRAM], body="Rates for {client_name}: {link}", link_url=LINK
    )
    await worker_for(runtime).drain()
    token = (await outbox(campaign))[ada.id].token
    assert messages_to(fake_telegram.calls, chat.chat_id) == [
        f"Rates for Ada: https://ona.test/m/l/{token}"
    ]
    assert (await progress(campaign.id)).clicked == 0

    for _ in range(2):
        async with http.get(runtime.base_url + f"/m/l/{token}", allow_redirects=False) as response:
            assert response.status == 302
            assert response.headers["Location"] == LINK
    row = await OutboxMessage.get(token=token)
    assert row.clicks == 2 and row.first_click_at is not None
    assert (await progress(campaign.id)).clicked == 1

    async with http.get(runtime.base_url + "/m/l/unknown", allow_redirects=False) as response:
        assert response.status == 404


async def test_a_campaign_without_a_link_has_no_tracked_link(runtime, http):
    author = await marketer()
    ada, _ = await client_on("Ada")
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    await worker_for(runtime).drain()
    token = (await outbox(campaign))[ada.id].token
    async with http.get(runtime.base_url + f"/m/l/{token}", allow_redirects=False) as response:
        assert response.status == 404


async def _viber_event(runtime, http, event: dict) -> int:
    body = json.dumps(event).encode()
    async with http.post(
        runtime.base_url + "/webhook/viber",
        data=body,
        headers={"X-Viber-Content-Signature": viber_sign(body)},
    ) as response:
        status = response.status
    await runtime.supervisor.wait_idle()
    return status


async def test_vibers_delivered_callback_counts_as_delivered(runtime, fake_viber, http):
    author = await marketer()
    ada, chat = await client_on("Ada", Channel.VIBER)
    campaign = await campaign_for(author, [MailChannel.VIBER])
    await worker_for(runtime).drain()
    row = (await outbox(campaign))[ada.id]
    [sent] = [c for c in fake_viber.calls if c.method == "send_message"]
    assert sent.params["receiver"] == chat.external_id
    assert row.state is OutboxState.SENT and row.provider_id.isdigit()
    assert (await progress(campaign.id)).delivered == 0

    delivered = {
        "event": "delivered",
        "timestamp": int(time.time() * 1000),
        "message_token": int(row.provider_id),
        "user_id": chat.external_id,
    }
    forged = json.dumps(delivered).encode()
    async with http.post(
        runtime.base_url + "/webhook/viber",
        data=forged,
        headers={"X-Viber-Content-Signature": viber_sign(forged, "not-the-token")},
    ) as response:
        assert response.status == 403
    assert (await progress(campaign.id)).delivered == 0

    assert await _viber_event(runtime, http, delivered) == 200
    assert (await progress(campaign.id)).delivered == 1
    assert await _viber_event(runtime, http, delivered) == 200  # Viber may repeat itself
    assert (await progress(campaign.id)).delivered == 1


async def _sent_to_ada_and_bola(runtime, chat_factory):
    chat = chat_factory("telegram")
    await client_in(chat, "Ada")
    await client_in(chat_factory("telegram"), "Bola")
    campaign = await campaign_for(await marketer(), [MailChannel.TELEGRAM])
    await worker_for(runtime, SystemClock()).drain()  # replies are compared with sent_at
    await chat.expect("Hello Ada")
    assert (await progress(campaign.id)).replied == 0
    return chat, campaign


async def test_a_client_coming_back_to_the_bot_counts_as_a_reply(runtime, chat_factory):
    chat, campaign = await _sent_to_ada_and_bola(runtime, chat_factory)
    await chat.send("/start")
    await chat.expect("")
    await runtime.supervisor.wait_idle()
    replied = await progress(campaign.id)
    assert replied.replied == 1
    assert replied.counts["sent"] == 2  # Bola said nothing


async def test_a_client_writing_free_text_back_counts_as_a_reply(runtime, chat_factory):
    chat, campaign = await _sent_to_ada_and_bola(runtime, chat_factory)
    await chat.send("Thanks! How much to Abuja?")
    await chat.expect("")
    await runtime.supervisor.wait_idle()
    assert (await progress(campaign.id)).replied == 1


async def test_stopping_the_messages_is_not_a_reply(runtime, chat_factory):
    chat = chat_factory("telegram")
    await client_in(chat, "Ada")
    author = await marketer()
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    await worker_for(runtime, SystemClock()).drain()
    await chat.expect("Hello Ada")
    await chat.press("Stop these messages")
    await chat.expect("Done: no more offers")
    await runtime.supervisor.wait_idle()
    assert (await progress(campaign.id)).replied == 0


async def test_the_author_hears_when_the_campaign_starts_and_finishes(runtime, fake_telegram):
    author = await marketer()
    author_chat = await ChannelIdentity.create(
        channel=Channel.TELEGRAM, external_id="555001", chat_id=555_001, employee=author
    )
    await client_on("Ada")
    await client_on("Bola")
    await client_on("Chidi", consent=False)
    await campaign_for(author, [MailChannel.TELEGRAM], name="Kano rates")
    await worker_for(runtime).drain()

    assert messages_to(fake_telegram.calls, author_chat.chat_id) == [
        "Campaign “Kano rates” started: 2 messages queued, 1 skipped.",
        "Campaign “Kano rates” finished: 2 sent, 0 delivered, 0 failed, 1 skipped.",
    ]
