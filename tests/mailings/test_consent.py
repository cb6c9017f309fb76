"""Consent decides who gets a campaign: on each channel only clients who agreed to offers
there, never after "Stop these messages" or STOP, and not even when they withdraw while
the campaign is already on its way. Updates about their own shipments go on after
"Stop these messages"."""

from __future__ import annotations

import datetime as dt

from core.models import (
    Channel,
    Employee,
    MailChannel,
    OutboxState,
    Role,
    Shipment,
    ShipmentStatus,
)
from core.services.campaigns import Reason, progress
from core.services.consent import marketing_consent, service_consent, stop_offers
from core.services.quote_requests import accept_quote
from core.services.shipment_notices import send_due_notices
from core.services.shipments import EventInput, record_event
from tests.contract.test_quote import _network
from tests.mailings.helpers import (
    campaign_for,
    client_in,
    client_on,
    marketer,
    messages_to,
    outbox,
    viber_messages_to,
    worker_for,
)
from tests.quotes.sales_data import request_quote
from tests.services.conftest import actor_for

OFFER = "new rates to Kano this week"


async def test_only_clients_who_agreed_to_offers_on_the_channel_get_them(runtime, fake_telegram):
    author = await marketer()
    ada, ada_chat = await client_on("Ada")
    bola, bola_chat = await client_on("Bola", consent=False)
    # Chidi agreed on Viber only; the campaign goes out on Telegram.
    chidi, _ = await client_on("Chidi", Channel.VIBER)
    # Dayo agreed to offers by email but left no address.
    dayo, _ = await client_on("Dayo", Channel.EMAIL)
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])

    await worker_for(runtime).drain()

    sent = [c for c in fake_telegram.calls if c.method == "sendMessage"]
    assert [str(c.params["chat_id"]) for c in sent] == [str(ada_chat.chat_id)]
    assert messages_to(fake_telegram.calls, bola_chat.chat_id) == []
    rows = await outbox(campaign)
    assert rows[ada.id].state is OutboxState.SENT
    for client in (bola, chidi, dayo):
        assert rows[client.id].state is OutboxState.SKIPPED
        assert rows[client.id].reason == Reason.NO_CONSENT
        assert rows[client.id].attempts == 0


async def test_consent_on_a_channel_without_an_address_says_so(runtime):
    author = await marketer()
    dayo, _ = await client_on("Dayo", Channel.EMAIL)  # agreed by email, no address on file
    campaign = await campaign_for(author, [MailChannel.EMAIL])
    await worker_for(runtime).drain()
    row = (await outbox(campaign))[dayo.id]
    assert (row.state, row.reason) == (OutboxState.SKIPPED, Reason.NO_ADDRESS)


async def _shipment_for(identity) -> Shipment:
    await _network()
    opened = await request_quote(identity, "Lagos", "Kano")
    assert opened.quote is not None
    order = await accept_quote(identity, opened.quote.id, 0)
    return await Shipment.get(order_id=order.id)


async def test_stop_these_messages_ends_offers_but_not_shipment_updates(
    runtime, fake_telegram, chat_factory
):
    chat = chat_factory("telegram")
    ada, identity = await client_in(chat, "Ada")
    author = await marketer()
    await campaign_for(author, [MailChannel.TELEGRAM])
    await worker_for(runtime).drain()
    await chat.expect(f"Hello Ada, {OFFER}")

    await chat.press("Stop these messages")
    await chat.expect("Done: no more offers from us on this channel.")
    assert not await marketing_consent(ada.id, Channel.TELEGRAM)
    assert await service_consent(ada.id, Channel.TELEGRAM)

    second = await campaign_for(author, [MailChannel.TELEGRAM], body="Last call, {client_name}!")
    await worker_for(runtime).drain()
    assert not any("Last call" in text for text in chat.said())
    row = (await outbox(second))[ada.id]
    assert (row.state, row.reason) == (OutboxState.SKIPPED, Reason.NO_CONSENT)

    # Their own shipment is still reported in the same chat.
    shipment = await _shipment_for(identity)
    dispatcher = actor_for(await Employee.create(name="Dara Dispatch", role=Role.DISPATCHER))
    now = dt.datetime.now(dt.UTC)
    await record_event(dispatcher, shipment.number, EventInput(status=ShipmentStatus.DELAYED), now)
    assert await send_due_notices(runtime.notifier, now, "https://ona.test") == 1
    await chat.expect(f"Shipment {shipment.number}: Delayed")


async def test_stop_ends_every_further_campaign(runtime, fake_viber, chat_factory):
    chat = chat_factory("viber")
    ada, _identity = await client_in(chat, "Ada")
    author = await marketer()
    await campaign_for(author, [MailChannel.VIBER])
    await worker_for(runtime).drain()
    await chat.expect(f"Hello Ada, {OFFER}")

    await chat.send("STOP")
    await chat.expect("You will not receive messages from us on this channel.")

    second = await campaign_for(author, [MailChannel.VIBER], body="Last call, {client_name}!")
    await worker_for(runtime).drain()
    assert viber_messages_to(fake_viber.calls, chat.user_id)[-1].startswith("Done.")
    assert not any("Last call" in text for text in chat.said())
    row = (await outbox(second))[ada.id]
    assert (row.state, row.reason) == (OutboxState.SKIPPED, Reason.NO_CONSENT)
    assert not await service_consent(ada.id, Channel.VIBER)  # STOP ends updates too


async def test_withdrawing_mid_campaign_stops_the_message_still_queued(runtime, fake_telegram):
    author = await marketer()
    people = [await client_on(name) for name in ("Ada", "Bola", "Chidi", "Dayo")]
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    worker = worker_for(runtime, batch=2)

    assert await worker.run_once() == 2  # Ada and Bola
    chidi, chidi_chat = people[2]
    assert (await outbox(campaign))[chidi.id].state is OutboxState.QUEUED
    await stop_offers(chidi_chat.id, "test:stop-button")
    await worker.drain()

    rows = await outbox(campaign)
    assert rows[chidi.id].state is OutboxState.SKIPPED
    assert rows[chidi.id].reason == Reason.CONSENT_WITHDRAWN == "consent withdrawn before sending"
    assert messages_to(fake_telegram.calls, chidi_chat.chat_id) == []
    for client, chat in (people[0], people[1], people[3]):
        assert rows[client.id].state is OutboxState.SENT
        assert messages_to(fake_telegram.calls, chat.chat_id) == [f"Hello {client.name}, {OFFER}."]
    counts = (await progress(campaign.id)).counts
    assert (counts["sent"], counts["skipped"], counts["queued"]) == (3, 1, 0)
