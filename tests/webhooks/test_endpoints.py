"""Managing endpoints and deliveries, as the panel will: checked, validated and audited."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import AuditLog, DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.services import webhooks
from core.services.webhooks import (
    CLIENT_CREATED,
    CONSENT_CHANGED,
    INTERACTION_LOGGED,
    create_endpoint,
    delete_endpoint,
    delivery_detail,
    emit,
    list_deliveries,
    list_endpoints,
    resend,
    send_test_event,
    update_endpoint,
)
from tests.webhooks.conftest import verify


async def test_creating_an_endpoint_generates_a_secret_and_audits_without_it(admin, receiver):
    endpoint = await create_endpoint(
        admin, f"  {receiver.url}  ", [INTERACTION_LOGGED, CLIENT_CREATED, CLIENT_CREATED], "ERP"
    )
    assert endpoint.url == receiver.url
    assert endpoint.events == ["client.created", "interaction.logged"]  # catalog order, once
    assert endpoint.is_active
    assert len(endpoint.secret) >= 40
    assert endpoint.created_by_id == admin.employee_id

    [entry] = await AuditLog.all()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "webhook.created",
        "webhook_endpoint",
        str(endpoint.id),
    )
    assert entry.employee_id == admin.employee_id
    assert entry.details == {
        "url": receiver.url,
        "events": ["client.created", "interaction.logged"],
        "description": "ERP",
        "is_active": True,
    }
    assert endpoint.secret not in str(entry.details)

    paused = await create_endpoint(admin, receiver.url, [CLIENT_CREATED], is_active=False)
    assert not paused.is_active
    await emit(CLIENT_CREATED, {"id": 1})
    assert [d.endpoint_id for d in await WebhookDelivery.all()] == [endpoint.id]


@pytest.mark.parametrize(
    ("url", "events", "description", "field", "message"),
    [
        ("ftp://example.com/hook", [CLIENT_CREATED], "", "url", "Enter an http://"),
        ("https://", [CLIENT_CREATED], "", "url", "Enter an http://"),
        ("example.com/hook", [CLIENT_CREATED], "", "url", "Enter an http://"),
        ("https://exa mple.com/", [CLIENT_CREATED], "", "url", "Enter an http://"),
        ("https://example.com:port/", [CLIENT_CREATED], "", "url", "Enter an http://"),
        ("https://example.com/" + "a" * 500, [CLIENT_CREATED], "", "url", "too long"),
        ("https://example.com/hook", [], "", "events", "at least one event"),
        ("https://example.com/hook", ["order.eaten"], "", "events", "Unknown event"),
        ("https://example.com/hook", ["ping"], "", "events", "Unknown event"),
        ("https://example.com/hook", [CLIENT_CREATED], "d" * 201, "description", "200"),
    ],
)
async def test_bad_input_is_refused_with_a_message_and_nothing_written(
    admin, url, events, description, field, message
):
    with pytest.raises(InvalidInput) as refused:
        await create_endpoint(admin, url, events, description)
    assert refused.value.field == field
    assert message in refused.value.msgid.format(**refused.value.params)
    assert not await WebhookEndpoint.exists()
    assert not await AuditLog.exists()


async def test_only_those_who_manage_integrations_may_touch_webhooks(admin, manager, receiver):
    endpoint = await create_endpoint(admin, receiver.url, [CLIENT_CREATED])
    calls = [
        lambda: create_endpoint(manager, receiver.url, [CLIENT_CREATED]),
        lambda: update_endpoint(manager, endpoint.id, is_active=False),
        lambda: delete_endpoint(manager, endpoint.id),
        lambda: webhooks.rotate_secret(manager, endpoint.id),
        lambda: webhooks.get_endpoint(manager, endpoint.id),
        lambda: list_endpoints(manager),
        lambda: list_deliveries(manager, endpoint.id),
        lambda: delivery_detail(manager, 1),
        lambda: resend(manager, 1),
        lambda: send_test_event(manager, endpoint.id),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            await call()
    await endpoint.refresh_from_db()
    assert endpoint.is_active
    assert await AuditLog.all().count() == 1


async def test_updating_records_what_changed(admin, receiver):
    endpoint = await create_endpoint(admin, receiver.url, [CLIENT_CREATED])
    updated = await update_endpoint(
        admin, endpoint.id, events=[CONSENT_CHANGED, CLIENT_CREATED], description="Sales BI"
    )
    assert updated.events == ["client.created", "consent.changed"]
    assert (await WebhookEndpoint.get(id=endpoint.id)).description == "Sales BI"
    entry = await AuditLog.filter(action="webhook.updated").get()
    assert entry.details == {
        "changes": {
            "events": [["client.created"], ["client.created", "consent.changed"]],
            "description": ["", "Sales BI"],
        }
    }
    # Saving the same values again changes nothing and writes nothing.
    await update_endpoint(admin, endpoint.id, description="Sales BI")
    assert await AuditLog.filter(action="webhook.updated").count() == 1
    with pytest.raises(InvalidInput):
        await update_endpoint(admin, endpoint.id, url="mailto:ops@example.com")
    with pytest.raises(NotFound):
        await update_endpoint(admin, 999_999, description="x")


async def test_deleting_an_endpoint_removes_its_deliveries_and_stops_new_ones(
    admin, receiver, sender
):
    endpoint = await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    await delete_endpoint(admin, endpoint.id)

    assert not await WebhookDelivery.exists()
    assert await emit(CONSENT_CHANGED, {"client_id": 1, "granted": False}) is None
    assert await sender.deliver_due() == 0
    assert receiver.requests == []
    entry = await AuditLog.filter(action="webhook.deleted").get()
    assert entry.details["url"] == receiver.url


async def test_deliveries_are_listed_newest_first_page_by_page(admin, receiver, sender):
    endpoint = await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    other = await create_endpoint(admin, f"{receiver.base}/hooks/other", [CLIENT_CREATED])
    ids = [await emit(CONSENT_CHANGED, {"client_id": n, "granted": True}) for n in range(5)]
    receiver.fail_next(2)
    await sender.deliver_due()  # two of the five fail, three succeed
    await emit(CLIENT_CREATED, {"id": 1})  # queued, not sent yet

    first = await list_deliveries(admin, endpoint.id, limit=2)
    assert [d.event_id for d in first.items] == [ids[4], ids[3]]
    second = await list_deliveries(admin, endpoint.id, limit=2, cursor=first.next_cursor)
    third = await list_deliveries(admin, endpoint.id, limit=2, cursor=second.next_cursor)
    assert [d.event_id for d in second.items + third.items] == [ids[2], ids[1], ids[0]]
    assert third.next_cursor is None
    assert all(d.endpoint.url == receiver.url for d in first.items)
    for page in (first, second, third):
        for delivery in page.items:
            assert page.last_attempts[delivery.id].status_code in (200, 500)

    everything = await list_deliveries(admin)
    assert len(everything.items) == 6
    assert {d.endpoint_id for d in everything.items} == {endpoint.id, other.id}

    pending = await list_deliveries(admin, endpoint.id, state="pending")
    assert {d.state for d in pending.items} == {DeliveryState.PENDING}
    assert len(pending.items) == 2
    with pytest.raises(InvalidInput):
        await list_deliveries(admin, endpoint.id, state="lost")

    summaries = {s.endpoint.id: s for s in await list_endpoints(admin)}
    assert (summaries[endpoint.id].pending, summaries[endpoint.id].succeeded) == (2, 3)
    assert (summaries[other.id].pending, summaries[other.id].succeeded) == (1, 0)


async def test_a_failed_delivery_can_be_resent_and_keeps_its_history(
    admin, receiver, sender, clock
):
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    receiver.fail_next(2, status=502, body="bad gateway")
    event_id = await emit(CONSENT_CHANGED, {"client_id": 3, "granted": True})
    await sender.deliver_due()
    delivery = await WebhookDelivery.get(event_id=event_id)
    clock.set(delivery.created_at + sender.max_age)
    await sender.deliver_due()
    await delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED

    queued = await resend(admin, delivery.id, clock=clock)
    assert (queued.state, queued.attempts, queued.next_attempt_at) == (
        DeliveryState.PENDING,
        0,
        clock.now(),
    )
    assert queued.created_at == clock.now()  # its 24 hours start again
    assert await sender.deliver_due() == 1

    detail = await delivery_detail(admin, delivery.id)
    assert detail.delivery.state == DeliveryState.SUCCEEDED
    assert detail.endpoint.url == receiver.url
    assert [(a.status_code, a.response_body) for a in detail.attempts] == [
        (200, "thanks"),
        (502, "bad gateway"),
        (502, "bad gateway"),
    ]
    assert [r.headers["Ona-Delivery"] for r in receiver.requests] == [event_id] * 3
    entry = await AuditLog.filter(action="webhook.resent").get()
    assert entry.details == {"event": "consent.changed", "event_id": event_id, "was": "failed"}


async def test_a_pending_delivery_cannot_be_resent(admin, receiver, paused_runtime_sender):
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    event_id = await emit(CONSENT_CHANGED, {"client_id": 3, "granted": True})
    delivery = await WebhookDelivery.get(event_id=event_id)
    with pytest.raises(InvalidInput) as refused:
        await resend(admin, delivery.id)
    assert refused.value.msgid == "This delivery is already queued."
    with pytest.raises(NotFound):
        await resend(admin, 999_999)
    with pytest.raises(NotFound):
        await delivery_detail(admin, 999_999)


async def test_a_test_event_reaches_the_receiver_at_once(admin, receiver, live_sender):
    endpoint = await create_endpoint(admin, receiver.url, [CLIENT_CREATED])
    delivery = await send_test_event(admin, endpoint.id)

    [request] = await receiver.wait_for(lambda requests: requests)
    assert request.event == "ping"
    assert request.headers["Ona-Delivery"] == delivery.event_id
    assert verify(endpoint.secret, request.headers, request.body)
    assert request.json()["data"] == {
        "endpoint_id": endpoint.id,
        "message": "This is a test event from Ona.",
    }
    await live_sender.stop()  # lets the round in flight record its attempt
    [attempt] = await WebhookAttempt.filter(delivery_id=delivery.id)
    assert attempt.status_code == 200

    await update_endpoint(admin, endpoint.id, is_active=False)
    with pytest.raises(InvalidInput):
        await send_test_event(admin, endpoint.id)
