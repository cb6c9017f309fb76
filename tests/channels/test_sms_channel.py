"""The generic HTTP SMS provider against a local gateway, and the segment counter."""

from __future__ import annotations

import base64
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from core.services.sms_channel import (
    HttpSmsProvider,
    SmsConfig,
    SmsEncoding,
    SmsProvider,
    SmsStatus,
    segments,
)
from tests.fakes.recorder import start_server

PHONE = "+447700900123"
PASSWORD = "p@ss w&rd=1"
TOKEN = "tok-5ecret"
# Characters that break a naively built query string, plus Cyrillic and a euro sign.
TEXT = "Знижка 10% & ціна=120 € + доставка? #1"


@dataclass
class Seen:
    method: str
    path: str
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]
    json: Any


@dataclass
class Gateway:
    """A stand-in SMS gateway: records each request, answers from a queue (else 200 + id)."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    answers: list[web.Response] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        form: dict[str, str] = {}
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.method == "POST":
            form = dict(await request.post())  # type: ignore[arg-type]
        self.seen.append(
            Seen(
                request.method,
                request.path,
                request.query_string,
                dict(request.query),
                dict(request.headers),
                form,
                body,
            )
        )
        if self.answers:
            return self.answers.pop(0)
        return web.json_response({"id": f"msg-{len(self.seen)}", "status": "queued"})


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    gw = Gateway()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", gw.handle)
    runner, gw.url = await start_server(app)
    try:
        yield gw
    finally:
        await runner.cleanup()


@pytest.fixture
async def providers() -> AsyncIterator[list[HttpSmsProvider]]:
    made: list[HttpSmsProvider] = []
    yield made
    for provider in made:
        await provider.close()


@pytest.fixture
def provider(providers):
    def make(config: SmsConfig) -> HttpSmsProvider:
        made = HttpSmsProvider(config)
        providers.append(made)
        return made

    return make


async def test_get_carries_encoded_text_and_credentials_and_reads_the_id(gateway, provider):
    sms = provider(
        SmsConfig(
            url_template=f"{gateway.url}/send?login={{username}}&psw={{password}}"
            "&phones={to}&mes={text}&sender={sender}",
            method="GET",
            username="ona",
            password=PASSWORD,
            sender="Ona",
        )
    )
    result = await sms.send(PHONE, TEXT)

    assert result.status is SmsStatus.SENT and result.sent
    assert result.message_id == "msg-1" and result.http_status == 200
    [seen] = gateway.seen
    assert seen.method == "GET" and seen.path == "/send"
    assert seen.query == {
        "login": "ona",
        "psw": PASSWORD,
        "phones": PHONE,
        "mes": TEXT,
        "sender": "Ona",
    }
    assert "phones=%2B447700900123" in seen.query_string  # a raw '+' would read as a space
    assert "Authorization" not in seen.headers  # placed in the URL, so no Basic auth too


async def test_post_form_with_basic_auth_and_a_nested_id(gateway, provider):
    gateway.answers.append(web.json_response({"messages": [{"message-id": "0A1B2C", "to": 1}]}))
    sms = provider(
        SmsConfig(
            url_template=f"{gateway.url}/sms/json",
            body_fields={"to": "{to_digits}", "text": "{text}", "from": "{sender}"},
            username="ona",
            password=PASSWORD,
            sender="OnaCargo",
            id_path="messages.0.message-id",
        )
    )
    result = await sms.send(PHONE, TEXT)

    assert result.sent and result.message_id == "0A1B2C"
    [seen] = gateway.seen
    assert seen.method == "POST"
    assert seen.form == {"to": "447700900123", "text": TEXT, "from": "OnaCargo"}
    expected = base64.b64encode(f"ona:{PASSWORD}".encode()).decode()
    assert seen.headers["Authorization"] == f"Basic {expected}"


async def test_post_json_with_a_token_header(gateway, provider):
    sms = provider(
        SmsConfig(
            url_template=f"{gateway.url}/v1/messages",
            body_fields={"recipient": "{to}", "body": "{text}"},
            body_format="json",
            token=TOKEN,
            token_header="X-Api-Key",
            token_prefix="",
        )
    )
    result = await sms.send(PHONE, "Ваш вантаж доставлено 🚚")

    assert result.sent and result.message_id == "msg-1"
    assert result.parts == 1
    [seen] = gateway.seen
    assert seen.json == {"recipient": PHONE, "body": "Ваш вантаж доставлено 🚚"}
    assert seen.headers["X-Api-Key"] == TOKEN


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (502, True), (503, True), (429, True), (408, True), (400, False), (401, False)],
)
async def test_http_errors_say_whether_to_retry(gateway, provider, status, retryable):
    gateway.answers.append(web.json_response({"error": "nope"}, status=status))
    sms = provider(SmsConfig(url_template=f"{gateway.url}/send", token=TOKEN))
    result = await sms.send(PHONE, "Hello")

    assert result.status is SmsStatus.FAILED and not result.sent
    assert result.http_status == status
    assert result.retryable is retryable
    assert result.reason.startswith(f"HTTP {status}")


async def test_credentials_never_reach_the_log_or_the_reason(gateway, provider, caplog):
    # A gateway that echoes the request back in its error, credentials included.
    gateway.answers.append(
        web.json_response({"error": f"bad request psw={PASSWORD} key={TOKEN}"}, status=400)
    )
    sms = provider(
        SmsConfig(
            url_template=f"{gateway.url}/send?psw={{password}}&to={{to}}&text={{text}}",
            method="GET",
            username="ona",
            password=PASSWORD,
            token=TOKEN,
        )
    )
    with caplog.at_level(logging.DEBUG):
        failed = await sms.send(PHONE, "Hello")
        sent = await sms.send(PHONE, "Hello again")

    assert not failed.sent and "***" in failed.reason
    assert sent.sent
    for text in (failed.reason, caplog.text):
        assert PASSWORD not in text and TOKEN not in text
        assert "p%40ss" not in text  # nor their URL-encoded forms
    assert PHONE not in caplog.text  # phones are masked in the log
    assert "+44*******123" in caplog.text


async def test_a_2xx_refusal_or_a_missing_id_is_a_permanent_failure(gateway, provider):
    gateway.answers += [
        web.json_response({"error": "number blacklisted"}),
        web.json_response({"status": "ok"}),
        web.Response(text="OK"),
    ]
    sms = provider(SmsConfig(url_template=f"{gateway.url}/send", error_path="error"))
    refused, no_id, not_json = [await sms.send(PHONE, "Hi") for _ in range(3)]

    assert refused.reason == "refused: number blacklisted" and not refused.retryable
    assert not no_id.sent and not no_id.retryable and "no message id" in no_id.reason
    assert not not_json.sent and not not_json.retryable


async def test_a_gateway_without_ids_is_trusted_on_2xx(gateway, provider):
    gateway.answers.append(web.Response(text="OK"))
    sms = provider(SmsConfig(url_template=f"{gateway.url}/send", id_path=""))
    result = await sms.send(PHONE, "Hi")
    assert result.sent and result.message_id is None


async def test_bad_numbers_and_empty_texts_are_refused_before_any_request(gateway, provider):
    sms = provider(SmsConfig(url_template=f"{gateway.url}/send"))
    for phone, text in (("07700900123", "Hi"), ("+44 7700 900123", "Hi"), (PHONE, "")):
        result = await sms.send(phone, text)
        assert not result.sent and not result.retryable
    assert gateway.seen == []


async def test_an_unreachable_gateway_is_retryable(provider):
    with socket.socket() as probe:  # a port nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sms = provider(SmsConfig(url_template=f"http://127.0.0.1:{port}/send?psw={{password}}"))
    result = await sms.send(PHONE, "Hi")
    assert not result.sent and result.retryable and result.http_status is None
    assert result.reason.startswith("no answer:")


async def test_a_shared_session_is_left_open(gateway):
    async with aiohttp.ClientSession() as session:
        sms = HttpSmsProvider(SmsConfig(url_template=f"{gateway.url}/send"), session)
        assert (await sms.send(PHONE, "Hi")).sent
        await sms.close()
        assert not session.closed


def test_the_http_provider_fits_the_port():
    port: SmsProvider = HttpSmsProvider(SmsConfig(url_template="https://sms.example/send"))
    assert callable(port.send) and callable(port.close)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url_template": "https://sms.example/send?to={phone}"}, "unknown placeholders"),
        ({"url_template": "sms.example/send"}, "http"),
        ({"method": "GET", "body_fields": {"to": "{to}"}}, "POST"),
        ({"method": "PUT"}, "GET or POST"),
    ],
)
def test_config_mistakes_are_caught_at_start(overrides, message):
    values = {"url_template": "https://sms.example/send"} | overrides
    with pytest.raises(ValueError, match=message):
        SmsConfig(**values)


def test_config_repr_hides_secrets():
    cfg = SmsConfig(url_template="https://sms.example/send", password=PASSWORD, token=TOKEN)
    assert PASSWORD not in repr(cfg) and TOKEN not in repr(cfg)


GSM7, UCS2 = SmsEncoding.GSM7, SmsEncoding.UCS2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (GSM7, 0)),
        ("Hello", (GSM7, 1)),
        ("a" * 160, (GSM7, 1)),
        ("a" * 161, (GSM7, 2)),
        ("a" * 306, (GSM7, 2)),
        ("a" * 307, (GSM7, 3)),
        ("a" * 159 + "€", (GSM7, 2)),  # '€' is an extension character: two septets
        ("a" * 158 + "€", (GSM7, 1)),
        ("{}" * 40, (GSM7, 1)),  # 80 characters, 160 septets
        ("{}" * 40 + "a", (GSM7, 2)),
        ("{}" * 80, (GSM7, 3)),  # 320 septets, 76 pairs (152) per part
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡¿ÄÖÑÜ§äöñüà\n\r", (GSM7, 1)),
        # an escape pair never straddles two parts: 152 + '€' opens part two early
        ("a" * 152 + "€" + "a" * 152, (GSM7, 3)),
        ("a" * 159 + "ç", (UCS2, 3)),  # lower-case ç is not in GSM-7 (Ç is)
        ("я" * 70, (UCS2, 1)),
        ("я" * 71, (UCS2, 2)),
        ("я" * 134, (UCS2, 2)),
        ("я" * 135, (UCS2, 3)),
        ("😀", (UCS2, 1)),
        ("a" * 68 + "😀", (UCS2, 1)),  # an emoji is two UTF-16 units: 70 exactly
        ("a" * 69 + "😀", (UCS2, 2)),
        ("я" * 66 + "😀" + "я" * 66, (UCS2, 3)),  # a surrogate pair is not split either
    ],
)
def test_segments(text, expected):
    assert segments(text) == expected


def test_segments_unpack_as_encoding_and_parts():
    encoding, parts = segments("Ваш вантаж у дорозі")
    assert encoding == "ucs2" and parts == 1
