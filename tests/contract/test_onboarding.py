"""The contract: one onboarding script, run unchanged on Telegram, Viber and web chat."""

from __future__ import annotations

from core.i18n import LANGUAGE_NAMES, current_i18n
from core.models import Client, Consent, Interaction
from core.services.consent import CONSENT_TEXT, CONSENT_TEXT_VERSION
from core.services.interactions import Subject


def ru(message: str) -> str:
    return current_i18n().gettext(message, "ru")


async def onboard(chat, phone: str, language: str = "Русский") -> None:
    """Walk the whole onboarding; `language` is the label of the language button to press."""
    code = {name: code for code, name in LANGUAGE_NAMES.items()}[language]

    def ru(message: str) -> str:
        return current_i18n().gettext(message, code)

    await chat.send("/start")
    first = await chat.expect("Welcome to Ona")
    assert [label for label, _ in first.buttons] == ["English", "Русский", "Yorùbá"]
    await chat.press(language)
    asked = await chat.expect(
        ru(
            "Please share your phone number with the button below, or type it "
            "with the country code, e.g. +234 803 123 4567."
        )
    )
    assert asked.request_phone == ru("Share my phone number")
    await chat.share_phone(phone)
    await chat.expect(ru("Thank you! You are now registered with us."))
    consent = await chat.expect(ru(CONSENT_TEXT))
    assert [label for label, _ in consent.buttons] == [ru("Yes, I agree"), ru("No, thanks")]
    await chat.press(ru("Yes, I agree"))
    await chat.expect(ru("Thank you! We will keep you posted here."))
    menu = await chat.expect(ru("What would you like to do?"))
    assert [label for label, _ in menu.buttons] == [
        ru("Request a quote"),
        ru("Track a delivery"),
        ru("My orders"),
        ru("Talk to a manager"),
        ru("Settings"),
    ]


async def test_onboarding_is_the_same_on_every_channel(chat):
    await onboard(chat, "+234 803 111 2233")
    await chat.press(ru("Track a delivery"))
    await chat.expect(ru("Type your shipment number, e.g. ON-26-00001."))
    await chat.send("стоп")
    await chat.expect(
        ru(
            "Done. You will not receive messages from us on this channel. "
            "You can allow them again in Settings."
        )
    )

    client = await Client.get(phone="+2348031112233")
    assert client.language == "ru"
    subjects = [i.subject for i in await Interaction.filter(client=client).order_by("id")]
    assert subjects == [
        Subject.STARTED,
        Subject.LANGUAGE,
        Subject.PHONE_SHARED,
        Subject.CLIENT_CREATED,
        Subject.CONSENT_GRANTED,
        Subject.MENU,
        Subject.CONSENT_WITHDRAWN,
    ]
    assert all(i.channel == chat.channel for i in await Interaction.filter(client=client))
    log = await Consent.filter(client=client).order_by("id")
    assert [(c.channel, c.granted) for c in log] == [(chat.channel, True), (chat.channel, False)]
    for entry in log:
        assert entry.text_version == CONSENT_TEXT_VERSION
        assert entry.text_shown == ru(CONSENT_TEXT)
        assert entry.language == "ru"
        assert entry.evidence.startswith(f"{chat.channel}:")
