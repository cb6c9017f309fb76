"""Marketing costs in the panel: a month, each source's amount and the cost of each campaign
of that month, saved together (core/services/marketing_costs.py). The marketing sources
report (report 4) weighs what the sources and campaigns brought in against these."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from babel.core import Locale
from babel.dates import format_skeleton

from admin_web.auth import ACTOR
from admin_web.keys import CLOCK
from admin_web.routing import get, post
from core.errors import InvalidInput
from core.i18n import N_, _, current_locale
from core.services.access import Actor, Permission
from core.services.company import current_company, zone_of
from core.services.marketing_costs import (
    CostSheet,
    SheetInvalid,
    cost_sheet,
    next_month,
    parse_month,
    previous_month,
    save_sheet,
)

PATH = "/admin/marketing-costs"
DONE = {"saved": N_("Saved.")}


def _this_month(request: web.Request, zone: dt.tzinfo) -> dt.date:
    clock = request.config_dict.get(CLOCK)
    now = clock.now() if clock is not None else dt.datetime.now(dt.UTC)
    return now.astimezone(zone).date().replace(day=1)


def _shown(sheet: CostSheet) -> dict[str, str]:
    values = {
        line.field: "" if line.amount is None else f"{line.amount:f}" for line in sheet.sources
    }
    values.update(
        {item.field: "" if item.cost is None else f"{item.cost:f}" for item in sheet.campaigns}
    )
    return values


async def _page(
    request: web.Request,
    sheet: CostSheet,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    month_error: str | None = None,
    status: int = 200,
) -> web.StreamResponse:
    fields = {line.field for line in sheet.sources} | {item.field for item in sheet.campaigns}
    errors = errors or {}
    context: dict[str, Any] = {
        "sheet": sheet,
        "month_value": sheet.month.isoformat()[:7],
        "month_label": format_skeleton(
            "yMMMM", sheet.month, locale=Locale.parse(current_locale())
        ),
        "previous": previous_month(sheet.month).isoformat()[:7],
        "next": next_month(sheet.month).isoformat()[:7],
        "values": {**_shown(sheet), **(values or {})},
        "errors": errors,
        "general_errors": [m for k, m in errors.items() if k not in fields],
        "month_error": month_error,
        "done": _(DONE[request.query["done"]]) if request.query.get("done") in DONE else None,
    }
    return aiohttp_jinja2.render_template("marketing_costs.html", request, context, status=status)


async def costs_page(request: web.Request) -> web.StreamResponse:
    zone = zone_of(await current_company())
    month, error = _this_month(request, zone), None
    if request.query.get("month"):
        try:
            month = parse_month(request.query["month"])
        except InvalidInput as exc:
            error = _(exc.msgid, **exc.params)
    return await _page(request, await cost_sheet(month, zone), month_error=error)


async def costs_save(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = zone_of(await current_company())
    form = await request.post()
    typed = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        month = parse_month(typed.get("month"))
    except InvalidInput as exc:
        sheet = await cost_sheet(_this_month(request, zone), zone)
        return await _page(request, sheet, month_error=_(exc.msgid, **exc.params), status=422)
    try:
        await save_sheet(actor, month, zone, typed)
    except SheetInvalid as exc:
        errors = {name: _(e.msgid, **e.params) for name, e in exc.errors.items()}
    except InvalidInput as exc:
        errors = {exc.field: _(exc.msgid, **exc.params)}
    else:
        raise web.HTTPFound(f"{PATH}?month={month.isoformat()[:7]}&done=saved")
    # Show what was typed, the wrong amounts with what is wrong with them.
    sheet = await cost_sheet(month, zone)
    return await _page(request, sheet, values=typed, errors=errors, status=422)


ROUTES = [
    get("/marketing-costs", costs_page, "marketing_costs", Permission.MANAGE_SOURCES),
    post("/marketing-costs", costs_save, "marketing_costs.save", Permission.MANAGE_SOURCES),
]
