"""The quote desk: a manager prices a request with the bot's engine, and may send it.

Pricing stores nothing. "Send to client" prices the same inputs again on the server (the
page's figures are never trusted), applies any price a person changed (with the reason),
stores the request and quote, and sends it to the client's chat when they agreed to
messages there. Opened from a request (?request=ID), it answers that request instead.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.keys import QUOTE_SENDER, SETTINGS
from admin_web.params import as_id
from admin_web.routing import get, post
from admin_web.sections import Field, Kind, static_choices
from admin_web.views.lanes import CARGO_TYPES, MODES
from core.errors import InvalidInput
from core.i18n import N_, _, format_money
from core.models import Location, QuoteRequest
from core.services import pricing
from core.services.access import Actor, Permission
from core.services.clients import client_by_reference
from core.services.company import current_company, zone_of
from core.services.locations import resolve_location
from core.services.quote_requests import (
    Place,
    RequestDraft,
    StaffQuote,
    staff_quote,
    visible_requests,
)
from core.services.quoting import QuoteOption, quote_options, ready_at

PRIORITIES = [
    ("1", N_("Fastest")),
    ("2", N_("Faster")),
    ("3", N_("Balanced")),
    ("4", N_("Cheaper")),
    ("5", N_("Cheapest")),
]
FIELDS = (
    Field("client", N_("Client"), help=N_("#id or phone; empty prices at the main list.")),
    Field("origin", N_("From"), required=True),
    Field("destination", N_("To"), required=True),
    Field("weight", N_("Weight, kg"), Kind.DECIMAL, required=True),
    Field("volume", N_("Volume, m³"), Kind.DECIMAL),
    Field("pieces", N_("Pieces"), Kind.INT),
    Field(
        "cargo_type", N_("Cargo"), Kind.SELECT, required=True, choices=static_choices(CARGO_TYPES)
    ),
    Field("declared_value", N_("Declared value"), Kind.DECIMAL),
    Field("ready", N_("Ready on"), Kind.DATE, required=True),
    Field(
        "priority", N_("Priority"), Kind.SELECT, required=True, choices=static_choices(PRIORITIES)
    ),
)
# Shown under the options once priced: a changed price per option, and why.
OVERRIDES = (
    Field("override_1", N_("New price of option 1"), Kind.DECIMAL),
    Field("override_2", N_("New price of option 2"), Kind.DECIMAL),
    Field("override_3", N_("New price of option 3"), Kind.DECIMAL),
)
REASON = Field("override_reason", N_("Why the price is changed"), Kind.TEXT, max_length=500)


async def _fields(actor: Actor) -> list[tuple[Field, Any]]:
    return [(f, await f.choices(actor) if f.choices else None) for f in FIELDS]


async def quote_page(request: web.Request) -> web.StreamResponse:
    today = dt.datetime.now(zone_of(await current_company())).date()
    values: dict[str, Any] = {
        "cargo_type": "general",
        "priority": "3",
        "pieces": 1,
        "ready": today.isoformat(),
    }
    answered = await _answered_request(request[ACTOR], request.query.get("request"))
    if answered is not None:
        values.update(_request_values(answered, today))
    return await _render(request, values, {}, None)


async def _answered_request(actor: Actor, raw: object) -> QuoteRequest | None:
    request_id = as_id(raw)
    if request_id is None:
        return None
    return await visible_requests(actor).filter(id=request_id).select_related("client").first()


def _request_values(item: QuoteRequest, today: dt.date) -> dict[str, Any]:
    """The calculator filled from a client's request; places the bot knew go by #id."""

    def place(location_id: int | None, text: str) -> str:
        return f"#{location_id} {text}" if location_id else text

    return {
        "request": item.id,
        "client": f"#{item.client.id}",  # type: ignore[attr-defined]
        "origin": place(item.origin_id, item.origin_text),  # type: ignore[attr-defined]
        "destination": place(item.destination_id, item.destination_text),  # type: ignore[attr-defined]
        "weight": item.weight_kg.normalize(),
        "volume": item.volume_m3.normalize() if item.volume_m3 else "",
        "pieces": item.pieces,
        "cargo_type": item.cargo_type,
        "ready": max(item.ready_on, today).isoformat(),
        "priority": str(item.priority),
    }


async def _render(
    request: web.Request, values: dict, errors: dict, options: list[dict] | None, status: int = 200
) -> web.StreamResponse:
    context = {
        # A fresh token per page: posting the same page twice makes one quote.
        "submission": secrets.token_urlsafe(24),
        "fields": await _fields(request[ACTOR]),
        "overrides": OVERRIDES,
        "reason": REASON,
        "values": values,
        "errors": errors,
        "options": options,
    }
    return aiohttp_jinja2.render_template("quote_calculator.html", request, context, status=status)


async def quote_submit(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f, choices in [*await _fields(actor), *((o, None) for o in (*OVERRIDES, REASON))]:
        allowed = {v for v, _label in choices} if choices else None
        try:
            values[f.name] = f.parse(form.get(f.name), allowed)
        except InvalidInput as exc:
            errors[f.name] = _(exc.msgid, **exc.params)
    shown = {f.name: str(form.get(f.name, "")) for f in (*FIELDS, *OVERRIDES, REASON)}
    shown["request"] = str(as_id(form.get("request")) or "")
    if errors:
        return await _render(request, shown, errors, None, 422)
    region = request.config_dict[SETTINGS].phone_region
    try:
        if form.get("action") == "send":
            submission = _submission(form.get("submission"))
            sent = await _send(
                request, actor, values, as_id(form.get("request")), region, submission
            )
            done = "sent" if sent.delivered else "saved"
            if sent.stored.repeated:
                done = "repeated"
            raise web.HTTPFound(f"/admin/requests/{sent.stored.request.id}?done={done}")
        options = await _price(actor, values, region)
    except InvalidInput as exc:
        error = {exc.field: _(exc.msgid, **exc.params)}
        return await _render(
            request, shown, error, await _price_or_none(actor, values, region), 422
        )
    return await _render(request, shown, {}, options)


def _submission(raw: object) -> str | None:
    """The page's token as it was given out (url-safe, 32 characters), or none at all."""
    text = str(raw or "")
    ok = len(text) == 32 and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
    return text if ok else None


async def _price_or_none(actor: Actor, values: dict[str, Any], region: str) -> list[dict] | None:
    """The options again beside a mistake in sending them, so the person can fix it there."""
    try:
        return await _price(actor, values, region)
    except InvalidInput:
        return None


@dataclass(frozen=True, slots=True)
class Sent:
    stored: StaffQuote
    delivered: bool


async def _send(
    request: web.Request,
    actor: Actor,
    values: dict[str, Any],
    request_id: int | None,
    region: str,
    submission: str | None,
) -> Sent:
    if not values.get("client"):
        raise InvalidInput("client", N_("Choose the client to send the quote to."))
    client = await client_by_reference(actor, values["client"], region)
    if client is None:
        raise InvalidInput("client", N_("No client has that #id or phone."))
    zone = zone_of(await current_company())
    origin = await resolve_location("origin", values["origin"])
    destination = await resolve_location("destination", values["destination"])
    draft = RequestDraft(
        origin=Place(origin.name, origin.id),
        destination=Place(destination.name, destination.id),
        cargo=_cargo(values),
        ready_on=values["ready"],
        ready=ready_at(values["ready"], zone, "ready"),
        priority=int(values["priority"]),
    )
    overrides = {
        index: values[f.name]
        for index, f in enumerate(OVERRIDES)
        if values.get(f.name) is not None
    }
    settings = request.config_dict[SETTINGS]
    stored = await staff_quote(
        actor,
        client.id,
        draft,
        request_id=request_id,
        overrides=overrides,
        reason=values.get("override_reason") or "",
        valid_days=settings.quote_valid_days,
        submission=submission,
    )
    sender = request.config_dict.get(QUOTE_SENDER)
    delivered = False
    if stored.identity is not None and sender is not None:
        delivered = await sender.send_quote(stored.identity.id, stored.quote.id)
    return Sent(stored, delivered)


async def _price(actor: Actor, values: dict[str, Any], region: str) -> list[dict]:
    zone = zone_of(await current_company())
    ready = ready_at(values["ready"], zone, "ready")
    client_id = None
    if values.get("client"):
        client = await client_by_reference(actor, values["client"], region)
        if client is None:
            raise InvalidInput("client", N_("No client has that #id or phone."))
        client_id = client.id
    origin = await resolve_location("origin", values["origin"])
    destination = await resolve_location("destination", values["destination"])
    cargo = _cargo(values)
    priority = int(values["priority"])
    result = await quote_options(client_id, origin.id, destination.id, cargo, ready, priority)
    if not result.options:
        raise InvalidInput(
            "destination",
            N_(
                "No priced route between these places for this cargo. A manager prices it by hand."
            ),
        )
    names = {loc.id: loc.name for loc in await Location.filter(id__in=_stops(result.options))}
    return [_describe(option, names, zone) for option in result.options]


def _cargo(values: dict[str, Any]) -> pricing.Cargo:
    """The engine's own checks name the form's fields (weight, volume, pieces...)."""
    return pricing.make_cargo(
        weight_kg=values["weight"],
        cargo_type=pricing.CargoType(values["cargo_type"]),
        pieces=values.get("pieces") or 1,
        volume_m3=values.get("volume"),
        declared_value=values.get("declared_value"),
    )


def _stops(options: tuple[QuoteOption, ...]) -> set[int]:
    return {end for o in options for leg in o.route.legs for end in (leg.origin, leg.destination)}


def _describe(option: QuoteOption, names: dict[int, str], zone: Any) -> dict:
    modes = dict(MODES)
    legs = [
        _(
            "{mode} {origin} → {destination}",
            mode=_(modes[leg.leg.mode.value]),
            origin=names[leg.leg.origin],
            destination=names[leg.leg.destination],
        )
        for leg in option.legs
    ]
    hours = Decimal(option.route.duration.total_seconds()) / 3600
    return {
        "legs": _(", then ").join(legs),
        "departure": option.route.departure.astimezone(zone),
        "arrival": option.route.arrival.astimezone(zone),
        "hours": f"{hours.quantize(Decimal('0.1'))}",
        "price": format_money(option.vat.net, option.currency),
        "vat": format_money(option.vat.vat, option.currency),
        "gross": format_money(option.vat.gross, option.currency),
        "cost": format_money(option.cost, option.currency) if option.cost is not None else "—",
        "margin": format_money(option.margin, option.currency)
        if option.margin is not None
        else "—",
    }


ROUTES = [
    get("/quotes/new", quote_page, "quotes.new", Permission.MAKE_QUOTES),
    post("/quotes/new", quote_submit, "quotes.price", Permission.MAKE_QUOTES),
]
