"""Inbound Viber: POST /webhook/viber → signature → viberbot parse → aiogram Update."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from viberbot.api.messages import (
    ContactMessage,
    FileMessage,
    LocationMessage,
    PictureMessage,
    TextMessage,
)
from viberbot.api.viber_requests import (
    ViberConversationStartedRequest,
    ViberDeliveredRequest,
    ViberMessageRequest,
    ViberSubscribedRequest,
    ViberUnsubscribedRequest,
    create_request,
)

from bot.channels.synthetic import UpdateFactory
from bot.channels.viber.render import BUTTON_PREFIX
from bot.dedupe import Deduplicator
from core.models import Channel, ChannelIdentity, MailChannel
from core.ports import TaskSupervisor
from core.services.campaigns import mark_delivered
from core.services.consent import withdraw_for_channel_account
from core.services.identities import sequenced_identity

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Viber-Content-Signature"
WEBHOOK_PATH = "/webhook/viber"


def viber_signature(auth_token: str, body: bytes) -> str:
    return hmac.new(auth_token.encode(), body, hashlib.sha256).hexdigest()


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 128


def _is_media(value: object) -> bool:
    return (
        isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 2000
    )


def _well_formed(event: object) -> bool:
    """viberbot parses loosely; refuse what would fail later, before anything is stored."""
    if isinstance(event, ViberMessageRequest):
        if event.sender is None or not _is_id(event.sender.id):
            return False
        if isinstance(event.message, TextMessage):
            return event.message.text is None or isinstance(event.message.text, str)
        return True
    if isinstance(event, ViberConversationStartedRequest | ViberSubscribedRequest):
        context = getattr(event, "context", None)
        return (
            event.user is not None
            and _is_id(event.user.id)
            and (context is None or isinstance(context, str))
        )
    if isinstance(event, ViberUnsubscribedRequest):
        return _is_id(event.user_id)
    return True


class ViberWebhook:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        auth_token: str,
        dedupe: Deduplicator,
        supervisor: TaskSupervisor,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.auth_token = auth_token
        self.dedupe = dedupe
        self.supervisor = supervisor
        self.updates = UpdateFactory(bot)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        given = request.headers.get(SIGNATURE_HEADER, "")
        expected = viber_signature(self.auth_token, body)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return web.json_response({"status": "bad signature"}, status=403)
        try:
            event = create_request(json.loads(body))
        except Exception:  # viberbot raises bare Exception for unknown shapes
            return web.json_response({"status": "malformed"}, status=400)
        if not _well_formed(event):
            return web.json_response({"status": "malformed"}, status=400)
        token = getattr(event, "message_token", None)
        redelivered = (
            isinstance(event, ViberMessageRequest | ViberConversationStartedRequest)
            and token
            and not await self.dedupe.first_time(f"viber:{token}")
        )
        if redelivered:
            return web.json_response({"status": 0})
        self.supervisor.spawn(self._process(event), name=f"viber-{event.event_type}")
        return web.json_response({"status": 0})

    async def _process(self, event: object) -> None:
        if isinstance(event, ViberDeliveredRequest):
            # A mailing reached the phone: the campaign's "delivered" count.
            await mark_delivered(MailChannel.VIBER, str(event.message_token))
            return
        if isinstance(event, ViberUnsubscribedRequest):
            await withdraw_for_channel_account(
                Channel.VIBER, event.user_id, f"viber:unsubscribed:{event.timestamp}"
            )
            return
        if isinstance(event, ViberSubscribedRequest):
            identity = await sequenced_identity(Channel.VIBER, event.user.id, event.user.name)
            await ChannelIdentity.filter(id=identity.id).update(subscribed=True)
            return
        update = await self._to_update(event)
        if update is not None:
            await self.dispatcher.feed_update(self.bot, update)

    async def _to_update(self, event: object) -> Update | None:
        if isinstance(event, ViberConversationStartedRequest):
            user = event.user
            identity = await sequenced_identity(Channel.VIBER, user.id, user.name or "")
            text = f"/start {event.context}" if event.context else "/start"
            return self.updates.text(identity.chat_id, identity.display_name, text)
        if not isinstance(event, ViberMessageRequest):
            return None  # delivered, seen, failed, webhook: acknowledged, nothing to say
        sender = event.sender
        identity = await sequenced_identity(Channel.VIBER, sender.id, sender.name or "")
        chat_id, name, message = identity.chat_id, identity.display_name, event.message
        if isinstance(message, TextMessage):
            text = message.text or ""
            if text.startswith(BUTTON_PREFIX):
                return self.updates.button(chat_id, name, text.removeprefix(BUTTON_PREFIX))
            return self.updates.text(chat_id, name, text)
        if isinstance(message, ContactMessage) and message.contact is not None:
            return self.updates.contact(chat_id, name, message.contact.phone_number or "")
        if isinstance(message, LocationMessage) and message.location is not None:
            location = message.location
            return self.updates.location(chat_id, name, location.latitude, location.longitude)
        # Pictures and files carry their media URL where Telegram has a file id; the bot
        # fetches it (bot/media_download.py) only when a flow asks for a photo.
        if isinstance(message, PictureMessage) and _is_media(message.media):
            return self.updates.photo(chat_id, name, message.media, message.text or "")
        if isinstance(message, FileMessage) and _is_media(message.media):
            size = message.size if isinstance(message.size, int) else None
            file_name = message.file_name if isinstance(message.file_name, str) else ""
            return self.updates.document(chat_id, name, message.media, file_name[:200], size)
        return self.updates.other(chat_id, name)
