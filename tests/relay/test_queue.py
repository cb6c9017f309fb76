"""No manager to route to: the chat is offered to the sales queue, and the first Take wins."""

from __future__ import annotations

from core.models import AuditLog, Employee, Interaction, RelayState, Role
from core.services.relay import RelaySubject
from tests.relay.helpers import client, relay_of, staff


async def test_the_first_to_take_a_chat_keeps_it(chat_factory, runtime):
    tunde, first = await staff(chat_factory, "Tunde Bakare")
    bola, _second = await staff(chat_factory, "Bola Ade", channel="viber")
    olga, _head = await staff(chat_factory, "Olga Ivanova", Role.HEAD_OF_SALES)
    ada, owner = await client(chat_factory, "viber", "+234 803 555 0101")

    await ada.press("Talk to a manager")
    await ada.expect("A manager will answer you here soon. Write your message.")
    offer = "Ada · Viber\nA client wants to talk to a manager. Take the chat?"
    for person in (tunde, bola, olga):
        offered = await person.expect(offer)
        assert [label for label, _ in offered.buttons] == ["Take"]
    relay = await relay_of(owner)
    assert relay.state is RelayState.WAITING and relay.manager_id is None

    # Written before anyone took it: kept, and shown to whoever takes the chat.
    await ada.send("Is anyone there?")
    await ada.send("I need a quote for Abuja.")
    await runtime.supervisor.wait_idle()  # both handled: nothing was said to anyone
    kept = Interaction.filter(relay=relay, subject=RelaySubject.CLIENT_MESSAGE)
    assert await kept.count() == 2
    assert not [t for t in tunde.said() if "Is anyone there?" in t]

    await tunde.press("Take")
    taken = await tunde.expect("You took the chat with Ada.")
    assert "Ada · Viber\nIs anyone there?\nI need a quote for Abuja." in taken.text
    await ada.expect("Tunde Bakare joined the chat.")
    await bola.press("Take")
    refused = await bola.expect("Another manager has already taken this chat.")
    assert "Ada" not in refused.text
    await olga.press("Take")
    await olga.expect("Another manager has already taken this chat.")

    relay = await relay_of(owner)
    assert relay.state is RelayState.ACTIVE and relay.manager_id == first.id
    assert relay.taken_at is not None and relay.taken_at >= relay.started_at
    assert await AuditLog.filter(action="relay.taken", object_id=str(relay.id)).count() == 1

    # Take selected the chat: Tunde's next words go to Ada.
    await tunde.send("Hello Ada, Abuja it is.")
    await ada.expect("Hello Ada, Abuja it is.")


async def test_an_off_duty_manager_is_skipped_for_the_queue(chat_factory):
    bola, away = await staff(chat_factory, "Bola Ade")
    tunde, _duty = await staff(chat_factory, "Tunde Bakare")
    await Employee.filter(id=away.id).update(on_duty=False)
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0102", manager=away)

    await ada.press("Talk to a manager")
    await ada.expect("A manager will answer you here soon.")
    await tunde.expect("A client wants to talk to a manager. Take the chat?")
    assert not [t for t in bola.said() if "wants to talk" in t]
    assert (await relay_of(owner)).manager_id is None


async def test_a_manager_with_no_staff_chat_is_skipped(chat_factory):
    tunde, _duty = await staff(chat_factory, "Tunde Bakare")
    unlinked = await Employee.create(name="No Chat", role=Role.MANAGER)
    ada, _owner = await client(chat_factory, "telegram", "+234 803 555 0103", manager=unlinked)
    await ada.press("Talk to a manager")
    await ada.expect("A manager will answer you here soon.")
    await tunde.expect("A client wants to talk to a manager.")
