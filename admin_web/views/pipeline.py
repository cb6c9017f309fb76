"""The pipeline board and a request's page: where a head of sales starts the day.

Moving a card posts the same small form with or without JavaScript (pipeline.js only turns
a drop into that post), and the move goes through core.services.pipeline like a tap in the
bot, so the board cannot do what the bot may not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.params import as_day, as_id, day_bounds, path_id
from admin_web.routing import get, post
from core.errors import InvalidInput, NotFound
from core.i18n import N_, _, format_money
from core.models import Employee, Order, Quote, RequestState, Role
from core.services.access import Actor, Permission
from core.services.company import current_company, zone_of
from core.services.directions import country_choices, direction_from
from core.services.pipeline import STATE_LABELS
from core.services.pipeline_board import BoardFilters, board_moves, load_board
from core.services.quote_requests import REFUSAL_LABELS, move_by_staff, visible_requests
from core.services.quote_text import CARGO_TYPE_LABELS, legs_text

SALES_ROLES = (Role.MANAGER, Role.HEAD_OF_SALES, Role.DIRECTOR)
DONE_MESSAGES = {
    "sent": N_("The quote was sent to the client."),
    "repeated": N_("This quote was already made from that page; it was not sent again."),
    "saved": N_(
        "The quote is saved, but not sent: the client has no chat where they agreed to "
        "messages. Send it another way."
    ),
}


async def board_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = zone_of(await current_company())
    manager_id = as_id(request.query.get("manager"))
    since, until = as_day(request.query.get("from")), as_day(request.query.get("to"))
    direction = direction_from(request.query)
    filters = BoardFilters(manager_id, *day_bounds(since, until, zone), direction=direction)
    columns = await load_board(actor, filters)
    managers = await Employee.filter(role__in=SALES_ROLES, is_active=True).order_by("name")
    now = dt.datetime.now(dt.UTC)
    context = {
        "columns": columns,
        "managers": managers,
        "chosen": {
            "manager": manager_id,
            "from": since.isoformat() if since else "",
            "to": until.isoformat() if until else "",
        },
        "direction": direction,
        "countries": await country_choices(direction),
        "state_labels": STATE_LABELS,
        "money": lambda card: format_money(card.value, card.currency) if card.value else "—",
        "age": lambda card: _age(now - card.created_at),
        "error": request.query.get("error"),
        "back": request.path_qs,
    }
    return aiohttp_jinja2.render_template("pipeline.html", request, context)


def _age(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 24:
        return _("{n} h", n=hours)
    return _("{n} d", n=hours // 24)


def _back(raw: object) -> str:
    """Only a path inside the panel's board or request pages, never an outside address."""
    text = str(raw or "")
    if text.startswith(("/admin/pipeline", "/admin/requests/")) and "//" not in text:
        return text
    return "/admin/pipeline"


async def move_card(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    request_id = path_id(request)
    form = await request.post()
    back = _back(form.get("back"))
    try:
        target = RequestState(str(form.get("state", "")))
        await move_by_staff(actor, request_id, target)
    except ValueError:
        return _redirect(back, _("Choose a stage to move the request to."))
    except NotFound:
        raise web.HTTPNotFound() from None
    except InvalidInput as exc:
        return _redirect(back, _(exc.msgid, **exc.params))
    raise web.HTTPFound(back)


def _redirect(back: str, error: str) -> web.StreamResponse:
    glue = "&" if "?" in back else "?"
    raise web.HTTPFound(f"{back}{glue}{urlencode({'error': error})}")


async def request_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    item = (
        await visible_requests(actor)
        .filter(id=path_id(request))
        .select_related("client", "manager", "origin", "destination", "taken_by")
        .first()
    )
    if item is None:
        raise web.HTTPNotFound()
    company = await current_company()
    zone = zone_of(company)
    quotes = await Quote.filter(request_id=item.id).select_related("created_by")
    order = await Order.get_or_none(request_id=item.id)
    context = {
        "r": item,
        "state_label": STATE_LABELS[RequestState(item.state)],
        "minutes_to_take": int((item.taken_at - item.created_at).total_seconds() // 60)
        if item.taken_at
        else None,
        "cargo_label": CARGO_TYPE_LABELS.get(item.cargo_type, item.cargo_type),
        "refusal_label": REFUSAL_LABELS.get(item.refusal_reason) if item.refusal_reason else None,
        "quotes": [_quote_view(q, zone) for q in quotes],
        "order": order,
        "order_total": format_money(order.total, order.currency) if order else None,
        "moves": board_moves(RequestState(item.state)),
        "state_labels": STATE_LABELS,
        "error": request.query.get("error"),
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "can_quote": RequestState(item.state) in (RequestState.NEW, RequestState.QUOTED),
        "back": request.path,
    }
    return aiohttp_jinja2.render_template("request.html", request, context)


def _quote_view(quote: Quote, zone) -> dict:
    def money(value: str | None) -> str:
        return format_money(Decimal(value), quote.currency) if value is not None else "—"

    return {
        "quote": quote,
        "options": [
            {
                "legs": legs_text(o),
                "departure": dt.datetime.fromisoformat(o["departure"]),
                "arrival": dt.datetime.fromisoformat(o["arrival"]),
                "price": money(o["price"]),
                "total": money(o["total"]),
                "cost": money(o["cost"]),
                "margin": money(o["margin"]),
                "accepted": quote.accepted_option == index,
                "override": o.get("override"),
            }
            for index, o in enumerate(quote.options)
        ],
    }


ROUTES = [
    get("/pipeline", board_page, "pipeline", Permission.MAKE_QUOTES),
    post("/pipeline/{item_id}/move", move_card, "pipeline.move", Permission.MAKE_QUOTES),
    get("/requests/{item_id}", request_page, "requests.view", Permission.MAKE_QUOTES),
]
