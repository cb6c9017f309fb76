"""Telegram paid broadcasts: off by default, on only for a campaign with a Stars budget, and
only while the budget lasts (0.1 Star a message)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidInput
from core.models import Campaign, MailChannel
from core.services import campaigns
from tests.mailings.helpers import campaign_for, client_on, marketer, worker_for
from tests.services.conftest import actor_for


def _paid(calls) -> list[bool]:
    return [bool(c.params.get("allow_paid_broadcast")) for c in calls if c.method == "sendMessage"]


async def test_off_unless_a_campaign_sets_it_with_a_budget(runtime, fake_telegram):
    author = await marketer()
    await client_on("Ada")
    await campaign_for(author, [MailChannel.TELEGRAM])
    await worker_for(runtime).drain()
    assert _paid(fake_telegram.calls) == [False]

    with pytest.raises(InvalidInput) as refused:
        await campaigns.create_campaign(
            actor_for(author),
            campaigns.CampaignInput(
                name="No budget",
                segment_id=1,
                template_id=1,
                channels=[MailChannel.TELEGRAM],
                allow_paid_broadcast=True,
            ),
        )
    assert refused.value.field == "paid_budget_stars"


async def test_the_budget_buys_a_tenth_of_a_star_per_message(runtime, fake_telegram):
    author = await marketer()
    for n in range(12):
        await client_on(f"Client {n}")
    campaign = await campaign_for(author, [MailChannel.TELEGRAM], now=dt.datetime.now(dt.UTC))
    # One Star buys ten paid messages; the other two go at the free rate.
    await Campaign.filter(id=campaign.id).update(allow_paid_broadcast=True, paid_budget_stars=1)
    await worker_for(runtime, batch=5).drain()
    assert _paid(fake_telegram.calls) == [True] * 10 + [False] * 2
