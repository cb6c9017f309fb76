"""A client follows their shipments in the bot: by number or by button, on every channel.

A wrong number and someone else's number get the same answer, so a client cannot learn that
another's shipment exists; My orders lists the client's own orders with their total.
"""

from __future__ import annotations

from core.models import Client, Role, Shipment, ShipmentStatus
from core.services.access import Actor, ActorKind
from core.services.shipments import EventInput, record_event
from tests.contract.test_onboarding import onboard
from tests.shipments.helpers import client, labels, network, order_for

NOT_FOUND = "We could not find a shipment of yours with this number. Check it and try again."


def dispatcher() -> Actor:
    return Actor(kind=ActorKind.STAFF, language="en", role=Role.DISPATCHER, name="Dispatch")


async def test_a_client_tracks_a_shipment_by_button_and_by_number(chat):
    await network()
    await onboard(chat, "+234 803 600 0001", language="English")
    shipment = await order_for(await Client.get(phone="+2348036000001"))

    await chat.press("Track a delivery")
    asked = await chat.expect("Type your shipment number (e.g. ON-26-00001), or pick one")
    button = f"{shipment.number} · Lagos → Kano · Booked"
    assert labels(asked) == [button, "Back to menu"]
    await chat.press(button)
    card = await chat.expect(f"Shipment {shipment.number}")
    assert card.text.splitlines()[:7] == [
        f"Shipment {shipment.number}",
        "Status: Booked",
        "Route:",
        "1. Road · Lagos → Ibadan · Lagos Haulage Co",
        "2. Rail · Ibadan → Kano · Northern Rail Freight",
        "No updates yet.",
        card.text.splitlines()[6],
    ]
    assert card.text.splitlines()[6].startswith("Expected by: ")
    assert "Documents: none yet." in card.text
    assert f"Follow it online: http://ona.test/t/{shipment.tracking_token}" in card.text
    assert labels(card) == ["Track another", "Back to menu"]
    # No money on a card (the price ends in 99; the random tracking link may hold "99").
    assert "99" not in card.text.replace(shipment.tracking_token, "")

    await record_event(
        dispatcher(),
        shipment.number,
        EventInput(status=ShipmentStatus.PICKED_UP, place="Lagos depot", note="internal"),
        (await Shipment.get(id=shipment.id)).created_at,
    )
    # Typed in lower case, outside "Track a delivery": still found.
    await chat.send(f" {shipment.number.lower()} ")
    card = await chat.expect(f"Shipment {shipment.number}")
    assert "Status: Picked up" in card.text
    last = next(line for line in card.text.splitlines() if line.startswith("Last update: "))
    assert last.endswith(" · Picked up · Lagos depot")
    assert "internal" not in card.text  # staff notes stay with staff


async def test_a_wrong_number_and_someone_elses_get_the_same_answer(chat_factory):
    await network()
    ada, ada_client = await client(chat_factory, "telegram", "+234 803 600 0002")
    _bola, bola_client = await client(chat_factory, "viber", "+234 803 600 0003")
    own = await order_for(ada_client)
    foreign = await order_for(bola_client)

    await ada.press("Track a delivery")
    await ada.expect("Type your shipment number")
    await ada.send(foreign.number)
    first = await ada.expect(NOT_FOUND)
    await ada.send("ON-26-99999")
    second = await ada.expect(NOT_FOUND)
    await ada.press_data(f"tr:{foreign.number}")  # a forged button
    third = await ada.expect(NOT_FOUND)
    assert first == second == third
    assert first.text == NOT_FOUND + "\nYour open shipments:"
    assert labels(first) == [f"{own.number} · Lagos → Kano · Booked", "Back to menu"]
    assert not [text for text in ada.said() if foreign.tracking_token in text]

    # The helpful list is the client's own: pressing it opens their shipment.
    await ada.press(f"{own.number} · Lagos → Kano · Booked")
    await ada.expect(f"Shipment {own.number}")


async def test_a_client_with_no_shipments_is_asked_for_a_number(chat_factory):
    ada, _found = await client(chat_factory, "webchat", "+234 803 600 0004")
    await ada.press("Track a delivery")
    asked = await ada.expect("Type your shipment number, e.g. ON-26-00001.")
    assert labels(asked) == ["Back to menu"]
    await ada.send("ON-26-00001")
    answer = await ada.expect(NOT_FOUND)
    assert answer.text == NOT_FOUND
    await ada.press("My orders")
    await ada.expect("You have no orders yet. Request a quote to place one.")


async def test_my_orders_lists_the_clients_recent_orders(chat_factory):
    await network()
    ada, ada_client = await client(chat_factory, "viber", "+234 803 600 0005")
    _bola, bola_client = await client(chat_factory, "telegram", "+234 803 600 0006")
    first = await order_for(ada_client)
    second = await order_for(ada_client)
    others = await order_for(bola_client)
    await record_event(
        dispatcher(),
        first.number,
        EventInput(status=ShipmentStatus.PICKED_UP),
        (await Shipment.get(id=first.id)).created_at,
    )

    await ada.press("My orders")
    listed = await ada.expect("Your recent orders:")
    lines = listed.text.splitlines()
    assert lines[1].startswith(f"{second.number} · Lagos → Kano · Booked · ")
    assert lines[2].startswith(f"{first.number} · Lagos → Kano · Picked up · ")
    assert lines[1].endswith("99,000.00")  # the client's own total
    assert others.number not in listed.text
    assert labels(listed) == [
        f"{second.number} · Lagos → Kano · Booked",
        f"{first.number} · Lagos → Kano · Picked up",
        "Back to menu",
    ]
    await ada.press(f"{first.number} · Lagos → Kano · Picked up")
    await ada.expect(f"Shipment {first.number}")
