"""Web chat: the same two halves as Viber, over a WebSocket at /chat/ws.

The browser keeps a random visitor id in localStorage; the id is the account's external id,
so a reload (or a second tab) continues the same conversation.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict, deque
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiohttp import WSMsgType, web
from babel import negotiate_locale

from bot.channels.synthetic import Outgoing, SyntheticSession, UpdateFactory
from bot.dedupe import Deduplicator
from core.config import SUPPORTED_LANGUAGES
from core.i18n import _, current_i18n
from core.models import Channel
from core.ports import TaskSupervisor
from core.services.identities import sequenced_identity

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_TEXT = 10_000
BACKLOG = 50


class WebChatHub:
    """Open sockets per chat, and the last messages of each chat to replay on reconnect."""

    def __init__(self) -> None:
        self._sockets: dict[int, set[web.WebSocketResponse]] = defaultdict(set)
        self._backlog: dict[int, deque[dict[str, Any]]] = defaultdict(
            lambda: deque(maxlen=BACKLOG)
        )

    def join(self, chat_id: int, socket: web.WebSocketResponse) -> list[dict[str, Any]]:
        self._sockets[chat_id].add(socket)
        return list(self._backlog[chat_id])

    def leave(self, chat_id: int, socket: web.WebSocketResponse) -> None:
        self._sockets[chat_id].discard(socket)

    async def publish(self, chat_id: int, payload: dict[str, Any]) -> None:
        self._backlog[chat_id].append(payload)
        for socket in list(self._sockets.get(chat_id, ())):
            if not socket.closed:
                await socket.send_json(payload)

    async def close_all(self) -> None:
        for sockets in self._sockets.values():
            for socket in list(sockets):
                await socket.close()


class WebChatSession(SyntheticSession):
    def __init__(self, hub: WebChatHub) -> None:
        super().__init__()
        self.hub = hub

    async def deliver(self, chat_id: int, message: Outgoing) -> None:
        payload = {"type": "message", **asdict(message)}
        await self.hub.publish(chat_id, payload)

    async def close(self) -> None:
        return None


def allowed_origin(request: web.Request, public_url: str | None) -> bool:
    """Only pages we serve may open the socket: PUBLIC_URL's origin, or the host it was asked on.

    A page on another site gets a different Origin from the browser and is refused.
    """
    origin = (request.headers.get("Origin") or "").rstrip("/")
    if not origin:
        return False
    allowed = {f"{request.scheme}://{request.host}"}
    if public_url:
        expected = urlsplit(public_url)
        allowed.add(f"{expected.scheme}://{expected.netloc}")
    return origin in allowed


class WebChat:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        hub: WebChatHub,
        dedupe: Deduplicator,
        supervisor: TaskSupervisor,
        public_url: str | None,
        default_language: str,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.hub = hub
        self.dedupe = dedupe
        self.supervisor = supervisor
        self.public_url = public_url
        self.default_language = default_language
        self.updates = UpdateFactory(bot)
        # Read once at start: no file I/O on the event loop per page view.
        self.page_template = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/chat", self.page),
            web.get("/chat/ws", self.socket),
            web.static("/chat/static", STATIC_DIR),
        ]

    async def page(self, request: web.Request) -> web.Response:
        """The chat page, its few labels in the visitor's browser language."""
        preferred = [
            part.split(";")[0].strip().replace("-", "_")
            for part in request.headers.get("Accept-Language", "").split(",")
            if part.strip()
        ]
        language = (
            negotiate_locale(preferred, SUPPORTED_LANGUAGES, sep="_") or self.default_language
        )
        with current_i18n().use_locale(language):
            labels = {
                "title": _("Chat with us"),
                "placeholder": _("Type a message…"),
                "send": _("Send"),
                "phone_placeholder": _("Your phone number"),
                "offline": _("Connection lost. Reconnecting…"),
            }
        html = self.page_template
        for key, value in labels.items():
            html = html.replace("{{" + key + "}}", escape(value, quote=True))
        html = html.replace("{{lang}}", language)
        return web.Response(text=html, content_type="text/html")

    async def socket(self, request: web.Request) -> web.StreamResponse:
        if not allowed_origin(request, self.public_url):
            return web.Response(status=403, text="origin not allowed")
        visitor = request.query.get("visitor", "")
        if not VISITOR_ID.fullmatch(visitor):
            return web.Response(status=400, text="visitor id required")
        identity = await sequenced_identity(Channel.WEBCHAT, visitor)
        chat_id = identity.chat_id
        socket = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
        await socket.prepare(request)
        for payload in self.hub.join(chat_id, socket):
            await socket.send_json({**payload, "replay": True})
        await socket.send_json({"type": "ready"})
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._receive(chat_id, visitor, frame.data)
        finally:
            self.hub.leave(chat_id, socket)
        return socket

    async def _receive(self, chat_id: int, visitor: str, raw: str) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        if not isinstance(frame, dict):
            return
        frame_id = str(frame.get("id", ""))[:64]
        if frame_id and not await self.dedupe.first_time(f"webchat:{visitor}:{frame_id}"):
            return
        kind = frame.get("type")
        value = str(frame.get("text") or frame.get("data") or frame.get("phone") or "")
        value = value[:MAX_TEXT]
        if kind == "text":
            update = self.updates.text(chat_id, "", value)
        elif kind == "button":
            update = self.updates.button(chat_id, "", value[:64])
        elif kind == "phone":
            update = self.updates.text(chat_id, "", value)
        else:
            update = self.updates.other(chat_id, "")
        self.supervisor.spawn(
            self.dispatcher.feed_update(self.bot, update), name=f"webchat-{chat_id}"
        )
