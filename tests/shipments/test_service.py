"""The shipment engine, called as the bot, the panel and the carriers' API call it: orders
become shipments, events are checked and kept, the client is told (with consent, after
quiet hours) and a late shipment is reported once."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import (
    Carrier,
    Channel,
    ConsentPurpose,
    DocumentKind,
    Employee,
    NotificationState,
    QuoteRequest,
    RequestState,
    Role,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentNotice,
    ShipmentStatus,
)
from core.services.access import Actor, ActorKind
from core.services.company import current_company, forget_company
from core.services.consent import record_consent
from core.services.media import LocalMediaStore
from core.services.quote_requests import accept_quote
from core.services.shipment_notices import alert_late_shipments, send_due_notices
from core.services.shipments import (
    EventInput,
    attach_document,
    by_tracking_token,
    record_event,
    visible_shipments,
)
from tests.contract.test_quote import _network
from tests.pictures import picture, same_picture
from tests.quotes.sales_data import client_identity, request_quote
from tests.services.conftest import actor_for

S = ShipmentStatus
PNG = picture("PNG")
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


async def _shipment(chat_id_consent: bool = True, manager: Employee | None = None):
    await _network()
    identity = await client_identity("Ada", manager=manager)
    if chat_id_consent:
        await record_consent(identity.id, True, "test:button")
    opened = await request_quote(identity, "Lagos", "Kano")
    order = await accept_quote(identity, opened.quote.id, 0)
    return identity, await Shipment.get(order_id=order.id)


async def _dispatcher() -> Actor:
    return actor_for(await Employee.create(name="Dara Dispatch", role=Role.DISPATCHER))


async def test_an_order_becomes_a_shipment_with_its_legs(runtime):
    _identity, shipment = await _shipment()
    order = await shipment.order
    assert shipment.number == order.number and shipment.status is S.BOOKED
    legs = await ShipmentLeg.filter(shipment=shipment).order_by("position")
    assert [leg.mode for leg in legs] == [leg["mode"] for leg in order.option["legs"]]
    assert all(leg.carrier_id for leg in legs)
    assert shipment.eta == shipment.promised_at == legs[-1].arrives_at
    assert len(shipment.tracking_token) >= 32


async def test_events_follow_the_path_and_move_the_pipeline(runtime):
    _identity, shipment = await _shipment()
    dispatcher = await _dispatcher()
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(InvalidInput) as refused:
        await record_event(dispatcher, shipment.number, EventInput(status=S.DELIVERED), now)
    assert refused.value.field == "status"
    assert not await ShipmentEvent.exists()

    await record_event(dispatcher, shipment.number.lower(), EventInput(status=S.PICKED_UP), now)
    request = await QuoteRequest.get(order__id=shipment.order_id)
    assert request.state is RequestState.IN_TRANSIT
    await record_event(dispatcher, shipment.number, EventInput(status=S.DELAYED), now)
    # A delay does not undo the pickup: the cargo can go on from where it was.
    await record_event(
        dispatcher, shipment.number, EventInput(status=S.IN_TRANSIT, place="Ibadan"), now
    )
    await record_event(dispatcher, shipment.number, EventInput(status=S.DELIVERED), now)
    await shipment.refresh_from_db()
    assert shipment.status is S.DELIVERED and shipment.missing_proof
    assert shipment.tracking_expires_at == shipment.delivered_at + dt.timedelta(days=30)
    assert (await QuoteRequest.get(id=request.id)).state is RequestState.DELIVERED
    with pytest.raises(InvalidInput):
        await record_event(dispatcher, shipment.number, EventInput(status=S.IN_TRANSIT), now)


async def test_a_manager_pushes_a_move_through_with_a_reason_a_carrier_cannot(runtime):
    _identity, shipment = await _shipment()
    manager = actor_for(await Employee.create(name="Mo", role=Role.MANAGER))
    leg = await ShipmentLeg.get(shipment=shipment, position=0)
    carrier = Actor(
        ActorKind.STAFF, "en", employee_id=None, role=Role.CARRIER, carrier_id=leg.carrier_id
    )
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(PermissionDenied):
        await record_event(
            carrier, shipment.number, EventInput(status=S.DELIVERED, override=True, note="x"), now
        )
    with pytest.raises(InvalidInput) as no_reason:
        await record_event(
            manager, shipment.number, EventInput(status=S.DELIVERED, override=True), now
        )
    assert no_reason.value.field == "note"
    pushed = await record_event(
        manager,
        shipment.number,
        EventInput(status=S.DELIVERED, override=True, note="Driver phoned: delivered"),
        now,
    )
    assert pushed.event.overridden


async def test_a_retried_report_is_stored_once(runtime):
    _identity, shipment = await _shipment()
    dispatcher = await _dispatcher()
    now = dt.datetime.now(dt.UTC)
    first = await record_event(
        dispatcher, shipment.number, EventInput(status=S.PICKED_UP), now, idempotency_key="k-1"
    )
    again = await record_event(
        dispatcher, shipment.number, EventInput(status=S.PICKED_UP), now, idempotency_key="k-1"
    )
    assert first.created and not again.created and first.event.id == again.event.id
    assert await ShipmentEvent.all().count() == 1


async def test_a_carrier_sees_only_what_it_carries(runtime):
    _identity, shipment = await _shipment()
    legs = await ShipmentLeg.filter(shipment=shipment)
    ours = Actor(ActorKind.STAFF, "en", role=Role.CARRIER, carrier_id=legs[0].carrier_id)
    stranger = await Carrier.create(name="Elsewhere Ltd")
    theirs = Actor(ActorKind.STAFF, "en", role=Role.CARRIER, carrier_id=stranger.id)
    assert await visible_shipments(ours).count() == 1
    assert await visible_shipments(theirs).count() == 0
    with pytest.raises(NotFound):
        await record_event(
            theirs, shipment.number, EventInput(status=S.PICKED_UP), dt.datetime.now(dt.UTC)
        )


async def test_a_late_event_moves_the_eta_and_the_manager_hears_once(runtime, chat_factory):
    from tests.quotes.test_request_queue import _staff

    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    _identity, shipment = await _shipment(manager=manager)
    await Shipment.filter(id=shipment.id).update(manager=manager)
    dispatcher = await _dispatcher()
    legs = await ShipmentLeg.filter(shipment=shipment).order_by("position")
    late_pickup = legs[0].departs_at + 10 * HOUR
    await record_event(
        dispatcher,
        shipment.number,
        EventInput(status=S.PICKED_UP, occurred_at=late_pickup),
        late_pickup,
    )
    await shipment.refresh_from_db()
    assert shipment.eta == shipment.promised_at + 10 * HOUR
    event = await ShipmentEvent.get()
    assert event.late_minutes == 600
    assert await alert_late_shipments(runtime.notifier, late_pickup, 6 * HOUR) == 1
    told = await tunde.expect(f"Shipment {shipment.number} for Ada is running late")
    assert "instead of" in told.text
    assert await alert_late_shipments(runtime.notifier, late_pickup + HOUR, 6 * HOUR) == 0


async def test_the_client_is_told_with_consent_and_after_quiet_hours(runtime, fake_telegram):
    identity, shipment = await _shipment()
    dispatcher = await _dispatcher()
    company = await current_company()
    company.quiet_starts, company.quiet_ends = "21:00", "08:00"
    await company.save()
    forget_company()
    # 23:00 in Lagos: a pickup waits until 08:00, a delay does not.
    night = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)
    await record_event(dispatcher, shipment.number, EventInput(status=S.PICKED_UP), night)
    await record_event(
        dispatcher, shipment.number, EventInput(status=S.DELAYED, place="Ibadan"), night
    )
    pickup, delay = await ShipmentNotice.all().order_by("id")
    assert pickup.due_at == dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
    assert delay.due_at == night

    assert await send_due_notices(runtime.notifier, night, "https://ona.example") == 1
    said = await fake_telegram.wait_for(
        lambda calls: [c for c in calls if str(c.params.get("chat_id")) == str(identity.chat_id)]
    )
    text = said[-1].params["text"]
    assert f"Shipment {shipment.number}: Delayed, Ibadan." in text
    assert f"https://ona.example/t/{shipment.tracking_token}" in text
    assert await send_due_notices(runtime.notifier, night + HOUR, "https://ona.example") == 0

    # The client says STOP before morning: the held notice is not sent.
    await record_consent(identity.id, False, "test:stop")
    assert await send_due_notices(runtime.notifier, night + 10 * HOUR, "https://ona.example") == 0
    await pickup.refresh_from_db()
    assert pickup.state is NotificationState.SKIPPED


async def test_no_consent_no_notice_and_never_to_another_client(runtime, fake_telegram):
    identity, shipment = await _shipment(chat_id_consent=False)
    other = await client_identity("Bola")
    await record_consent(other.id, True, "test:button")
    dispatcher = await _dispatcher()
    now = dt.datetime.now(dt.UTC)
    await record_event(dispatcher, shipment.number, EventInput(status=S.PICKED_UP), now)
    notice = await ShipmentNotice.get()
    assert notice.state is NotificationState.SKIPPED and notice.identity_id == identity.id
    assert await send_due_notices(runtime.notifier, now, "https://ona.example") == 0
    sent_to = {
        str(c.params.get("chat_id")) for c in fake_telegram.calls if c.method == "sendMessage"
    }
    assert str(other.chat_id) not in sent_to and str(identity.chat_id) not in sent_to


async def test_photos_are_checked_and_a_proof_clears_the_flag(runtime, tmp_path: Path):
    _identity, shipment = await _shipment()
    dispatcher = await _dispatcher()
    store = LocalMediaStore(tmp_path)
    with pytest.raises(InvalidInput) as too_big:
        await attach_document(dispatcher, shipment.number, PNG * 1000, store, 1024)
    assert "too large" in too_big.value.msgid
    with pytest.raises(InvalidInput) as not_image:
        await attach_document(dispatcher, shipment.number, b"MZ\x90\x00 not a photo", store, 10**6)
    assert "photo" in not_image.value.msgid
    assert not await asyncio.to_thread(lambda: list(tmp_path.rglob("*.*")))

    await Shipment.filter(id=shipment.id).update(missing_proof=True)
    proof = await attach_document(
        dispatcher,
        shipment.number,
        PNG,
        store,
        10**6,
        kind=DocumentKind.PROOF,
        recipient_name="Musa",
    )
    assert same_picture(await store.load(proof.key), PNG)
    assert proof.content_type == "image/png"
    assert not (await Shipment.get(id=shipment.id)).missing_proof


async def test_a_tracking_link_expires(runtime):
    _identity, shipment = await _shipment()
    now = dt.datetime.now(dt.UTC)
    assert (await by_tracking_token(shipment.tracking_token, now)).id == shipment.id
    assert await by_tracking_token("guessed-" + shipment.tracking_token[8:], now) is None
    await Shipment.filter(id=shipment.id).update(tracking_expires_at=now - HOUR)
    assert await by_tracking_token(shipment.tracking_token, now) is None


async def test_delivery_updates_only_still_reach_the_client(runtime, fake_telegram):
    identity, shipment = await _shipment(chat_id_consent=False)
    await record_consent(identity.id, True, "test:settings", purpose=ConsentPurpose.SERVICE)
    now = dt.datetime.now(dt.UTC)
    await record_event(await _dispatcher(), shipment.number, EventInput(status=S.PICKED_UP), now)
    assert await send_due_notices(runtime.notifier, now, "https://ona.example") == 1
    await fake_telegram.wait_for(
        lambda calls: [c for c in calls if str(c.params.get("chat_id")) == str(identity.chat_id)]
    )
    assert Channel(identity.channel) is Channel.TELEGRAM


async def test_a_key_is_its_reporters_own_on_one_shipment(runtime):
    _identity, first = await _shipment()
    second_identity = await client_identity("Bola")
    opened = await request_quote(second_identity, "Lagos", "Kano")
    second = await Shipment.get(
        order__id=(await accept_quote(second_identity, opened.quote.id, 0)).id
    )
    dispatcher = await _dispatcher()
    now = dt.datetime.now(dt.UTC)
    a = await record_event(
        dispatcher, first.number, EventInput(status=S.PICKED_UP), now, idempotency_key="1"
    )
    b = await record_event(
        dispatcher, second.number, EventInput(status=S.PICKED_UP), now, idempotency_key="1"
    )
    assert a.created and b.created and a.event.shipment_id != b.event.shipment_id


async def test_time_order_terminals_eta_and_an_early_proof(runtime, tmp_path: Path):
    _identity, shipment = await _shipment()
    dispatcher = await _dispatcher()
    legs = await ShipmentLeg.filter(shipment=shipment).order_by("position")
    start = legs[0].departs_at
    await record_event(
        dispatcher,
        shipment.number,
        EventInput(status=S.PICKED_UP, occurred_at=start + 10 * HOUR),
        start + 10 * HOUR,
    )
    await shipment.refresh_from_db()
    assert shipment.eta == shipment.promised_at + 10 * HOUR
    # Back-dated news is refused (it would rewrite what came after it).
    with pytest.raises(InvalidInput) as back:
        await record_event(
            dispatcher,
            shipment.number,
            EventInput(status=S.IN_TRANSIT, occurred_at=start),
            start + 11 * HOUR,
        )
    assert back.value.field == "occurred_at"
    # The cargo catches up: the ETA comes back to the plan.
    on_plan = legs[-1].departs_at
    await record_event(
        dispatcher,
        shipment.number,
        EventInput(status=S.IN_TRANSIT, leg=len(legs) - 1, occurred_at=on_plan),
        on_plan,
    )
    await shipment.refresh_from_db()
    assert shipment.eta == shipment.promised_at
    # "At terminal" twice is the same arrival, not the next leg's.
    arrive = legs[-1].arrives_at
    await record_event(
        dispatcher, shipment.number, EventInput(status=S.AT_TERMINAL, occurred_at=arrive), arrive
    )
    leg_after = (await Shipment.get(id=shipment.id)).current_leg
    await record_event(
        dispatcher, shipment.number, EventInput(status=S.AT_TERMINAL, occurred_at=arrive), arrive
    )
    assert (await Shipment.get(id=shipment.id)).current_leg == leg_after
    # A proof attached before "delivered" counts.
    await attach_document(
        dispatcher, shipment.number, PNG, LocalMediaStore(tmp_path), 10**6, kind=DocumentKind.PROOF
    )
    await record_event(
        dispatcher, shipment.number, EventInput(status=S.DELIVERED, occurred_at=arrive), arrive
    )
    assert not (await Shipment.get(id=shipment.id)).missing_proof


async def test_a_failed_notice_is_tried_again_a_few_times(runtime, fake_telegram):
    from tests.fakes.recorder import Failure

    _identity, shipment = await _shipment()
    now = dt.datetime.now(dt.UTC)
    await record_event(await _dispatcher(), shipment.number, EventInput(status=S.PICKED_UP), now)
    busy = Failure(500, {"ok": False, "error_code": 500, "description": "Internal"})
    fake_telegram.fail_next("sendMessage", busy, times=50)
    assert await send_due_notices(runtime.notifier, now, "https://x") == 0
    notice = await ShipmentNotice.get()
    assert (notice.state, notice.attempts) == (NotificationState.PENDING, 1)
    assert await send_due_notices(runtime.notifier, now + 5 * MINUTE, "https://x") == 0  # not yet
    fake_telegram.reset()
    assert await send_due_notices(runtime.notifier, now + HOUR, "https://x") == 1


async def test_a_photos_metadata_is_dropped_before_it_is_kept(runtime, tmp_path: Path):
    _identity, shipment = await _shipment()
    exif = Image.Exif()
    exif[0x010F] = "PhonemakerX"  # Make; a phone adds the GPS position the same way
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 10, 10)).save(out, format="JPEG", exif=exif.tobytes())
    sent = out.getvalue()
    assert b"PhonemakerX" in sent
    store = LocalMediaStore(tmp_path)
    proof = await attach_document(
        await _dispatcher(), shipment.number, sent, store, 10**6, kind=DocumentKind.PROOF
    )
    kept = await store.load(proof.key)
    assert b"PhonemakerX" not in kept
    assert same_picture(kept, sent, exact=False) and proof.size == len(kept)
