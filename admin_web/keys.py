"""Typed application keys: what the composition root hands to the web panel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.channels.registry import ChannelRegistry
from bot.notifier import BotNotifier
from core.config import Settings
from core.i18n import I18n
from core.ports import Clock, QuoteSender
from core.services.media import MediaStore

SETTINGS = web.AppKey("settings", Settings)
I18N = web.AppKey("i18n", I18n)
HEALTH = web.AppKey("health", Callable[[], Awaitable[dict[str, Any]]])
# Route name -> the permission it needs (None: any signed-in person); absent: public.
PERMISSIONS = web.AppKey("permissions", dict)
# Set by the composition root on the root app; panel views read them via request.config_dict.
CLOCK = web.AppKey("clock", Clock)
CHANNELS = web.AppKey("channels", ChannelRegistry)
QUOTE_SENDER = web.AppKey("quote_sender", QuoteSender)
NOTIFIER = web.AppKey("notifier", BotNotifier)
MEDIA = web.AppKey("media", MediaStore)
# The process's mailing worker, woken when a campaign is launched; None in a web-only process.
MAILER = web.AppKey("mailer", object)
