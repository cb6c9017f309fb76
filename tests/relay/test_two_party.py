"""A live chat between a client and their manager on different messengers, both ways.

Each side reads the other in their own bot: the manager with a header (client, channel, open
request), the client on their own channel with the End chat button in their own language.
Every message is kept in the dossier, linked to the relay.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.relay_sender import BotRelayMessenger
from core.models import ChannelIdentity, Interaction, RelaySession, RelayState
from core.services.relay import RelaySubject, open_relay
from tests.relay.helpers import client, open_request, relay_of, ru, staff


async def test_client_on_viber_manager_on_telegram(chat_factory, runtime):
    tunde, manager = await staff(chat_factory, "Tunde Bakare")
    ada, owner = await client(
        chat_factory, "viber", "+234 803 555 0001", manager=manager, language="Русский"
    )
    request = await open_request(owner)

    await ada.press(ru("Talk to a manager"))
    opened = await ada.expect(
        ru("{manager} will answer you here. Write your message.", manager="Tunde Bakare")
    )
    assert [label for label, _ in opened.buttons] == [ru("End chat")]
    header = f"Ada · Viber · request #{request.id}: Lagos → Kano, 1,200 kg"
    offer = await tunde.expect(f"{header}\nYour client wants to talk to you.")
    assert [label for label, _ in offer.buttons] == ["Reply", "Canned replies", "End chat"]

    await ada.send("Где мой груз?")
    forwarded = await tunde.expect(f"{header}\nГде мой груз?")
    assert [label for label, _ in forwarded.buttons] == ["Reply", "Canned replies", "End chat"]
    relay = await relay_of(owner)
    assert relay.state is RelayState.ACTIVE and relay.taken_at is not None
    assert relay.waiting_since is not None and relay.first_reply_at is None

    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await tunde.send("It is in Kano, {arriving} tomorrow.")
    answer = await ada.expect("It is in Kano, {arriving} tomorrow.")  # as typed, braces too
    assert [label for label, _ in answer.buttons] == [ru("End chat")]
    await tunde.send("Anything else?")
    await ada.expect("Anything else?")
    await runtime.supervisor.wait_idle()

    relay = await relay_of(owner)
    assert relay.waiting_since is None and relay.first_reply_at is not None
    assert relay.request_id == request.id

    await ada.press(ru("End chat"))
    await ada.expect(ru("The chat has ended. Thank you for writing to us!"))
    await tunde.expect(f"{header}\nThe client ended the chat.")
    await runtime.supervisor.wait_idle()
    relay = await relay_of(owner)
    assert relay.state is RelayState.CLOSED and relay.closed_by == "client"

    # After the chat, the client's text is the fallback's again and reaches nobody.
    await ada.send("Ещё вопрос")
    await ada.expect(ru("Sorry, I did not understand that. Please use the menu."))
    assert not [t for t in tunde.said() if "Ещё вопрос" in t]

    entries = await Interaction.filter(relay=relay).order_by("id")
    assert [(e.subject, e.summary, e.employee_id) for e in entries] == [
        (RelaySubject.OPENED, "", None),
        (RelaySubject.CLIENT_MESSAGE, "Где мой груз?", None),
        (RelaySubject.MANAGER_REPLY, "It is in Kano, {arriving} tomorrow.", manager.id),
        (RelaySubject.MANAGER_REPLY, "Anything else?", manager.id),
        (RelaySubject.CLOSED, "client", None),
    ]
    assert all(e.client_id == owner.id and e.channel == "viber" for e in entries)
    assert entries[1].identity_id == relay.identity_id


async def test_client_on_telegram_manager_on_viber(chat_factory, runtime):
    bola, manager = await staff(chat_factory, "Bola Ade", channel="viber")
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0002", manager=manager)

    await ada.press("Talk to a manager")
    await ada.expect("Bola Ade will answer you here. Write your message.")
    await bola.expect("Ada · Telegram\nYour client wants to talk to you.")
    await ada.send("Hello, I need a truck on Monday.")
    await bola.expect("Ada · Telegram\nHello, I need a truck on Monday.")

    await bola.press("Reply")
    await bola.expect("Write your reply to Ada")
    await bola.send("We have one. Where from?")
    answer = await ada.expect("We have one. Where from?")
    assert [label for label, _ in answer.buttons] == ["End chat"]
    await ada.send("From Ibadan.")
    await bola.expect("Ada · Telegram\nFrom Ibadan.")

    # The manager ends it; the client is told and gets the menu back.
    await bola.press("End chat")
    await bola.expect("You ended the chat with Ada.")
    ended = await ada.expect("The manager ended the chat.")
    assert "Talk to a manager" in [label for label, _ in ended.buttons]
    await runtime.supervisor.wait_idle()
    relay = await relay_of(owner)
    assert relay.state is RelayState.CLOSED and relay.closed_by == "manager"

    # The manager's typing is no longer relayed: the chat was deselected.
    await bola.send("Hello?")
    await bola.expect("Sorry, I did not understand that.")
    assert [m for m in ada.said() if m == "Hello?"] == []
    subjects = [e.subject for e in await Interaction.filter(relay=relay).order_by("id")]
    assert subjects == [
        RelaySubject.OPENED,
        RelaySubject.CLIENT_MESSAGE,
        RelaySubject.MANAGER_REPLY,
        RelaySubject.CLIENT_MESSAGE,
        RelaySubject.CLOSED,
    ]


async def test_asking_again_reuses_the_open_chat(chat_factory):
    _tunde, manager = await staff(chat_factory, "Tunde Bakare")
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0003", manager=manager)
    await ada.press("Talk to a manager")
    await ada.expect("Tunde Bakare will answer you here.")
    await ada.press("Talk to a manager")
    await ada.expect("You are already in a chat with a manager. Write your message.")
    assert await RelaySession.filter(client=owner).count() == 1


async def test_a_manager_in_a_chat_still_reaches_the_staff_menu(chat_factory):
    tunde, manager = await staff(chat_factory, "Tunde Bakare")
    ada, _owner = await client(chat_factory, "telegram", "+234 803 555 0004", manager=manager)
    await ada.press("Talk to a manager")
    await tunde.expect("Your client wants to talk to you.")
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await tunde.send("/staff")
    await tunde.expect("Staff menu. Hello, Tunde Bakare!")
    await tunde.send("not for the client")
    await tunde.expect("Sorry, I did not understand that.")
    assert "not for the client" not in ada.said()


async def test_a_double_tap_opens_one_chat(chat_factory, runtime):
    _tunde, manager = await staff(chat_factory, "Tunde Bakare")
    _ada, owner = await client(chat_factory, "telegram", "+234 803 555 0119", manager=manager)
    identity = await ChannelIdentity.get(client_id=owner.id)
    messenger = BotRelayMessenger(runtime.registry, runtime.i18n)
    now = dt.datetime.now(dt.UTC)
    first, second = await asyncio.gather(
        open_relay(messenger, identity, now=now), open_relay(messenger, identity, now=now)
    )
    assert await RelaySession.filter(client_id=owner.id).count() == 1
    assert first.relay.id == second.relay.id
    assert sorted([first.created, second.created]) == [False, True]
