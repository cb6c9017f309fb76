"""One vocabulary for talking to Ona on any channel: send, share_phone, press, expect.

Each client speaks its platform's real protocol: Telegram updates POSTed to our webhook with
the secret header, Viber callbacks signed like Viber signs them, web chat over a WebSocket.
What the bot says is read where the platform would see it (the fake API servers, the socket).
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from core.models import Channel
from tests.fakes.recorder import WAIT, Call
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.viber_api import AUTH_TOKEN, FakeViberAPI

_ids = itertools.count(int(time.time()))
TELEGRAM_SECRET = "test-webhook-secret"


@dataclass
class BotMessage:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)
    request_phone: str | None = None

    def button(self, label: str) -> str:
        for text, payload in self.buttons:
            if text == label:
                return payload
        raise AssertionError(f"no button {label!r} in {self.buttons}")


class ChatClient(abc.ABC):
    channel: Channel

    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.http = http
        self.cursor = 0
        self.last: BotMessage | None = None

    @abc.abstractmethod
    async def send(self, text: str) -> Any: ...

    @abc.abstractmethod
    async def share_phone(self, phone: str) -> Any: ...

    @abc.abstractmethod
    async def press_data(self, data: str) -> Any:
        """Press a button carrying this payload (forged or real)."""

    @abc.abstractmethod
    async def send_other(self) -> Any:
        """Something that is not text: a sticker, a picture."""

    @abc.abstractmethod
    def bot_messages(self) -> list[BotMessage]: ...

    @abc.abstractmethod
    async def _changed(self) -> None:
        """Wait until the bot may have said something new."""

    async def press(self, label: str) -> Any:
        for message in reversed(self.bot_messages()[: self.cursor]):
            for text, payload in message.buttons:
                if text == label:
                    return await self.press_data(payload)
        raise AssertionError(f"no button {label!r} among the bot's messages")

    async def expect(self, fragment: str, timeout: float = WAIT) -> BotMessage:
        """Wait for the next bot message containing `fragment`; earlier ones are skipped."""
        async with asyncio.timeout(timeout):
            while True:
                messages = self.bot_messages()
                for index in range(self.cursor, len(messages)):
                    if fragment in messages[index].text:
                        self.cursor = index + 1
                        self.last = messages[index]
                        return messages[index]
                await self._changed()

    def said(self) -> list[str]:
        return [m.text for m in self.bot_messages()]


class TelegramChat(ChatClient):
    channel = Channel.TELEGRAM

    def __init__(self, base_url: str, http: aiohttp.ClientSession, api: FakeTelegramAPI):
        super().__init__(base_url, http)
        self.api = api
        self.user_id = 10_000_000 + secrets.randbelow(10**9)
        self.name = "Ada"
        self._callbacks: set[str] = set()

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.name}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private"},
            "from": self._user(),
            **content,
        }

    async def post(self, update: dict[str, Any], secret: str = TELEGRAM_SECRET) -> int:
        async with self.http.post(
            f"{self.base_url}/webhook/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        ) as response:
            return response.status

    def update(self, **body: Any) -> dict[str, Any]:
        return {"update_id": next(_ids), **body}

    async def send(self, text: str) -> int:
        return await self.post(self.update(message=self._message(text=text)))

    async def share_phone(self, phone: str, user_id: int | None = None) -> int:
        contact = {
            "phone_number": phone,
            "first_name": self.name,
            "user_id": user_id or self.user_id,
        }
        return await self.post(self.update(message=self._message(contact=contact)))

    async def press_data(self, data: str) -> int:
        callback_id = str(next(_ids))
        self._callbacks.add(callback_id)
        return await self.post(
            self.update(
                callback_query={
                    "id": callback_id,
                    "from": self._user(),
                    "chat_instance": "1",
                    "message": self._message(text="menu"),
                    "data": data,
                }
            )
        )

    async def send_other(self) -> int:
        sticker = {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADAQAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.post(self.update(message=self._message(sticker=sticker)))

    def _convert(self, call: Call) -> BotMessage | None:
        params = call.params
        if call.method == "answerCallbackQuery":
            if params.get("callback_query_id") in self._callbacks and params.get("text"):
                return BotMessage(text=params["text"])
            return None
        if call.method != "sendMessage" or int(params.get("chat_id", 0)) != self.user_id:
            return None
        markup = params.get("reply_markup") or {}
        buttons = [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]
        request_phone = next(
            (
                b["text"]
                for row in markup.get("keyboard", [])
                for b in row
                if b.get("request_contact")
            ),
            None,
        )
        return BotMessage(params.get("text", ""), buttons, request_phone)

    def bot_messages(self) -> list[BotMessage]:
        return [m for call in self.api.calls if (m := self._convert(call)) is not None]

    async def _changed(self) -> None:
        count = len(self.api.calls)
        await self.api.wait_for(lambda calls: len(calls) > count)


def viber_sign(body: bytes, token: str = AUTH_TOKEN) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


class ViberChat(ChatClient):
    channel = Channel.VIBER

    def __init__(self, base_url: str, http: aiohttp.ClientSession, api: FakeViberAPI):
        super().__init__(base_url, http)
        self.api = api
        self.user_id = secrets.token_urlsafe(16) + "=="
        self.name = "Ada"

    async def post_raw(self, body: bytes, signature: str | None = None) -> int:
        headers = {"X-Viber-Content-Signature": signature or viber_sign(body)}
        async with self.http.post(
            f"{self.base_url}/webhook/viber", data=body, headers=headers
        ) as response:
            return response.status

    async def post(self, event: dict[str, Any]) -> int:
        return await self.post_raw(json.dumps(event).encode())

    def event(self, message: dict[str, Any], token: int | None = None) -> dict[str, Any]:
        return {
            "event": "message",
            "timestamp": int(time.time() * 1000),
            "message_token": token or next(_ids),
            "sender": {"id": self.user_id, "name": self.name, "api_version": 10},
            "message": message,
        }

    async def send(self, text: str) -> int:
        if text.startswith("/start"):
            context = text.removeprefix("/start").strip()
            event: dict[str, Any] = {
                "event": "conversation_started",
                "timestamp": int(time.time() * 1000),
                "message_token": next(_ids),
                "type": "open",
                "user": {"id": self.user_id, "name": self.name, "api_version": 10},
                "subscribed": False,
            }
            if context:
                event["context"] = context
            return await self.post(event)
        return await self.post(self.event({"type": "text", "text": text}))

    async def share_phone(self, phone: str) -> int:
        return await self.post(
            self.event({"type": "contact", "contact": {"name": self.name, "phone_number": phone}})
        )

    async def press_data(self, data: str) -> int:
        return await self.post(self.event({"type": "text", "text": "cb:" + data}))

    async def send_other(self) -> int:
        return await self.post(self.event({"type": "sticker", "sticker_id": 46105}))

    def _convert(self, call: Call) -> BotMessage | None:
        body = call.params
        if call.method != "send_message" or body.get("receiver") != self.user_id:
            return None
        buttons: list[tuple[str, str]] = []
        request_phone = None
        for button in (body.get("keyboard") or {}).get("Buttons", []):
            if button.get("ActionType") == "share-phone":
                request_phone = button["Text"]
            elif button.get("ActionType") == "reply":
                buttons.append((button["Text"], button["ActionBody"].removeprefix("cb:")))
        return BotMessage(body.get("text", ""), buttons, request_phone)

    def bot_messages(self) -> list[BotMessage]:
        return [m for call in self.api.calls if (m := self._convert(call)) is not None]

    async def _changed(self) -> None:
        count = len(self.api.calls)
        await self.api.wait_for(lambda calls: len(calls) > count)


class WebChatClient(ChatClient):
    channel = Channel.WEBCHAT

    def __init__(self, base_url: str, http: aiohttp.ClientSession, visitor: str | None = None):
        super().__init__(base_url, http)
        self.visitor = visitor or secrets.token_hex(16)
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._messages: list[BotMessage] = []
        self._condition = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def connect(self, origin: str | None = None) -> None:
        self.socket = await self.http.ws_connect(
            f"{self.base_url}/chat/ws?visitor={self.visitor}",
            headers={"Origin": origin or self.base_url},
        )
        self._reader = asyncio.create_task(self._read())
        await self.ready.wait()

    async def _read(self) -> None:
        assert self.socket is not None
        async for frame in self.socket:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            if data.get("type") == "ready":
                self.ready.set()
                continue
            if data.get("type") != "message" or data.get("replay"):
                continue
            buttons = [(b["text"], b["data"]) for row in data["buttons"] for b in row]
            async with self._condition:
                self._messages.append(BotMessage(data["text"], buttons, data["request_phone"]))
                self._condition.notify_all()

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            await self._reader

    async def _frame(self, **frame: Any) -> None:
        assert self.socket is not None
        await self.socket.send_json({"id": str(next(_ids)), **frame})

    async def send(self, text: str) -> None:
        await self._frame(type="text", text=text)

    async def share_phone(self, phone: str) -> None:
        await self._frame(type="phone", phone=phone)

    async def press_data(self, data: str) -> None:
        await self._frame(type="button", data=data)

    async def send_other(self) -> None:
        await self._frame(type="sticker")

    def bot_messages(self) -> list[BotMessage]:
        return list(self._messages)

    async def _changed(self) -> None:
        count = len(self._messages)
        async with self._condition:
            while len(self._messages) == count:
                await self._condition.wait()
