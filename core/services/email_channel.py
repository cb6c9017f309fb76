"""The email channel: messages built with the standard library, DKIM-signed, sent over SMTP.

`EmailSender` keeps one SMTP connection (aiosmtplib) open for many messages, because opening
a connection, greeting, upgrading to TLS and logging in costs more than sending a message and
providers count connections against a sender's reputation. Messages go out one at a time
over that connection at no more than `SmtpConfig.rate_per_second`.

Every message ends in an `EmailResult`: sent with its Message-ID (the id the provider and
the recipient's mail program know it by), or failed with the server's code and text and
whether trying again later may help (4xx and lost connections) or not (5xx, bad addresses).

Duplicates: when the connection drops the sender reconnects and sends the message once more.
If the drop came after the server had accepted the message but before its answer reached
us, the recipient gets it twice; SMTP has no idempotency key, so that one retry is the
window. The Message-ID stays the same, so mail programs that de-duplicate by it show one.
"""

from __future__ import annotations

import asyncio
import email.policy
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib
import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger(__name__)

# CRLF line ends as SMTP wants them; 7-bit transfer encodings so any relay can carry the body.
POLICY = email.policy.SMTP.clone(cte_type="7bit")

ONE_CLICK = "List-Unsubscribe=One-Click"

# Signed when present. RFC 8058 asks that both List-Unsubscribe headers be covered.
DKIM_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """How to reach the SMTP server; the lead builds it from Settings.

    `starttls` upgrades a plain connection (port 587); `use_tls` speaks TLS from the first
    byte (port 465); at most one of them. DKIM signs when selector, domain and key are all
    set; the key is a PEM RSA private key (PKCS#1 or PKCS#8). Secrets are left out of repr.
    """

    host: str
    port: int = 587
    sender: str = ""
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    use_tls: bool = False
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    dkim_private_key_pem: str | None = field(default=None, repr=False)
    rate_per_second: float = 10.0
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.starttls and self.use_tls:
            raise ValueError("SMTP: choose STARTTLS or implicit TLS, not both")
        if self.rate_per_second <= 0:
            raise ValueError("SMTP: rate_per_second must be positive")
        if not parseaddr(self.sender)[1]:
            raise ValueError("SMTP: the sender address is missing")

    @property
    def dkim_enabled(self) -> bool:
        return bool(self.dkim_selector and self.dkim_domain and self.dkim_private_key_pem)


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One message to one recipient. `unsubscribe_url` is the https one-click link."""

    to: str
    subject: str
    text: str
    unsubscribe_url: str
    html: str | None = None


class EmailStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EmailResult:
    """The outcome of one message.

    `message_id` is set on every result (the Message-ID header, angle brackets included), so
    a retry of a failed message can reuse it. `code` is the SMTP reply code when the server
    gave one; `retryable` is True for temporary failures (4xx, a lost connection, a timeout).
    """

    status: EmailStatus
    message_id: str
    code: int | None = None
    reason: str = ""
    retryable: bool = False

    @property
    def sent(self) -> bool:
        return self.status is EmailStatus.SENT

    @property
    def permanent(self) -> bool:
        return self.status is EmailStatus.FAILED and not self.retryable


def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def build_message(
    config: SmtpConfig, mail: OutgoingEmail, *, message_id: str | None = None
) -> EmailMessage:
    """The message as the recipient will see it: text, optional HTML, unsubscribe headers."""
    if not mail.unsubscribe_url.startswith("https://"):
        raise ValueError("the one-click unsubscribe link must be https")
    message = EmailMessage(policy=POLICY)
    message["From"] = config.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain=_domain_of(config.sender))
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


def _pkcs1_pem(pem: str) -> bytes:
    """dkimpy reads only PKCS#1 ("RSA PRIVATE KEY"); accept PKCS#8 too and check the key."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("DKIM: the private key must be an RSA key")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


class DkimSigner:
    """Signs serialized messages with relaxed/relaxed canonicalization and rsa-sha256."""

    def __init__(self, selector: str, domain: str, private_key_pem: str) -> None:
        self._selector = selector.encode()
        self._domain = domain.encode()
        self._key = _pkcs1_pem(private_key_pem)

    def sign(self, raw: bytes) -> bytes:
        """Return `raw` with a DKIM-Signature header in front of it."""
        present = {
            line.split(b":", 1)[0].strip().lower()
            for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
            if line and not line[:1].isspace()
        }
        headers = [h.encode() for h in DKIM_HEADERS if h.lower().encode() in present]
        signature = dkim.sign(
            raw,
            self._selector,
            self._domain,
            self._key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=headers,
        )
        return signature + raw


def render(config: SmtpConfig, message: EmailMessage, signer: DkimSigner | None) -> bytes:
    """The exact bytes sent: serialized once, so the DKIM signature covers what goes out."""
    raw = message.as_bytes(policy=POLICY)
    return signer.sign(raw) if signer is not None else raw


class TokenBucket:
    """At most `rate` acquisitions per second on average, bursts up to `burst`.

    Kept as the time the next acquisition is due (GCRA), so a waiter sleeps once for
    exactly its delay. The clock and the sleep are injectable so tests can run the bucket
    on a fake clock. Waiters are served one at a time, in order.
    """

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._interval = 1.0 / rate
        self._tolerance = (max(1.0, burst) - 1.0) * self._interval
        self._clock = clock
        self._sleep = sleep
        self._due = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = self._clock()
            due = max(self._due, now)
            wait = due - self._tolerance - now
            if wait > 0:
                await self._sleep(wait)
            self._due = due + self._interval


def _reply_failure(message_id: str, code: int, text: str) -> EmailResult:
    return EmailResult(
        EmailStatus.FAILED,
        message_id,
        code=code,
        reason=f"{code} {text}".strip(),
        retryable=400 <= code < 500,
    )


class EmailSender:
    """Sends messages over one reused SMTP connection, at a bounded rate.

    Safe to share between tasks: sends are serialized on the connection. Call `close()`
    (or use `async with`) when done, so the server gets a polite QUIT.
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        local_hostname: str | None = None,
    ) -> None:
        self.config = config
        self._signer = (
            DkimSigner(
                config.dkim_selector or "",
                config.dkim_domain or "",
                config.dkim_private_key_pem or "",
            )
            if config.dkim_enabled
            else None
        )
        self._bucket = TokenBucket(config.rate_per_second, clock=clock, sleep=sleep)
        self._local_hostname = local_hostname
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()
        self._envelope_from = parseaddr(config.sender)[1]

    async def __aenter__(self) -> EmailSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        await self._drop()
        cfg = self.config
        smtp = aiosmtplib.SMTP(
            hostname=cfg.host,
            port=cfg.port,
            username=cfg.user or None,
            password=cfg.password if cfg.user else None,
            use_tls=cfg.use_tls,
            start_tls=cfg.starttls,
            timeout=cfg.timeout,
            local_hostname=self._local_hostname,
        )
        try:
            await smtp.connect()
        except BaseException:
            smtp.close()
            raise
        log.info("SMTP connected to %s:%s", cfg.host, cfg.port)
        self._smtp = smtp
        return smtp

    async def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    async def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        async with self._lock:
            smtp, self._smtp = self._smtp, None
            if smtp is not None and smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()

    async def send(self, mail: OutgoingEmail, *, message_id: str | None = None) -> EmailResult:
        """Send one message; never raises for delivery problems, returns the outcome.

        Pass the `message_id` of an earlier failed attempt to keep the Message-ID on a retry.
        """
        try:
            message = build_message(self.config, mail, message_id=message_id)
            if self._signer is None:
                raw = render(self.config, message, None)
            else:  # dkimpy's RSA is pure Python: ~10 ms, kept off the event loop
                raw = await asyncio.to_thread(render, self.config, message, self._signer)
        except (ValueError, dkim.DKIMException) as exc:
            return EmailResult(
                EmailStatus.FAILED, message_id or "", reason=f"invalid message: {exc}"
            )
        mid = str(message["Message-ID"])
        recipient = parseaddr(mail.to)[1]
        if "@" not in recipient:
            return EmailResult(EmailStatus.FAILED, mid, reason="invalid recipient address")
        await self._bucket.acquire()
        async with self._lock:
            return await self._deliver(recipient, raw, mid)

    async def send_many(self, mails: Sequence[OutgoingEmail]) -> list[EmailResult]:
        """Send several messages in order over the same connection."""
        return [await self.send(mail) for mail in mails]

    async def _deliver(self, recipient: str, raw: bytes, mid: str) -> EmailResult:
        for attempt in (1, 2):
            try:
                smtp = await self._connection()
                _, answer = await smtp.sendmail(self._envelope_from, [recipient], raw)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients[0]
                return _reply_failure(mid, refused.code, refused.message)
            except aiosmtplib.SMTPResponseException as exc:
                if exc.code == 421:  # the server is closing the connection
                    await self._drop()
                return _reply_failure(mid, exc.code, exc.message)
            except ValueError as exc:
                return EmailResult(EmailStatus.FAILED, mid, reason=f"invalid address: {exc}")
            except aiosmtplib.SMTPNotSupported as exc:
                await self._drop()
                return EmailResult(EmailStatus.FAILED, mid, reason=f"not supported: {exc}")
            except OSError as exc:  # aiosmtplib's disconnects and timeouts are OSErrors too
                await self._drop()
                log.warning(
                    "SMTP connection to %s lost (attempt %d): %s",
                    self.config.host,
                    attempt,
                    type(exc).__name__,
                )
                if attempt == 2:
                    return EmailResult(
                        EmailStatus.FAILED,
                        mid,
                        reason=f"connection: {type(exc).__name__}: {exc}",
                        retryable=True,
                    )
            else:
                log.debug("SMTP accepted %s: %s", mid, answer)
                return EmailResult(EmailStatus.SENT, mid, code=250, reason=answer)
        raise AssertionError("unreachable")
