"""The dashboard: the tiles a role may see, each figure a link to the list behind it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.keys import CLOCK, SETTINGS
from admin_web.routing import get
from core.i18n import format_money
from core.services.access import Permission
from core.services.company import current_company, zone_of
from core.services.dashboard import dashboard_for


async def dashboard_page(request: web.Request) -> web.StreamResponse:
    settings = request.config_dict[SETTINGS]
    company = await current_company(settings.currency, settings.timezone)
    clock = request.config_dict.get(CLOCK)
    now = clock.now() if clock is not None else dt.datetime.now(dt.UTC)
    tiles = await dashboard_for(request[ACTOR], now, zone_of(company))
    shown = [
        (
            tile,
            figure,
            format_money(figure.value, company.currency)
            if isinstance(figure.value, Decimal)
            else figure.value,
        )
        for tile, figure in tiles
    ]
    return aiohttp_jinja2.render_template("dashboard.html", request, {"tiles": shown})


ROUTES = [get("/dashboard", dashboard_page, "dashboard", Permission.VIEW_DASHBOARD)]
