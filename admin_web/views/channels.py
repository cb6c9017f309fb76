"""Channels: is each messenger connected, does its webhook work, and the web-chat snippet.

Tokens live only in the environment (they are secrets); this page shows whether they are set
and what the platforms report, and sends a test message to prove the whole path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from babel.dates import format_time

from admin_web.auth import ACTOR
from admin_web.keys import CHANNELS, SETTINGS
from admin_web.params import as_id
from admin_web.routing import get, post
from bot.channels.viber.session import ViberSession
from core.config import Settings
from core.i18n import _, current_locale
from core.models import Channel, ChannelIdentity
from core.services.access import Actor, Permission
from core.services.audit import record
from core.services.company import current_company, zone_of

STATUS_TIMEOUT = 5.0


@dataclass
class ChannelStatus:
    channel: Channel
    configured: bool
    token_hint: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None


def _hint(secret: Any) -> str:
    """Enough of a token to tell which one is set, never enough to use it."""
    value = secret.get_secret_value() if secret is not None else ""
    return f"…{value[-4:]}" if len(value) >= 12 else ("•••" if value else "")


async def _telegram(settings: Settings, request: web.Request) -> ChannelStatus:
    status = ChannelStatus(
        Channel.TELEGRAM,
        configured=settings.telegram_bot_token is not None,
        token_hint=_hint(settings.telegram_bot_token),
    )
    bot = request.config_dict[CHANNELS].bot(Channel.TELEGRAM)
    if bot is None:
        return status
    status.facts.append((_("Mode"), settings.telegram_mode.value))
    try:
        async with asyncio.timeout(STATUS_TIMEOUT):
            me = await bot.me()
            status.facts.append((_("Bot"), f"@{me.username}"))
            if settings.telegram_mode.value == "webhook":
                info = await bot.get_webhook_info()
                status.facts.append((_("Webhook"), info.url or _("not set")))
                status.facts.append((_("Updates waiting"), str(info.pending_update_count)))
                if info.last_error_message:
                    status.problem = info.last_error_message
    except (TelegramAPIError, TimeoutError, OSError) as exc:
        status.problem = _("Telegram did not answer: {reason}", reason=type(exc).__name__)
    return status


async def _viber(settings: Settings, request: web.Request) -> ChannelStatus:
    status = ChannelStatus(
        Channel.VIBER,
        configured=settings.viber_auth_token is not None,
        token_hint=_hint(settings.viber_auth_token),
    )
    bot = request.config_dict[CHANNELS].bot(Channel.VIBER)
    if bot is None or not isinstance(bot.session, ViberSession):
        return status
    try:
        async with asyncio.timeout(STATUS_TIMEOUT):
            info = await bot.session.call("get_account_info", {})
        status.facts.append((_("Bot"), str(info.get("name", ""))))
        status.facts.append((_("Webhook"), str(info.get("webhook") or _("not set"))))
        status.facts.append((_("Subscribers"), str(info.get("subscribers_count", ""))))
    except Exception as exc:  # any failure is shown on the page, not raised
        status.problem = _("Viber did not answer: {reason}", reason=type(exc).__name__)
    return status


async def channels_page(request: web.Request) -> web.StreamResponse:
    settings: Settings = request.config_dict[SETTINGS]
    actor: Actor = request[ACTOR]
    telegram, viber = await asyncio.gather(_telegram(settings, request), _viber(settings, request))
    base = settings.public_url or f"{request.scheme}://{request.host}"
    targets = await ChannelIdentity.filter(employee_id__not_isnull=True).prefetch_related(
        "employee"
    )
    context = {
        "statuses": [telegram, viber],
        "chat_url": f"{base}/chat",
        "targets": [t for t in targets if t.chat_id is not None],
        "sent": request.query.get("sent"),
        "failed": request.query.get("failed"),
        "actor_id": actor.employee_id,
    }
    return aiohttp_jinja2.render_template("channels.html", request, context)


async def send_test(request: web.Request) -> web.StreamResponse:
    """A real message through the same Bot the conversations use, to a staff member's chat."""
    form = await request.post()
    identity_id = as_id(form.get("identity"))
    identity = (
        await ChannelIdentity.get_or_none(id=identity_id, employee_id__not_isnull=True)
        if identity_id is not None
        else None
    )
    bot = request.config_dict[CHANNELS].bot(identity.channel) if identity else None
    if identity is None or bot is None or identity.chat_id is None:
        raise web.HTTPFound("/admin/channels?failed=1")
    zone = zone_of(await current_company())
    stamp = format_time(dt.datetime.now(zone), "medium", locale=current_locale())
    text = _("Test message from the Ona panel, sent at {time}.", time=f"{stamp} {zone.key}")
    try:
        async with asyncio.timeout(15):
            await bot.send_message(chat_id=identity.chat_id, text=text)
    except (TelegramAPIError, TimeoutError, OSError):
        raise web.HTTPFound("/admin/channels?failed=1") from None
    await record(
        request[ACTOR],
        "channel.test_sent",
        "channel_identity",
        identity.id,
        {"channel": identity.channel},
    )
    raise web.HTTPFound("/admin/channels?sent=1")


ROUTES = [
    get("/channels", channels_page, "channels", Permission.MANAGE_CHANNELS),
    post("/channels/test", send_test, "channels.test", Permission.MANAGE_CHANNELS),
]
