"""The manager's tools and limits: canned replies in the client's language, a reply that cannot
be delivered (kept, told, sent once), and buttons of a colleague's chat (refused, no data)."""

from __future__ import annotations

from bot.keyboards.relay import CannedCb, RelayAction, RelayCb
from core.models import CannedReply, Interaction, RelaySession
from core.services.consent import record_consent
from core.services.relay import RelaySubject
from tests.fakes.recorder import Failure
from tests.relay.helpers import client, relay_of, ru, staff

BLOCKED = Failure(
    403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
)


async def _chatting(chat_factory, client_channel: str, phone: str, manager_channel="telegram"):
    tunde, manager = await staff(chat_factory, "Tunde Bakare", channel=manager_channel)
    language = "Русский" if client_channel == "viber" else "English"
    ada, owner = await client(chat_factory, client_channel, phone, manager, language=language)
    ru_or_en = ru if language == "Русский" else str
    await ada.press(ru_or_en("Talk to a manager"))
    await tunde.expect("Your client wants to talk to you.")
    await ada.expect(
        ru_or_en("{manager} will answer you here. Write your message.").format(
            manager="Tunde Bakare"
        )
    )
    return tunde, manager, ada, owner


async def test_a_canned_reply_in_the_clients_language_is_one_tap_away(chat_factory, runtime):
    await CannedReply.create(language="ru", text="Спасибо, уже проверяю.", position=2)
    await CannedReply.create(language="ru", text="Старый ответ", position=1, is_active=False)
    await CannedReply.create(language="ru", text="Добрый день!", position=1)
    await CannedReply.create(language="en", text="Thanks, checking now.", position=1)
    tunde, manager, ada, owner = await _chatting(chat_factory, "viber", "+234 803 555 0201")

    await tunde.press("Canned replies")
    listed = await tunde.expect("Tap a ready answer to send it.")
    assert [label for label, _ in listed.buttons] == [
        "Добрый день!",
        "Спасибо, уже проверяю.",
        "End chat",
    ]
    await tunde.press("Спасибо, уже проверяю.")
    answer = await ada.expect("Спасибо, уже проверяю.")
    assert [label for label, _ in answer.buttons] == [ru("End chat")]
    await runtime.supervisor.wait_idle()

    relay = await relay_of(owner)
    assert relay.first_reply_at is not None
    entry = await Interaction.get(relay=relay, subject=RelaySubject.MANAGER_REPLY)
    assert (entry.summary, entry.employee_id) == ("Спасибо, уже проверяю.", manager.id)


async def test_a_reply_to_a_client_who_blocked_the_bot_is_kept_and_sent_once(
    chat_factory, fake_telegram
):
    bola, _manager, _ada, owner = await _chatting(
        chat_factory, "telegram", "+234 803 555 0202", manager_channel="viber"
    )
    await bola.press("Reply")
    await bola.expect("Write your reply to Ada")
    fake_telegram.fail_next("sendMessage", BLOCKED, times=5)
    await bola.send("Your truck is booked.")
    told = await bola.expect("Not delivered: Telegram did not accept the message for Ada")
    assert "kept in the dossier" in told.text

    attempts = [
        c
        for c in fake_telegram.calls
        if c.method == "sendMessage" and c.params.get("text") == "Your truck is booked."
    ]
    assert len(attempts) == 1
    relay = await relay_of(owner)
    entry = await Interaction.get(relay=relay, subject=RelaySubject.REPLY_NOT_DELIVERED)
    assert entry.summary == "Your truck is booked."
    assert not await Interaction.exists(relay=relay, subject=RelaySubject.MANAGER_REPLY)


async def test_a_reply_to_a_viber_client_who_unsubscribed_is_sent_once(chat_factory, fake_viber):
    tunde, _manager, _ada, owner = await _chatting(chat_factory, "viber", "+234 803 555 0204")
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    gone = Failure(200, {"status": 6, "status_message": "notSubscribed"})
    fake_viber.fail_next("send_message", gone, times=5)
    await tunde.send("Your truck is booked.")
    await tunde.expect("Not delivered: Viber did not accept the message for Ada")
    attempts = [c for c in fake_viber.calls if c.params.get("text") == "Your truck is booked."]
    assert len(attempts) == 1
    relay = await relay_of(owner)
    assert await Interaction.exists(relay=relay, subject=RelaySubject.REPLY_NOT_DELIVERED)


async def test_stop_ends_the_chat_and_a_late_reply_is_kept_not_sent(chat_factory, fake_viber):
    tunde, _manager, ada, owner = await _chatting(chat_factory, "viber", "+234 803 555 0203")
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await ada.send("стоп")
    await ada.expect(
        ru(
            "Done. You will not receive messages from us on this channel. "
            "You can allow them again in Settings."
        )
    )
    await tunde.expect("The client ended the chat.")
    relay = await relay_of(owner)
    assert (relay.state.value, relay.closed_by) == ("closed", "client")
    # The manager, still in reply mode, writes anyway: told, nothing sent.
    await tunde.send("Are you still there?")
    await tunde.expect("This chat has ended.")
    assert not [c for c in fake_viber.calls if c.params.get("text") == "Are you still there?"]


async def test_a_reply_after_consent_was_withdrawn_in_settings_is_kept_not_sent(
    chat_factory, fake_viber
):
    tunde, _manager, _ada, owner = await _chatting(chat_factory, "viber", "+234 803 555 0205")
    relay = await relay_of(owner)
    await record_consent(relay.identity_id, False, "settings")  # type: ignore[attr-defined]
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await tunde.send("Are you still there?")
    await tunde.expect("Not delivered: Ada does not accept messages on Viber (consent withdrawn).")
    assert not [c for c in fake_viber.calls if c.params.get("text") == "Are you still there?"]
    entry = await Interaction.get(relay=relay, subject=RelaySubject.REPLY_NOT_DELIVERED)
    assert entry.summary == "Are you still there?"


async def test_a_colleagues_chat_cannot_be_touched_by_a_forged_button(chat_factory):
    await CannedReply.create(language="en", text="Thanks, checking now.")
    _tunde, _manager, ada, owner = await _chatting(chat_factory, "telegram", "+234 803 555 0204")
    bola, other = await staff(chat_factory, "Bola Ade")
    relay = await relay_of(owner)
    canned = await CannedReply.get(language="en")

    forged = [
        RelayCb(action=RelayAction.REPLY, relay=relay.id).pack(),
        RelayCb(action=RelayAction.CANNED, relay=relay.id).pack(),
        RelayCb(action=RelayAction.END, relay=relay.id).pack(),
        CannedCb(relay=relay.id, reply=canned.id).pack(),
        RelayCb(action=RelayAction.REPLY, relay=2**40).pack(),
    ]
    for data in forged:
        await bola.press_data(data)
        await bola.expect("This chat is not yours, or it has ended.")
    # Tunde's client came straight to him, never to the queue: for Bola it does not exist.
    await bola.press_data(RelayCb(action=RelayAction.TAKE, relay=relay.id).pack())
    await bola.expect("This chat is not yours, or it has ended.")
    # Typing after a forged Reply goes nowhere: the chat was never selected.
    await bola.send("Hi Ada")
    await bola.expect("Sorry, I did not understand that.")

    assert not [t for t in bola.said() if "Ada" in t and t != "Hi Ada"]
    assert not [t for t in bola.said() if "Thanks, checking now." in t]
    assert not [t for t in ada.said() if t in ("Hi Ada", "Thanks, checking now.")]
    unchanged = await RelaySession.get(id=relay.id)
    assert unchanged.state == relay.state and unchanged.closed_at is None
    assert not await Interaction.filter(relay=relay, employee_id=other.id).exists()


async def test_a_client_cannot_press_a_managers_relay_button(chat_factory):
    _tunde, _manager, ada, owner = await _chatting(chat_factory, "telegram", "+234 803 555 0205")
    relay = await relay_of(owner)
    await ada.press_data(RelayCb(action=RelayAction.END, relay=relay.id).pack())
    await ada.expect("This button is no longer available.")
    assert (await relay_of(owner)).closed_at is None


async def test_a_managers_stop_goes_to_the_client_and_a_sticker_is_explained(chat_factory):
    tunde, _manager, ada, _owner = await _chatting(
        chat_factory, "telegram", "+234 803 555 0206", manager_channel="viber"
    )
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await tunde.send("Stop")  # a word in the chat, not a consent withdrawal
    await ada.expect("Stop")
    await ada.send_other()
    await ada.expect(
        "Only text messages reach the manager in this chat for now. Please write it in words."
    )
    await tunde.send_other()
    await tunde.expect("Only text reaches the client in a live chat for now.")
