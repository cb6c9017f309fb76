"""Telegram: aiogram as it is, by polling or by webhook, against TELEGRAM_API_URL."""

from __future__ import annotations

import json
import logging
import secrets

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.dedupe import Deduplicator
from bot.retry import RetryMiddleware
from core.ports import TaskSupervisor

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
WEBHOOK_PATH = "/webhook/telegram"


def build_telegram_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    session.middleware(RetryMiddleware())
    return Bot(token=token, session=session)


class TelegramWebhook:
    """POST /webhook/telegram: verify the secret, acknowledge at once, handle in a tracked task."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        secret: str,
        dedupe: Deduplicator,
        supervisor: TaskSupervisor,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.secret = secret
        self.dedupe = dedupe
        self.supervisor = supervisor

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), self.secret.encode()):
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            payload = json.loads(await request.read())
            update = Update.model_validate(payload, context={"bot": self.bot})
        except (ValueError, ValidationError):
            return web.json_response({"ok": False, "error": "malformed update"}, status=400)
        if await self.dedupe.first_time(f"tg:{self.bot.id}:{update.update_id}"):
            self.supervisor.spawn(
                self.dispatcher.feed_update(self.bot, update),
                name=f"telegram-update-{update.update_id}",
            )
        return web.json_response({"ok": True})

    async def register(self, public_url: str) -> None:
        """Tell Telegram where to deliver; allowed updates are the ones our routers use."""
        await self.bot.set_webhook(
            url=public_url + WEBHOOK_PATH,
            secret_token=self.secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
            drop_pending_updates=False,
        )
