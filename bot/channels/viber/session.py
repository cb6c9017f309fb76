"""Outbound Viber: aiogram calls become Viber `send_message` requests sent with aiohttp.

The viberbot SDK sends with blocking `requests`; here it only shapes payloads.
"""

from __future__ import annotations

import aiohttp

from bot.channels.synthetic import DeliveryError, Outgoing, SyntheticSession
from bot.channels.viber.render import viber_payload
from core.models import Channel, ChannelIdentity

AUTH_HEADER = "X-Viber-Auth-Token"
# Viber status codes meaning "try later" rather than "never".
_RETRYABLE = {2, 3, 4, 7, 8, 9, 10, 11}
# The receiver is not registered or not subscribed (blocked the bot): like Telegram's 403,
# retrying cannot help, and the caller tells a person instead.
_UNREACHABLE = {5, 6}
_RATE_LIMITED = {12}


class ViberSession(SyntheticSession):
    def __init__(
        self, api_url: str, auth_token: str, sender_name: str, timeout: float = 10.0
    ) -> None:
        super().__init__()
        self.api_url = api_url
        self.auth_token = auth_token
        self.sender_name = sender_name
        self.request_timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self.request_timeout)
        return self._http

    async def close(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()

    async def _receiver(self, chat_id: int) -> str:
        identity = await ChannelIdentity.get_or_none(channel=Channel.VIBER, chat_id=chat_id)
        if identity is None:
            raise DeliveryError(400, "Bad Request: chat not found")
        return identity.external_id

    async def call(self, endpoint: str, body: dict) -> dict:
        """POST to the Viber REST API; HTTP and Viber-level failures become DeliveryError."""
        async with self._session().post(
            f"{self.api_url}/{endpoint}", json=body, headers={AUTH_HEADER: self.auth_token}
        ) as response:
            if response.status == 429:
                retry_after = int(response.headers.get("Retry-After", "1") or 1)
                raise DeliveryError(429, "Too Many Requests", retry_after=retry_after)
            if response.status >= 500:
                raise DeliveryError(502, f"Viber answered HTTP {response.status}")
            try:
                data = await response.json(content_type=None)
            except ValueError:
                raise DeliveryError(502, "Viber answered with no JSON") from None
        status = data.get("status", -1)
        if status in _RATE_LIMITED:
            raise DeliveryError(429, str(data.get("status_message")), retry_after=1)
        if status in _UNREACHABLE:
            raise DeliveryError(403, f"Forbidden: {data.get('status_message')}")
        if status in _RETRYABLE:
            raise DeliveryError(502, str(data.get("status_message")))
        if status != 0:
            raise DeliveryError(400, f"Viber status {status}: {data.get('status_message')}")
        return data

    async def deliver(self, chat_id: int, message: Outgoing) -> int | None:
        receiver = await self._receiver(chat_id)
        answer = await self.call(
            "send_message", viber_payload(receiver, self.sender_name, message)
        )
        token = answer.get("message_token")
        return token if isinstance(token, int) else None

    async def set_webhook(self, url: str) -> dict:
        return await self.call(
            "set_webhook",
            {
                "url": url,
                "event_types": [
                    "delivered",
                    "seen",
                    "failed",
                    "subscribed",
                    "unsubscribed",
                    "conversation_started",
                ],
                "send_name": True,
                "send_photo": False,
            },
        )
