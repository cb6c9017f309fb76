"""A carrier's people in the bot: only their company's shipments, never a price; they report
moves and send the proof of delivery as a photo, checked before anything is kept."""

from __future__ import annotations

import asyncio
import os
import re
import sys

from core.models import (
    Carrier,
    DocumentKind,
    Employee,
    EventSource,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentStatus,
)
from tests.pictures import same_picture
from tests.shipments.helpers import (
    JPEG,
    ROAD,
    client,
    give_legs_to,
    labels,
    network,
    order_for,
    send_photo,
    staff,
)

TOO_LARGE = "The file is too large: at most 10 MB, please."
NOT_A_PHOTO = "Please send a photo (JPEG, PNG, WebP or GIF)."


async def _deliver(chat, number: str):
    """Picked up, in transit, then delivered, through the card's buttons."""
    await chat.press("Shipments")
    await chat.expect("Open shipments.")
    await chat.press(f"{number} · Lagos → Kano · Booked")
    await chat.expect(f"Shipment {number}")
    for status in ("Picked up", "In transit", "Delivered"):
        await chat.press("Move status")
        await chat.expect("What is its new status?")
        await chat.press(status)
        said = await chat.expect(f"Recorded: {status}.")
    return said


async def test_a_carrier_on_viber_delivers_with_a_proof_photo(chat_factory, runtime):
    await network()
    road = await Carrier.get(name=ROAD)
    vic, person = await staff(chat_factory, "Victor Road", Role.CARRIER, "viber", carrier=road)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 620 0001")
    shipment = await order_for(ada_client)

    await vic.send("/staff")
    menu = await vic.expect("Staff menu. Hello, Victor Road!")
    assert labels(menu) == ["Shipments"]
    await vic.press("Shipments")
    listed = await vic.expect("Open shipments.")
    assert labels(listed) == [f"{shipment.number} · Lagos → Kano · Booked"]
    await vic.press(f"{shipment.number} · Lagos → Kano · Booked")
    card = await vic.expect(f"Shipment {shipment.number}")
    assert labels(card) == [
        "Move status",
        "Add an event",
        "Attach a photo or document",
        "Shipments",
    ]
    # Its own leg names it; the other carrier's leg does not; no price, no public link.
    assert "1. Road · Lagos → Ibadan · Lagos Haulage Co" in card.text
    assert "2. Rail · Ibadan → Kano\n" in card.text
    assert "Northern Rail" not in card.text
    assert "/t/" not in card.text and "99" not in card.text

    # A carrier delivers only if it runs the last leg: here it runs the whole route.
    await give_legs_to(shipment, road)
    for status in ("Picked up", "In transit", "Delivered"):
        await vic.press("Move status")
        await vic.expect("What is its new status?")
        await vic.press(status)
        said = await vic.expect(f"Recorded: {status}.")
    assert (
        said.text
        == "Recorded: Delivered.\nWho received the cargo? Type their name, or press Skip."
    )
    assert labels(said) == ["Skip"]
    await vic.send("Ngozi Eze")
    await vic.expect("Now send a photo of the signed delivery note.")
    await send_photo(vic)
    kept = await vic.expect("Thank you, the proof of delivery is kept.")
    assert "Proof of delivery: received, signed by Ngozi Eze." in kept.text

    events = await ShipmentEvent.filter(shipment=shipment).order_by("id")
    assert [e.status for e in events] == [
        ShipmentStatus.PICKED_UP,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.DELIVERED,
    ]
    assert {e.source for e in events} == {EventSource.CARRIER}
    assert {e.carrier_id for e in events} == {road.id}
    proof = await ShipmentDocument.get(shipment=shipment)
    assert proof.kind is DocumentKind.PROOF and proof.recipient_name == "Ngozi Eze"
    assert proof.event_id == events[-1].id and proof.employee_id == person.id
    assert same_picture(await runtime.media.load(proof.key), JPEG, exact=False)
    delivered = await Shipment.get(id=shipment.id)
    assert delivered.status is ShipmentStatus.DELIVERED and not delivered.missing_proof


async def test_a_delivery_without_proof_stays_flagged(chat_factory):
    await network()
    road = await Carrier.get(name=ROAD)
    vic, _person = await staff(chat_factory, "Victor Road", Role.CARRIER, "viber", carrier=road)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 620 0002")
    shipment = await order_for(ada_client)
    await give_legs_to(shipment, road)
    said = await _deliver(vic, shipment.number)
    assert "Who received the cargo?" in said.text
    await vic.press("Skip")
    await vic.expect("Now send a photo of the signed delivery note.")
    await vic.press("Skip")
    flagged = await vic.expect("Delivered without proof: the shipment stays flagged")
    assert "Proof of delivery: missing." in flagged.text
    assert "Add proof of delivery" in labels(flagged)
    assert (await Shipment.get(id=shipment.id)).missing_proof
    assert not await ShipmentDocument.filter(shipment=shipment).exists()

    # Later, the proof arrives after all, and the flag goes.
    await vic.press("Add proof of delivery")
    await vic.expect("Who received the cargo?")
    await vic.press("Skip")
    await vic.expect("Now send a photo of the signed delivery note.")
    await send_photo(vic, caption="Musa Bello")
    kept = await vic.expect("Thank you, the proof of delivery is kept.")
    assert "signed by Musa Bello" in kept.text
    assert not (await Shipment.get(id=shipment.id)).missing_proof


async def test_a_photo_too_large_or_not_a_photo_is_refused(chat_factory, fake_viber):
    await network()
    road = await Carrier.get(name=ROAD)
    tess, _t = await staff(chat_factory, "Tess Road", Role.CARRIER, "telegram", carrier=road)
    vic, _v = await staff(chat_factory, "Victor Road", Role.CARRIER, "viber", carrier=road)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 620 0003")
    first = await order_for(ada_client)
    second = await order_for(ada_client)

    await tess.press("Shipments")
    await tess.expect("Open shipments.")
    await tess.send(first.number)
    await tess.expect(f"Shipment {first.number}")
    await tess.press("Attach a photo or document")
    await tess.expect("Send the photo")
    # Telegram tells the size: refused before anything is downloaded.
    await send_photo(tess, size=11 * 1024 * 1024)
    await tess.expect(TOO_LARGE)
    assert not [c for c in tess.api.calls if c.method in ("getFile", "downloadFile")]
    await send_photo(tess, b"GIF? no, a text file pretending to be a photo")
    await tess.expect(NOT_A_PHOTO)
    await tess.send("a few words")
    await tess.expect("Please send a photo or a PDF.")

    # Viber gives a URL: the size is learnt from the download and checked while reading.
    await give_legs_to(second, road)
    said = await _deliver(vic, second.number)
    assert "Who received the cargo?" in said.text
    await vic.press("Skip")
    await vic.expect("Now send a photo of the signed delivery note.")
    await send_photo(vic, JPEG + b"\x00" * (10 * 1024 * 1024))
    await vic.expect(TOO_LARGE)
    await send_photo(vic, b"%PDF-1.4 a document, not a photo")
    await vic.expect(NOT_A_PHOTO)

    assert not await ShipmentDocument.exists()
    assert (await Shipment.get(id=second.id)).missing_proof


async def test_a_carrier_sees_only_its_own_shipments(chat_factory):
    await network()
    road = await Carrier.get(name=ROAD)
    other = await Carrier.create(name="Elsewhere Trucks")
    vic, _person = await staff(chat_factory, "Victor Road", Role.CARRIER, "viber", carrier=road)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 620 0004")
    own = await order_for(ada_client)
    foreign = await order_for(ada_client)
    await give_legs_to(foreign, other)

    await vic.press("Shipments")
    listed = await vic.expect("Open shipments.")
    assert labels(listed) == [f"{own.number} · Lagos → Kano · Booked"]
    await vic.send(foreign.number)
    await vic.expect("Sorry, this shipment is not among yours.")
    for forged in (
        f"sh:op:{foreign.number}:",
        f"sh:st:{foreign.number}:picked_up",
        f"sh:at:{foreign.number}:proof",
        f"sh:cr:{own.number}:0",
    ):
        await vic.press_data(forged)
        answer = await vic.expect("Sorry, this shipment is not among yours.")
        assert foreign.tracking_token not in answer.text
    assert not await ShipmentEvent.filter(shipment=foreign).exists()
    assert not [text for text in vic.said() if "99" in text or "NGN" in text or "₦" in text]


async def _invite_cli(runtime, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": runtime.settings.database_url,
        "SECRET_KEY": runtime.settings.secret_key.get_secret_value(),
    }
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "invite-staff",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_a_carriers_person_is_invited_from_the_command_line(chat_factory, runtime):
    road = await Carrier.create(name="Lagos Haulage Co")
    code, out, err = await _invite_cli(
        runtime, "--name", "Kemi Driver", "--role", "carrier", "--carrier", str(road.id)
    )
    assert code == 0, err
    invite = re.search(r"/start (\S+)", out).group(1)
    kemi = chat_factory("telegram")
    await kemi.send(f"/start {invite}")
    menu = await kemi.expect("Staff menu. Hello, Kemi Driver!")
    assert labels(menu) == ["Shipments"]
    employee = await Employee.get(name="Kemi Driver")
    assert employee.role is Role.CARRIER and employee.carrier_id == road.id
    await kemi.send("hello")
    confused = await kemi.expect("Sorry, I did not understand that.")
    assert labels(confused) == ["Shipments"]

    code, _out, err = await _invite_cli(runtime, "--name", "No Carrier", "--role", "carrier")
    assert code == 1 and "carrier" in err
    code, _out, err = await _invite_cli(
        runtime, "--name", "Wrong Carrier", "--role", "carrier", "--carrier", "999999"
    )
    assert code == 1 and "No carrier has that #id." in err
    assert not await Employee.filter(name__in=["No Carrier", "Wrong Carrier"]).exists()


async def test_a_first_leg_carrier_cannot_report_the_delivery(chat_factory):
    await network()
    road = await Carrier.get(name=ROAD)
    vic, _person = await staff(chat_factory, "Victor Road", Role.CARRIER, "viber", carrier=road)
    _ada, ada_client = await client(chat_factory, "telegram", "+234 803 620 0009")
    shipment = await order_for(ada_client)
    await vic.send("/staff")
    await vic.expect("Staff menu.")
    await vic.press("Shipments")
    await vic.expect("Open shipments.")
    await vic.press(f"{shipment.number} · Lagos → Kano · Booked")
    await vic.expect(f"Shipment {shipment.number}")
    for status in ("Picked up", "In transit"):
        await vic.press("Move status")
        await vic.expect("What is its new status?")
        await vic.press(status)
        await vic.expect(f"Recorded: {status}.")
    await vic.press("Move status")
    await vic.expect("What is its new status?")
    await vic.press("Delivered")
    await vic.expect("This is for the carrier of another part of the route to report.")
    assert (await Shipment.get(id=shipment.id)).status is ShipmentStatus.IN_TRANSIT
