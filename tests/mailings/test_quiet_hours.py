"""The company's quiet hours hold campaigns too: nothing leaves at 23:00 in Lagos, and the
queue goes out once the quiet hours end at 08:00."""

from __future__ import annotations

import datetime as dt

from core.models import MailChannel, OutboxState
from core.services.campaigns import progress
from core.services.company import current_company, forget_company
from tests.mailings.helpers import Clock, campaign_for, client_on, marketer, worker_for


async def test_nothing_is_sent_in_quiet_hours(runtime, fake_telegram):
    company = await current_company()
    company.quiet_starts, company.quiet_ends = "21:00", "08:00"
    await company.save()
    forget_company()
    author = await marketer()
    for name in ("Ada", "Bola"):
        await client_on(name)
    clock = Clock(dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC))  # 23:00 in Lagos
    campaign = await campaign_for(author, [MailChannel.TELEGRAM], now=clock.now())
    worker = worker_for(runtime, clock)

    assert await worker.run_once() == 0
    await worker.drain()
    assert not [c for c in fake_telegram.calls if c.method == "sendMessage"]
    counts = (await progress(campaign.id)).counts
    assert counts["queued"] == 2  # started: the audience is fixed, only the sending waits

    clock.move(hours=8, minutes=59)  # 07:59 in Lagos
    await worker.drain()
    assert not [c for c in fake_telegram.calls if c.method == "sendMessage"]

    clock.move(minutes=2)  # 08:01 in Lagos
    await worker.drain()
    assert len([c for c in fake_telegram.calls if c.method == "sendMessage"]) == 2
    counts = (await progress(campaign.id)).counts
    assert (counts["sent"], counts["queued"]) == (2, 0)
    row = await campaign.outbox.all().first()
    assert row.state is OutboxState.SENT and row.sent_at == clock.now()
