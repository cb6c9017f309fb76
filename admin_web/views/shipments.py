"""Shipments in the panel: the list with its filters, a shipment's page with its actions, and
the CSV import of carriers' status files.

Every page reads through core.services.shipments with the signed-in Actor: a manager sees
their clients' shipments, a carrier's people only the shipments their company carries a leg
of (another's number is a 404, like a wrong one) and never a price or the client. Times are
shown and typed in the company's time zone and stored in UTC.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError
from tortoise.expressions import Q, Subquery

from admin_web.api.validation import field_errors
from admin_web.auth import ACTOR
from admin_web.keys import CLOCK, MEDIA, SETTINGS
from admin_web.params import as_day, as_id, day_bounds
from admin_web.routing import get, post
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import (
    Carrier,
    DocumentKind,
    Employee,
    EventSource,
    Order,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentLeg,
    ShipmentStatus,
)
from core.services.access import Actor, Permission
from core.services.company import current_company, zone_of
from core.services.directions import country_choices, direction_from, direction_params
from core.services.quote_text import MODE_LABELS
from core.services.shipment_import import COLUMNS, import_events
from core.services.shipment_status import STATUS_LABELS
from core.services.shipment_tiles import IN_TRANSIT, is_late, only_late, without_proof
from core.services.shipments import (
    EventInput,
    ShipmentFilters,
    assign_carrier,
    attach_document,
    carriers_for_leg,
    documents_of,
    filter_shipments,
    record_event,
    sees_prices,
    shipment_by_number,
    shipment_view,
    visible_shipments,
)

PAGE_SIZE = 50
NUMBER = r"{number:[A-Za-z0-9-]+}"
# The tiles' "in transit" group, as one choice of the status filter.
MOVING = "moving"
DONE_MESSAGES = {
    "event": N_("The event is added."),
    "carrier": N_("The carrier is assigned."),
    "document": N_("The file is attached."),
}
KIND_LABELS = {
    DocumentKind.PHOTO: N_("Photo"),
    DocumentKind.DOCUMENT: N_("Document"),
    DocumentKind.PROOF: N_("Proof of delivery"),
}
SOURCE_LABELS = {
    EventSource.STAFF: N_("Staff"),
    EventSource.CARRIER: N_("Carrier"),
    EventSource.API: N_("Carrier's system"),
    EventSource.IMPORT: N_("Import"),
    EventSource.SYSTEM: N_("System"),
}
TOO_LARGE = "too_large"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _now(request: web.Request) -> dt.datetime:
    clock = request.config_dict.get(CLOCK)
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


async def _zone() -> ZoneInfo:
    return zone_of(await current_company())


def _is_carrier(actor: Actor) -> bool:
    return actor.role is Role.CARRIER


def _statuses() -> list[tuple[str, str]]:
    return [(MOVING, _("On the way")), *((s.value, _(STATUS_LABELS[s])) for s in ShipmentStatus)]


def _modes(legs: list[ShipmentLeg]) -> str:
    return ", ".join(dict.fromkeys(_(MODE_LABELS.get(leg.mode, leg.mode)) for leg in legs))


# ---- the list --------------------------------------------------------------------------


async def shipments_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    params = request.query
    now = _now(request)
    query = visible_shipments(actor)
    chosen: dict[str, Any] = {
        "q": params.get("q", "").strip()[:20],
        "status": params.get("status", ""),
        "carrier": as_id(params.get("carrier")),
        "manager": as_id(params.get("manager")),
        "late": "yes" if params.get("late") == "yes" else "",
        "proof": "missing" if params.get("proof") == "missing" else "",
    }
    if chosen["q"]:
        query = query.filter(number__icontains=chosen["q"])
    if chosen["status"] == MOVING:
        query = query.filter(status__in=IN_TRANSIT)
    elif chosen["status"] in ShipmentStatus._value2member_map_:
        query = query.filter(status=chosen["status"])
    else:
        chosen["status"] = ""
    if chosen["carrier"]:
        carried = ShipmentLeg.filter(carrier_id=chosen["carrier"]).values("shipment_id")
        query = query.filter(id__in=Subquery(carried))
    if chosen["manager"] and not _is_carrier(actor):
        query = query.filter(manager_id=chosen["manager"])
    if chosen["late"]:
        query = only_late(query, now)
    if chosen["proof"]:
        query = without_proof(query)
    filters, dates = await _period_and_direction(params)
    query = filter_shipments(query, filters)
    page = max(1, min(as_id(params.get("page")) or 1, 100_000))
    total = await query.count()
    rows = (
        await query.order_by("-created_at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .prefetch_related("legs", "client", "manager")
    )
    carrier_ids = {leg.carrier_id for s in rows for leg in s.legs if leg.carrier_id}
    names = dict(await Carrier.filter(id__in=carrier_ids).values_list("id", "name"))
    shipments = [
        {
            "shipment": s,
            "route": " → ".join(
                [s.legs[0].origin, *(leg.destination for leg in s.legs)] if s.legs else []
            ),
            "modes": _modes(list(s.legs)),
            "carriers": ", ".join(
                dict.fromkeys(names[leg.carrier_id] for leg in s.legs if leg.carrier_id in names)
            ),
            "late": is_late(s, now),
        }
        for s in rows
    ]
    context = {
        "shipments": shipments,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "chosen": chosen,
        "statuses": _statuses(),
        "status_labels": STATUS_LABELS,
        "carriers": [] if _is_carrier(actor) else await _carrier_choices(),
        "managers": [] if _is_carrier(actor) else await _manager_choices(actor),
        "staff_view": not _is_carrier(actor),
        "dates": dates,
        "direction": filters.direction,
        "countries": await country_choices(filters.direction),
        "query_without_page": urlencode(
            [
                *((k, v) for k, v in chosen.items() if v),
                *((k, v) for k, v in dates.items() if v),
                *direction_params(filters.direction),
            ]
        ),
    }
    return aiohttp_jinja2.render_template("shipments_list.html", request, context)


DATE_PARAMS = ("from", "to", "delivered_from", "delivered_to")


async def _period_and_direction(
    params: Mapping[str, str],
) -> tuple[ShipmentFilters, dict[str, str]]:
    """Booked and delivered between local days (both included, company time zone) and the
    direction as the routes report names it: what report figures open. A bad date is
    ignored, like any unfit filter; the days read back are returned for the form."""
    days = {name: as_day(params.get(name)) for name in DATE_PARAMS}
    zone = await _zone()
    created = day_bounds(days["from"], days["to"], zone)
    delivered = day_bounds(days["delivered_from"], days["delivered_to"], zone)
    filters = ShipmentFilters(*created, *delivered, direction=direction_from(params))
    return filters, {k: v.isoformat() if v else "" for k, v in days.items()}


async def _carrier_choices() -> list[tuple[int, str]]:
    used = ShipmentLeg.filter(carrier_id__not_isnull=True).values("carrier_id")
    rows = await Carrier.filter(id__in=Subquery(used)).order_by("name").values_list("id", "name")
    return [(i, n) for i, n in rows]


async def _manager_choices(actor: Actor) -> list[tuple[int, str]]:
    managing = visible_shipments(actor).filter(manager_id__not_isnull=True).values("manager_id")
    rows = (
        await Employee.filter(Q(id__in=Subquery(managing)))
        .order_by("name")
        .values_list("id", "name")
    )
    return [(i, n) for i, n in rows]


# ---- one shipment ----------------------------------------------------------------------


def _local_input(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _local_moment(raw: object, zone: ZoneInfo) -> dt.datetime | None:
    """A time typed in the company's zone (as datetime-local sends it) in UTC; None if blank."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
        raise InvalidInput("occurred_at", N_("Enter a date and time like 2026-12-31 09:00."))
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


async def _shipment_page(
    request: web.Request,
    shipment: Shipment,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    now = _now(request)
    zone = await _zone()
    view = await shipment_view(shipment, actor)
    documents = await documents_of(shipment, actor)
    manages = actor.can(Permission.MANAGE_SHIPMENTS)
    staff_view = not _is_carrier(actor)
    order = (
        await Order.get_or_none(id=shipment.order_id)  # type: ignore[attr-defined]
        if sees_prices(actor)
        else None
    )
    employees = dict(
        await Employee.filter(
            id__in={e.employee_id for e in view.events if e.employee_id}  # type: ignore[attr-defined]
        ).values_list("id", "name")
    )
    event_carriers = dict(
        await Carrier.filter(
            id__in={e.carrier_id for e in view.events if e.carrier_id}  # type: ignore[attr-defined]
        ).values_list("id", "name")
    )
    legs = [
        {
            "leg": leg,
            "mode": _(MODE_LABELS.get(leg.mode, leg.mode)),
            "carrier": view.carriers.get(leg.carrier_id),  # type: ignore[attr-defined]
            "choices": [(c.id, c.name) for c in await carriers_for_leg(leg)] if manages else [],
            "current": leg.position == shipment.current_leg,
        }
        for leg in view.legs
    ]
    events = [
        {
            "event": e,
            "by": " · ".join(
                name
                for name in (
                    employees.get(e.employee_id),  # type: ignore[attr-defined]
                    event_carriers.get(e.carrier_id),  # type: ignore[attr-defined]
                )
                if name
            ),
            "source": _(SOURCE_LABELS.get(EventSource(e.source), e.source)),
        }
        for e in reversed(view.events)
    ]
    context = {
        "shipment": shipment,
        "status_label": STATUS_LABELS[ShipmentStatus(shipment.status)],
        "status_labels": STATUS_LABELS,
        "late": is_late(shipment, now),
        "legs": legs,
        "events": events,
        "documents": [(d, _(KIND_LABELS[DocumentKind(d.kind)])) for d in documents],
        "order": order,
        "client": await shipment.client if staff_view else None,
        "manager": await shipment.manager if staff_view else None,
        "staff_view": staff_view,
        "may_report": actor.can(Permission.REPORT_SHIPMENT_EVENTS),
        "manages": manages,
        "statuses": [(s.value, _(STATUS_LABELS[s])) for s in ShipmentStatus],
        "kinds": [(k.value, _(label)) for k, label in KIND_LABELS.items()],
        "values": values or {"status": "", "occurred_at": _local_input(now, zone)},
        "errors": errors or {},
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "upload_error": _upload_error(request),
        "tracking_url": _tracking_url(request, shipment) if staff_view else None,
        "max_mb": request.config_dict[SETTINGS].media_max_mb,
    }
    return aiohttp_jinja2.render_template("shipment.html", request, context, status=status)


def _upload_error(request: web.Request) -> str | None:
    if request.query.get("error") != TOO_LARGE:
        return None
    return _(
        "The file is too large: at most {mb} MB, please.",
        mb=request.config_dict[SETTINGS].media_max_mb,
    )


def _tracking_url(request: web.Request, shipment: Shipment) -> str:
    base = request.config_dict[SETTINGS].public_url or f"{request.scheme}://{request.host}"
    return f"{base.rstrip('/')}/t/{shipment.tracking_token}"


async def shipment_page(request: web.Request) -> web.StreamResponse:
    shipment = await shipment_by_number(request[ACTOR], request.match_info["number"])
    return await _shipment_page(request, shipment)


async def add_event(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    shipment = await shipment_by_number(actor, request.match_info["number"])
    form = await request.post()
    values = {k: str(form.get(k, "")).strip() for k in EVENT_FIELDS}
    try:
        leg = int(values["leg"]) if values["leg"].isdigit() and len(values["leg"]) <= 2 else None
        try:
            data = EventInput(
                status=values["status"],  # type: ignore[arg-type]
                occurred_at=_local_moment(values["occurred_at"], await _zone()),
                place=values["place"],
                note=values["note"],
                leg=leg,
                override=bool(form.get("override")) and actor.can(Permission.MANAGE_SHIPMENTS),
            )
        except ValidationError as exc:
            where, message = (field_errors(exc) or [("status", _("Check this value."))])[0]
            raise InvalidInput(where.split(".")[0], message) from None
        await record_event(actor, shipment.number, data, _now(request), source=_source(actor))
    except InvalidInput as exc:
        errors = {exc.field: _(exc.msgid, **exc.params)}
        return await _shipment_page(request, shipment, values, errors, 422)
    raise web.HTTPFound(f"/admin/shipments/{shipment.number}?done=event")


EVENT_FIELDS = ("status", "occurred_at", "place", "note", "leg")


def _source(actor: Actor) -> EventSource:
    return EventSource.CARRIER if _is_carrier(actor) else EventSource.STAFF


async def set_carrier(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    shipment = await shipment_by_number(actor, request.match_info["number"])
    form = await request.post()
    position = str(form.get("leg", ""))
    carrier = as_id(form.get("carrier_id"))
    try:
        if not position.isdigit() or len(position) > 2:
            raise InvalidInput("carrier_id", N_("This shipment has no such leg."))
        if carrier is None:
            raise InvalidInput("carrier_id", N_("Pick from the list."))
        await assign_carrier(actor, shipment.number, int(position), carrier)
    except InvalidInput as exc:
        return await _shipment_page(
            request, shipment, None, {exc.field: _(exc.msgid, **exc.params)}, 422
        )
    raise web.HTTPFound(f"/admin/shipments/{shipment.number}?done=carrier")


async def upload_document(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    shipment = await shipment_by_number(actor, request.match_info["number"])
    form = await request.post()
    upload = form.get("file")
    data = await asyncio.to_thread(upload.file.read) if isinstance(upload, web.FileField) else b""
    try:
        kind = DocumentKind(str(form.get("kind", "")) or DocumentKind.PHOTO.value)
    except ValueError:
        kind = DocumentKind.PHOTO
    try:
        await attach_document(
            actor,
            shipment.number,
            data,
            request.config_dict[MEDIA],
            request.config_dict[SETTINGS].media_max_mb * 1024 * 1024,
            kind=kind,
            name=upload.filename if isinstance(upload, web.FileField) else "",
            recipient_name=str(form.get("recipient_name", "")).strip(),
        )
    except InvalidInput as exc:
        return await _shipment_page(
            request, shipment, None, {"file": _(exc.msgid, **exc.params)}, 422
        )
    raise web.HTTPFound(f"/admin/shipments/{shipment.number}?done=document")


async def document_file(request: web.Request) -> web.StreamResponse:
    """A shipment's file for someone who may see the shipment; the type is the one we found
    in its bytes, and it is never run as a page."""
    actor: Actor = request[ACTOR]
    shipment = await shipment_by_number(actor, request.match_info["number"])
    doc_id = as_id(request.match_info.get("doc_id"))
    # A carrier opens only what its own people added, as on the shipment page.
    visible = {d.id for d in await documents_of(shipment, actor)}
    document = (
        await ShipmentDocument.get_or_none(id=doc_id or 0, shipment_id=shipment.id)
        if doc_id in visible
        else None
    )
    if document is None:
        raise web.HTTPNotFound()
    data = await request.config_dict[MEDIA].load(document.key)
    disposition = "inline" if document.content_type.startswith("image/") else "attachment"
    extension = document.key.rsplit(".", 1)[-1]
    return web.Response(
        body=data,
        content_type=document.content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{shipment.number}-{document.id}.'
            f'{extension}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@web.middleware
async def upload_size_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Uploads of shipment files may be up to MEDIA_MAX_MB (the rest of the panel keeps the
    1 MiB limit); a file larger still is answered on the shipment's page, not with a bare 413.
    Outermost in the panel, before anything reads the body."""
    if request.method != "POST" or not _is_upload(request.path):
        return await handler(request)
    limit = (request.config_dict[SETTINGS].media_max_mb + 1) * 1024 * 1024
    try:
        return await handler(request.clone(client_max_size=limit))
    except web.HTTPRequestEntityTooLarge:
        back = request.path.rsplit("/", 1)[0]
        raise web.HTTPSeeOther(f"{back}?error={TOO_LARGE}") from None


def _is_upload(path: str) -> bool:
    parts = path.strip("/").split("/")
    return len(parts) == 4 and parts[:2] == ["admin", "shipments"] and parts[3] == "documents"


# ---- CSV import ------------------------------------------------------------------------


async def import_page(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template(
        "shipments_import.html", request, {"columns": COLUMNS, "report": None}
    )


async def import_submit(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    upload = form.get("file")
    data = await asyncio.to_thread(upload.file.read) if isinstance(upload, web.FileField) else b""
    report = await import_events(actor, data, await _zone(), _now(request))
    context = {"columns": COLUMNS, "report": report, "status_labels": STATUS_LABELS}
    status = 422 if report.problems and not report.stored else 200
    return aiohttp_jinja2.render_template("shipments_import.html", request, context, status=status)


ROUTES = [
    get("/shipments", shipments_page, "shipments", Permission.VIEW_SHIPMENTS),
    get("/shipments/import", import_page, "shipments.csv", Permission.REPORT_SHIPMENT_EVENTS),
    post(
        "/shipments/import",
        import_submit,
        "shipments.csv_submit",
        Permission.REPORT_SHIPMENT_EVENTS,
    ),
    get(f"/shipments/{NUMBER}", shipment_page, "shipments.view", Permission.VIEW_SHIPMENTS),
    post(
        f"/shipments/{NUMBER}/events",
        add_event,
        "shipments.event",
        Permission.REPORT_SHIPMENT_EVENTS,
    ),
    post(
        f"/shipments/{NUMBER}/carrier",
        set_carrier,
        "shipments.carrier",
        Permission.MANAGE_SHIPMENTS,
    ),
    post(
        f"/shipments/{NUMBER}/documents",
        upload_document,
        "shipments.upload",
        Permission.REPORT_SHIPMENT_EVENTS,
    ),
    get(
        rf"/shipments/{NUMBER}/documents/{{doc_id:\d+}}",
        document_file,
        "shipments.document",
        Permission.VIEW_SHIPMENTS,
    ),
]
