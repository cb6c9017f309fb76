"""The links inside mailings, mounted at /m: the email unsubscribe page and tracked links.

No sign-in: the random per-message token in the link is the only key. The unsubscribe
URL answers both a person (GET shows a confirmation button) and a mail program's one-click
request (RFC 8058: a POST with `List-Unsubscribe=One-Click`), and withdraws consent to
offers by email at once. Pages are in the recipient's language, never cached or indexed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin_web.keys import CLOCK, I18N, SETTINGS
from core.config import Settings
from core.i18n import I18n, _
from core.models import OutboxMessage
from core.services.campaigns import record_click, unsubscribe_by_token
from core.services.company import current_company

HERE = Path(__file__).resolve().parent.parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
UNSUBSCRIBE_PATH = "/m/u/"
LINK_PATH = "/m/l/"


async def _recipient(request: web.Request) -> OutboxMessage:
    token = request.match_info["token"]
    row = await OutboxMessage.get_or_none(token=token) if len(token) <= 32 else None
    if row is None:
        raise web.HTTPNotFound()
    return row


@web.middleware
async def mail_links_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The page speaks the recipient's language (from the message), else the company's."""
    token = request.match_info.get("token", "")
    row = await OutboxMessage.get_or_none(token=token) if 0 < len(token) <= 32 else None
    language = row.language if row else request.app[SETTINGS].default_language
    with request.app[I18N].use_locale(language) as active:
        request["language"] = active
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            response = aiohttp_jinja2.render_template("mail_missing.html", request, {}, status=404)
    response.headers.update(PRIVATE_HEADERS)
    return response


async def unsubscribe_page(request: web.Request) -> web.StreamResponse:
    await _recipient(request)
    company = await current_company()
    return aiohttp_jinja2.render_template(
        "mail_unsubscribe.html", request, {"company": company.name, "done": False}
    )


async def unsubscribe(request: web.Request) -> web.StreamResponse:
    """A person's button or a mail program's one-click POST: same effect, same answer."""
    row = await _recipient(request)
    await unsubscribe_by_token(row.token)
    company = await current_company()
    return aiohttp_jinja2.render_template(
        "mail_unsubscribe.html", request, {"company": company.name, "done": True}
    )


async def follow_link(request: web.Request) -> web.StreamResponse:
    clock = request.config_dict.get(CLOCK)
    now = clock.now() if clock is not None else dt.datetime.now(dt.UTC)
    target = await record_click(request.match_info["token"][:32], now)
    if target is None:
        raise web.HTTPNotFound()
    raise web.HTTPFound(target)


async def _context(request: web.Request) -> dict[str, Any]:
    return {"language": request.get("language", "en")}


def create_mail_links(settings: Settings, i18n: I18n) -> web.Application:
    """The sub-application mounted at /m."""
    app = web.Application()
    app[SETTINGS] = settings
    app[I18N] = i18n
    app.middlewares.append(mail_links_middleware)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[_context, aiohttp_jinja2.request_processor],
    )
    env.globals.update(_=_)
    app.router.add_get("/u/{token}", unsubscribe_page)
    app.router.add_post("/u/{token}", unsubscribe)
    app.router.add_get("/l/{token}", follow_link)
    return app
