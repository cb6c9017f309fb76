"""Channels are tried in the campaign's order [telegram, viber, email]: a client is queued on
the first one they agreed to and can be reached on, and a permanent failure there (the bot
was blocked) moves them to the next one in the following round."""

from __future__ import annotations

from core.models import Channel, MailChannel, OutboxState
from core.services.campaigns import progress
from tests.fakes.recorder import Failure
from tests.mailings.helpers import (
    Recorded,
    campaign_for,
    chat_of,
    client_on,
    marketer,
    messages_to,
    outbox,
    rows_of,
    worker_for,
)

ORDER = [MailChannel.TELEGRAM, MailChannel.VIBER, MailChannel.EMAIL]
BLOCKED = Failure(
    403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
)


async def test_each_client_gets_the_first_channel_they_can_be_reached_on(
    runtime, fake_telegram, fake_viber
):
    author = await marketer()
    ada, ada_telegram = await client_on("Ada")
    await chat_of(ada, Channel.VIBER)  # on both: Telegram comes first
    bola, bola_viber = await client_on("Bola", Channel.VIBER)  # no Telegram chat
    chidi, _ = await client_on("Chidi", Channel.EMAIL, email="chidi@example.com")
    campaign = await campaign_for(author, ORDER)
    email = Recorded()
    await worker_for(runtime, senders={**runtime.mailer.senders, MailChannel.EMAIL: email}).drain()

    rows = await outbox(campaign)
    assert {client: (str(r.channel), r.state) for client, r in rows.items()} == {
        ada.id: ("telegram", OutboxState.SENT),
        bola.id: ("viber", OutboxState.SENT),
        chidi.id: ("email", OutboxState.SENT),
    }
    assert messages_to(fake_telegram.calls, ada_telegram.chat_id) == [
        "Hello Ada, new rates to Kano this week."
    ]
    [viber] = [c.params for c in fake_viber.calls if c.method == "send_message"]
    assert viber["receiver"] == bola_viber.external_id
    assert viber["text"] == "Hello Bola, new rates to Kano this week."
    [mail] = email.sent
    assert mail.address == "chidi@example.com" and mail.message.subject == "News for Chidi"
    assert mail.unsubscribe_url == f"https://ona.test/m/u/{rows[chidi.id].token}"


async def test_a_blocked_bot_fails_telegram_and_the_next_round_sends_on_viber(
    runtime, fake_telegram, fake_viber
):
    author = await marketer()
    ada, telegram = await client_on("Ada")
    viber = await chat_of(ada, Channel.VIBER)
    campaign = await campaign_for(author, ORDER)
    fake_telegram.fail_next("sendMessage", BLOCKED)
    worker = worker_for(runtime)

    assert await worker.run_once() == 1
    rows = await rows_of(campaign, ada)
    assert rows["telegram"].state is OutboxState.FAILED
    assert rows["telegram"].reason == "Forbidden: bot was blocked by the user"
    assert rows["viber"].state is OutboxState.QUEUED
    assert not [c for c in fake_viber.calls if c.method == "send_message"]

    assert await worker.run_once() == 1
    rows = await rows_of(campaign, ada)
    assert rows["viber"].state is OutboxState.SENT and rows["viber"].provider_id
    [sent] = [c.params for c in fake_viber.calls if c.method == "send_message"]
    assert sent["receiver"] == viber.external_id
    assert sent["text"] == "Hello Ada, new rates to Kano this week."
    assert len(messages_to(fake_telegram.calls, telegram.chat_id)) == 1  # the refused one
    await worker.drain()
    await campaign.refresh_from_db()
    counts = (await progress(campaign.id)).counts
    assert (counts["sent"], counts["failed"]) == (1, 1)
    assert campaign.state == "done"


async def test_a_failure_with_no_next_channel_stays_failed(runtime, fake_telegram):
    author = await marketer()
    ada, _ = await client_on("Ada")  # Telegram only: Viber and email have no consent
    campaign = await campaign_for(author, ORDER)
    fake_telegram.fail_next("sendMessage", BLOCKED)
    await worker_for(runtime).drain()
    rows = await rows_of(campaign, ada)
    assert list(rows) == ["telegram"] and rows["telegram"].state is OutboxState.FAILED
