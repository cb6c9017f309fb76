"""A worker killed mid-send loses nobody: its `sending` row goes back to the queue when it
restarts under the same name, or when its lease runs out; rows a live worker holds are
left alone; and two workers claiming at once (PostgreSQL) never take the same rows."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.models import MailChannel, OutboxMessage, OutboxState
from core.services.campaigns import start_due
from core.services.mailing_worker import RESENT
from tests.conftest import is_postgres
from tests.mailings.helpers import (
    Clock,
    campaign_for,
    client_on,
    marketer,
    messages_to,
    outbox,
    worker_for,
)

TEXT = "Hello {name}, new rates to Kano this week."


async def _started(names: list[str], clock: Clock):
    """A campaign already expanded into its queue, as a worker left it."""
    author = await marketer()
    people = [await client_on(name) for name in names]
    campaign = await campaign_for(author, [MailChannel.TELEGRAM], now=clock.now())
    assert await start_due(clock.now())
    return campaign, people


async def _mark_sending(row: OutboxMessage, owner: str, until: dt.datetime) -> None:
    """What _deliver does just before handing the message to the platform."""
    await OutboxMessage.filter(id=row.id).update(
        state=OutboxState.SENDING, lease_owner=owner, lease_until=until, attempts=1
    )


async def test_a_restarted_worker_sends_again_what_it_was_sending(runtime, fake_telegram):
    clock = Clock()
    campaign, [(ada, chat)] = await _started(["Ada"], clock)
    row = (await outbox(campaign))[ada.id]
    await _mark_sending(row, "w1", clock.now() + dt.timedelta(seconds=60))  # then kill -9

    worker = worker_for(runtime, clock, owner="w1")
    assert await worker.recover() == 1
    await row.refresh_from_db()
    assert (row.state, row.lease_owner, row.reason) == (OutboxState.QUEUED, None, RESENT)

    await worker.drain()
    await row.refresh_from_db()
    assert row.state is OutboxState.SENT
    assert messages_to(fake_telegram.calls, chat.chat_id) == [TEXT.format(name="Ada")]


async def test_a_dead_workers_row_comes_back_when_its_lease_ran_out(runtime, fake_telegram):
    clock = Clock()
    campaign, [(ada, chat)] = await _started(["Ada"], clock)
    row = (await outbox(campaign))[ada.id]
    await _mark_sending(row, "gone", clock.now() + dt.timedelta(seconds=60))
    worker = worker_for(runtime, clock, owner="w2")

    assert await worker.recover() == 0  # not its own
    assert await worker.run_once() == 0  # the lease still runs
    assert messages_to(fake_telegram.calls, chat.chat_id) == []
    clock.move(seconds=61)
    assert await worker.run_once() == 1
    await row.refresh_from_db()
    assert (row.state, row.lease_owner) == (OutboxState.SENT, None)
    assert messages_to(fake_telegram.calls, chat.chat_id) == [TEXT.format(name="Ada")]


async def test_rows_a_live_worker_holds_are_left_alone(runtime, fake_telegram):
    clock = Clock()
    campaign, people = await _started(["Ada", "Bola", "Chidi"], clock)
    (ada, ada_chat), (bola, bola_chat), (chidi, _) = people
    rows = await outbox(campaign)
    soon = clock.now() + dt.timedelta(seconds=30)
    await _mark_sending(rows[ada.id], "w2", soon)
    await OutboxMessage.filter(id=rows[bola.id].id).update(lease_owner="w2", lease_until=soon)

    worker = worker_for(runtime, clock, owner="w1")
    assert await worker.recover() == 0
    assert await worker.run_once() == 1  # Chidi only
    after = await outbox(campaign)
    assert (after[ada.id].state, after[ada.id].lease_owner) == (OutboxState.SENDING, "w2")
    assert (after[bola.id].state, after[bola.id].lease_owner) == (OutboxState.QUEUED, "w2")
    assert after[chidi.id].state is OutboxState.SENT
    assert messages_to(fake_telegram.calls, ada_chat.chat_id) == []
    assert messages_to(fake_telegram.calls, bola_chat.chat_id) == []

    # w2 never comes back: once its leases run out, w1 sends both.
    clock.move(seconds=31)
    await worker.drain()
    after = await outbox(campaign)
    assert {after[c.id].state for c in (ada, bola)} == {OutboxState.SENT}
    assert messages_to(fake_telegram.calls, ada_chat.chat_id) == [TEXT.format(name="Ada")]
    assert messages_to(fake_telegram.calls, bola_chat.chat_id) == [TEXT.format(name="Bola")]


@pytest.mark.skipif(not is_postgres(), reason="SQLite runs one worker: no SKIP LOCKED")
async def test_two_workers_claiming_at_once_take_different_rows(runtime):
    clock = Clock()
    campaign, _people = await _started([f"Client {n}" for n in range(12)], clock)
    first = worker_for(runtime, clock, owner="w1", batch=5)
    second = worker_for(runtime, clock, owner="w2", batch=5)

    for _ in range(5):
        one, two = await asyncio.gather(first._claim(clock.now()), second._claim(clock.now()))
        mine, theirs = {r.id for r in one}, {r.id for r in two}
        assert not mine & theirs
        # SKIP LOCKED: the second worker takes the next rows rather than waiting for nothing.
        assert len(mine) == len(theirs) == 5
        # Let the leases go for the next try.
        await OutboxMessage.filter(campaign_id=campaign.id).update(
            lease_owner=None, lease_until=None
        )
    owners = await OutboxMessage.filter(campaign_id=campaign.id).values_list(
        "lease_owner", flat=True
    )
    assert set(owners) == {None}
