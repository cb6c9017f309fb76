"""The SMS channel: a provider port, one generic HTTP provider, and the segment counter.

A provider is anything with `async send(phone_e164, text) -> SmsResult` (`SmsProvider`).
`HttpSmsProvider` covers the many gateways that take one HTTP request per message: the URL
(and, for POST, the body fields) come from templates in `SmsConfig`, the message id is read
from the JSON answer at a configured path. A gateway that needs more (a signed request, an
SDK) is one new module with a class implementing `SmsProvider`.

Credentials never reach the log or a result's reason: requests are logged by host only,
phones with their middle masked, and provider answers quoted in reasons have every secret
replaced by `***`.
"""

from __future__ import annotations

import enum
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol
from urllib.parse import quote, urlsplit

import aiohttp

log = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PLACEHOLDERS = ("to", "to_digits", "text", "sender", "username", "password", "token")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
MAX_REASON_CHARS = 300
_MAX_ANSWER_BYTES = 64 * 1024

# GSM 03.38: the basic table (one septet each) and the extension table (escape + septet).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


class SmsEncoding(enum.StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


class Segments(NamedTuple):
    encoding: SmsEncoding
    parts: int


# (units in a single message, units per part of a concatenated one)
_LIMITS = {SmsEncoding.GSM7: (160, 153), SmsEncoding.UCS2: (70, 67)}


def _widths(text: str) -> tuple[SmsEncoding, list[int]]:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        return SmsEncoding.GSM7, [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    # UCS-2 as phones send it today is UTF-16: characters beyond the BMP take two units.
    return SmsEncoding.UCS2, [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segments(text: str) -> Segments:
    """How `text` travels: GSM-7 when every character is in the GSM tables, else UCS-2.

    GSM-7 fits 160 septets in one message, 153 per part when split (extension characters
    such as '€' take two); UCS-2 fits 70 units, 67 per part (an emoji takes two). A
    character is never split between parts, so a part may end a unit short. Empty text is
    zero parts.
    """
    encoding, widths = _widths(text)
    single, per_part = _LIMITS[encoding]
    total = sum(widths)
    if total == 0:
        return Segments(encoding, 0)
    if total <= single:
        return Segments(encoding, 1)
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return Segments(encoding, parts)


class SmsStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SmsResult:
    """The outcome of one SMS.

    `message_id` is the provider's id for a sent message. A failure carries a reason free of
    credentials and whether trying again later may help (`retryable`: HTTP 5xx, 429, 408, a
    timeout, no connection) or not (other 4xx, a bad number, an answer without an id).
    """

    status: SmsStatus
    message_id: str | None = None
    reason: str = ""
    retryable: bool = False
    http_status: int | None = None
    parts: int = 0

    @property
    def sent(self) -> bool:
        return self.status is SmsStatus.SENT


class SmsProvider(Protocol):
    """Sends one text to one phone number; a new gateway is one class implementing this.

    `send` never raises for delivery problems: every outcome is an `SmsResult`. `close`
    releases connections the provider owns.
    """

    async def send(self, phone_e164: str, text: str) -> SmsResult: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SmsConfig:
    """A generic HTTP gateway; the lead builds it from Settings.

    Templates may use {to} (E.164 with '+'), {to_digits}, {text}, {sender}, {username},
    {password} and {token}. In `url_template` values are URL-encoded; in `body_fields`
    (POST only) they are sent as a form or JSON body, encoded by the client.
    Credentials: `username` + `password` go as HTTP Basic unless a template places them;
    `token` goes in `token_header` with `token_prefix` unless a template places it.
    `id_path` is a dotted path to the message id in the JSON answer ("messages.0.id");
    empty means the gateway gives none. `error_path`, when set, names a field whose
    non-empty value means the gateway refused the message despite a 2xx status.
    """

    url_template: str
    method: Literal["GET", "POST"] = "POST"
    body_fields: Mapping[str, str] = field(default_factory=dict)
    body_format: Literal["form", "json"] = "form"
    sender: str = ""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    token_header: str = "Authorization"  # noqa: S105 - a header name
    token_prefix: str = "Bearer "  # noqa: S105 - a scheme
    id_path: str = "id"
    error_path: str | None = None
    timeout: float = 15.0

    def __post_init__(self) -> None:
        if self.method not in ("GET", "POST"):
            raise ValueError("SMS: method must be GET or POST")
        if self.body_fields and self.method != "POST":
            raise ValueError("SMS: body fields need method POST")
        if urlsplit(self.url_template).scheme not in ("http", "https"):
            raise ValueError("SMS: the URL template must be an http(s) URL")
        for template in (self.url_template, *self.body_fields.values()):
            unknown = set(_PLACEHOLDER.findall(template)) - set(PLACEHOLDERS)
            if unknown:
                raise ValueError(f"SMS: unknown placeholders {sorted(unknown)}")

    def _placed(self, name: str) -> bool:
        marker = "{" + name + "}"
        return marker in self.url_template or any(marker in v for v in self.body_fields.values())


def _fill(template: str, values: Mapping[str, str], encode: bool) -> str:
    def one(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return quote(value, safe="") if encode else value

    return _PLACEHOLDER.sub(one, template)


def _dig(answer: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(answer, Mapping):
            answer = answer.get(key)
        elif isinstance(answer, list) and key.isdigit() and int(key) < len(answer):
            answer = answer[int(key)]
        else:
            return None
    return answer


def mask_phone(phone: str) -> str:
    """+447700900123 -> +44*******123: enough to tell numbers apart in a log."""
    return phone[:3] + "*" * max(0, len(phone) - 6) + phone[-3:] if len(phone) > 6 else "***"


class HttpSmsProvider:
    """The generic HTTP gateway. Pass a shared `aiohttp.ClientSession` or let it own one."""

    def __init__(self, config: SmsConfig, session: aiohttp.ClientSession | None = None) -> None:
        self.config = config
        self._session = session
        self._owns_session = session is None
        self._host = urlsplit(config.url_template).hostname or "?"
        secret_values = [s for s in (config.password, config.token) if s]
        forms = {v for s in secret_values for v in (s, quote(s, safe=""), quote(s))}
        self._secrets = sorted(forms, key=len, reverse=True)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _request(self, phone: str, text: str) -> dict[str, Any]:
        cfg = self.config
        values = {
            "to": phone,
            "to_digits": phone.lstrip("+"),
            "text": text,
            "sender": cfg.sender,
            "username": cfg.username or "",
            "password": cfg.password or "",
            "token": cfg.token or "",
        }
        request: dict[str, Any] = {
            "method": cfg.method,
            "url": _fill(cfg.url_template, values, encode=True),
            "headers": {"Accept": "application/json"},
            "allow_redirects": False,
            "timeout": aiohttp.ClientTimeout(total=cfg.timeout),
        }
        if cfg.body_fields:
            body = {name: _fill(t, values, encode=False) for name, t in cfg.body_fields.items()}
            request["json" if cfg.body_format == "json" else "data"] = body
        if cfg.username and cfg.password and not cfg._placed("password"):
            request["auth"] = aiohttp.BasicAuth(cfg.username, cfg.password)
        if cfg.token and not cfg._placed("token"):
            request["headers"][cfg.token_header] = f"{cfg.token_prefix}{cfg.token}"
        return request

    async def send(self, phone_e164: str, text: str) -> SmsResult:
        """Send one SMS. Never raises for delivery problems; see `SmsResult`."""
        parts = segments(text).parts
        if not E164.match(phone_e164):
            return SmsResult(SmsStatus.FAILED, reason="invalid E.164 phone number", parts=parts)
        if not text:
            return SmsResult(SmsStatus.FAILED, reason="empty text")
        who = mask_phone(phone_e164)
        try:
            async with self._client().request(**self._request(phone_e164, text)) as response:
                status = response.status
                raw = await response.content.read(_MAX_ANSWER_BYTES)
        except aiohttp.InvalidURL:
            return self._failed(who, "invalid URL (check the template)", False, None, parts)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return self._failed(who, f"no answer: {type(exc).__name__}", True, None, parts)
        body = raw.decode("utf-8", "replace")
        if status == 429 or status == 408 or status >= 500:
            return self._failed(who, f"HTTP {status}: {body}", True, status, parts)
        if not 200 <= status < 300:
            return self._failed(who, f"HTTP {status}: {body}", False, status, parts)
        return self._accepted(who, status, body, parts)

    def _accepted(self, who: str, status: int, body: str, parts: int) -> SmsResult:
        cfg = self.config
        try:
            answer = json.loads(body) if body.strip() else None
        except ValueError:
            answer = None
        if cfg.error_path and (error := _dig(answer, cfg.error_path)):
            return self._failed(who, f"refused: {error}", False, status, parts)
        if not cfg.id_path:
            log.info("SMS to %s via %s accepted (%d parts)", who, self._host, parts)
            return SmsResult(SmsStatus.SENT, None, http_status=status, parts=parts)
        message_id = _dig(answer, cfg.id_path)
        if message_id is None or message_id == "" or isinstance(message_id, dict | list):
            # The gateway may have sent it: not retryable, or the client could get it twice.
            return self._failed(
                who, f"no message id at {cfg.id_path!r} in: {body}", False, status, parts
            )
        log.info("SMS to %s via %s sent, id %s (%d parts)", who, self._host, message_id, parts)
        return SmsResult(SmsStatus.SENT, str(message_id), http_status=status, parts=parts)

    def _failed(
        self, who: str, reason: str, retryable: bool, status: int | None, parts: int
    ) -> SmsResult:
        reason = self._redact(reason)[:MAX_REASON_CHARS]
        log.warning("SMS to %s via %s failed: %s", who, self._host, reason)
        return SmsResult(
            SmsStatus.FAILED,
            reason=reason,
            retryable=retryable,
            http_status=status,
            parts=parts,
        )
