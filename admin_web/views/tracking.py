"""The public tracking page /t/<token>: no sign-in, for the client and whoever they share it with.

It is a sub-application of its own, outside the panel: no session, no role middleware. It
shows what a stranger holding the link may know and nothing else: the number, the status,
the ETA, the route's places and modes, and each event's status, place and time (no notes,
no prices, no names or phones), plus the photo of the signed delivery note. A wrong or
expired token is a 404 page that says only that. Nothing is cached or indexed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin_web.api.middlewares import request_language
from admin_web.keys import CLOCK, I18N, MEDIA, SETTINGS
from admin_web.params import as_id
from core.config import Settings
from core.i18n import I18n, _, format_datetime
from core.models import DocumentKind, Shipment, ShipmentDocument, ShipmentStatus
from core.services.company import current_company, zone_of
from core.services.quote_text import MODE_LABELS
from core.services.shipment_status import STATUS_LABELS
from core.services.shipments import by_tracking_token, documents_of, shipment_view

HERE = Path(__file__).resolve().parent.parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
# The route diagram's geometry (SVG user units): one row per stop.
ROW = 64
TOP = 24


@dataclass(frozen=True, slots=True)
class Stop:
    name: str
    y: int
    reached: bool


@dataclass(frozen=True, slots=True)
class Hop:
    mode: str
    y1: int
    y2: int
    state: str  # done, current, ahead


def _now(request: web.Request) -> dt.datetime:
    clock = request.config_dict.get(CLOCK)
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


def route_diagram(shipment: Shipment, legs: list[Any]) -> tuple[list[Stop], list[Hop], int]:
    """Stops top to bottom and the legs between them: done, the one the cargo is on, ahead."""
    if not legs:
        return [], [], 0
    names = [legs[0].origin] + [leg.destination for leg in legs]
    status = ShipmentStatus(shipment.status)
    delivered = status is ShipmentStatus.DELIVERED
    started = status not in (ShipmentStatus.BOOKED,)
    hops: list[Hop] = []
    for leg in legs:
        y1 = TOP + leg.position * ROW
        if delivered or leg.position < shipment.current_leg:
            state = "done"
        elif leg.position == shipment.current_leg and started:
            state = "current"
        else:
            state = "ahead"
        hops.append(Hop(_(MODE_LABELS.get(leg.mode, leg.mode)), y1, y1 + ROW, state))
    reached = len(legs) if delivered else (shipment.current_leg if started else -1)
    stops = [Stop(name, TOP + i * ROW, i <= reached) for i, name in enumerate(names)]
    return stops, hops, TOP * 2 + ROW * len(legs)


async def _zone(settings: Settings) -> ZoneInfo:
    return zone_of(await current_company(settings.currency, settings.timezone))


def _missing(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("tracking_missing.html", request, {}, status=404)


async def tracking_page(request: web.Request) -> web.StreamResponse:
    shipment = await by_tracking_token(request.match_info["token"], _now(request))
    if shipment is None:
        return _missing(request)
    zone = await _zone(request.config_dict[SETTINGS])
    view = await shipment_view(shipment)
    proofs = [
        d
        for d in await documents_of(shipment)
        if d.kind == DocumentKind.PROOF and d.content_type.startswith("image/")
    ]
    stops, hops, height = route_diagram(shipment, view.legs)
    status = ShipmentStatus(shipment.status)
    context = {
        "shipment": shipment,
        "status": _(STATUS_LABELS[status]),
        "delivered": status is ShipmentStatus.DELIVERED,
        "timeline": [
            {
                "status": _(STATUS_LABELS[ShipmentStatus(e.status)]),
                "place": e.place,
                "when": format_datetime(e.occurred_at, zone),
            }
            for e in reversed(view.events)
        ],
        "eta": format_datetime(shipment.eta, zone),
        "delivered_at": format_datetime(shipment.delivered_at, zone)
        if shipment.delivered_at
        else "",
        "stops": stops,
        "hops": hops,
        "height": height,
        "proofs": proofs,
        "token": request.match_info["token"],
    }
    return aiohttp_jinja2.render_template("tracking.html", request, context)


async def proof_photo(request: web.Request) -> web.StreamResponse:
    """A proof-of-delivery photo of this token's shipment; any other id is a 404."""
    shipment = await by_tracking_token(request.match_info["token"], _now(request))
    doc_id = as_id(request.match_info.get("doc_id"))
    if shipment is None or doc_id is None:
        return _missing(request)
    document = await ShipmentDocument.get_or_none(
        id=doc_id, shipment_id=shipment.id, kind=DocumentKind.PROOF
    )
    if document is None or not document.content_type.startswith("image/"):
        return _missing(request)
    data = await request.config_dict[MEDIA].load(document.key)
    return web.Response(body=data, content_type=document.content_type)


@web.middleware
async def tracking_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The reader's language from Accept-Language; private headers on every answer."""
    settings = request.app[SETTINGS]
    language = request_language(request, settings.default_language)
    with request.app[I18N].use_locale(language) as active:
        request["language"] = active
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            response = _missing(request)
    response.headers.update(PRIVATE_HEADERS)
    return response


def create_tracking(settings: Settings, i18n: I18n) -> web.Application:
    """The sub-application mounted at /t."""
    app = web.Application()
    app[SETTINGS] = settings
    app[I18N] = i18n
    app.middlewares.append(tracking_middleware)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[_context, aiohttp_jinja2.request_processor],
    )
    env.globals.update(_=_)
    app.router.add_static("/static", HERE / "static" / "tracking", name="static")
    app.router.add_get("/{token}", tracking_page, name="page")
    app.router.add_get(r"/{token}/proof/{doc_id:\d+}", proof_photo, name="proof")
    return app


async def _context(request: web.Request) -> dict[str, Any]:
    return {"language": request.get("language", "en")}
