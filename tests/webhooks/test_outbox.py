"""The outbox: an event is queued with its cause or not at all, and costs nothing unwanted."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from core.models import (
    Channel,
    ChannelIdentity,
    ClientKind,
    DeliveryState,
    Interaction,
    WebhookDelivery,
    WebhookEndpoint,
)
from core.services.interactions import Subject, log_interaction
from core.services.webhooks import (
    CLIENT_CREATED,
    CONSENT_CHANGED,
    INTERACTION_LOGGED,
    create_endpoint,
    emit,
    event_choices,
    has_subscribers,
    register_event,
)
from core.services.webhooks.outbox import envelope
from tests.querycount import count_queries


async def _identity() -> ChannelIdentity:
    return await ChannelIdentity.create(
        channel=Channel.TELEGRAM, external_id="4242", chat_id=4242, display_name="Bola"
    )


async def test_an_event_from_a_rolled_back_transaction_is_never_delivered(admin, receiver, sender):
    await create_endpoint(admin, receiver.url, [INTERACTION_LOGGED, CONSENT_CHANGED])
    identity = await _identity()

    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await log_interaction(identity, Subject.MENU, "Track a delivery", connection=conn)
            assert await WebhookDelivery.all().using_db(conn).count() == 1
            raise RuntimeError("the use case failed after logging")
    marker = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})

    assert await sender.deliver_due() == 1
    assert [(r.event, r.headers["Ona-Delivery"]) for r in receiver.requests] == [
        ("consent.changed", marker)
    ]
    assert not await Interaction.exists()
    assert await WebhookDelivery.filter(event=INTERACTION_LOGGED).count() == 0


async def test_with_no_subscriber_logging_an_interaction_runs_no_extra_query(
    admin, receiver, paused_runtime_sender
):
    identity = await _identity()
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])  # another event only
    assert not await has_subscribers(INTERACTION_LOGGED)  # the cache is loaded now

    with count_queries(only_this_task=True) as queries:
        await log_interaction(identity, Subject.MENU, "Settings")
    assert queries.count == 1, queries.statements  # the dossier entry itself
    assert queries.statements[0].lstrip().upper().startswith("INSERT")

    with count_queries(only_this_task=True) as queries:
        assert await emit(INTERACTION_LOGGED, {"id": 1}) is None
        assert await emit(CLIENT_CREATED, {"id": 1}) is None
    assert queries.count == 0, queries.statements
    assert not await WebhookDelivery.exists()


async def test_with_no_endpoint_at_all_emit_runs_no_query(runtime, paused_runtime_sender):
    await has_subscribers(INTERACTION_LOGGED)
    with count_queries(only_this_task=True) as queries:
        for _ in range(100):
            await emit(INTERACTION_LOGGED, {"id": 1})
    assert queries.count == 0, queries.statements


async def test_an_interaction_logged_outside_a_transaction_is_queued_with_its_entry(
    admin, receiver, paused_runtime_sender
):
    identity = await _identity()
    endpoint = await create_endpoint(admin, receiver.url, [INTERACTION_LOGGED])
    entry = await log_interaction(identity, Subject.STARTED, "/start")

    delivery = await WebhookDelivery.get(endpoint=endpoint)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.payload["event"] == "interaction.logged"
    assert delivery.payload["data"]["id"] == entry.id
    assert delivery.payload["data"]["client_id"] is None  # not yet known as a client


async def test_an_endpoint_removed_by_another_process_is_skipped_not_fatal(
    admin, receiver, paused_runtime_sender
):
    identity = await _identity()
    endpoint = await create_endpoint(admin, receiver.url, [INTERACTION_LOGGED])
    assert await has_subscribers(INTERACTION_LOGGED)
    # Behind this process's cache, as the panel in another process would.
    await WebhookEndpoint.filter(id=endpoint.id).delete()

    entry = await log_interaction(identity, Subject.MENU, "My orders")
    assert await Interaction.filter(id=entry.id).exists()
    assert not await WebhookDelivery.exists()


async def test_only_registered_events_can_be_emitted(runtime):
    with pytest.raises(ValueError, match="unknown webhook event"):
        await emit("client.deleted", {"id": 1})
    with pytest.raises(ValueError, match="already registered"):
        register_event(CLIENT_CREATED, "Client created")
    keys = [key for key, _label in event_choices()]
    assert keys[:3] == ["client.created", "consent.changed", "interaction.logged"]
    assert dict(event_choices())["consent.changed"] == "Consent changed"


def test_the_envelope_is_plain_json():
    lagos = dt.timezone(dt.timedelta(hours=1))
    now = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    body = envelope(
        CLIENT_CREATED,
        {
            "amount": Decimal("10.10"),
            "kind": ClientKind.LEGAL_ENTITY,
            "at": dt.datetime(2026, 3, 1, 10, 30, tzinfo=lagos),
            "day": dt.date(2026, 3, 1),
            "tags": ("vip", "north"),
            "nested": {"n": 1, "ok": True, "none": None},
        },
        now,
    )
    assert json.loads(json.dumps(body)) == body
    assert body["created_at"] == "2026-03-01T09:30:00Z"
    assert body["data"] == {
        "amount": "10.10",
        "kind": "legal_entity",
        "at": "2026-03-01T09:30:00Z",
        "day": "2026-03-01",
        "tags": ["vip", "north"],
        "nested": {"n": 1, "ok": True, "none": None},
    }
    with pytest.raises(TypeError):
        envelope(CLIENT_CREATED, {"what": object()}, now)
