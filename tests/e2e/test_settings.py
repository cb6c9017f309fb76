"""Settings: language and consent can be changed at any time; platform unsubscribes count."""

from __future__ import annotations

import json
import time

from core.i18n import current_i18n
from core.models import Channel, Client, Consent
from core.services.consent import CONSENT_TEXT, marketing_consent, service_consent
from tests.contract.test_onboarding import onboard


async def test_consent_can_be_withdrawn_and_given_again(chat):
    await onboard(chat, "+234 803 444 5566", language="English")
    await chat.press("Settings")
    await chat.expect("Messages on this channel: allowed.")
    await chat.press("Stop messages on this channel")
    await chat.expect("Messages on this channel: not allowed.")
    await chat.press("Allow messages on this channel")
    await chat.expect(CONSENT_TEXT)
    await chat.press("Yes, I agree")
    await chat.expect("Thank you! We will keep you posted here.")

    client = await Client.get(phone="+2348034445566")
    answers = [c.granted for c in await Consent.filter(client=client).order_by("id")]
    assert answers == [True, False, True]


async def test_language_change_applies_to_every_later_reply(chat):
    await onboard(chat, "+234 803 777 8899", language="English")
    await chat.press("Settings")
    await chat.expect("Messages on this channel: allowed.")
    await chat.press("Language")
    await chat.expect("Choose your language.")
    await chat.press("Yorùbá")
    yo = current_i18n().catalogs["yo"].gettext
    await chat.expect(yo("Language changed to English."))
    await chat.send("hello")
    await chat.expect(yo("Sorry, I did not understand that. Please use the menu."))
    assert (await Client.get(phone="+2348037778899")).language == "yo"


async def test_repeated_stop_writes_one_withdrawal(chat):
    await onboard(chat, "+234 803 121 3434", language="English")
    for _ in range(3):
        await chat.send("STOP")
        await chat.expect("Done. You will not receive messages from us on this channel.")
    client = await Client.get(phone="+2348031213434")
    answers = [c.granted for c in await Consent.filter(client=client).order_by("id")]
    assert answers == [True, False]


async def test_returning_client_goes_straight_to_the_menu(chat):
    await onboard(chat, "+234 803 565 6767", language="English")
    await chat.send("/start")
    await chat.expect("Welcome back,")
    await chat.expect("What would you like to do?")


async def test_same_phone_on_two_channels_is_one_client(chat_factory):
    telegram = chat_factory("telegram")
    await onboard(telegram, "+234 803 999 0001", language="English")
    viber = chat_factory("viber")
    await viber.send("/start")
    await viber.expect("Welcome to Ona")
    await viber.press("English")
    await viber.expect("Please share your phone number")
    await viber.share_phone("+2348039990001")
    await viber.expect("Thank you! We found your account.")
    assert await Client.filter(phone="+2348039990001").count() == 1


async def test_viber_unsubscribe_withdraws_consent(chat_factory, runtime):
    viber = chat_factory("viber")
    await onboard(viber, "+234 803 246 8024", language="English")
    event = {
        "event": "unsubscribed",
        "timestamp": int(time.time() * 1000),
        "user_id": viber.user_id,
    }
    assert await viber.post_raw(json.dumps(event).encode()) == 200
    await runtime.supervisor.wait_idle()
    client = await Client.get(phone="+2348032468024")
    latest = await Consent.filter(client=client).order_by("-id").first()
    assert latest.granted is False
    assert latest.evidence.startswith("viber:unsubscribed:")


async def test_no_offers_but_delivery_updates_is_a_separate_answer(chat):
    await onboard(chat, "+234 803 444 5577", language="English")
    await chat.press("Settings")
    await chat.expect("Messages on this channel: allowed.")
    await chat.press("Stop messages on this channel")
    shown = await chat.expect("Messages on this channel: not allowed.")
    assert "Only order and delivery updates" in [label for label, _ in shown.buttons]
    await chat.press("Only order and delivery updates")
    narrowed = await chat.expect(
        "Messages on this channel: only updates about your orders and deliveries."
    )
    assert "Stop order and delivery updates" in [label for label, _ in narrowed.buttons]
    client = await Client.get(phone="+2348034445577")
    answers = [
        (c.purpose.value, c.granted) for c in await Consent.filter(client=client).order_by("id")
    ]
    assert answers == [("messages", True), ("messages", False), ("service", True)]
    assert await service_consent(client.id, chat.channel)
    # STOP ends both.
    await chat.send("STOP")
    await chat.expect("Done. You will not receive messages from us on this channel.")
    assert not await service_consent(client.id, chat.channel)


async def test_offers_can_be_stopped_while_order_updates_go_on(chat):
    await onboard(chat, "+234 803 888 1212", language="English")
    await chat.press("Settings")
    await chat.expect("Messages on this channel: allowed.")
    await chat.press("Stop offers, keep updates")
    await chat.expect(
        "Messages on this channel: updates about your orders and deliveries, no offers."
    )
    client = await Client.get(phone="+2348038881212")
    channel = Channel(chat.channel)
    assert not await marketing_consent(client.id, channel)
    assert await service_consent(client.id, channel)
    await chat.press("Allow offers again")
    await chat.expect("Messages on this channel: allowed.")
    assert await marketing_consent(client.id, channel)
