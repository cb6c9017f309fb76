"""Email against a real SMTP server (aiosmtpd) on a free local port, on a fake clock.

The server records every message with the connection it came on, so a test can tell one
connection reused from one per message. `EmailSender.send` returns only after the server
answered the DATA command, so everything a test checks is recorded by then.
"""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import dkim
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.services.email_channel import (
    EmailSender,
    EmailStatus,
    OutgoingEmail,
    SmtpConfig,
    TokenBucket,
    build_message,
)

SENDER = "Ona Logistics <news@ona.example>"
UNSUBSCRIBE = "https://ona.example/u/3f9a?c=12"
SELECTOR = "mail2026"
DOMAIN = "ona.example"


@dataclass
class Received:
    peer: tuple[str, int]
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Mailbox:
    """An aiosmtpd handler: accepts, refuses or drops as a test asks."""

    messages: list[Received] = field(default_factory=list)
    greetings: list[tuple[str, int]] = field(default_factory=list)  # one EHLO per connection
    rcpt_answer: str | None = None
    data_answer: str | None = None
    drops: int = 0  # close the connection at the next N MAIL commands

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.greetings.append(session.peer)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drops:
            self.drops -= 1
            server.transport.close()
            return "250 OK"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        self.messages.append(
            Received(
                session.peer,
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
            )
        )
        return "250 2.0.0 Queued"

    @property
    def connections(self) -> int:
        return len(set(self.greetings))


class LocalController(Controller):
    """aiosmtpd's Controller on port 0: the real port is read back once the server is bound."""

    async def _bind(self):
        server = await super()._create_server()
        self.port = server.sockets[0].getsockname()[1]
        return server

    def _create_server(self):
        return self._bind()


class FakeClock:
    """A monotonic clock that moves only when the code under test sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Smtp:
    mailbox: Mailbox
    port: int


@pytest.fixture
async def smtp() -> AsyncIterator[Smtp]:
    mailbox = Mailbox()
    controller = LocalController(mailbox, hostname="127.0.0.1", port=0)
    await asyncio.to_thread(controller.start)
    try:
        yield Smtp(mailbox, controller.port)
    finally:
        await asyncio.to_thread(controller.stop)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, fmt, serialization.NoEncryption()
    ).decode()


def dns_with(key: rsa.RSAPrivateKey, lookups: list[bytes]):
    """dkimpy's DNS lookup answered from the key: the TXT record a domain would publish."""
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        lookups.append(name)
        return record if name.rstrip(b".") == f"{SELECTOR}._domainkey.{DOMAIN}".encode() else None

    return lookup


def config(port: int, **overrides) -> SmtpConfig:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "sender": SENDER,
        "starttls": False,
        "rate_per_second": 50.0,
        "timeout": 10.0,
    }
    return SmtpConfig(**(values | overrides))


def sender_for(cfg: SmtpConfig, clock: FakeClock | None = None) -> EmailSender:
    clock = clock or FakeClock()
    return EmailSender(cfg, clock=clock, sleep=clock.sleep, local_hostname="ona.test")


def offer(n: int = 1, **overrides) -> OutgoingEmail:
    values = {
        "to": f"Іван Петренко <client{n}@example.com>",
        "subject": f"Знижка 10 % на перевезення №{n}",
        "text": "Доброго дня!\nНова ціна: 120 € за палету.\n",
        "html": "<p>Доброго дня!</p><p>Нова ціна: <b>120 €</b> за палету.</p>",
        "unsubscribe_url": UNSUBSCRIBE,
    }
    return OutgoingEmail(**(values | overrides))


@pytest.mark.parametrize(
    "key_format",
    [serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8],
    ids=["pkcs1", "pkcs8"],
)
async def test_the_recipient_gets_headers_both_parts_and_a_valid_dkim_signature(
    smtp: Smtp, rsa_key, key_format
):
    cfg = config(
        smtp.port,
        dkim_selector=SELECTOR,
        dkim_domain=DOMAIN,
        dkim_private_key_pem=pem(rsa_key, key_format),
    )
    async with sender_for(cfg) as sender:
        result = await sender.send(offer())

    assert result.status is EmailStatus.SENT and result.sent
    assert result.message_id.startswith("<") and result.message_id.endswith("@ona.example>")
    [got] = smtp.mailbox.messages
    assert got.mail_from == "news@ona.example"
    assert got.rcpt_tos == ["client1@example.com"]

    mail = message_from_bytes(got.content, policy=policy.default)
    assert mail["From"] == SENDER
    assert mail["To"] == "Іван Петренко <client1@example.com>"
    assert mail["Subject"] == "Знижка 10 % на перевезення №1"
    assert mail["Message-ID"] == result.message_id
    assert mail["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    # MIME's canonical text form ends lines with CRLF, inside the base64 too
    assert text.get_content() == "Доброго дня!\r\nНова ціна: 120 € за палету.\r\n"
    assert "<b>120 €</b>" in html.get_content()

    lookups: list[bytes] = []
    assert dkim.verify(got.content, dnsfunc=dns_with(rsa_key, lookups))
    assert lookups == [f"{SELECTOR}._domainkey.{DOMAIN}.".encode()]
    signed = mail["DKIM-Signature"].lower().replace(" ", "")
    assert "list-unsubscribe:list-unsubscribe-post" in signed  # RFC 8058 wants both signed

    tampered = got.content.replace(UNSUBSCRIBE.encode(), b"https://evil.example/u")
    assert not dkim.verify(tampered, dnsfunc=dns_with(rsa_key, []))


async def test_a_text_only_message_has_no_signature_without_a_key(smtp: Smtp):
    async with sender_for(config(smtp.port)) as sender:
        result = await sender.send(offer(html=None))

    assert result.sent
    mail = message_from_bytes(smtp.mailbox.messages[0].content, policy=policy.default)
    assert mail.get_content_type() == "text/plain"
    assert mail["DKIM-Signature"] is None


async def test_many_messages_travel_over_one_connection(smtp: Smtp):
    async with sender_for(config(smtp.port)) as sender:
        results = await sender.send_many([offer(n) for n in range(1, 8)])

    assert all(r.sent for r in results)
    assert len({r.message_id for r in results}) == 7
    assert [m.rcpt_tos for m in smtp.mailbox.messages] == [
        [f"client{n}@example.com"] for n in range(1, 8)
    ]
    assert smtp.mailbox.connections == 1
    assert len({m.peer for m in smtp.mailbox.messages}) == 1


async def test_concurrent_senders_share_the_connection(smtp: Smtp):
    async with sender_for(config(smtp.port)) as sender:
        results = await asyncio.gather(*(sender.send(offer(n)) for n in range(1, 6)))

    assert all(r.sent for r in results)
    assert len(smtp.mailbox.messages) == 5
    assert smtp.mailbox.connections == 1


async def test_a_dropped_connection_is_reopened_once_and_the_message_goes_out(smtp: Smtp):
    async with sender_for(config(smtp.port)) as sender:
        first = await sender.send(offer(1))
        smtp.mailbox.drops = 1
        second = await sender.send(offer(2))
        third = await sender.send(offer(3))

    assert first.sent and second.sent and third.sent
    assert [m.rcpt_tos for m in smtp.mailbox.messages] == [
        ["client1@example.com"],
        ["client2@example.com"],
        ["client3@example.com"],
    ]
    assert smtp.mailbox.connections == 2
    assert smtp.mailbox.messages[1].peer == smtp.mailbox.messages[2].peer


async def test_a_connection_that_drops_again_is_a_temporary_failure(smtp: Smtp):
    smtp.mailbox.drops = 2
    async with sender_for(config(smtp.port)) as sender:
        result = await sender.send(offer())
        after = await sender.send(offer(2))

    assert result.status is EmailStatus.FAILED
    assert result.retryable and not result.permanent
    assert result.reason.startswith("connection:")
    assert result.message_id
    assert after.sent
    assert [m.rcpt_tos for m in smtp.mailbox.messages] == [["client2@example.com"]]


@pytest.mark.parametrize(
    ("where", "answer", "code", "retryable"),
    [
        ("rcpt_answer", "450 4.2.1 Mailbox busy, try later", 450, True),
        ("rcpt_answer", "550 5.1.1 No such user here", 550, False),
        ("data_answer", "451 4.3.0 Local problem, try later", 451, True),
        ("data_answer", "554 5.7.1 Message rejected as spam", 554, False),
    ],
)
async def test_temporary_and_permanent_refusals_are_told_apart(
    smtp: Smtp, where, answer, code, retryable
):
    setattr(smtp.mailbox, where, answer)
    async with sender_for(config(smtp.port)) as sender:
        refused = await sender.send(offer(1))
        setattr(smtp.mailbox, where, None)
        accepted = await sender.send(offer(2))

    assert refused.status is EmailStatus.FAILED
    assert refused.code == code
    assert refused.retryable is retryable
    assert refused.permanent is (not retryable)
    assert refused.reason == answer
    assert accepted.sent  # the same connection carries on after a refusal
    assert smtp.mailbox.connections == 1
    assert [m.rcpt_tos for m in smtp.mailbox.messages] == [["client2@example.com"]]


async def test_a_retry_keeps_the_message_id(smtp: Smtp):
    smtp.mailbox.rcpt_answer = "451 4.7.1 Greylisted, come back later"
    async with sender_for(config(smtp.port)) as sender:
        failed = await sender.send(offer())
        smtp.mailbox.rcpt_answer = None
        retried = await sender.send(offer(), message_id=failed.message_id)

    assert failed.retryable
    assert retried.sent and retried.message_id == failed.message_id
    mail = message_from_bytes(smtp.mailbox.messages[0].content, policy=policy.default)
    assert mail["Message-ID"] == failed.message_id


async def test_the_rate_is_honoured_on_the_injected_clock(smtp: Smtp):
    clock = FakeClock()
    async with sender_for(config(smtp.port, rate_per_second=4.0), clock) as sender:
        results = await sender.send_many([offer(n) for n in range(1, 6)])

    assert all(r.sent for r in results)
    assert clock.slept == pytest.approx([0.25] * 4)  # the first is free, then 1/rate apart


async def test_an_unreachable_server_is_a_temporary_failure():
    with socket.socket() as probe:  # a port nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with sender_for(config(port, timeout=5.0)) as sender:
        result = await sender.send(offer())

    assert result.status is EmailStatus.FAILED and result.retryable


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"subject": "Hello\nBcc: everyone@example.com"}, "invalid message"),
        ({"unsubscribe_url": "http://ona.example/u/1"}, "invalid message"),
        ({"to": "not an address"}, "invalid recipient"),
    ],
)
async def test_bad_input_fails_permanently_without_touching_the_server(
    smtp: Smtp, overrides, reason
):
    async with sender_for(config(smtp.port)) as sender:
        result = await sender.send(offer(**overrides))

    assert result.permanent and result.reason.startswith(reason)
    assert smtp.mailbox.messages == [] and smtp.mailbox.connections == 0


async def test_token_bucket_allows_a_burst_then_spaces_acquisitions():
    clock = FakeClock()
    bucket = TokenBucket(10.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        await bucket.acquire()
    assert clock.slept == pytest.approx([0.1, 0.1])

    clock.now += 60  # idle time refills up to the burst, not beyond
    clock.slept.clear()
    for _ in range(4):
        await bucket.acquire()
    assert clock.slept == pytest.approx([0.1])


def test_config_refuses_two_tls_modes_and_hides_secrets():
    with pytest.raises(ValueError, match="STARTTLS or implicit TLS"):
        SmtpConfig(host="smtp.example", sender=SENDER, starttls=True, use_tls=True)
    cfg = SmtpConfig(
        host="smtp.example", sender=SENDER, password="hunter2", dkim_private_key_pem="KEY"
    )
    assert "hunter2" not in repr(cfg) and "KEY" not in repr(cfg)


def test_built_message_carries_the_one_click_headers():
    message = build_message(config(25), offer(html=None), message_id="<fixed@ona.example>")
    assert message["Message-ID"] == "<fixed@ona.example>"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
