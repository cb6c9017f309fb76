"""The shared half of every non-Telegram adapter.

Inbound, such a channel builds Bot API-shaped updates; outbound, a `SyntheticSession` is the
aiogram `BaseSession` that turns Bot API methods into an `Outgoing` message for the channel
to deliver, and shapes the result as a Bot API response parsed by `check_response`, so
handlers never learn which channel they talk to. What a channel cannot do (edit a message)
degrades here, never in a handler.
"""

from __future__ import annotations

import abc
import hashlib
import itertools
import json
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.retry import RetryMiddleware

_ACKNOWLEDGED = (AnswerCallbackQuery, DeleteMessage, EditMessageReplyMarkup)


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Outgoing:
    """A message as a channel renders it: text, rows of buttons, maybe a phone request."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    request_phone: str | None = None
    remove_keyboard: bool = False


class DeliveryError(Exception):
    """The channel refused or failed; `status` maps it onto aiogram's error types."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def outgoing_from(text: str, markup: Any) -> Outgoing:
    message = Outgoing(text=text)
    if isinstance(markup, InlineKeyboardMarkup):
        message.buttons = [
            [Button(text=b.text, data=b.callback_data, url=b.url) for b in row]
            for row in markup.inline_keyboard
        ]
    elif isinstance(markup, ReplyKeyboardMarkup):
        for row in markup.keyboard:
            for button in row:
                if getattr(button, "request_contact", False):
                    message.request_phone = button.text
    elif isinstance(markup, ReplyKeyboardRemove):
        message.remove_keyboard = True
    return message


class SyntheticSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.middleware(RetryMiddleware())
        self._message_ids = itertools.count(int(time.time() * 1000) % 10**9)

    @abc.abstractmethod
    async def deliver(self, chat_id: int, message: Outgoing) -> int | None:
        """Send one message to the chat, raising DeliveryError when the channel fails.

        Returns the platform's own id for the message when it gives one (Viber's
        message_token), which then becomes the message_id the caller sees.
        """

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        if isinstance(method, AnswerCallbackQuery) and method.text:
            # No pop-up alerts on these channels: the alert arrives as a message instead.
            chat_id = int(method.callback_query_id.split(":", 1)[0])
            return await self._send(bot, method, chat_id, Outgoing(text=method.text), True)
        if isinstance(method, _ACKNOWLEDGED):
            return self._respond(bot, method, 200, {"ok": True, "result": True})
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id) if method.chat_id is not None else 0
            message = outgoing_from(method.text, method.reply_markup)
            result = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": method.text,
            }
            return await self._send(bot, method, chat_id, message, result)
        description = f"{type(method).__name__} is not supported on this channel"
        return self._respond(
            bot, method, 400, {"ok": False, "error_code": 400, "description": description}
        )

    async def _send(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        chat_id: int,
        message: Outgoing,
        result: Any,
    ) -> TelegramType:
        try:
            platform_id = await self.deliver(chat_id, message)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TelegramNetworkError(method=method, message=repr(exc)) from exc
        except DeliveryError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return self._respond(bot, method, exc.status, body)
        if platform_id is not None and isinstance(result, dict):
            result = {**result, "message_id": platform_id}
        return self._respond(bot, method, 200, {"ok": True, "result": result})

    def _respond(
        self, bot: Bot, method: TelegramMethod[TelegramType], status: int, body: dict[str, Any]
    ) -> TelegramType:
        response = self.check_response(bot, method, status, json.dumps(body))
        return response.result  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("downloads are not available on this channel")
        yield b""  # pragma: no cover


def _unique(file_id: str) -> str:
    return hashlib.sha256(file_id.encode()).hexdigest()[:32]


class UpdateFactory:
    """Bot API-shaped updates for channels that have none of their own, bound to the bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._ids = itertools.count(1)

    def _user(self, chat_id: int, name: str) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": name or "-"}

    def _message(self, chat_id: int, name: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._user(chat_id, name),
            **content,
        }

    def _update(self, **body: Any) -> Update:
        return Update.model_validate(
            {"update_id": next(self._ids), **body}, context={"bot": self.bot}
        )

    def text(self, chat_id: int, name: str, text: str) -> Update:
        return self._update(message=self._message(chat_id, name, text=text))

    def contact(self, chat_id: int, name: str, phone: str) -> Update:
        contact = {"phone_number": phone, "first_name": name or "-", "user_id": chat_id}
        return self._update(message=self._message(chat_id, name, contact=contact))

    def location(self, chat_id: int, name: str, latitude: float, longitude: float) -> Update:
        location = {"latitude": latitude, "longitude": longitude}
        return self._update(message=self._message(chat_id, name, location=location))

    def other(self, chat_id: int, name: str) -> Update:
        """A message with content the engine does not read (a sticker, a picture, a file)."""
        return self._update(message=self._message(chat_id, name))

    def photo(self, chat_id: int, name: str, file_id: str, caption: str = "") -> Update:
        """A picture; `file_id` is whatever the channel fetches it by (Viber: its media URL)."""
        size = {"file_id": file_id, "file_unique_id": _unique(file_id), "width": 0, "height": 0}
        content: dict[str, Any] = {"photo": [size]}
        if caption:
            content["caption"] = caption
        return self._update(message=self._message(chat_id, name, **content))

    def document(
        self, chat_id: int, name: str, file_id: str, file_name: str, size: int | None
    ) -> Update:
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": _unique(file_id)}
        if file_name:
            document["file_name"] = file_name
        if size is not None:
            document["file_size"] = size
        return self._update(message=self._message(chat_id, name, document=document))

    def button(self, chat_id: int, name: str, data: str) -> Update:
        message = self._message(chat_id, name, text="")
        return self._update(
            callback_query={
                "id": f"{chat_id}:{next(self._ids)}",
                "from": self._user(chat_id, name),
                "chat_instance": str(chat_id),
                "message": message,
                "data": data,
            }
        )
