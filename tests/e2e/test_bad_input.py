"""Bad input on every channel: forged webhooks, redeliveries, nonsense and a flaky platform.

Each test plays the part of a careless user, a forger or a misbehaving platform against the
running Ona, then checks what a real user would see (the bot's reply) and that nothing was
half-written in the database. Nothing sleeps: tests wait on the bot's replies, on the fake
servers' call logs and on `runtime.supervisor.wait_idle()`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from core.models import ChannelIdentity, Client, Consent, Interaction
from core.services.interactions import Subject
from main import Runtime
from tests.contract.test_onboarding import onboard
from tests.conversation import (
    TELEGRAM_SECRET,
    ChatClient,
    TelegramChat,
    ViberChat,
    WebChatClient,
    viber_sign,
)
from tests.fakes.recorder import Call, Failure, Recorder
from tests.fakes.telegram_api import FakeTelegramAPI, rate_limited, server_error
from tests.fakes.viber_api import FakeViberAPI

ChatFactory = Callable[[str], Any]

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
VIBER_SIGNATURE_HEADER = "X-Viber-Content-Signature"

PHONE = "+234 803 111 2233"
PHONE_E164 = "+2348031112233"

WELCOME = "Welcome to Ona! Please choose your language."
ASK_PHONE = "Please share your phone number with the button below, or type it with"
SHARE_BUTTON = "Share my phone number"
REGISTERED = "Thank you! You are now registered with us."
NOT_UNDERSTOOD = "Sorry, I did not understand that. Please use the menu."
SEND_START = "Send /start to begin."
STALE_BUTTON = "This button is no longer available."
BAD_PHONE = "That does not look like a phone number. Try again."
NOT_YOUR_PHONE = "Please share your own phone number, not someone else's."

NOTHING_STORED = {"identities": 0, "clients": 0, "interactions": 0, "consents": 0}


async def stored() -> dict[str, int]:
    """How many rows each table a conversation writes to holds.

    Free text a client writes is kept in their dossier whatever it says (Subject.CLIENT_WROTE),
    so those entries are counted apart (`client_texts`).
    """
    return {
        "identities": await ChannelIdentity.all().count(),
        "clients": await Client.all().count(),
        "interactions": await Interaction.exclude(subject=Subject.CLIENT_WROTE).count(),
        "consents": await Consent.all().count(),
    }


def calls(fake: Recorder, method: str, fragment: str = "") -> list[Call]:
    """The fake platform's calls of `method` whose text contains `fragment`."""
    return [
        call
        for call in fake.calls
        if call.method == method and fragment in str(call.params.get("text", ""))
    ]


async def start_in_english(chat: ChatClient) -> None:
    """/start, press English, and stop at the phone step."""
    await chat.send("/start")
    await chat.expect(WELCOME)
    await chat.press("English")
    asked = await chat.expect(ASK_PHONE)
    assert asked.request_phone == SHARE_BUTTON


def telegram_text(tg: TelegramChat, text: str) -> dict[str, Any]:
    """A fresh Telegram update carrying a text message from `tg`'s user."""
    return tg.update(message=tg._message(text=text))


# 1. Telegram webhook authentication ---------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TELEGRAM_SECRET_HEADER: ""},
        {TELEGRAM_SECRET_HEADER: "wrong-secret"},
        {TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET + "x"},
        {TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET[:-1]},
    ],
    ids=["no-header", "empty", "wrong", "longer", "shorter"],
)
async def test_telegram_webhook_refuses_a_missing_or_wrong_secret(
    runtime: Runtime,
    http: aiohttp.ClientSession,
    chat_factory: ChatFactory,
    fake_telegram: FakeTelegramAPI,
    headers: dict[str, str],
):
    tg: TelegramChat = chat_factory("telegram")
    update = telegram_text(tg, "/start")
    async with http.post(
        f"{runtime.base_url}/webhook/telegram", json=update, headers=headers
    ) as response:
        assert response.status == 401
    await runtime.supervisor.wait_idle()

    assert await stored() == NOTHING_STORED
    assert calls(fake_telegram, "sendMessage") == []

    # The refusal did not mark the update as seen: Telegram's genuine delivery still counts.
    assert await tg.post(update) == 200
    await tg.expect(WELCOME)


# 2. Viber webhook signature -----------------------------------------------------------------


def _viber_signatures(body: bytes) -> dict[str, str | None]:
    return {
        "no-header": None,
        "empty": "",
        "garbage": "0" * 64,
        "other-token": viber_sign(body, "not-the-viber-auth-token"),
        "other-body": viber_sign(body + b" "),
        "uppercase-truncated": viber_sign(body).upper()[:32],
    }


@pytest.mark.parametrize("case", list(_viber_signatures(b"")))
async def test_viber_webhook_refuses_a_bad_or_missing_signature(
    runtime: Runtime,
    http: aiohttp.ClientSession,
    chat_factory: ChatFactory,
    fake_viber: FakeViberAPI,
    case: str,
):
    viber: ViberChat = chat_factory("viber")
    body = json.dumps(viber.event({"type": "text", "text": "hello"})).encode()
    signature = _viber_signatures(body)[case]
    headers = {} if signature is None else {VIBER_SIGNATURE_HEADER: signature}
    async with http.post(
        f"{runtime.base_url}/webhook/viber", data=body, headers=headers
    ) as response:
        assert response.status == 403
    await runtime.supervisor.wait_idle()

    assert await stored() == NOTHING_STORED
    assert calls(fake_viber, "send_message") == []

    # The forged copy did not burn the message token: the signed original is handled.
    assert await viber.post_raw(body) == 200
    await viber.expect(SEND_START)


# 3. Malformed bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00garbage",
        b"null",
        b"[]",
        b'"an update"',
        b'{"hello": "world"}',
        b'{"update_id": "not-a-number"}',
        b'{"update_id": 1, "message": {"text": "no chat, no date, no id"}}',
    ],
    ids=[
        "broken-json",
        "empty",
        "not-utf8",
        "null",
        "list",
        "string",
        "no-update-id",
        "bad-update-id",
        "bad-message",
    ],
)
async def test_telegram_webhook_rejects_a_malformed_body(
    runtime: Runtime, http: aiohttp.ClientSession, fake_telegram: FakeTelegramAPI, body: bytes
):
    async with http.post(
        f"{runtime.base_url}/webhook/telegram",
        data=body,
        headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
    await runtime.supervisor.wait_idle()

    assert await stored() == NOTHING_STORED
    assert calls(fake_telegram, "sendMessage") == []


VIBER_MALFORMED = {
    "broken-json": b"{not json",
    "empty": b"",
    "not-utf8": b"\xff\xfe\x00garbage",
    "null": b"null",
    "list": b"[]",
    "string": b'"an event"',
    "no-event": b'{"timestamp": 1}',
    "unknown-event": b'{"event": "bogus", "timestamp": 1}',
    "message-without-sender": (
        b'{"event": "message", "timestamp": 1, "message_token": 7,'
        b' "message": {"type": "text", "text": "hi"}}'
    ),
    "unknown-message-type": (
        b'{"event": "message", "timestamp": 1, "message_token": 7,'
        b' "sender": {"id": "abcdefghijklmnop=="}, "message": {"type": "hologram"}}'
    ),
    "start-without-user": b'{"event": "conversation_started", "timestamp": 1, "message_token": 7}',
}

VIBER_INVALID_BUT_PARSED = {
    "sender-without-id": (
        b'{"event": "message", "timestamp": 1, "message_token": 8,'
        b' "sender": {"name": "Ada"}, "message": {"type": "text", "text": "hi"}}'
    ),
    "text-not-a-string": (
        b'{"event": "message", "timestamp": 1, "message_token": 9,'
        b' "sender": {"id": "abcdefghijklmnop=="}, "message": {"type": "text", "text": 42}}'
    ),
}


async def _post_signed_viber(runtime: Runtime, http: aiohttp.ClientSession, body: bytes) -> int:
    async with http.post(
        f"{runtime.base_url}/webhook/viber",
        data=body,
        headers={VIBER_SIGNATURE_HEADER: viber_sign(body)},
    ) as response:
        return response.status


@pytest.mark.parametrize(
    "body",
    [
        *[pytest.param(body, id=name) for name, body in VIBER_MALFORMED.items()],
        *[pytest.param(body, id=name) for name, body in VIBER_INVALID_BUT_PARSED.items()],
    ],
)
async def test_viber_webhook_rejects_a_malformed_body(
    runtime: Runtime, http: aiohttp.ClientSession, fake_viber: FakeViberAPI, body: bytes
):
    assert await _post_signed_viber(runtime, http, body) == 400
    await runtime.supervisor.wait_idle()

    assert await stored() == NOTHING_STORED
    assert calls(fake_viber, "send_message") == []


# 4. Redelivered updates are handled once ------------------------------------------------------


async def test_telegram_redelivered_update_is_handled_once(
    runtime: Runtime, chat_factory: ChatFactory, fake_telegram: FakeTelegramAPI
):
    tg: TelegramChat = chat_factory("telegram")
    update = telegram_text(tg, "/start")

    statuses = await asyncio.gather(*(tg.post(update) for _ in range(5)))
    assert statuses == [200] * 5  # every copy is acknowledged, or Telegram keeps resending
    await tg.expect(WELCOME)
    await runtime.supervisor.wait_idle()

    assert tg.said() == [WELCOME]
    assert len(calls(fake_telegram, "sendMessage")) == 1
    assert await ChannelIdentity.all().count() == 1
    assert await Interaction.filter(subject=Subject.STARTED).count() == 1
    assert await Interaction.all().count() == 1


async def test_viber_redelivered_message_is_handled_once(
    runtime: Runtime, chat_factory: ChatFactory
):
    viber: ViberChat = chat_factory("viber")
    await onboard(viber, PHONE, language="English")
    await runtime.supervisor.wait_idle()
    before = await stored()
    already_said = len(viber.said())

    body = json.dumps(viber.event({"type": "text", "text": "hello"})).encode()
    statuses = await asyncio.gather(*(viber.post_raw(body) for _ in range(5)))
    assert statuses == [200] * 5
    await viber.expect(NOT_UNDERSTOOD)
    await runtime.supervisor.wait_idle()

    assert viber.said()[already_said:] == [NOT_UNDERSTOOD]
    assert await stored() == before
    # Five copies of one message: one dossier entry.
    assert await Interaction.filter(subject=Subject.CLIENT_WROTE, summary="hello").count() == 1


async def test_viber_redelivered_conversation_start_is_handled_once(
    runtime: Runtime, chat_factory: ChatFactory
):
    viber: ViberChat = chat_factory("viber")
    body = json.dumps(
        {
            "event": "conversation_started",
            "timestamp": 1,
            "message_token": 4_242_424_242,
            "type": "open",
            "user": {"id": viber.user_id, "name": viber.name, "api_version": 10},
            "subscribed": False,
        }
    ).encode()

    statuses = await asyncio.gather(*(viber.post_raw(body) for _ in range(5)))
    assert statuses == [200] * 5
    await viber.expect(WELCOME)
    await runtime.supervisor.wait_idle()

    assert viber.said() == [WELCOME]
    assert await ChannelIdentity.all().count() == 1
    assert await Interaction.filter(subject=Subject.STARTED).count() == 1


async def test_webchat_resent_frame_is_handled_once(runtime: Runtime, chat_factory: ChatFactory):
    web: WebChatClient = chat_factory("webchat")
    await web.connect()
    await onboard(web, PHONE, language="English")
    await runtime.supervisor.wait_idle()
    before = await stored()
    already_said = len(web.said())

    assert web.socket is not None
    for _ in range(5):
        await web.socket.send_json(
            {"id": "frame-resent-after-reconnect", "type": "text", "text": "hello"}
        )
    await web.expect(NOT_UNDERSTOOD)
    await runtime.supervisor.wait_idle()
    # The socket is ordered: once the answer to a later frame arrived, all earlier ones had.
    await web.send("/start")
    await web.expect("Welcome back")
    await web.expect("What would you like to do?")

    assert web.said()[already_said:] == [
        NOT_UNDERSTOOD,
        f"Welcome back, {PHONE_E164}!",
        "What would you like to do?",
    ]
    assert (await stored())["interactions"] == before["interactions"] + 1  # the /start
    # The five copies of "hello" are one dossier entry.
    assert await Interaction.filter(subject=Subject.CLIENT_WROTE, summary="hello").count() == 1


# 5. Forged buttons ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["xx:forged", "sf:today", "sf:clients", "mn:nonsense", ""])
async def test_forged_button_is_no_longer_available(runtime: Runtime, chat: ChatClient, data: str):
    await onboard(chat, PHONE, language="English")
    await runtime.supervisor.wait_idle()
    before = await stored()
    already_said = len(chat.said())

    await chat.press_data(data)
    await chat.expect(STALE_BUTTON)
    await runtime.supervisor.wait_idle()

    assert chat.said()[already_said:] == [STALE_BUTTON]
    assert not any("Staff menu" in text or "staff workspace" in text for text in chat.said())
    staff_buttons = [
        payload
        for message in chat.bot_messages()
        for _label, payload in message.buttons
        if payload.startswith("sf:")
    ]
    assert staff_buttons == []
    assert await stored() == before


# 6. Things the bot does not read --------------------------------------------------------------

ODD_MESSAGES = {
    "sticker": None,
    "10k-characters": "Where is my parcel? " * 500,  # 20 characters × 500
    "emoji-only": "🚚📦",
    "right-to-left": "مرحبا بك",
}


@pytest.mark.parametrize("kind", list(ODD_MESSAGES))
async def test_client_gets_a_polite_answer_to_anything_unexpected(
    runtime: Runtime, chat: ChatClient, kind: str
):
    await onboard(chat, PHONE, language="English")
    await runtime.supervisor.wait_idle()
    before = await stored()
    already_said = len(chat.said())

    text = ODD_MESSAGES[kind]
    if text is None:
        await chat.send_other()
    else:
        await chat.send(text)
    answer = await chat.expect(NOT_UNDERSTOOD)
    await runtime.supervisor.wait_idle()

    assert chat.said()[already_said:] == [NOT_UNDERSTOOD]
    assert "Settings" in [label for label, _payload in answer.buttons]  # the menu comes along
    assert await stored() == before
    assert await Client.get(phone=PHONE_E164)  # still the same, registered client


async def test_anonymous_sticker_is_told_to_start(runtime: Runtime, chat: ChatClient):
    await chat.send_other()
    await chat.expect(SEND_START)
    await runtime.supervisor.wait_idle()

    assert chat.said() == [SEND_START]
    assert await Client.all().count() == 0
    assert await Interaction.all().count() == 0
    assert await Consent.all().count() == 0


# 7. The phone step --------------------------------------------------------------------------


async def test_phone_step_refuses_what_is_not_a_phone_number(runtime: Runtime, chat: ChatClient):
    await start_in_english(chat)

    for typed in ("not a phone", "12", "7" * 10_000, "+234 803 111 2233" * 600):
        await chat.send(typed)
        retry = await chat.expect(BAD_PHONE)
        assert retry.request_phone == SHARE_BUTTON  # the share button is offered again
        await runtime.supervisor.wait_idle()
        assert await Client.all().count() == 0
        assert await Interaction.filter(subject=Subject.PHONE_SHARED).count() == 0

    identity = await ChannelIdentity.get()
    assert identity.client_id is None

    await chat.share_phone(PHONE)
    await chat.expect(REGISTERED)
    await runtime.supervisor.wait_idle()
    client = await Client.get()
    assert client.phone == PHONE_E164
    assert await Interaction.filter(subject=Subject.PHONE_SHARED).count() == 1
    assert await Interaction.filter(subject=Subject.CLIENT_CREATED).count() == 1


# 8. Someone else's contact ------------------------------------------------------------------


async def test_telegram_someone_elses_contact_is_refused(
    runtime: Runtime, chat_factory: ChatFactory
):
    tg: TelegramChat = chat_factory("telegram")
    await start_in_english(tg)

    await tg.share_phone(PHONE, user_id=tg.user_id + 1)
    await tg.expect(NOT_YOUR_PHONE)
    await runtime.supervisor.wait_idle()

    assert await Client.all().count() == 0
    assert await Interaction.filter(subject=Subject.PHONE_SHARED).count() == 0
    identity = await ChannelIdentity.get(external_id=str(tg.user_id))
    assert identity.client_id is None

    # Still at the phone step: the person's own contact is accepted.
    await tg.share_phone("+234 803 999 0000")
    await tg.expect(REGISTERED)
    await runtime.supervisor.wait_idle()
    assert [c.phone for c in await Client.all()] == ["+2348039990000"]


async def test_telegram_contact_card_without_user_id_is_not_taken_as_verified(
    runtime: Runtime, chat_factory: ChatFactory
):
    tg: TelegramChat = chat_factory("telegram")
    await start_in_english(tg)

    card = {"phone_number": PHONE, "first_name": "Somebody"}  # no user_id: not a Telegram user
    await tg.post(tg.update(message=tg._message(contact=card)))
    await runtime.supervisor.wait_idle()

    shared = await Interaction.filter(subject=Subject.PHONE_SHARED).values_list(
        "summary", flat=True
    )
    assert not any(summary.endswith("(shared)") for summary in shared)


# 9. A flaky platform ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure", [rate_limited(retry_after=1), server_error()], ids=["429", "500"]
)
async def test_telegram_reply_survives_one_failed_send(
    runtime: Runtime, chat_factory: ChatFactory, fake_telegram: FakeTelegramAPI, failure: Failure
):
    tg: TelegramChat = chat_factory("telegram")
    fake_telegram.fail_next("sendMessage", failure)

    assert await tg.send("/start") == 200
    await runtime.supervisor.wait_idle()  # the handler, its retry and its back-off included

    attempts = calls(fake_telegram, "sendMessage", WELCOME)
    assert len(attempts) == 2  # refused once, then delivered
    assert attempts[0].params == attempts[1].params
    assert fake_telegram.take_failure("sendMessage") is None
    assert await Interaction.filter(subject=Subject.STARTED).count() == 1

    # The conversation goes on where the delivered message left it.
    await tg.expect(WELCOME)
    await tg.press("English")
    await tg.expect(ASK_PHONE)


async def test_viber_reply_survives_one_server_error(
    runtime: Runtime, chat_factory: ChatFactory, fake_viber: FakeViberAPI
):
    viber: ViberChat = chat_factory("viber")
    fake_viber.fail_next(
        "send_message", Failure(500, {"status": 1, "status_message": "Internal Server Error"})
    )

    assert await viber.send("/start") == 200
    await runtime.supervisor.wait_idle()

    attempts = calls(fake_viber, "send_message", WELCOME)
    assert len(attempts) == 2
    assert attempts[0].params == attempts[1].params
    assert fake_viber.take_failure("send_message") is None
    assert await Interaction.filter(subject=Subject.STARTED).count() == 1

    await viber.expect(WELCOME)
    await viber.press("English")
    await viber.expect(ASK_PHONE)


# 10. Web chat socket admission ----------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://ona.test.evil.example"])
async def test_webchat_refuses_a_foreign_origin(
    runtime: Runtime, chat_factory: ChatFactory, origin: str
):
    web: WebChatClient = chat_factory("webchat")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await web.connect(origin=origin)
    assert refused.value.status == 403
    await runtime.supervisor.wait_idle()
    assert await stored() == NOTHING_STORED


@pytest.mark.parametrize(
    "visitor",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("short", id="too-short"),
        pytest.param("x" * 65, id="too-long"),
        pytest.param("has spaces in the visitor id", id="spaces"),
        pytest.param("../../../../etc/passwd", id="path"),
        pytest.param("<script>alert(1)</script>xx", id="markup"),
        pytest.param("a" * 32 + "\n", id="trailing-newline"),
    ],
)
async def test_webchat_refuses_a_missing_or_invalid_visitor_id(
    runtime: Runtime, http: aiohttp.ClientSession, visitor: str | None
):
    params = {} if visitor is None else {"visitor": visitor}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        socket = await http.ws_connect(
            f"{runtime.base_url}/chat/ws", params=params, headers={"Origin": runtime.base_url}
        )
        await socket.close()
    assert refused.value.status == 400
    await runtime.supervisor.wait_idle()
    assert await stored() == NOTHING_STORED
