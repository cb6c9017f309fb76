"""A first campaign over Telegram, end to end through the worker and the fake Bot API."""

from __future__ import annotations

from core.models import CampaignState, MailChannel, OutboxMessage, OutboxState
from core.services.campaigns import progress
from tests.mailings.helpers import campaign_for, client_on, marketer


async def test_a_campaign_reaches_consenting_clients_only(runtime, fake_telegram):
    author = await marketer()
    ada, ada_chat = await client_on("Ada")
    _bola, _ = await client_on("Bola", consent=False)
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    await runtime.mailer.drain()
    sent = [c for c in fake_telegram.calls if c.method == "sendMessage"]
    assert [c.params["text"] for c in sent] == ["Hello Ada, new rates to Kano this week."]
    assert str(sent[0].params["chat_id"]) == str(ada_chat.chat_id)
    buttons = [b["text"] for row in sent[0].params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Rates", "Stop these messages"]
    rows = {r.client_id: r for r in await OutboxMessage.filter(campaign_id=campaign.id)}
    assert rows[ada.id].state is OutboxState.SENT and rows[ada.id].provider_id
    counts = (await progress(campaign.id)).counts
    assert counts["sent"] == 1 and counts["skipped"] == 1
    await campaign.refresh_from_db()
    assert campaign.state is CampaignState.DONE
