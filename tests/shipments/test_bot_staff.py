"""Dispatchers and managers move shipments in the staff bot.

An out-of-order move is refused with the service's reason; a manager pushes it through with a
reason, which is kept with the event. Events carry a place and a note; photos are attached;
legs get a carrier from those serving their lane.
"""

from __future__ import annotations

from bot.keyboards.callbacks import ShipAction, ShipCb, TrackCb
from core.models import (
    AuditLog,
    Carrier,
    DocumentKind,
    Lane,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentStatus,
)
from core.services.contacts import MAX_ID
from tests.pictures import same_picture
from tests.shipments.helpers import (
    JPEG,
    RAIL,
    client,
    labels,
    network,
    order_for,
    send_photo,
    staff,
)

OUT_OF_ORDER = (
    "A shipment cannot go from “Booked” to “Delivered”. "
    "A manager can push it through with a reason."
)


async def test_a_dispatcher_moves_a_shipment_and_a_manager_pushes_one_through(chat_factory):
    await network()
    dina, _dispatcher = await staff(chat_factory, "Dina Dispatch", Role.DISPATCHER)
    tunde, manager = await staff(chat_factory, "Tunde Bakare", Role.MANAGER)
    _ada, ada_client = await client(chat_factory, "viber", "+234 803 610 0001", manager)
    shipment = await order_for(ada_client)

    await dina.send("/staff")
    menu = await dina.expect("Staff menu. Hello, Dina Dispatch!")
    assert labels(menu) == [
        "Today",
        "Clients",
        "Log a contact",
        "My plan",
        "Requests",
        "Shipments",
        "Reports",
    ]
    await dina.press("Shipments")
    listed = await dina.expect("Open shipments. Pick one, or type a shipment number:")
    assert labels(listed) == [f"{shipment.number} · Lagos → Kano · Booked", "Menu"]
    await dina.press(f"{shipment.number} · Lagos → Kano · Booked")
    card = await dina.expect(f"Shipment {shipment.number}")
    assert labels(card) == [
        "Move status",
        "Add an event",
        "Attach a photo or document",
        "Assign a carrier",
        "Shipments",
        "Menu",
    ]
    assert f"http://ona.test/t/{shipment.tracking_token}" in card.text

    await dina.press("Move status")
    asked = await dina.expect(f"Shipment {shipment.number} is “Booked”. What is its new status?")
    assert labels(asked) == [
        "Picked up",
        "In transit",
        "At terminal",
        "Out for delivery",
        "Delivered",
        "Delayed",
        "Damaged",
        "Lost",
        "Returned",
        "Back",
    ]
    # Delivered straight after booking: refused with the reason.
    await dina.press("Delivered")
    refused = await dina.expect(OUT_OF_ORDER)
    assert labels(refused) == ["Push through", "Back"]
    assert (await Shipment.get(id=shipment.id)).status is ShipmentStatus.BOOKED

    await dina.press("Back")
    back = await dina.expect(f"Shipment {shipment.number}")
    assert "Status: Booked" in back.text

    # The client's manager pushes "Delivered" through: the client collected it at the depot.
    await tunde.send("/staff")
    await tunde.expect("Staff menu. Hello, Tunde Bakare!")
    await tunde.press("Shipments")
    await tunde.expect("Open shipments.")
    await tunde.send(shipment.number)
    await tunde.expect(f"Shipment {shipment.number}")
    await tunde.press("Move status")
    await tunde.expect("What is its new status?")
    await tunde.press("Delivered")
    await tunde.expect(OUT_OF_ORDER)
    await tunde.press("Push through")
    await tunde.expect("Why is it pushed through? Type the reason; it is kept with the event.")
    await tunde.send("The client collected it at the depot")
    await tunde.expect(
        "Recorded: Delivered.\nWho received the cargo? Type their name, or press Skip."
    )
    await tunde.press("Skip")
    await tunde.expect("Now send a photo of the signed delivery note.")
    await tunde.press("Skip")
    flagged = await tunde.expect("Delivered without proof: the shipment stays flagged")
    assert "Status: Delivered" in flagged.text
    assert "Proof of delivery: missing." in flagged.text
    assert "Add proof of delivery" in labels(flagged)

    delivered = await Shipment.get(id=shipment.id)
    assert delivered.status is ShipmentStatus.DELIVERED and delivered.missing_proof
    event = await ShipmentEvent.filter(shipment=shipment).order_by("-id").first()
    assert event.status is ShipmentStatus.DELIVERED and event.overridden
    assert event.note == "The client collected it at the depot"


async def test_a_carrier_cannot_push_through_and_a_forged_push_is_ignored(chat_factory):
    await network()
    rail = await Carrier.get(name=RAIL)
    cara, _person = await staff(chat_factory, "Cara Rail", Role.CARRIER, carrier=rail)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 610 0002")
    shipment = await order_for(ada_client)
    await cara.send(shipment.number)  # outside any flow: the fallback, not a card
    await cara.expect("Sorry, I did not understand that.")
    await cara.press("Shipments")
    await cara.expect("Open shipments.")
    await cara.press(f"{shipment.number} · Lagos → Kano · Booked")
    await cara.expect(f"Shipment {shipment.number}")
    await cara.press("Move status")
    await cara.expect("What is its new status?")
    await cara.press("Delivered")
    refused = await cara.expect(OUT_OF_ORDER)
    assert labels(refused) == ["Back"]
    await cara.press_data(f"sh:pu:{shipment.number}:delivered")
    await cara.expect("This button is no longer available.")
    assert not await ShipmentEvent.filter(shipment=shipment).exists()


async def test_an_event_with_place_and_note_a_photo_and_a_carrier(chat_factory, runtime):
    await network()
    dina, _dispatcher = await staff(chat_factory, "Dina Dispatch", Role.DISPATCHER)
    _ada, ada_client = await client(chat_factory, "webchat", "+234 803 610 0003")
    shipment = await order_for(ada_client)

    await dina.press("Shipments")
    await dina.expect("Open shipments.")
    await dina.send(shipment.number)
    await dina.expect(f"Shipment {shipment.number}")
    await dina.press("Move status")
    await dina.expect("What is its new status?")
    await dina.press("Picked up")
    await dina.expect("Recorded: Picked up.")
    await dina.press("Add an event")
    asked = await dina.expect("What is its new status?")
    assert labels(asked)[:3] == ["In transit", "At terminal", "Out for delivery"]
    await dina.press("In transit")
    await dina.expect("Where is it, and what happened?")
    await dina.send("Ibadan junction;  loaded on the morning train ")
    moved = await dina.expect("Recorded: In transit.")
    assert "In transit · Ibadan junction (loaded on the morning train)" in moved.text
    event = await ShipmentEvent.filter(shipment=shipment).order_by("-id").first()
    assert (event.place, event.note) == ("Ibadan junction", "loaded on the morning train")

    await dina.press("Attach a photo or document")
    await dina.expect("Send the photo, or a document as a file (PDF or picture).")
    await send_photo(dina)
    attached = await dina.expect("Attached.")
    assert "Documents: 1 photo, 0 documents." in attached.text
    document = await ShipmentDocument.get(shipment=shipment)
    assert document.kind is DocumentKind.PHOTO and document.content_type == "image/jpeg"
    assert same_picture(await runtime.media.load(document.key), JPEG, exact=False)

    # A second rail carrier serves the Ibadan → Kano lane: the dispatcher gives it leg 2.
    rail_leg = await ShipmentLeg.get(shipment=shipment, position=1)
    other = await Carrier.create(name="Savannah Rail")
    lane = await Lane.get(id=rail_leg.lane_id)
    await Lane.create(
        carrier=other,
        origin_id=lane.origin_id,
        destination_id=lane.destination_id,
        mode=lane.mode,
        transit_minutes=lane.transit_minutes,
    )
    await dina.press("Assign a carrier")
    legs = await dina.expect("Which leg?")
    assert labels(legs) == ["1. Lagos → Ibadan", "2. Ibadan → Kano", "Back"]
    await dina.press("2. Ibadan → Kano")
    offered = await dina.expect("Who carries leg 2?")
    assert labels(offered) == [RAIL, "Savannah Rail", "Back"]
    await dina.press("Savannah Rail")
    done = await dina.expect("Leg 2 has a new carrier.")
    assert "2. Rail · Ibadan → Kano · Savannah Rail" in done.text
    assert (await ShipmentLeg.get(id=rail_leg.id)).carrier_id == other.id
    assert await AuditLog.exists(action="shipment.carrier_assigned")
    # A forged carrier for the leg is refused by the service.
    await dina.press_data(f"sh:cr:{shipment.number}:1.999999")
    await dina.expect("This carrier does not serve this leg's lane.")
    await dina.press_data(f"sh:cr:{shipment.number}:1.99999999999")
    await dina.expect("Sorry, this shipment is not among yours.")


def test_every_shipment_button_fits_in_64_bytes():
    longest = "X" * 20  # Shipment.number holds at most 20 characters
    payloads = [TrackCb(number=longest).pack()]
    payloads += [
        ShipCb(action=action, number=longest, value=value).pack()
        for action in ShipAction
        for value in ("", "out_for_delivery", "proof", f"50.{MAX_ID}")
    ]
    assert max(len(p.encode()) for p in payloads) <= 64


async def test_the_web_chat_says_photos_are_sent_from_a_messenger(chat_factory):
    await network()
    wendy, _w = await staff(chat_factory, "Wendy Web", Role.DISPATCHER, "webchat")
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 610 0004")
    shipment = await order_for(ada_client)
    await wendy.press("Shipments")
    await wendy.expect("Open shipments.")
    await wendy.send(shipment.number)
    await wendy.expect(f"Shipment {shipment.number}")
    await wendy.press("Attach a photo or document")
    await wendy.expect(
        "Photos cannot be sent from the web chat. Please send them from Telegram or Viber."
    )
    await wendy.press("Back")
    await wendy.expect(f"Shipment {shipment.number}")
    await wendy.press("Move status")
    await wendy.expect("What is its new status?")
    await wendy.press("Picked up")
    await wendy.expect("Recorded: Picked up.")
    await wendy.press("Move status")
    await wendy.expect("What is its new status?")
    await wendy.press("Delivered")
    await wendy.expect("Who received the cargo?")
    await wendy.press("Skip")
    asked = await wendy.expect("Now send a photo of the signed delivery note.")
    assert asked.text.endswith("Please send them from Telegram or Viber.")
    await wendy.send_other()
    await wendy.expect("Photos cannot be sent from the web chat.")
    await wendy.press("Skip")
    await wendy.expect("Delivered without proof")
