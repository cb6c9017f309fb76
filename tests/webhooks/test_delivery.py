"""Sending: what a receiver gets, how failures are retried, when Ona gives up."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from decimal import Decimal

from core.models import Client, DeliveryState, WebhookAttempt, WebhookDelivery
from core.services.webhooks import (
    CLIENT_CREATED,
    CONSENT_CHANGED,
    WebhookSender,
    client_data,
    create_endpoint,
    emit,
    retry_ceiling,
    rotate_secret,
    update_endpoint,
)
from core.services.webhooks.delivery import MAX_RESPONSE_CHARS
from tests.webhooks.conftest import verify

DAY = dt.timedelta(hours=24)


class HighestJitter(random.Random):
    """Always waits the longest the schedule allows, so the ceilings show."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def _client() -> Client:
    return await Client.create(name="Chidi Okafor", phone="+2348030000001", city="Lagos")


async def test_receiver_gets_the_event_signed_with_the_endpoint_secret(
    admin, receiver, sender, clock
):
    endpoint = await create_endpoint(admin, receiver.url, [CLIENT_CREATED], "CRM sync")
    client = await _client()
    data = {**client_data(client), "credit_limit": Decimal("1250.50")}
    event_id = await emit(CLIENT_CREATED, data)

    assert await sender.deliver_due() == 1

    [request] = receiver.requests
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Ona-Webhooks/1"
    assert headers["Ona-Event"] == "client.created"
    assert headers["Ona-Delivery"] == event_id
    assert headers["Ona-Timestamp"] == str(int(clock.now().timestamp()))
    assert verify(endpoint.secret, headers, request.body)
    assert not verify(endpoint.secret, headers, request.body.replace(b"Chidi", b"Chide"))
    assert not verify("another-secret", headers, request.body)

    body = request.json()
    assert set(body) == {"id", "event", "created_at", "data"}
    assert body["id"] == event_id
    assert body["event"] == "client.created"
    assert dt.datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert body["data"] == {
        "id": client.id,
        "name": "Chidi Okafor",
        "kind": "individual",
        "phone": "+2348030000001",
        "email": None,
        "city": "Lagos",
        "language": "en",
        "source": None,
        "manager_id": None,
        "created_at": client.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "credit_limit": "1250.50",
    }

    delivery = await WebhookDelivery.get(event_id=event_id)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryState.SUCCEEDED,
        1,
        None,
    )
    [attempt] = await WebhookAttempt.filter(delivery=delivery)
    assert (attempt.status_code, attempt.response_body, attempt.error) == (200, "thanks", "")
    assert attempt.created_at == clock.now()


async def test_a_500_is_retried_after_a_jittered_back_off_and_then_succeeds(
    admin, receiver, sender, clock
):
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    receiver.fail_next(1, status=500, body="x" * 5000)
    event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})

    first_try = clock.now()
    assert await sender.deliver_due() == 1
    delivery = await WebhookDelivery.get(event_id=event_id)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 1
    assert first_try <= delivery.next_attempt_at <= first_try + dt.timedelta(seconds=30)
    [failed] = await WebhookAttempt.filter(delivery=delivery)
    assert failed.status_code == 500
    assert failed.response_body == "x" * MAX_RESPONSE_CHARS

    # Not due yet: nothing is sent before the back-off has passed.
    clock.set(delivery.next_attempt_at - dt.timedelta(microseconds=1))
    if clock.now() >= first_try:
        assert await sender.deliver_due() == 0
    clock.set(delivery.next_attempt_at)
    assert await sender.deliver_due() == 1

    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 2)
    assert [r.headers["Ona-Delivery"] for r in receiver.requests] == [event_id, event_id]
    assert receiver.requests[0].body == receiver.requests[1].body
    statuses = [a.status_code for a in await WebhookAttempt.filter(delivery=delivery)]
    assert statuses == [200, 500]  # newest first, as the panel lists them


async def test_back_off_doubles_from_30_seconds_to_2_hours_and_gives_up_at_24_hours(
    runtime, admin, receiver, clock, paused_runtime_sender
):
    sender = WebhookSender(runtime.supervisor, clock, timeout=2.0, rng=HighestJitter())
    try:
        await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
        receiver.fail_next(1000)
        event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": False})
        delivery = await WebhookDelivery.get(event_id=event_id)
        deadline = delivery.created_at + DAY

        waits: list[dt.timedelta] = []
        while delivery.state == DeliveryState.PENDING:
            sent_at = clock.now()
            assert await sender.deliver_due() == 1
            await delivery.refresh_from_db()
            if delivery.next_attempt_at is not None:
                waits.append(delivery.next_attempt_at - sent_at)
                clock.set(delivery.next_attempt_at)
    finally:
        await sender.stop()

    minutes = [w / dt.timedelta(minutes=1) for w in waits]
    assert minutes[:10] == [0.5, 1, 2, 4, 8, 16, 32, 64, 120, 120]
    assert max(waits) == dt.timedelta(hours=2)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.next_attempt_at is None
    attempts = await WebhookAttempt.filter(delivery=delivery).order_by("id")
    assert len(attempts) == len(receiver.requests) == delivery.attempts == len(waits) + 1
    # The last try is made at the 24-hour mark, not skipped because the jitter overshot it.
    assert attempts[-1].created_at == deadline
    assert all(a.created_at <= deadline for a in attempts)

    clock.advance(DAY)
    assert await sender.deliver_due() == 0
    assert len(receiver.requests) == len(attempts)


def test_retry_ceiling_is_capped():
    assert retry_ceiling(1) == dt.timedelta(seconds=30)
    assert retry_ceiling(4) == dt.timedelta(minutes=4)
    assert retry_ceiling(9) == dt.timedelta(hours=2)
    assert retry_ceiling(10_000) == dt.timedelta(hours=2)


async def test_gives_up_when_the_delivery_is_older_than_24_hours(admin, receiver, sender, clock):
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    receiver.fail_next(2, status=503)
    event_id = await emit(CONSENT_CHANGED, {"client_id": 7, "granted": True})
    assert await sender.deliver_due() == 1
    delivery = await WebhookDelivery.get(event_id=event_id)

    clock.set(delivery.created_at + DAY + dt.timedelta(seconds=1))
    assert await sender.deliver_due() == 1

    await delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryState.FAILED,
        2,
        None,
    )
    assert [a.status_code for a in await WebhookAttempt.filter(delivery=delivery)] == [503, 503]
    clock.advance(DAY)
    assert await sender.deliver_due() == 0
    assert len(receiver.requests) == 2


async def test_redirects_are_not_followed(admin, receiver, sender):
    await create_endpoint(admin, f"{receiver.base}/redirect", [CONSENT_CHANGED])
    event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    assert await sender.deliver_due() == 1

    assert [r.path for r in receiver.requests] == ["/redirect"]
    delivery = await WebhookDelivery.get(event_id=event_id)
    assert delivery.state == DeliveryState.PENDING
    [attempt] = await WebhookAttempt.filter(delivery=delivery)
    assert attempt.status_code == 307


async def test_a_receiver_that_does_not_answer_in_time_is_retried(
    runtime, admin, receiver, clock, paused_runtime_sender
):
    sender = WebhookSender(runtime.supervisor, clock, timeout=0.3)
    try:
        await create_endpoint(admin, f"{receiver.base}/slow", [CONSENT_CHANGED])
        event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
        assert await sender.deliver_due() == 1
    finally:
        await sender.stop()
    delivery = await WebhookDelivery.get(event_id=event_id)
    assert delivery.state == DeliveryState.PENDING
    [attempt] = await WebhookAttempt.filter(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error == "No answer within 0.3 s"
    assert attempt.duration_ms >= 300


async def test_an_unreachable_receiver_is_recorded_and_retried(admin, receiver, sender):
    await receiver.stop()  # nothing listens on its port any more
    await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    assert await sender.deliver_due() == 1
    delivery = await WebhookDelivery.get(event_id=event_id)
    assert delivery.state == DeliveryState.PENDING
    [attempt] = await WebhookAttempt.filter(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("ClientConnectorError")


async def test_two_workers_never_send_the_same_delivery(
    runtime, admin, receiver, clock, paused_runtime_sender
):
    for n in range(12):
        await create_endpoint(admin, f"{receiver.base}/hooks/e{n}", [CONSENT_CHANGED])
    await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    assert await WebhookDelivery.all().count() == 12

    one = WebhookSender(runtime.supervisor, clock, batch_size=5)
    two = WebhookSender(runtime.supervisor, clock, batch_size=5)
    try:
        claimed = await asyncio.gather(
            one.deliver_due(), two.deliver_due(), one.deliver_due(), two.deliver_due()
        )
    finally:
        await one.stop()
        await two.stop()

    assert sum(claimed) == 12
    paths = sorted(r.path for r in receiver.requests)
    assert paths == sorted(f"/hooks/e{n}" for n in range(12))
    assert await WebhookDelivery.filter(state=DeliveryState.SUCCEEDED).count() == 12


async def test_a_switched_off_endpoint_pauses_its_queue(admin, receiver, sender):
    endpoint = await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    await update_endpoint(admin, endpoint.id, is_active=False)

    assert await emit(CONSENT_CHANGED, {"client_id": 2, "granted": True}) is None
    assert await sender.deliver_due() == 0
    assert receiver.requests == []

    await update_endpoint(admin, endpoint.id, is_active=True)
    assert await sender.deliver_due() == 1
    assert [r.headers["Ona-Delivery"] for r in receiver.requests] == [event_id]


async def test_a_rotated_secret_signs_what_is_still_queued(admin, receiver, sender):
    endpoint = await create_endpoint(admin, receiver.url, [CONSENT_CHANGED])
    await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    rotated = await rotate_secret(admin, endpoint.id)
    assert rotated.secret != endpoint.secret

    await sender.deliver_due()
    [request] = receiver.requests
    assert verify(rotated.secret, request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body)
    assert json.loads(request.body)["data"] == {"client_id": 1, "granted": True}


async def test_stopping_cancels_a_hung_send_and_the_lease_keeps_it_queued(
    runtime, admin, receiver, clock, paused_runtime_sender
):
    sender = WebhookSender(runtime.supervisor, clock, timeout=30.0)
    endpoint = await create_endpoint(admin, f"{receiver.base}/slow", [CONSENT_CHANGED])
    event_id = await emit(CONSENT_CHANGED, {"client_id": 1, "granted": True})
    try:
        sender.start()
        await receiver.wait_for(lambda requests: requests)
        async with asyncio.timeout(5):
            await sender.stop(grace=0.1)

        delivery = await WebhookDelivery.get(event_id=event_id)
        assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
        assert delivery.next_attempt_at > clock.now()  # leased, so no other worker takes it
        assert not await WebhookAttempt.exists()

        # When the lease runs out it is sent again.
        await update_endpoint(admin, endpoint.id, url=receiver.url)
        assert await sender.deliver_due() == 0
        clock.set(delivery.next_attempt_at)
        assert await sender.deliver_due() == 1
        await delivery.refresh_from_db()
        assert delivery.state == DeliveryState.SUCCEEDED
    finally:
        await sender.stop()
