"""What a marketer does to a running campaign: pause (nothing more leaves, even messages a
worker already holds), resume, cancel (what is left is skipped), and retry the failed ones
(they really go out again, and nobody who got the message elsewhere gets it twice)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidInput
from core.models import Campaign, CampaignState, Channel, Employee, MailChannel, OutboxState, Role
from core.services import campaigns
from core.services.campaigns import Reason, progress
from tests.fakes.recorder import Failure
from tests.mailings.helpers import (
    Hooked,
    campaign_for,
    chat_of,
    client_on,
    marketer,
    messages_to,
    outbox,
    rows_of,
    worker_for,
)
from tests.services.conftest import actor_for

CHAT_NOT_FOUND = Failure(
    400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
)
BLOCKED = Failure(
    403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
)


def _sends(fake) -> int:
    return len([c for c in fake.calls if c.method == "sendMessage"])


async def _five(runtime):
    author = await marketer()
    for name in ("Ada", "Bola", "Chidi", "Dayo", "Emeka"):
        await client_on(name)
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    return actor_for(author), campaign


async def test_pause_stops_sending_resume_continues(runtime, fake_telegram):
    actor, campaign = await _five(runtime)
    worker = worker_for(runtime, batch=2)
    assert await worker.run_once() == 2

    await campaigns.pause(actor, campaign.id)
    assert await worker.run_once() == 0
    await worker.drain()
    assert _sends(fake_telegram) == 2
    counts = (await progress(campaign.id)).counts
    assert (counts["sent"], counts["queued"]) == (2, 3)
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.PAUSED

    await campaigns.resume(actor, campaign.id)
    assert await worker.run_once() == 2
    assert _sends(fake_telegram) == 4
    await worker.drain()
    assert _sends(fake_telegram) == 5
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.DONE


async def test_a_pause_while_a_batch_is_held_stops_the_rest_of_it(runtime, fake_telegram):
    actor, campaign = await _five(runtime)
    senders = dict(runtime.mailer.senders)
    paused = []

    async def pause_once(_outgoing) -> None:
        if not paused:
            paused.append(await campaigns.pause(actor, campaign.id))

    senders[MailChannel.TELEGRAM] = Hooked(senders[MailChannel.TELEGRAM], pause_once)
    worker = worker_for(runtime, senders=senders, batch=3)
    await worker.run_once()

    assert _sends(fake_telegram) == 1
    counts = (await progress(campaign.id)).counts
    assert (counts["sent"], counts["queued"]) == (1, 4)
    rows = await outbox(campaign)
    assert all(r.lease_owner is None for r in rows.values())  # let go for any worker

    await campaigns.resume(actor, campaign.id)
    await worker.drain()
    assert _sends(fake_telegram) == 5


async def test_cancel_skips_what_is_left(runtime, fake_telegram):
    actor, campaign = await _five(runtime)
    worker = worker_for(runtime, batch=2)
    assert await worker.run_once() == 2

    cancelled = await campaigns.cancel(actor, campaign.id, dt.datetime.now(dt.UTC))
    assert cancelled.state is CampaignState.CANCELLED
    await worker.drain()
    assert _sends(fake_telegram) == 2
    rows = (await outbox(campaign)).values()
    assert sorted(str(r.state) for r in rows) == ["sent"] * 2 + ["skipped"] * 3
    assert {r.reason for r in rows if r.state is OutboxState.SKIPPED} == {Reason.CANCELLED}
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.CANCELLED
    with pytest.raises(InvalidInput):
        await campaigns.resume(actor, campaign.id)


async def test_retry_failed_really_sends_again(runtime, fake_telegram):
    author = await marketer()
    ada, chat = await client_on("Ada")
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    fake_telegram.fail_next("sendMessage", CHAT_NOT_FOUND)
    worker = worker_for(runtime)
    await worker.drain()
    row = (await outbox(campaign))[ada.id]
    assert (row.state, row.reason) == (OutboxState.FAILED, "Bad Request: chat not found")
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.DONE

    assert (
        await campaigns.retry_failed(actor_for(author), campaign.id, dt.datetime.now(dt.UTC)) == 1
    )
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.RUNNING
    await worker.drain()

    tries = [
        c
        for c in fake_telegram.calls
        if c.method == "sendMessage" and str(c.params["chat_id"]) == str(chat.chat_id)
    ]
    assert len(tries) == 2
    assert tries[1].params["text"] == "Hello Ada, new rates to Kano this week."
    await row.refresh_from_db()
    assert (row.state, row.reason) == (OutboxState.SENT, "")
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.DONE


async def test_retry_failed_leaves_out_who_got_it_on_another_channel(
    runtime, fake_telegram, fake_viber
):
    author = await marketer()
    ada, ada_telegram = await client_on("Ada")
    await chat_of(ada, Channel.VIBER)
    bola, bola_telegram = await client_on("Bola")  # Telegram only
    campaign = await campaign_for(author, [MailChannel.TELEGRAM, MailChannel.VIBER])
    fake_telegram.fail_next("sendMessage", BLOCKED, times=2)
    worker = worker_for(runtime)
    await worker.drain()
    ada_rows = await rows_of(campaign, ada)
    assert (ada_rows["telegram"].state, ada_rows["viber"].state) == (
        OutboxState.FAILED,
        OutboxState.SENT,
    )

    # Only Bola, who got nothing, is queued again.
    assert (
        await campaigns.retry_failed(actor_for(author), campaign.id, dt.datetime.now(dt.UTC)) == 1
    )
    await worker.drain()
    to_ada = [
        c
        for c in fake_telegram.calls
        if c.method == "sendMessage" and str(c.params["chat_id"]) == str(ada_telegram.chat_id)
    ]
    to_bola = [
        c
        for c in fake_telegram.calls
        if c.method == "sendMessage" and str(c.params["chat_id"]) == str(bola_telegram.chat_id)
    ]
    assert (len(to_ada), len(to_bola)) == (1, 2)
    assert (await rows_of(campaign, ada))["telegram"].state is OutboxState.FAILED
    assert (await rows_of(campaign, bola))["telegram"].state is OutboxState.SENT
    assert len([c for c in fake_viber.calls if c.method == "send_message"]) == 1


async def test_a_campaign_whose_author_lost_the_right_is_cancelled_not_stuck(
    runtime, fake_telegram
):
    author = await marketer()
    colleague = await marketer("Colleague")
    _ada, chat = await client_on("Ada")
    orphan = await campaign_for(author, [MailChannel.TELEGRAM], body="Old plan, {client_name}.")
    await Employee.filter(id=author.id).update(role=Role.ACCOUNTANT)  # moved to accounts
    other = await campaign_for(colleague, [MailChannel.TELEGRAM], body="New plan, {client_name}.")

    await worker_for(runtime).drain()

    assert (await Campaign.get(id=orphan.id)).state is CampaignState.CANCELLED
    assert await outbox(orphan) == {}
    assert (await Campaign.get(id=other.id)).state is CampaignState.DONE
    assert messages_to(fake_telegram.calls, chat.chat_id) == ["New plan, Ada."]
